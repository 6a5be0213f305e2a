/**
 * INC-SPEC-002, memory exhaustion. In most variants the cause is a release: the engine team's CI
 * rolls out speculation-engine 2.14.4 (a snapshot compaction rework) a minute or two before
 * memory starts climbing; its pods retain task state the normal GC does not reclaim and, while
 * one of them runs, the snapshot sweeper stalls. `kubectl rollout history`, `get events` and
 * `describe` show the release landing just before the climb; `kubectl rollout undo` replaces the
 * pods one by one with the previous release, and the leak goes with the last of them. In the
 * other variants nothing was released: load and workload size grew (the owning team said so in
 * #platform-alerts), the working set is live data no GC frees, and the fix is a bigger memory
 * limit (`kubectl set resources`) and tuned snapshot limits. On hard, someone raised the snapshot
 * retention before onset (in the config history): a second cause to find and undo.
 *
 * Immediate actions relieve it (a forced GC, cleared snapshots, a lower depth); recovery brings
 * the depth back a step at a time: restoring it at once while the fix is fresh sends the work
 * that queued meanwhile down deep chains together, and memory climbs again for a few minutes.
 */
import { assertEvent, assign, setup } from 'xstate';
import {
  commonVariant,
  configChanges,
  defaultTrackedConfig,
  incidentContext,
  peakCircumstances,
  phaseDelays,
  restoringTooFast,
  rolloutUndoStep,
  trackedConfigAfter,
  variantFaker,
  withHarm,
  type CommonVariant,
  type TrackedConfig,
} from './incident-kit';
import { type Drivers, type Happening, type ScenarioContext, type ScenarioDefinition, type ScenarioInput, type WorldEvent } from './scenario-types';
import { normalDemandPerSec, normalSettings, operationsHurtPerSecond, type ScenarioSpec, type Workaround } from './scenario-spec';
import { assessSeverity, calmFacts } from './severity';

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

/** The release that leaks, as the engine team's CI ships it. */
export const leakingRelease = { image: 'agenc/speculation-engine:2.14.4', note: 'snapshot compaction rework', by: 'speculation-engine-ci' } as const;
/** Snapshot retention at or below this undoes the hard variant's raised retention. */
export const sensibleRetentionMinutes = 30;
/** A snapshot cap at or below this bounds the snapshot store (the runbook's "tune snapshot limits"). */
export const boundedSnapshotCount = 100_000;
/** How long memory climbs again after speculation was restored too fast. */
export const relapseMs = 5 * 60_000;

/** What the variant's memory grows from. */
export type MemoryCause =
  /** A release that leaks, rolled out shortly before onset. */
  | { kind: 'release'; deployAtMs: number; pipeline: number }
  /** Legitimate growth: more load and bigger workloads; the limit no longer fits the working set. */
  | { kind: 'growth'; peakLoadMultiplier: number; peakWorkingSetMultiplier: number; neededLimitBytes: number; noticeAtMs: number; tenant: string };

export interface MemoryExhaustionVariant extends CommonVariant {
  /** Garbage retained per speculation pod per second at depth 4, at the peak. */
  peakLeakBytesPerSec: number;
  /** Tasks per minute that hang holding state. */
  stuckTasksPerMin: number;
  cause: MemoryCause;
  /** Hard only: a raised snapshot retention someone configured before onset. */
  retentionChange: { atMs: number; minutes: number; by: string; reason: string } | null;
}

export interface MemoryExhaustionContext extends ScenarioContext {
  variant: MemoryExhaustionVariant;
  /** The responder freed memory (forced GC or cleared snapshots). */
  relieved: boolean;
  /** The responder slowed the growth (lower depth, bounded snapshots, or speculation off). */
  growthSlowed: boolean;
  maxDepth: number;
  /** Share of the peak the incident drives at now (0 before onset). */
  intensity: number;
  /** The speculation-engine template's image and memory limit as this scenario knows them (null: as seeded). */
  image: string | null;
  memoryLimitBytes: number | null;
  /** The snapshot settings the responder left. */
  retentionMinutes: number;
  maxSnapshotCount: number;
  tracked: TrackedConfig;
  causeFixedAtMs: number | null;
  /** Until when memory climbs again after a too-fast restore (0: no relapse under way). */
  relapseUntilMs: number;
}

