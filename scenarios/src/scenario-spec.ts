/**
 * A scenario's spec: what the runbook expects of a responder, as data the scorer, the runbook
 * checker and the debrief read. Actions are matched against journal entries; conditions are
 * checked against the world's readings.
 */
import { defaultPrimaryRegion, isBusinessHours, type PrimaryRegion } from './primary-region';
import type { Readings } from './scenario-types';
import { assessSeverity, significantLossTokens, type Severity, type SeverityAssessment, type SeverityFacts } from './severity';

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

/**
 * An alerting rule, declared with the incident it pages for. The simulator evaluates `holds`
 * over the world's readings every tick, the way Prometheus evaluates `expr` over `/metrics`
 * with the same `for`; scenarios/prometheus/alerts.yml is generated from these
 * (`alertRulesYaml`) and a test keeps the file equal to them.
 */
export interface AlertRuleSpec {
  name: string;
  /** Alertmanager routing: critical pages, warning notifies. */
  severity: 'critical' | 'warning';
  /** The runbook severity the alert is labelled with: what the matrix says its condition alone means. */
  runbookSeverity: Severity;
  summary: string;
  /** The runbook's trigger, as written there. */
  trigger: string;
  /** PromQL over the metrics gameday exports; must hold exactly when `holds` does. */
  expr: string;
  forMs: number;
  /**
   * Where a dashboard draws the rule: the reading its `expr` compares and the value it must
   * exceed (the trainer UI's charts draw this line, labelled with the rule). Only for a rule
   * that is one reading over a line; a test holds it to `holds` and `expr`.
   */
  threshold?: { reading: ChartedReading; above: number };
  holds(readings: Readings): boolean;
  /** The value shown on the pager (a ratio, a count). */
  value(readings: Readings): number;
}

/** Readings a dashboard charts over time, and so the ones a rule's threshold can be drawn on. */
export type ChartedReading = 'rollbackRate' | 'memoryRatio' | 'proofQueueRatio' | 'integrityCheckFailuresRecent';

/** Who the runbook has a responder escalate to. */
export const escalationTargets = ['platform-lead', 'engineering-leadership', 'finance', 'legal'] as const;
export type EscalationTarget = (typeof escalationTargets)[number];

/**
 * The incident's cause as a thing in the world: what it is, where a responder finds its
 * evidence, and what takes it away. Read by the debrief and the docs once the drill is over;
 * never shown while it runs (the evidence is, where it lives).
 */
export interface CauseSpec {
  kind: 'deploy' | 'config' | 'dependency' | 'bug';
  /** What broke, in the post-mortem's words. */
  description: string;
  /** Where the evidence is: what a responder runs, and what it shows. */
  evidence: Array<{ command: string; shows: string }>;
  /** What takes the cause away, and who does it (the responder, or another team, announced). */
  fix: string;
}

/** One of the runbook's Recovery steps, matched like a required action. */
export interface RecoveryStep {
  id: string;
  description: string;
  command: string;
  anyOf: ActionMatcher[];
  why: string;
}

export interface ScenarioSpec {
  incident: string;
  /** The runbook section's heading, e.g. `INC-SPEC-001: Cascading Rollback Storm`. */
  runbookSection: string;
  /** The runbook's trigger line. */
  trigger: string;
  /** The alerts that page for this incident (the trigger's, and a milder one where variants stay below it). */
  alertRules: AlertRuleSpec[];
  requiredActions: RequiredAction[];
  harmfulActions: HarmfulAction[];
  /** The incident stops getting worse. */
  mitigated: Condition;
  /**
   * The service is restored: with the scenario's cause gone (`context.causeFixed`), these
   * readings hold for `forMs`. The drill checks it every tick; a declaration of resolved is
   * judged against it.
   */
  resolved: Condition;
  cause: CauseSpec;
  /** The runbook's Recovery steps for this incident. */
  recovery: RecoveryStep[];
  /**
   * The runbook's "if the cause is unclear, stabilise first (disable speculation)": the first
   * change a responder makes should be disabling speculation.
   */
  stabiliseFirst: boolean;
  /** Escalations this incident's section asks for, whatever the severity (the matrix's come on top). */
  escalateTo: EscalationTarget[];
  /**
   * What someone escalated to says in this incident instead of their usual acknowledgement
   * (`incident-people.ts` has the usual lines and when each is said): questions, never answers.
   */
  people?: Partial<Record<EscalationTarget, string>>;
  /** Position on the onboarding path: 1 is taken first. */
  onboardingRank: number;
  /** What the incident costs, second by second: the outcome a score measures against its counterfactuals. */
  impact: ImpactSpec;
}

