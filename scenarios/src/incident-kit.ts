/**
 * What every incident scenario shares: pacing by difficulty, seeded red herrings, the primary
 * region, and the action that records a harmful step. Each scenario's machine still lives in
 * its own file; these are the parts that would otherwise be written five times.
 */
import { isBusinessHours, primaryRegions, seededEpochMs, type PrimaryRegion } from './primary-region';
import { backgroundNoise } from './red-herrings';
import { seededFaker, type SeededFaker } from './seeded-faker';
import { healthyDrivers, type Difficulty, type Drivers, type ScenarioContext, type ScenarioInput, type WorldEvent } from './scenario-types';
import type { AlertRuleSpec, ChartedReading, RecoveryStep, RequiredAction, Workaround } from './scenario-spec';
import type { SeverityFacts } from './severity';

/** How fast an incident unfolds: easy gives more time between phases, hard less. */
export function pace(difficulty: Difficulty): number {
  switch (difficulty) {
    case 'easy':
      return 1.5;
    case 'normal':
      return 1;
    case 'hard':
      return 0.6;
  }
}

export interface CommonVariant {
  /** When the first symptoms appear, simulated ms after the drill starts. */
  onsetAtMs: number;
  /** Onset to escalating, and escalating to critical. */
  escalateAfterMs: number;
  criticalAfterMs: number;
  /** Where the service runs: its local time decides business hours at each moment. */
  primaryRegion: PrimaryRegion;
  /** A documented workaround for this variant's symptoms; each incident draws its own (none by default). */
  workaround: Workaround | null;
  /** Noise that is not the incident. */
  redHerrings: Pick<Drivers, 'crashingDeployments' | 'misleadingLogs' | 'background'>;
}

/** Log lines that look alarming and are not the incident. */
function misleadingLine(faker: SeededFaker): string {
  const lines = [
    () => `TLS certificate for ${faker.internet.domainName()} expires in ${faker.number.int({ min: 5, max: 20 })} days`,
    () => `disk usage on /var/lib/agenc at ${faker.number.int({ min: 78, max: 89 })}% on ${faker.internet.domainWord()}-node`,
    () => `slow query on ${faker.database.column()} took ${faker.number.float({ min: 1.1, max: 2.9, fractionDigits: 1 })}s`,
    () => `rate limiter: tenant ${faker.internet.domainWord()} throttled (burst ${faker.number.int({ min: 120, max: 400 })} rps)`,
    () => `retrying webhook delivery to ${faker.internet.url()} (attempt ${faker.number.int({ min: 2, max: 5 })})`,
    () => `GC pause ${faker.number.int({ min: 120, max: 300 })}ms on agenc-gateway (young gen)`,
  ];
  return faker.helpers.arrayElement(lines)();
}

/** The timing, circumstances and noise shared by every incident, drawn from the seed. */
export function commonVariant(faker: SeededFaker, difficulty: Difficulty, onsetDelayMs = 0): CommonVariant {
  const speed = pace(difficulty);
  const herrings = { easy: 1, normal: 2, hard: 4 }[difficulty];
  return {
    onsetAtMs: onsetDelayMs + Math.round(faker.number.int({ min: 120, max: 300 }) * 1000 * Math.min(1, speed)),
    escalateAfterMs: Math.round(faker.number.int({ min: 150, max: 300 }) * 1000 * speed),
    criticalAfterMs: Math.round(faker.number.int({ min: 180, max: 360 }) * 1000 * speed),
    // One draw, as the coin flip it replaces took: the variants' later draws stay as they were.
    primaryRegion: faker.helpers.arrayElement(primaryRegions),
    workaround: null,
    redHerrings: {
      crashingDeployments: difficulty === 'hard' ? { 'agenc-gateway': 3 } : {},
      misleadingLogs: Array.from({ length: herrings }, () => misleadingLine(faker)),
      // Drawn by the world (red-herrings.ts), so the variant's own draws stay as they were.
      background: backgroundNoise(difficulty),
    },
  };
}

/** A faker for the scenario's variant, on a stream of its own (the world's noise uses another). */
export function variantFaker(input: ScenarioInput, salt: number): SeededFaker {
  return seededFaker((input.seed ^ (salt * 0x9e3779b1)) >>> 0);
}

/**
 * The context update that records a harmful action; each machine wraps it in its own `assign`
 * (a shared `assign` would be typed for the base context and break `setup`'s inference).
 */
export function withHarm(context: Pick<ScenarioContext, 'harmful'>, event: { simMs: number }, params: { action: string; why: string }): Pick<ScenarioContext, 'harmful'> {
  return { harmful: [...context.harmful, { action: params.action, why: params.why, simMs: event.simMs }] };
}

/** The changes of a `config.changed` event, or none. */
export function configChanges(event: WorldEvent): Record<string, boolean | number | string> {
  return event.type === 'config.changed' ? event.changes : {};
}

/** The part of every incident's initial context that does not depend on the incident: healthy
 * drivers plus the variant's red herrings, no harm yet, the variant's region and workaround. */
export function incidentContext(variant: CommonVariant): Pick<ScenarioContext, 'drivers' | 'harmful' | 'facts' | 'causeFixed' | 'happenings'> {
  return {
    drivers: { ...healthyDrivers, ...variant.redHerrings },
    harmful: [],
    facts: { primaryRegion: variant.primaryRegion, workaround: variant.workaround },
    causeFixed: false,
    happenings: [],
  };
}

/** Simulated ms after the drill starts at which the variant turns critical, left alone. */
export function peakAtMs(variant: CommonVariant): number {
  return variant.onsetAtMs + variant.escalateAfterMs + variant.criticalAfterMs;
}

