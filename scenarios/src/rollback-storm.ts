/**
 * INC-SPEC-001, cascading rollback storm. An external dependency starts failing; speculative
 * tasks that read from it roll back, and their children roll back after them, further the
 * deeper speculation may chain. The dependency recovers on its own after a while (the "fix root
 * cause" the runbook waits for). Disabling speculation and draining stop the storm; re-enabling
 * at `max_depth: 1` after the cause is fixed holds; re-enabling before, or deepening chains
 * during the storm, brings it back. Left running above `rollbackAutoProtect`'s line, the
 * service disables speculation itself: the matrix's P2 "speculation auto-disabled".
 */
import { assertEvent, assign, setup } from 'xstate';
import { commonVariant, configChanges, peakCircumstances, phaseDelays, disableSpeculationStep, incidentContext, variantFaker, withHarm, type CommonVariant } from './incident-kit';
import { type DependencyFailure, type ScenarioContext, type ScenarioDefinition, type ScenarioInput, type WorldEvent } from './scenario-types';
import { normalSettings, type ScenarioSpec, type Workaround } from './scenario-spec';
import { assessSeverity, calmFacts } from './severity';

/**
 * The service's own protection against a storm: a rollback rate above `rollbackRateAbove`
 * (the 1-minute rate `speculation_rollback_rate` shows) held for `forMs` makes the service set
 * `speculation.enabled` to false itself, log it, and say so in its status. Declared here, with
 * the incident it answers; the world enforces it for every drill.
 */
export const rollbackAutoProtect = { rollbackRateAbove: 0.65, forMs: 5 * 60_000 } as const;

export interface RollbackStormVariant extends CommonVariant {
  /** Rollback rate the storm reaches at its peak with the default depth (0..1). */
  peakRollbackRate: number;
  /** The failing dependency; rollbacks and logs show its symptoms. */
  cascadeSource: DependencyFailure;
  /** When the dependency recovers, simulated ms after the drill starts. */
  causeFixedAtMs: number;
}

export interface RollbackStormContext extends ScenarioContext {
  variant: RollbackStormVariant;
  causeFixed: boolean;
  enabled: boolean;
  maxDepth: number;
}

export function rollbackStormVariant(input: ScenarioInput): RollbackStormVariant {
  const faker = variantFaker(input, 1);
  const common = commonVariant(faker, input.difficulty, input.onsetDelayMs);
  const severe = faker.number.float() < 0.6;
  // The same draws, in the same order, as when these were sentences naming the cause.
  const source = faker.helpers.arrayElement<() => DependencyFailure>([
    () => ({ endpoint: `price-feed-${faker.number.int({ min: 1, max: 9 })}.${faker.internet.domainWord()}.internal:443`, mode: 'timeout' }),
    () => ({ endpoint: `${faker.internet.ipv4()}:8545`, mode: 'stale' }),
    () => ({ endpoint: `${faker.internet.domainWord()}-sync:8545`, mode: 'refused' }),
  ])();
  const variant = {
    ...common,
    peakRollbackRate: severe ? faker.number.float({ min: 0.6, max: 0.8, fractionDigits: 2 }) : faker.number.float({ min: 0.3, max: 0.45, fractionDigits: 2 }),
    cascadeSource: source,
    causeFixedAtMs: common.onsetAtMs + faker.number.int({ min: 15, max: 30 }) * 60_000,
  };
  return { ...variant, workaround: faker.number.float() < 0.35 ? directExecution(faker.number.int({ min: 25, max: 60 })) : null };
}

/** Some deployments document a path around speculation for clients that cannot wait for the fix. */
function directExecution(extraLatencyMs: number): Workaround {
  return {
    name: 'direct execution',
    description: `clients may send operations with the header \`x-agenc-exec: direct\` to skip speculation for them (documented in the client SDK): about ${extraLatencyMs} ms slower at p50, never rolled back`,
  };
}

/** Cascade pressure that makes the rollback rate reach `fraction` of the peak at depth 4. */
const pressureFor = (context: RollbackStormContext, fraction: number) => (context.causeFixed ? 0 : Math.max(0, context.variant.peakRollbackRate - 0.025) * fraction);

