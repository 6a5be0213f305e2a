/**
 * A scenario's spec: what the runbook expects of a responder, as data the scorer, the runbook
 * checker and the debrief read. Actions are matched against journal entries; conditions are
 * checked against the world's readings.
 */
import type { Readings } from './scenario-types';
import { assessSeverity, type SeverityAssessment, type SeverityFacts } from './severity';

/** The part of a journal entry an action matcher looks at. */
export interface ActionRecord {
  source: string;
  action: string;
  outcome: string;
  detail?: Record<string, unknown>;
}

export type ActionMatcher =
  /** A config change through the admin API setting `key` (to `value`, or within a range). */
  | { kind: 'config'; key: string; value?: boolean | number | string; atMost?: number; atLeast?: number }
  /** `POST /admin/speculation/drain`. */
  | { kind: 'drain' }
  /** A scale of `deployment` (kubectl), to a replica count in range. */
  | { kind: 'scale'; deployment: string; atLeast?: number; atMost?: number }
  /** An agenc command (`admin gc`), with these flags. */
  | { kind: 'agenc'; command: string; flags?: string[] }
  /** A scrape of /metrics. */
  | { kind: 'metrics' }
  /** A kubectl verb (`get`, `scale`, `logs`). */
  | { kind: 'kubectl'; verb: string };

function inRange(value: unknown, atLeast?: number, atMost?: number): boolean {
  if (typeof value !== 'number') return false;
  return (atLeast === undefined || value >= atLeast) && (atMost === undefined || value <= atMost);
}

/** Whether an accepted journal entry is the action the matcher describes. */
export function matchesAction(matcher: ActionMatcher, record: ActionRecord): boolean {
  if (record.outcome !== 'accepted') return false;
  const detail = record.detail ?? {};
  switch (matcher.kind) {
    case 'config': {
      if (detail.method !== 'POST' || detail.path !== '/admin/config') return false;
      const changes = detail.changes as Record<string, unknown> | undefined;
      if (!changes || !Object.hasOwn(changes, matcher.key)) return false;
      const value = changes[matcher.key];
      if (matcher.value !== undefined) return value === matcher.value;
      return inRange(value, matcher.atLeast, matcher.atMost);
    }
    case 'drain':
      return detail.path === '/admin/speculation/drain';
    case 'scale':
      return record.source === 'kube' && detail.deployment === matcher.deployment && inRange(detail.replicas, matcher.atLeast, matcher.atMost);
    case 'agenc': {
      if (record.source !== 'agenc') return false;
      const words = record.action.split(/\s+/);
      const command = matcher.command.split(' ');
      if (words[0] !== 'agenc' || !command.every((word, index) => words[index + 1] === word)) return false;
      return (matcher.flags ?? []).every((flag) => words.includes(flag));
    }
    case 'metrics':
      return record.source === 'metrics';
    case 'kubectl':
      return record.source === 'kube' && record.action === `kubectl ${matcher.verb}`;
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

/** What a scenario knows that readings cannot show: the variant's circumstances. */
export interface IncidentFacts {
  businessHours: boolean;
  workaround: boolean;
  dataAtRisk: boolean;
  fundsAtRisk: 'none' | 'some' | 'significant';
  autoProtecting: boolean;
}

export const noIncidentFacts: Readonly<IncidentFacts> = { businessHours: false, workaround: false, dataAtRisk: false, fundsAtRisk: 'none', autoProtecting: false };

/** The severity facts of this moment: readings for what is measured, the scenario for the rest. */
export function liveSeverityFacts(readings: Readings, facts: IncidentFacts): SeverityFacts {
  return {
    rollbackRate: readings.rollbackRate,
    speculationNonFunctional: readings.speculationEnabled && readings.speculationPodsReady === 0,
    dataAtRisk: facts.dataAtRisk,
    fundsAtRisk: facts.fundsAtRisk,
    transactionsFailing: readings.proofQueueRatio >= 1 || readings.operationsPending > 10_000,
    autoProtecting: facts.autoProtecting,
    operationsAffected: readings.operationsAffected,
    proofCapacityUsed: readings.proofQueueRatio,
    podsFailing: readings.failingPods,
    degraded: readings.memoryRatio > 0.85 || readings.proofQueueRatio > 0.5,
    workaround: facts.workaround,
    businessHours: facts.businessHours,
  };
}

export function liveSeverity(readings: Readings, facts: IncidentFacts): SeverityAssessment {
  return assessSeverity(liveSeverityFacts(readings, facts));
}