export function memoryExhaustionVariant(input: ScenarioInput): MemoryExhaustionVariant {
  const faker = variantFaker(input, 2);
  const common = commonVariant(faker, input.difficulty, input.onsetDelayMs);
  const peakLeakBytesPerSec = faker.number.float({ min: 0.6, max: 1.4, fractionDigits: 2 }) * MiB * (input.difficulty === 'hard' ? 1.4 : 1);
  const stuckTasksPerMin = faker.number.float({ min: 0.5, max: 2, fractionDigits: 1 });
  const workaround = faker.number.float() < 0.35 ? retryOnDirectPath(faker.number.int({ min: 2, max: 4 })) : null;
  // Drawn after the draws above, so a seed keeps its timings from before causes were modelled.
  const growth = faker.number.float() < 0.3;
  const leadMs = faker.number.int({ min: 40, max: 150 }) * 1000;
  const pipeline = faker.number.int({ min: 40_000, max: 49_999 });
  const peakLoadMultiplier = faker.number.float({ min: 1.3, max: 1.5, fractionDigits: 2 });
  const product = faker.number.float({ min: 2.8, max: 3.2, fractionDigits: 2 });
  const tenant = faker.company.name();
  const retentionMinutes = faker.number.int({ min: 6, max: 12 }) * 10;
  const retentionLeadMs = faker.number.int({ min: 8, max: 30 }) * 60_000;
  const ticket = faker.number.int({ min: 1000, max: 9999 });
  const cause: MemoryCause = growth
    ? {
        kind: 'growth',
        peakLoadMultiplier,
        peakWorkingSetMultiplier: Number((product / peakLoadMultiplier).toFixed(2)),
        // The smallest whole-GiB limit the peak working set fits in below 72%.
        neededLimitBytes: Math.ceil(peakWorkingSetBytes(product) / 0.72 / GiB) * GiB,
        noticeAtMs: Math.max(10_000, common.onsetAtMs - leadMs),
        tenant,
      }
    : { kind: 'release', deployAtMs: Math.max(10_000, common.onsetAtMs - leadMs), pipeline };
  const retentionChange =
    input.difficulty === 'hard'
      ? { atMs: Math.max(5_000, common.onsetAtMs - retentionLeadMs), minutes: retentionMinutes, by: 'data-platform', reason: `keep speculation snapshots longer for replay debugging (DP-${ticket})` }
      : null;
  return { ...common, peakLeakBytesPerSec, stuckTasksPerMin, workaround, cause, retentionChange };
}

/**
 * A speculation pod's working set at depth 4 when load times workload size is `product`: the
 * heap, its share of task state and of twenty minutes of snapshots (world.ts's model, at three pods).
 */
export function peakWorkingSetBytes(product: number): number {
  return 1.1 * GiB + product * 1.09 * GiB + 0.09 * GiB;
}

/** Some deployments retry work a dying pod dropped on the non-speculative path. */
function retryOnDirectPath(retries: number): Workaround {
  return {
    name: 'gateway retry on the direct path',
    description: `agenc-gateway retries an operation whose speculative task died with its pod up to ${retries} times on the direct (non-speculative) path (documented in the gateway runbook): users see latency, not failures`,
  };
}

/** What the incident drives at `intensity` of its peak, with a relapse's surge on top while it lasts. */
function incidentDrivers(context: MemoryExhaustionContext): Drivers {
  const { variant, intensity } = context;
  const surge = context.relapseUntilMs > 0;
  const base: Drivers = { ...context.drivers };
  if (variant.cause.kind === 'release') {
    base.snapshotSweeperStalled = intensity > 0;
    base.memoryLeakBytesPerSec = variant.peakLeakBytesPerSec * intensity;
    base.leakingImage = leakingRelease.image;
    base.stuckTasksPerMin = intensity >= 1 ? variant.stuckTasksPerMin : 0;
    base.loadMultiplier = 1;
    base.workingSetMultiplier = 1;
  } else {
    base.loadMultiplier = 1 + (variant.cause.peakLoadMultiplier - 1) * intensity;
    base.workingSetMultiplier = 1 + (variant.cause.peakWorkingSetMultiplier - 1) * intensity;
  }
  if (surge) {
    // The work that queued while speculation was held back starts deep chains all at once.
    base.loadMultiplier *= 1.4;
    base.workingSetMultiplier *= 1.5;
  }
  return base;
}