export const rollbackStormMachine = setup({
  types: {
    context: {} as RollbackStormContext,
    events: {} as WorldEvent,
    input: {} as ScenarioInput,
  },
  delays: phaseDelays,
  guards: {
    isStormContained: ({ event }) => event.type === 'world.observed' && event.readings.rollbackRate < 0.1 && (!event.readings.speculationEnabled || event.readings.maxDepth <= 1),
    isStormBack: ({ event }) => event.type === 'world.observed' && event.readings.speculationEnabled && event.readings.rollbackRate > 0.25,
    isRecovered: ({ context, event }) => event.type === 'world.observed' && context.causeFixed && event.readings.speculationEnabled && event.readings.rollbackRate < 0.06,
    isCauseDue: ({ context, event }) => !context.causeFixed && event.simMs >= context.variant.causeFixedAtMs,
    isDeepeningChains: ({ context, event }) => {
      const depth = configChanges(event)['speculation.max_depth'];
      return !context.causeFixed && typeof depth === 'number' && depth > context.maxDepth;
    },
    isReenabledBeforeFix: ({ context, event }) => !context.causeFixed && configChanges(event)['speculation.enabled'] === true && !context.enabled,
  },
  actions: {
    setPressure: assign(({ context }, params: { fraction: number; crashing: boolean }) => ({
      drivers: {
        ...context.drivers,
        cascadePressure: pressureFor(context, params.fraction),
        cascadeSource: context.causeFixed ? null : context.variant.cascadeSource,
        // At its peak the storm overloads the engine: cascading failures across the system.
        crashingDeployments: { ...context.variant.redHerrings.crashingDeployments, ...(params.crashing && !context.causeFixed ? { 'speculation-engine': 4 } : {}) },
      },
    })),
    fixCause: assign(({ context }) => ({
      causeFixed: true,
      drivers: { ...context.drivers, cascadePressure: 0, cascadeSource: null, crashingDeployments: { ...context.variant.redHerrings.crashingDeployments } },
    })),
    trackConfig: assign(({ context, event }) => {
      assertEvent(event, 'config.changed');
      const enabled = event.changes['speculation.enabled'];
      const depth = event.changes['speculation.max_depth'];
      return { enabled: typeof enabled === 'boolean' ? enabled : context.enabled, maxDepth: typeof depth === 'number' ? depth : context.maxDepth };
    }),
    recordHarm: assign(({ context, event }, params: { action: string; why: string }) => withHarm(context, event, params)),
  },
}).createMachine({
  id: 'rollback-storm',
  context: ({ input }) => {
    const variant = rollbackStormVariant(input);
    return {
      variant,
      ...incidentContext(variant),
      expected: assessSeverity({ ...calmFacts, rollbackRate: variant.peakRollbackRate, ...peakCircumstances(variant, input) }),
      causeFixed: false,
      enabled: true,
      maxDepth: 4,
    };
  },
  initial: 'healthy',
  on: {
    'world.observed': { guard: 'isCauseDue', actions: 'fixCause' },
    'config.changed': [
      {
        guard: 'isDeepeningChains',
        actions: [{ type: 'recordHarm', params: { action: 'deepen-during-storm', why: 'raised speculation.max_depth during the storm: deeper chains let one rollback cascade further' } }, 'trackConfig'],
      },
      {
        guard: 'isReenabledBeforeFix',
        actions: [{ type: 'recordHarm', params: { action: 'reenable-before-fix', why: 're-enabled speculation before the failing dependency recovered: the storm resumes' } }, 'trackConfig'],
      },
      { actions: 'trackConfig' },
    ],
  },
  states: {
    healthy: {
      after: { onset: 'onset' },
    },
    onset: {
      entry: { type: 'setPressure', params: { fraction: 0.45, crashing: false } },
      after: { escalate: 'escalating' },
      on: { 'world.observed': [{ guard: 'isStormContained', target: 'mitigated' }, { guard: 'isCauseDue', actions: 'fixCause' }] },
    },
    escalating: {
      entry: { type: 'setPressure', params: { fraction: 0.75, crashing: false } },
      after: { turnCritical: 'critical' },
      on: { 'world.observed': [{ guard: 'isStormContained', target: 'mitigated' }, { guard: 'isRecovered', target: 'recovered' }, { guard: 'isCauseDue', actions: 'fixCause' }] },
    },
    critical: {
      entry: { type: 'setPressure', params: { fraction: 1, crashing: true } },
      on: { 'world.observed': [{ guard: 'isStormContained', target: 'mitigated' }, { guard: 'isRecovered', target: 'recovered' }, { guard: 'isCauseDue', actions: 'fixCause' }] },
    },
    mitigated: {
      on: { 'world.observed': [{ guard: 'isRecovered', target: 'recovered' }, { guard: 'isStormBack', target: 'critical' }, { guard: 'isCauseDue', actions: 'fixCause' }] },
    },
    recovered: {},
  },
});