/**
 * What an incident costs, declared once with it: its own harm (failed operations, corrupted
 * records, slashed tokens…) in its own unit, accrued every simulated second from the world's
 * readings, plus what speculation being off or below its normal settings costs in the same
 * unit. The drill sums both every tick (the harm, and minutes of speculation missing); the scorer
 * prices the missing minutes against the same drill left alone and compares the totals with it
 * and with the drill played along the ideal path.
 */
export interface ImpactSpec {
  /** What one unit is, plural: "operations rolled back or failed". */
  unit: string;
  /** How it accrues, in words (the debrief and the README show it). */
  description: string;
  /** The incident's own harm in the simulated second that ended at `now` (`before` is the second before). */
  harmPerSecond(now: Readings, before: Readings): number;
  /**
   * What a whole minute of speculation off costs, as a multiple of an average minute of the same
   * drill left alone (its harm over the scoring horizon, per minute): scale-free, so a variant
   * that slashes twenty times as much values the service the same against it. Settings below
   * normal cost their share of it.
   */
  unavailableWeight: number;
}

/** The service's normal demand, operations per second (the world serves this on a normal day). */
export const normalDemandPerSec = 200;

/** Proofs the proof queue holds before it rejects more (`proofQueueRatio` is the share of it in use). */
export const proofQueueCapacity = 50_000;

/**
 * How much of speculation's normal service is missing now (0..1): all of it while it is off;
 * with it on, what a shallower depth or a partial rollout leaves out (depth counts half,
 * in proportion to `max_depth` 4; the rollout scales what is left).
 */
export function speculationShortfall(readings: Pick<Readings, 'speculationEnabled' | 'maxDepth' | 'rolloutPercentage'>): number {
  if (!readings.speculationEnabled) return 1;
  const depth = 0.5 + 0.5 * Math.min(1, Math.max(0, readings.maxDepth) / 4);
  return 1 - depth * Math.min(1, Math.max(0, readings.rolloutPercentage) / 100);
}

/**
 * Operations an incident hurts each second beyond a normal day's (a healthy service rolls back
 * about 2.5% of speculative work; up to 4% is the normal drift): the share of the normal demand
 * rolled back, failed or left waiting on top of that.
 */
export function operationsHurtPerSecond(readings: Pick<Readings, 'operationsAffected'>): number {
  return Math.max(0, readings.operationsAffected - 0.04) * normalDemandPerSec;
}

/** Harm from a running total that only grows while the incident lasts (a restore that lowers it is not harm undone). */
export function growthOf(now: number, before: number): number {
  return Math.max(0, now - before);
}

/** The names of the spec's alerts. */
export function alertNames(spec: Pick<ScenarioSpec, 'alertRules'>): string[] {
  return spec.alertRules.map((rule) => rule.name);
}

/**
 * The settings the service normally runs with: what "speculation back on" means for a resolved
 * condition (the config's defaults).
 */
export const normalSettings: ReadingCondition[] = [
  { reading: 'speculationEnabled', op: '==', value: true },
  { reading: 'maxDepth', op: '>=', value: 4 },
  { reading: 'rolloutPercentage', op: '>=', value: 100 },
];

/** The escalations the severity matrix asks for at `severity`. */
export function matrixEscalations(severity: Severity): EscalationTarget[] {
  switch (severity) {
    case 'P1':
      return ['engineering-leadership'];
    case 'P2':
      return ['platform-lead'];
    case 'P3':
    case 'P4':
      return [];
  }
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