/** Whether the variant's causes are gone, from what the scenario knows and the latest readings. */
function causesGone(context: MemoryExhaustionContext, podsOutdated: number): boolean {
  if (podsOutdated > 0) return false;
  const { cause, retentionChange } = context.variant;
  const secondCauseGone = retentionChange === null || context.retentionMinutes <= sensibleRetentionMinutes;
  if (cause.kind === 'release') {
    // Until its release has rolled out there is nothing to fix; after, the image must be another one.
    return context.image !== null && context.image !== leakingRelease.image && secondCauseGone;
  }
  return context.memoryLimitBytes !== null && context.memoryLimitBytes >= cause.neededLimitBytes && secondCauseGone;
}

export const memoryExhaustionMachine = setup({
  types: {
    context: {} as MemoryExhaustionContext,
    events: {} as WorldEvent,
    input: {} as ScenarioInput,
  },
  delays: {
    ...phaseDelays,
    release: ({ context }) => (context.variant.cause.kind === 'release' ? context.variant.cause.deployAtMs : context.variant.cause.noticeAtMs),
    retentionChange: ({ context }) => context.variant.retentionChange?.atMs ?? 0,
  },
  guards: {
    isOutOfMemory: ({ event }) => event.type === 'world.observed' && (event.readings.memoryRatio > 0.95 || event.readings.oomKilledPods > 0),
    isRelieved: ({ context, event }) => event.type === 'world.observed' && context.relieved && event.readings.memoryRatio < 0.8 && event.readings.oomKilledPods === 0,
    isRecovered: ({ context, event }) => event.type === 'world.observed' && context.causeFixed && event.readings.memoryRatio < 0.75 && event.readings.oomKilledPods === 0,
    hasRetentionChange: ({ context }) => context.variant.retentionChange !== null,
    isSpeculationTemplate: ({ event }) => (event.type === 'deployment.updated' || event.type === 'deployment.rolledBack') && event.name === 'speculation-engine',
    isDeepening: ({ context, event }) => {
      const depth = configChanges(event)['speculation.max_depth'];
      return !context.causeFixed && typeof depth === 'number' && depth > context.maxDepth;
    },
    isRestoringTooFast: ({ context, event }) => event.type === 'config.changed' && restoringTooFast(context.tracked, trackedConfigAfter(context.tracked, event), context.causeFixedAtMs, event.simMs) !== null,
    isKeepingMoreSnapshots: ({ context, event }) => {
      const changes = configChanges(event);
      const retention = changes['speculation.snapshots.retention_minutes'];
      const maxCount = changes['speculation.snapshots.max_count'];
      return (typeof retention === 'number' && retention > Math.max(20, context.retentionMinutes)) || (typeof maxCount === 'number' && maxCount > 200_000);
    },
    isSlowingGrowth: ({ context, event }) => {
      const changes = configChanges(event);
      const depth = changes['speculation.max_depth'];
      const maxCount = changes['speculation.snapshots.max_count'];
      return (typeof depth === 'number' && depth < Math.min(context.maxDepth, 4)) || (typeof maxCount === 'number' && maxCount <= 150_000) || changes['speculation.enabled'] === false;
    },
  },
  actions: {
    intensify: assign(({ context }, params: { intensity: number }) => ({ intensity: params.intensity, drivers: incidentDrivers({ ...context, intensity: params.intensity }) })),
    release: assign(({ context }) => {
      const { cause } = context.variant;
      const happenings: Happening[] =
        cause.kind === 'release'
          ? [
              { kind: 'message', channel: '#deploys', from: leakingRelease.by, text: `speculation-engine 2.14.4 rolling out to production (${leakingRelease.note}) · pipeline #${cause.pipeline}` },
              { kind: 'deploy', deployment: 'speculation-engine', image: leakingRelease.image, changeCause: `deploy ${leakingRelease.image} (${leakingRelease.note}, release pipeline #${cause.pipeline})`, by: leakingRelease.by },
            ]
          : [
              {
                kind: 'message',
                channel: '#platform-alerts',
                from: 'customer-engineering',
                text: `heads-up: ${cause.tenant} is moving their settlement batches onto AgenC today. Expect about ${Math.round((cause.peakLoadMultiplier - 1) * 100)}% more operations through the afternoon, with larger contracts than our usual mix`,
              },
            ];
      return { happenings: [...context.happenings, ...happenings], image: cause.kind === 'release' ? leakingRelease.image : context.image };
    }),
    raiseRetention: assign(({ context }) => {
      const change = context.variant.retentionChange;
      if (!change) return {};
      return {
        retentionMinutes: change.minutes,
        happenings: [...context.happenings, { kind: 'config' as const, changes: { 'speculation.snapshots.retention_minutes': change.minutes }, by: change.by, reason: change.reason }],
      };
    }),
    noteTemplate: assign(({ event }) => {
      if (event.type !== 'deployment.updated' && event.type !== 'deployment.rolledBack') return {};
      return { image: event.image, memoryLimitBytes: event.memoryLimitBytes };
    }),
    /**
     * Every observation: whether the causes are gone now (the rollout shows in the readings),
     * and the end of a relapse's surge once it has run its course.
     */
    observe: assign(({ context, event }) => {
      assertEvent(event, 'world.observed');
      const fixed = context.intensity > 0 && causesGone(context, event.readings.speculationPodsOutdated);
      const surgeOver = context.relapseUntilMs > 0 && event.simMs >= context.relapseUntilMs;
      const relapseUntilMs = surgeOver ? 0 : context.relapseUntilMs;
      return {
        causeFixed: fixed,
        causeFixedAtMs: fixed ? (context.causeFixedAtMs ?? event.simMs) : null,
        relapseUntilMs,
        ...(surgeOver ? { drivers: incidentDrivers({ ...context, relapseUntilMs }) } : {}),
      };
    }),
    startRelapse: assign(({ context, event }) => {
      assertEvent(event, 'config.changed');
      const relapseUntilMs = event.simMs + relapseMs;
      return { relapseUntilMs, drivers: incidentDrivers({ ...context, relapseUntilMs }) };
    }),
    markRelieved: assign({ relieved: true }),
    markGrowthSlowed: assign({ growthSlowed: true }),
    trackConfig: assign(({ context, event }) => {
      assertEvent(event, 'config.changed');
      const depth = event.changes['speculation.max_depth'];
      const retention = event.changes['speculation.snapshots.retention_minutes'];
      const maxCount = event.changes['speculation.snapshots.max_count'];
      return {
        maxDepth: typeof depth === 'number' ? depth : context.maxDepth,
        retentionMinutes: typeof retention === 'number' ? retention : context.retentionMinutes,
        maxSnapshotCount: typeof maxCount === 'number' ? maxCount : context.maxSnapshotCount,
        tracked: trackedConfigAfter(context.tracked, event),
      };
    }),
    recordHarm: assign(({ context, event }, params: { action: string; why: string }) => withHarm(context, event, params)),
    recordRestoringTooFast: assign(({ context, event }) => {
      assertEvent(event, 'config.changed');
      const why = restoringTooFast(context.tracked, trackedConfigAfter(context.tracked, event), context.causeFixedAtMs, event.simMs) ?? '';
      return withHarm(context, event, { action: 'restore-too-fast', why });
    }),
  },
}).createMachine({
  id: 'memory-exhaustion',
  context: ({ input }) => {
    const variant = memoryExhaustionVariant(input);
    return {
      variant,
      ...incidentContext(variant),
      // At its peak every speculation pod is OOMKilled in turn: more than 10% of operations affected.
      expected: assessSeverity({ ...calmFacts, podsFailing: 2, operationsAffected: 0.3, degraded: true, ...peakCircumstances(variant, input) }),
      relieved: false,
      growthSlowed: false,
      maxDepth: 4,
      intensity: 0,
      image: null,
      memoryLimitBytes: null,
      retentionMinutes: 20,
      maxSnapshotCount: 200_000,
      tracked: { ...defaultTrackedConfig },
      causeFixedAtMs: null,
      relapseUntilMs: 0,
    };
  },
  initial: 'healthy',
  on: {
    'gc.forced': { actions: 'markRelieved' },
    'snapshots.cleared': { actions: 'markRelieved' },
    'deployment.updated': { guard: 'isSpeculationTemplate', actions: 'noteTemplate' },
    'deployment.rolledBack': { guard: 'isSpeculationTemplate', actions: 'noteTemplate' },
    'config.changed': [
      {
        guard: 'isDeepening',
        actions: [{ type: 'recordHarm', params: { action: 'deepen-while-exhausted', why: 'raised speculation.max_depth: deeper speculation holds more state per task' } }, 'trackConfig'],
      },
      { guard: 'isRestoringTooFast', actions: ['recordRestoringTooFast', 'startRelapse', 'trackConfig'] },
      {
        guard: 'isKeepingMoreSnapshots',
        actions: [{ type: 'recordHarm', params: { action: 'retain-more-snapshots', why: 'raised snapshot retention while memory is exhausted: more snapshots stay in memory' } }, 'trackConfig'],
      },
      { guard: 'isSlowingGrowth', actions: ['markGrowthSlowed', 'trackConfig'] },
      { actions: 'trackConfig' },
    ],
  },
  states: {
    healthy: {
      after: {
        retentionChange: { guard: 'hasRetentionChange', actions: 'raiseRetention' },
        release: { actions: 'release' },
        onset: 'onset',
      },
    },
    onset: {
      entry: { type: 'intensify', params: { intensity: 0.3 } },
      after: { escalate: 'escalating' },
      on: { 'world.observed': [{ guard: 'isOutOfMemory', target: 'critical', actions: 'observe' }, { guard: 'isRecovered', target: 'recovered', actions: 'observe' }, { guard: 'isRelieved', target: 'mitigated', actions: 'observe' }, { actions: 'observe' }] },
    },
    escalating: {
      entry: { type: 'intensify', params: { intensity: 1 } },
      on: { 'world.observed': [{ guard: 'isOutOfMemory', target: 'critical', actions: 'observe' }, { guard: 'isRecovered', target: 'recovered', actions: 'observe' }, { guard: 'isRelieved', target: 'mitigated', actions: 'observe' }, { actions: 'observe' }] },
    },
    critical: {
      on: { 'world.observed': [{ guard: 'isRecovered', target: 'recovered', actions: 'observe' }, { guard: 'isRelieved', target: 'mitigated', actions: 'observe' }, { actions: 'observe' }] },
    },
    mitigated: {
      on: { 'world.observed': [{ guard: 'isOutOfMemory', target: 'critical', actions: 'observe' }, { guard: 'isRecovered', target: 'recovered', actions: 'observe' }, { actions: 'observe' }] },
    },
    recovered: {
      on: { 'world.observed': [{ guard: 'isOutOfMemory', target: 'critical', actions: 'observe' }, { actions: 'observe' }] },
    },
  },
});