export const rollbackStormSpec: ScenarioSpec = {
  incident: 'INC-SPEC-001',
  trigger: 'Rollback rate > 50% for > 2 minutes',
  runbookSection: 'INC-SPEC-001: Cascading Rollback Storm',
  alertRules: [
    {
      name: 'SpeculationRollbackStorm',
      severity: 'critical',
      runbookSeverity: 'P1',
      summary: 'Cascading rollback storm',
      trigger: 'Rollback rate > 50% for > 2 minutes',
      expr: 'speculation_rollback_rate > 0.5',
      forMs: 120_000,
      holds: (readings) => readings.rollbackRate > 0.5,
      value: (readings) => readings.rollbackRate,
    },
    {
      // Milder storms never cross the 50% trigger; the runbook's matrix still makes 25-50% a P2.
      name: 'SpeculationRollbackRateElevated',
      severity: 'warning',
      runbookSeverity: 'P2',
      summary: 'Rollback rate elevated (25-50% is P2 in the severity matrix)',
      trigger: 'Rollback rate > 25% for > 5 minutes',
      expr: 'speculation_rollback_rate > 0.25',
      forMs: 300_000,
      holds: (readings) => readings.rollbackRate > 0.25,
      value: (readings) => readings.rollbackRate,
    },
  ],
  requiredActions: [
    disableSpeculationStep({ description: 'Disable speculation', order: 1, deadlineMs: 15 * 60_000, why: 'stops new speculative tasks at once: no new rollbacks can cascade' }),
    {
      id: 'drain',
      description: 'Drain existing tasks',
      command: 'curl -X POST http://localhost:9090/admin/speculation/drain -H "Authorization: Bearer $ADMIN_TOKEN" --max-time 120',
      anyOf: [{ kind: 'request', method: 'POST', route: '/admin/speculation/drain' }],
      order: 2,
      deadlineMs: 20 * 60_000,
      why: 'lets in-flight tasks finish so no half-done speculation is left to roll back',
    },
    {
      id: 'find-cascade-source',
      description: 'Check for cascade source',
      command: 'agenc speculation rollbacks --since 10m --verbose | head -50',
      anyOf: [{ kind: 'request', method: 'GET', route: '/admin/speculation/rollbacks' }],
      order: 3,
      deadlineMs: 30 * 60_000,
      why: 'names the failing dependency, so you know what must recover before re-enabling',
    },
  ],
  harmfulActions: [
    { id: 'deepen-during-storm', description: 'Raise speculation.max_depth during the storm', why: 'deeper chains let one rollback cascade further' },
    { id: 'reenable-before-fix', description: 'Re-enable speculation before the root cause is fixed', why: 'the storm resumes' },
  ],
  mitigated: { all: [{ reading: 'rollbackRate', op: '<', value: 0.1 }], forMs: 60_000, description: 'rollback rate below 10% for a minute' },
  resolved: {
    all: [...normalSettings, { reading: 'rollbackRate', op: '<', value: 0.06 }],
    forMs: 5 * 60_000,
    description: 'speculation back at its normal settings (max_depth 4, full rollout) and the rollback rate normal for five minutes',
  },
  cause: {
    kind: 'dependency',
    description: 'a dependency the speculative tasks read from (an RPC node or an oracle feed) failed; every task reading it rolled back, and its children after it',
    evidence: [
      { command: 'agenc speculation rollbacks --since 10m --verbose | head -50', shows: 'the endpoint the first rollbacks of each chain read from, and how it failed' },
      { command: 'curl -s localhost:9090/metrics | grep -E speculation_rollback', shows: 'rollbacks by reason' },
    ],
    fix: 'the team that owns the dependency restores it and says so in #platform-alerts',
  },
  recovery: [
    {
      id: 'reenable-depth-1',
      description: 'Re-enable with max_depth: 1',
      command: `curl -X POST http://localhost:9090/admin/config -H "Authorization: Bearer $ADMIN_TOKEN" -d '{"speculation.enabled": true, "speculation.max_depth": 1}'`,
      anyOf: [{ kind: 'config', key: 'speculation.max_depth', atMost: 1 }],
      why: 'shallow chains first: if the dependency fails again, a rollback cannot cascade',
    },
    {
      id: 'increase-gradually',
      description: 'Gradually increase max_depth back to normal',
      command: `curl -X POST http://localhost:9090/admin/config -H "Authorization: Bearer $ADMIN_TOKEN" -d '{"speculation.max_depth": 2}'`,
      anyOf: [{ kind: 'config', key: 'speculation.max_depth', atLeast: 2, atMost: 3 }],
      why: 'each step is watched before the next, so a relapse stays small',
    },
  ],
  stabiliseFirst: true,
  escalateTo: [],
  onboardingRank: 2,
};

export const rollbackStormScenario: ScenarioDefinition = {
  id: 'rollback-storm',
  incident: 'INC-SPEC-001',
  title: 'Cascading rollback storm',
  summary: 'A failing dependency makes speculative tasks roll back, and their children after them.',
  difficulty: 'normal',
  machine: rollbackStormMachine,
  spec: rollbackStormSpec,
};
