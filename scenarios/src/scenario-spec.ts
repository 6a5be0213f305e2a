/**
 * A scenario's spec: what the runbook expects of a responder, as data the scorer, the runbook
 * checker and the debrief read. Actions are matched against journal entries; conditions are
 * checked against the world's readings.
 */
import { defaultPrimaryRegion, isBusinessHours, type PrimaryRegion } from './primary-region';
import type { Readings } from './scenario-types';
import { assessSeverity, significantLossTokens, type SeverityAssessment, type SeverityFacts } from './severity';

/** The part of a journal entry an action matcher looks at. */
export interface ActionRecord {
  source: string;
  action: string;
  outcome: string;
  detail?: Record<string, unknown>;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * A runbook action, described by what the request did: the route that served it, its
 * parameters, and what the handler noted it changed. Which client sent it (curl, agenc,
 * kubectl, a script) and what it claimed in its headers never count: only a request the
 * service accepted earns credit.
 */
export type ActionMatcher =
  /** A config change the service applied (`POST /admin/config`), setting `key` to `value` or within a range. */
  | { kind: 'config'; key: string; value?: boolean | number | string; atMost?: number; atLeast?: number }
  /** A scale of `deployment` the cluster applied (PATCH/PUT of its scale, or a replicas patch), to a replica count in range. */
  | { kind: 'scale'; deployment: string; atLeast?: number; atMost?: number }
  /**
   * A request a route of the service answered with success. `route` is the route as the
   * service declares it (`/api/v1/namespaces/:namespace/pods/:name/log`), `params` the values
   * its `:params` must have, and `detail` what the handler noted it did (`{ force: true }`).
   */
  | { kind: 'request'; method: HttpMethod | readonly HttpMethod[]; route: string; params?: Readonly<Record<string, string>>; detail?: Readonly<Record<string, boolean | number | string>> };

function inRange(value: unknown, atLeast?: number, atMost?: number): boolean {
  if (typeof value !== 'number') return false;
  return (atLeast === undefined || value >= atLeast) && (atMost === undefined || value <= atMost);
}

/**
 * The route that served a journaled request. Older journals (and entries written by hand)
 * only have the path; a path is only ever a route's when the route has no parameters.
 */
export function routeOf(detail: Record<string, unknown> | undefined): string | undefined {
  const route = detail?.route ?? detail?.path;
  return typeof route === 'string' ? route : undefined;
}

/** Whether an accepted journal entry is the action the matcher describes. */
export function matchesAction(matcher: ActionMatcher, record: ActionRecord): boolean {
  if (record.outcome !== 'accepted') return false;
  const detail = record.detail ?? {};
  switch (matcher.kind) {
    case 'config': {
      if (detail.method !== 'POST' || routeOf(detail) !== '/admin/config') return false;
      const changes = detail.changes as Record<string, unknown> | undefined;
      if (!changes || !Object.hasOwn(changes, matcher.key)) return false;
      const value = changes[matcher.key];
      if (matcher.value !== undefined) return value === matcher.value;
      return inRange(value, matcher.atLeast, matcher.atMost);
    }
    case 'scale':
      // `deployment` and `replicas` are noted only by the handler that applied the scale.
      return record.source === 'kube' && detail.deployment === matcher.deployment && inRange(detail.replicas, matcher.atLeast, matcher.atMost);
    case 'request': {
      const methods: readonly string[] = typeof matcher.method === 'string' ? [matcher.method] : matcher.method;
      if (typeof detail.method !== 'string' || !methods.includes(detail.method) || routeOf(detail) !== matcher.route) return false;
      const params = (detail.params ?? {}) as Record<string, unknown>;
      for (const [name, value] of Object.entries(matcher.params ?? {})) if (params[name] !== value) return false;
      for (const [name, value] of Object.entries(matcher.detail ?? {})) if (detail[name] !== value) return false;
      return true;
    }
  }
}

export interface RequiredAction {
  id: string;
  /** What the runbook asks, in its words. */
  description: string;
  /** The runbook command that does it. */
  command: string;
  /** Any of these journal entries counts. */
  anyOf: ActionMatcher[];
  /** Position in the runbook's numbered steps, where it orders them. */
  order?: number;
  /** Simulated ms after the alert fired by which it should be done. */
  deadlineMs?: number;
  /** What doing it changes: the debrief's answer to "what would it have changed". */
  why: string;
}

export interface HarmfulAction {
  /** The id the machine records in `context.harmful[].action`. */
  id: string;
  description: string;
  why: string;
}

export type Comparison = '<' | '<=' | '>' | '>=' | '==';
export interface ReadingCondition {
  reading: keyof Readings;
  op: Comparison;
  value: number | boolean;
}

/** All of `all` holding, continuously for `forMs`. */
export interface Condition {
  all: ReadingCondition[];
  forMs: number;
  description: string;
}

export function readingsSatisfy(condition: Condition, readings: Readings): boolean {
  return condition.all.every(({ reading, op, value }) => {
    const actual = readings[reading];
    switch (op) {
      case '<':
        return (actual as number) < (value as number);
      case '<=':
        return (actual as number) <= (value as number);
      case '>':
        return (actual as number) > (value as number);
      case '>=':
        return (actual as number) >= (value as number);
      case '==':
        return actual === value;
    }
  });
}

export interface ScenarioSpec {
  incident: string;
  /** The runbook's trigger line. */
  trigger: string;
  /** The alerts that page for this incident (the trigger's, and a milder one where variants stay below it). */
  alerts: string[];
  requiredActions: RequiredAction[];
  harmfulActions: HarmfulAction[];
  /** The incident stops getting worse. */
  mitigated: Condition;
  /** The service is back to normal with speculation on. */
  resolved: Condition;
}

/** A documented way for users to get their work done around the incident: it lowers the severity by one. */
export interface Workaround {
  /** What the service's docs call it. */
  name: string;
  /** What a responder reads in `agenc admin status --verbose`. */
  description: string;
}

/**
 * What a scenario knows that readings cannot show: the variant's circumstances. Both are shown
 * where a responder looks (the region and its local time in `agenc admin status` and the trainer
 * UI, the workaround in `agenc admin status --verbose`), read from here.
 */
export interface IncidentFacts {
  /** The service's primary region: its local time decides business hours. */
  primaryRegion: PrimaryRegion;
  /** A documented workaround for this variant's symptoms, or none. */
  workaround: Workaround | null;
}

export const noIncidentFacts: Readonly<IncidentFacts> = { primaryRegion: defaultPrimaryRegion, workaround: null };

/**
 * The severity facts of this moment, each from something a responder can look at: the world's
 * readings (status, metrics, kubectl, agenc), the primary region's local time at the drill's
 * simulated moment (`epochMs + readings.simMs`), and the variant's documented workaround.
 */
export function liveSeverityFacts(readings: Readings, facts: IncidentFacts, epochMs: number): SeverityFacts {
  return {
    rollbackRate: readings.rollbackRate,
    speculationNonFunctional: readings.speculationEnabled && readings.speculationPodsReady === 0,
    // Known at risk once an integrity scan has found inconsistent records, not before.
    dataAtRisk: readings.integrityCheckFailures > 0,
    fundsAtRisk: readings.slashedTokensLast24h >= significantLossTokens ? 'significant' : readings.slashedTokensLast24h > 0 ? 'some' : 'none',
    transactionsFailing: readings.proofQueueRatio >= 1 || readings.operationsPending > 10_000,
    autoProtecting: readings.speculationAutoDisabled,
    operationsAffected: readings.operationsAffected,
    proofCapacityUsed: readings.proofQueueRatio,
    podsFailing: readings.failingPods,
    degraded: readings.memoryRatio > 0.85 || readings.proofQueueRatio > 0.5,
    workaround: facts.workaround !== null,
    businessHours: isBusinessHours(facts.primaryRegion, epochMs + readings.simMs),
  };
}

export function liveSeverity(readings: Readings, facts: IncidentFacts, epochMs: number): SeverityAssessment {
  return assessSeverity(liveSeverityFacts(readings, facts, epochMs));
}