export const memoryExhaustionSpec: ScenarioSpec = {
  incident: 'INC-SPEC-002',
  trigger: 'Memory > 95% or OOMKilled pods',
  runbookSection: 'INC-SPEC-002: Memory Exhaustion',
  alertRules: [
    {
      name: 'SpeculationMemoryExhaustion',
      severity: 'critical',
      // Alone, pods OOMKilled or a pod near its limit are single pod issues and resource pressure: P3.
      runbookSeverity: 'P3',
      summary: 'Speculation pods out of memory',
      trigger: 'Memory > 95% or OOMKilled pods',
      expr: 'max(speculation_memory_usage_bytes / speculation_memory_limit_bytes) > 0.95 or max(speculation_oomkilled_pods) > 0',
      // A pod brushing its limit on one GC cycle does not page; OOMKilled pods count for five minutes after the kill.
      forMs: 60_000,
      threshold: { reading: 'memoryRatio', above: 0.95 },
      holds: (readings) => readings.memoryRatio > 0.95 || readings.oomKilledPods > 0,
      value: (readings) => readings.memoryRatio,
    },
  ],
  requiredActions: [
    { id: 'force-gc', description: 'Force GC', command: 'agenc admin gc --component speculation --force', anyOf: [{ kind: 'request', method: 'POST', route: '/admin/gc', detail: { force: true } }], order: 1, deadlineMs: 10 * 60_000, why: 'reclaims the garbage speculative state left behind, at once' },
    {
      id: 'clear-snapshots',
      description: 'Clear old snapshots',
      command: 'agenc speculation snapshots clear --older-than 30m --confirm',
      anyOf: [{ kind: 'request', method: 'POST', route: '/admin/speculation/snapshots/clear', detail: { dryRun: false } }],
      order: 2,
      deadlineMs: 15 * 60_000,
      why: 'drops the snapshots the stalled sweeper never expired',
    },
    {
      id: 'reduce-depth',
      description: 'If still high, reduce depth',
      command: `curl -X POST http://localhost:9090/admin/config -H "Authorization: Bearer $ADMIN_TOKEN" -d '{"speculation.max_depth": 2}'`,
      anyOf: [{ kind: 'config', key: 'speculation.max_depth', atMost: 2 }],
      order: 3,
      deadlineMs: 20 * 60_000,
      why: 'slows the growth: shallower chains hold less state and take smaller snapshots',
    },
  ],
  harmfulActions: [
    { id: 'deepen-while-exhausted', description: 'Raise speculation.max_depth', why: 'deeper speculation holds more state per task' },
    { id: 'retain-more-snapshots', description: 'Raise snapshot retention or max_count', why: 'more snapshots stay in memory' },
    { id: 'restore-too-fast', description: 'Restore speculation deeper than max_depth 1, or raise the depth more than a step at once, while the fix is fresh', why: 'the work that queued meanwhile starts deep chains together: memory climbs again' },
  ],
  mitigated: {
    all: [
      { reading: 'memoryRatio', op: '<', value: 0.8 },
      { reading: 'oomKilledPods', op: '==', value: 0 },
    ],
    forMs: 60_000,
    description: 'memory below 80% of the limit with no OOMKilled pod in the last five minutes',
  },
  resolved: {
    all: [{ reading: 'memoryRatio', op: '<', value: 0.75 }, { reading: 'oomKilledPods', op: '==', value: 0 }, ...normalSettings],
    forMs: 10 * 60_000,
    description: 'memory below 75% of the limit with no OOMKilled pod, speculation on at its normal settings, for ten minutes',
  },
  cause: {
    kind: 'deploy',
    description:
      'a release (speculation-engine 2.14.4, a snapshot compaction rework, rolled out by its CI shortly before onset) whose pods retain task state the GC does not reclaim and stall the snapshot sweeper; in some variants no release: load and workload size grew until the working set outgrew the memory limit. On hard, a snapshot retention raised before onset adds to it',
    evidence: [
      { command: 'kubectl rollout history deployment/speculation-engine -n production', shows: 'a new revision, its change-cause naming the release' },
      { command: 'kubectl get rs,events -n production', shows: 'the new ReplicaSet minutes old, its pods replacing the old ones just before memory started climbing' },
      { command: 'kubectl top pods -n production -l component=speculation', shows: 'memory climbing on the new pods; a forced GC frees a lot of it (garbage) or little (live data)' },
      { command: 'agenc speculation snapshots list', shows: 'snapshots older than their TTL piling up while the release runs' },
      { command: 'agenc messages --channel "#platform-alerts"', shows: 'without a release: the heads-up about more and larger work' },
      { command: 'agenc config history', shows: 'on hard: who raised the snapshot retention, and why' },
    ],
    fix: 'roll the release back (kubectl rollout undo deployment/speculation-engine -n production); the leak goes with the last of its pods. Without a release: raise the memory limit (kubectl set resources ... --limits=memory=...) to fit the working set and tune snapshot limits. On hard, also put the snapshot retention back',
  },
  recovery: [
    rolloutUndoStep('speculation-engine', { id: 'fix-leak', description: 'Fix leak if found', why: 'the previous release does not leak: its pods replace the leaking ones one by one' }),
    {
      id: 'scale-memory',
      description: 'Scale memory if legitimate growth',
      command: 'kubectl set resources deployment/speculation-engine -n production --limits=memory=8Gi',
      anyOf: [{ kind: 'request', method: 'PATCH', route: '/apis/apps/v1/namespaces/:namespace/deployments/:name', params: { namespace: 'production', name: 'speculation-engine' }, detail: { memoryLimitRaised: true } }],
      why: 'a working set that grew with the work fits a bigger limit; no GC frees live data',
    },
    {
      id: 'tune-snapshot-limits',
      description: 'Tune snapshot limits',
      command: `curl -X POST http://localhost:9090/admin/config -H "Authorization: Bearer $ADMIN_TOKEN" -d '{"speculation.snapshots.max_count": 2000}'`,
      anyOf: [{ kind: 'config', key: 'speculation.snapshots.max_count', atMost: boundedSnapshotCount }],
      why: 'bounded snapshots cannot pile up again',
    },
  ],
  stabiliseFirst: false,
  escalateTo: [],
  onboardingRank: 1,
  impact: {
    unit: 'operations slowed or failed',
    description: "every second, the operations hurt beyond a normal day's while speculation pods are OOM-killed and restarting, plus up to 30% of the demand slowed by GC thrashing as the fullest pod's memory goes from 80% to 100% of its limit; a minute of speculation off costs an average minute of the incident left alone",
    harmPerSecond: (now) => operationsHurtPerSecond(now) + Math.min(1, Math.max(0, (now.memoryRatio - 0.8) / 0.2)) * 0.3 * normalDemandPerSec,
    unavailableWeight: 1,
  },
};

export const memoryExhaustionScenario: ScenarioDefinition = {
  id: 'memory-exhaustion',
  incident: 'INC-SPEC-002',
  title: 'Memory exhaustion',
  summary: 'Speculation pods climb to their memory limit after a release (or with growing work) until they are OOMKilled.',
  difficulty: 'easy',
  machine: memoryExhaustionMachine,
  spec: memoryExhaustionSpec,
};
