/**
 * INC-SPEC-002, memory exhaustion. The snapshot sweeper stalls, so snapshots pile up, and
 * speculative task state leaks into garbage the normal GC does not reclaim; both grow faster the
 * deeper speculation chains. Left alone the speculation pods are OOMKilled. A forced GC and
 * clearing old snapshots relieve memory, a lower `max_depth` slows the growth, and bounding
 * snapshots (`speculation.snapshots.max_count`) stops the pile-up for good.
 */
import { assertEvent, assign, setup } from 'xstate';
import { commonVariant, configChanges, peakCircumstances, phaseDelays, incidentContext, variantFaker, withHarm, type CommonVariant } from './incident-kit';
import { type ScenarioContext, type ScenarioDefinition, type ScenarioInput, type WorldEvent } from './scenario-types';
import type { ScenarioSpec, Workaround } from './scenario-spec';
import { assessSeverity, calmFacts } from './severity';

const MiB = 1024 ** 2;

export interface MemoryExhaustionVariant extends CommonVariant {
  /** Garbage retained per speculation pod per second at depth 4, at the peak. */
  peakLeakBytesPerSec: number;
  /** Tasks per minute that hang holding state. */
  stuckTasksPerMin: number;
}

export interface MemoryExhaustionContext extends ScenarioContext {
  variant: MemoryExhaustionVariant;
  /** The responder freed memory (forced GC or cleared snapshots). */
  relieved: boolean;
  /** The responder slowed the growth (lower depth, bounded snapshots, or speculation off). */
  growthSlowed: boolean;
  maxDepth: number;
}

export function memoryExhaustionVariant(input: ScenarioInput): MemoryExhaustionVariant {
  const faker = variantFaker(input, 2);
  const variant = {
    ...commonVariant(faker, input.difficulty, input.onsetDelayMs),
    peakLeakBytesPerSec: faker.number.float({ min: 0.6, max: 1.4, fractionDigits: 2 }) * MiB * (input.difficulty === 'hard' ? 1.4 : 1),
    stuckTasksPerMin: faker.number.float({ min: 0.5, max: 2, fractionDigits: 1 }),
  };
  return { ...variant, workaround: faker.number.float() < 0.35 ? retryOnDirectPath(faker.number.int({ min: 2, max: 4 })) : null };
}

/** Some deployments retry work a dying pod dropped on the non-speculative path. */
function retryOnDirectPath(retries: number): Workaround {
  return {
    name: 'gateway retry on the direct path',
    description: `agenc-gateway retries an operation whose speculative task died with its pod up to ${retries} times on the direct (non-speculative) path (documented in the gateway runbook): users see latency, not failures`,
  };
}