/**
 * The facts of the variant's peak that are not measured: business hours in its primary region
 * at the moment it turns critical (on the drill's seeded epoch unless the input gives one),
 * and whether it has a workaround. The peak severity each incident expects builds on these.
 */
export function peakCircumstances(variant: CommonVariant, input: ScenarioInput): Pick<SeverityFacts, 'businessHours' | 'workaround'> {
  const epochMs = input.epochMs ?? seededEpochMs(input.seed);
  return { businessHours: isBusinessHours(variant.primaryRegion, epochMs + peakAtMs(variant)), workaround: variant.workaround !== null };
}

/** The runbook's "disable speculation" step, as several incident sections ask it. */
/**
 * A rule that is one charted reading over a line: the line the dashboard draws, the condition the
 * simulator evaluates and the pager's value, all from the one declaration (so they cannot disagree).
 */
export function readingAbove(reading: ChartedReading, above: number): Pick<AlertRuleSpec, 'threshold' | 'holds' | 'value'> {
  return { threshold: { reading, above }, holds: (readings) => readings[reading] > above, value: (readings) => readings[reading] };
}

export function disableSpeculationStep(step: Pick<RequiredAction, 'description' | 'order' | 'deadlineMs' | 'why'>): RequiredAction {
  return {
    id: 'disable-speculation',
    command: `curl -X POST http://localhost:9090/admin/config -H "Authorization: Bearer $ADMIN_TOKEN" -d '{"speculation.enabled": false}'`,
    anyOf: [{ kind: 'config', key: 'speculation.enabled', value: false }],
    ...step,
  };
}

/**
 * The named delays of the incident phases, read from the variant: `after: { onset, escalate,
 * turnCritical }` in every incident machine.
 */
export const phaseDelays = {
  onset: ({ context }: { context: { variant: CommonVariant } }) => context.variant.onsetAtMs,
  escalate: ({ context }: { context: { variant: CommonVariant } }) => context.variant.escalateAfterMs,
  turnCritical: ({ context }: { context: { variant: CommonVariant } }) => context.variant.criticalAfterMs,
};

/** The settings a scenario tracks from the responder's config changes (the world's defaults to start). */
export interface TrackedConfig {
  enabled: boolean;
  maxDepth: number;
  rolloutPercentage: number;
}

export const defaultTrackedConfig: Readonly<TrackedConfig> = { enabled: true, maxDepth: 4, rolloutPercentage: 100 };

/** The tracked settings after a `config.changed` event (unchanged for any other event). */
export function trackedConfigAfter(config: TrackedConfig, event: WorldEvent): TrackedConfig {
  const changes = configChanges(event);
  const enabled = changes['speculation.enabled'];
  const depth = changes['speculation.max_depth'];
  const rollout = changes['speculation.features.rollout_percentage'];
  return {
    enabled: typeof enabled === 'boolean' ? enabled : config.enabled,
    maxDepth: typeof depth === 'number' ? depth : config.maxDepth,
    rolloutPercentage: typeof rollout === 'number' ? rollout : config.rolloutPercentage,
  };
}

/**
 * How long a fix stays "fresh" after the cause went: the runbook's Recovery brings speculation
 * back at `max_depth: 1` and widens it gradually, so a fix that does not hold hurts a few
 * shallow chains, not all of them.
 */
export const freshFixMs = 10 * 60_000;

/**
 * Why a config change restores speculation too fast while the fix is fresh, or null: turning
 * it on (or keeping it on) deeper than `max_depth: 1`, or raising the depth more than one step
 * at a time. Before the cause is fixed (`causeFixedAtMs` null) this says nothing: re-enabling
 * then is each incident's own harm.
 */
export function restoringTooFast(before: TrackedConfig, after: TrackedConfig, causeFixedAtMs: number | null, simMs: number): string | null {
  if (causeFixedAtMs === null || simMs - causeFixedAtMs >= freshFixMs || !after.enabled) return null;
  if (!before.enabled && after.maxDepth > 1) return `re-enabled speculation at max_depth ${after.maxDepth} while the fix was fresh: the runbook's Recovery starts at max_depth 1`;
  if (before.enabled && after.maxDepth > before.maxDepth + 1) return `raised max_depth from ${before.maxDepth} to ${after.maxDepth} at once while the fix was fresh: the runbook's Recovery increases it gradually`;
  return null;
}

type StepWords = Pick<RecoveryStep, 'id' | 'description' | 'why'>;

const configCommand = (body: string) => `curl -X POST http://localhost:9090/admin/config -H "Authorization: Bearer $ADMIN_TOKEN" -d '${body}'`;

/** The runbook's Recovery "re-enable with `max_depth: 1`", as several incidents ask it. */
export function reenableShallowStep(words: StepWords): RecoveryStep {
  return { command: configCommand('{"speculation.enabled": true, "speculation.max_depth": 1}'), anyOf: [{ kind: 'config', key: 'speculation.max_depth', atMost: 1 }], ...words };
}

/** The runbook's Recovery "gradually increase": a depth step between the shallow start and normal. */
export function increaseDepthStep(words: StepWords): RecoveryStep {
  return { command: configCommand('{"speculation.max_depth": 2}'), anyOf: [{ kind: 'config', key: 'speculation.max_depth', atLeast: 2, atMost: 3 }], ...words };
}

/** `kubectl rollout undo` of a production deployment, matched by the rollback it applied. */
export function rolloutUndoStep(deployment: string, words: StepWords): RecoveryStep {
  return {
    command: `kubectl rollout undo deployment/${deployment} -n production`,
    anyOf: [{ kind: 'request', method: 'PATCH', route: '/apis/apps/v1/namespaces/:namespace/deployments/:name', params: { namespace: 'production', name: deployment }, detail: { rolledBack: true } }],
    ...words,
  };
}