export const memoryExhaustionMachine = setup({
  types: {
    context: {} as MemoryExhaustionContext,
    events: {} as WorldEvent,
    input: {} as ScenarioInput,
  },
  delays: phaseDelays,
  guards: {
    isOutOfMemory: ({ event }) => event.type === 'world.observed' && (event.readings.memoryRatio > 0.95 || event.readings.oomKilledPods > 0),
    isRelieved: ({ context, event }) => event.type === 'world.observed' && context.relieved && event.readings.memoryRatio < 0.8 && event.readings.oomKilledPods === 0,
    isRecovered: ({ context, event }) => event.type === 'world.observed' && context.relieved && context.growthSlowed && event.readings.memoryRatio < 0.75 && event.readings.oomKilledPods === 0,
    isDeepening: ({ context, event }) => {
      const depth = configChanges(event)['speculation.max_depth'];
      return typeof depth === 'number' && depth > context.maxDepth;
    },
    isKeepingMoreSnapshots: ({ event }) => {
      const changes = configChanges(event);
      const retention = changes['speculation.snapshots.retention_minutes'];
      const maxCount = changes['speculation.snapshots.max_count'];
      return (typeof retention === 'number' && retention > 20) || (typeof maxCount === 'number' && maxCount > 200_000);
    },
    isSlowingGrowth: ({ context, event }) => {
      const changes = configChanges(event);
      const depth = changes['speculation.max_depth'];
      const maxCount = changes['speculation.snapshots.max_count'];
      return (typeof depth === 'number' && depth < Math.min(context.maxDepth, 4)) || (typeof maxCount === 'number' && maxCount <= 150_000) || changes['speculation.enabled'] === false;
    },
  },
  actions: {
    setLeak: assign(({ context }, params: { fraction: number; stuck: boolean }) => ({
      drivers: {
        ...context.drivers,
        snapshotSweeperStalled: true,
        memoryLeakBytesPerSec: context.variant.peakLeakBytesPerSec * params.fraction,
        stuckTasksPerMin: params.stuck ? context.variant.stuckTasksPerMin : 0,
      },
    })),
    markRelieved: assign({ relieved: true }),
    markGrowthSlowed: assign({ growthSlowed: true }),
    trackDepth: assign(({ context, event }) => {
      assertEvent(event, 'config.changed');
      const depth = event.changes['speculation.max_depth'];
      return { maxDepth: typeof depth === 'number' ? depth : context.maxDepth };
    }),
    recordHarm: assign(({ context, event }, params: { action: string; why: string }) => withHarm(context, event, params)),
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
    };
  },
  initial: 'healthy',
  on: {
    'gc.forced': { actions: 'markRelieved' },
    'snapshots.cleared': { actions: 'markRelieved' },
    'config.changed': [
      {
        guard: 'isDeepening',
        actions: [{ type: 'recordHarm', params: { action: 'deepen-while-exhausted', why: 'raised speculation.max_depth: deeper speculation holds more state per task' } }, 'trackDepth'],
      },
      {
        guard: 'isKeepingMoreSnapshots',
        actions: { type: 'recordHarm', params: { action: 'retain-more-snapshots', why: 'raised snapshot retention while memory is exhausted: more snapshots stay in memory' } },
      },
      { guard: 'isSlowingGrowth', actions: ['markGrowthSlowed', 'trackDepth'] },
      { actions: 'trackDepth' },
    ],
  },
  states: {
    healthy: {
      after: { onset: 'onset' },
    },
    onset: {
      entry: { type: 'setLeak', params: { fraction: 0.3, stuck: false } },
      after: { escalate: 'escalating' },
      on: { 'world.observed': [{ guard: 'isOutOfMemory', target: 'critical' }, { guard: 'isRelieved', target: 'mitigated' }] },
    },
    escalating: {
      entry: { type: 'setLeak', params: { fraction: 1, stuck: true } },
      on: { 'world.observed': [{ guard: 'isOutOfMemory', target: 'critical' }, { guard: 'isRelieved', target: 'mitigated' }] },
    },
    critical: {
      on: { 'world.observed': [{ guard: 'isRecovered', target: 'recovered' }, { guard: 'isRelieved', target: 'mitigated' }] },
    },
    mitigated: {
      on: { 'world.observed': [{ guard: 'isOutOfMemory', target: 'critical' }, { guard: 'isRecovered', target: 'recovered' }] },
    },
    recovered: {
      on: { 'world.observed': { guard: 'isOutOfMemory', target: 'critical' } },
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
      runbookSeverity: 'P1',
      summary: 'Speculation pods out of memory',
      trigger: 'Memory > 95% or OOMKilled pods',
      expr: 'max(speculation_memory_usage_bytes / speculation_memory_limit_bytes) > 0.95 or max(speculation_oomkilled_pods) > 0',
      forMs: 0,
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
    all: [
      { reading: 'memoryRatio', op: '<', value: 0.75 },
      { reading: 'oomKilledPods', op: '==', value: 0 },
      { reading: 'speculationEnabled', op: '==', value: true },
    ],
    forMs: 10 * 60_000,
    description: 'memory below 75% for ten minutes with speculation on',
  },
  cause: {
    kind: 'bug',
    description: 'the snapshot sweeper stalled and speculative task state leaked into garbage the normal GC does not reclaim',
    evidence: [
      { command: 'agenc speculation snapshots list', shows: 'snapshots older than their TTL piling up' },
      { command: 'kubectl top pods -n production -l component=speculation', shows: 'memory climbing towards the limit between GCs' },
    ],
    fix: 'bound the snapshots (speculation.snapshots.max_count) so the pile-up stops',
  },
  recovery: [
    {
      id: 'tune-snapshot-limits',
      description: 'Tune snapshot limits',
      command: `curl -X POST http://localhost:9090/admin/config -H "Authorization: Bearer $ADMIN_TOKEN" -d '{"speculation.snapshots.max_count": 2000}'`,
      anyOf: [{ kind: 'config', key: 'speculation.snapshots.max_count', atMost: 100_000 }],
      why: 'bounded snapshots cannot pile up again',
    },
  ],
  stabiliseFirst: false,
  escalateTo: [],
  onboardingRank: 1,
};

export const memoryExhaustionScenario: ScenarioDefinition = {
  id: 'memory-exhaustion',
  incident: 'INC-SPEC-002',
  title: 'Memory exhaustion',
  summary: 'Snapshots pile up and task state leaks until the speculation pods run out of memory.',
  difficulty: 'easy',
  machine: memoryExhaustionMachine,
  spec: memoryExhaustionSpec,
};
