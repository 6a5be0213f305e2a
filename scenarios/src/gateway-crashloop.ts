/**
 * A single-service pod issue: the matrix's P3 ("single pod issues"), with no runbook section of
 * its own, so the P3 response procedure applies. A release of agenc-gateway rolls out a few
 * minutes into the drill; from then on its containers exit now and then, back off and restart.
 * Speculation itself is unaffected: the right response is to look at the pods, read the crashed
 * container's logs, find the release in the rollout history and roll it back, not to disable
 * speculation for every user or page leadership. Calling this P1 is wrong; that is the lesson.
 *
 * Declared whole here (machine, spec, alert rule, cause, recovery): adding it touched only this
 * file, its test and the registry (issue 14 item 7).
 */
import { assign, setup } from 'xstate';
import { commonVariant, configChanges, incidentContext, peakCircumstances, rolloutUndoStep, variantFaker, withHarm, type CommonVariant } from './incident-kit';
import { normalDemandPerSec, normalSettings, type ScenarioSpec } from './scenario-spec';
import type { Happening, ScenarioContext, ScenarioDefinition, ScenarioInput, WorldEvent } from './scenario-types';
import { assessSeverity, calmFacts } from './severity';

const deployment = 'agenc-gateway';
const namespace = 'production';

export interface GatewayCrashloopVariant extends CommonVariant {
  /** The release that rolls out: its image and the note its pipeline writes. */
  release: { image: string; changeCause: string; by: string };
  /** Container exits per hour across the gateway's pods once the release runs, at onset and at its worst. */
  crashesPerHour: { onset: number; peak: number };
}

export interface GatewayCrashloopContext extends ScenarioContext {
  variant: GatewayCrashloopVariant;
}

/** How long before the first exits the release rolls out: long enough for its pods to replace the old ones. */
const releaseLeadMs = 90_000;

export function gatewayCrashloopVariant(input: ScenarioInput): GatewayCrashloopVariant {
  const faker = variantFaker(input, 6);
  const common = commonVariant(faker, input.difficulty, input.onsetDelayMs);
  const minor = faker.number.int({ min: 15, max: 19 });
  const patch = faker.number.int({ min: 0, max: 4 });
  const topic = faker.helpers.arrayElement(['connection pool rework', 'HTTP/2 keep-alive tuning', 'upstream retry budget', 'TLS session cache', 'request body streaming']);
  return {
    ...common,
    // The gateway is this incident; its own restarts are no red herring here.
    redHerrings: { ...common.redHerrings, crashingDeployments: {} },
    onsetAtMs: Math.max(common.onsetAtMs, releaseLeadMs + 30_000),
    release: { image: `agenc/gateway:2.${minor}.${patch}`, changeCause: `deploy agenc-gateway 2.${minor}.${patch} (${topic})`, by: 'ci/gateway-team' },
    crashesPerHour: { onset: faker.number.int({ min: 40, max: 60 }), peak: faker.number.int({ min: 90, max: 140 }) },
  };
}

/** A rollout of the gateway back to anything but the release (an undo, or another image): the cause is gone. */
const undoesRelease = (context: GatewayCrashloopContext, event: WorldEvent) =>
  (event.type === 'deployment.rolledBack' || event.type === 'deployment.updated') && event.name === deployment && event.image !== context.variant.release.image;

export const gatewayCrashloopMachine = setup({
  types: {
    context: {} as GatewayCrashloopContext,
    events: {} as WorldEvent,
    input: {} as ScenarioInput,
  },
  delays: {
    release: ({ context }) => context.variant.onsetAtMs - releaseLeadMs,
    onset: ({ context }) => context.variant.onsetAtMs,
    escalate: ({ context }) => context.variant.escalateAfterMs,
    steady: () => 5 * 60_000,
  },
  guards: {
    undoesRelease: ({ context, event }) => undoesRelease(context, event),
    isDisablingSpeculation: ({ event }) => configChanges(event)['speculation.enabled'] === false,
    isScalingGatewayDown: ({ event }) => event.type === 'deployment.scaled' && event.name === deployment && event.replicas === 0,
    isSteady: ({ context, event }) => event.type === 'world.observed' && context.causeFixed && event.readings.failingPods === 0,
    isFailingAgain: ({ event }) => event.type === 'world.observed' && event.readings.failingPods > 0,
  },
  actions: {
    ship: assign(({ context }) => {
      const { image, changeCause, by } = context.variant.release;
      const release: Happening = { kind: 'deploy', deployment, image, changeCause, by };
      return { happenings: [...context.happenings, release] };
    }),
    crash: assign(({ context }, params: { perHour: number }) => {
      const crashing: Record<string, number> = context.causeFixed ? {} : { [deployment]: params.perHour };
      return { drivers: { ...context.drivers, crashingDeployments: crashing } };
    }),
    fixCause: assign(({ context }) => ({ causeFixed: true, drivers: { ...context.drivers, crashingDeployments: {} } })),
    recordHarm: assign(({ context, event }, params: { action: string; why: string }) => withHarm(context, event, params)),
  },
}).createMachine({
  id: 'gateway-crashloop',
  context: ({ input }) => {
    const variant = gatewayCrashloopVariant(input);
    return {
      variant,
      ...incidentContext(variant),
      expected: assessSeverity({ ...calmFacts, podsFailing: 1, ...peakCircumstances(variant, input) }),
    };
  },
  initial: 'healthy',
  on: {
    'deployment.rolledBack': { guard: 'undoesRelease', actions: 'fixCause' },
    'deployment.updated': { guard: 'undoesRelease', actions: 'fixCause' },
    'config.changed': {
      guard: 'isDisablingSpeculation',
      actions: { type: 'recordHarm', params: { action: 'disable-for-pod-issue', why: 'turned speculation off for every user over gateway pods restarting: a single pod issue handled as a P1' } },
    },
    'deployment.scaled': {
      guard: 'isScalingGatewayDown',
      actions: { type: 'recordHarm', params: { action: 'scale-gateway-to-zero', why: 'scaled agenc-gateway to 0: every client request now fails, not just the ones a restarting pod drops' } },
    },
  },
  states: {
    // The release rolls out; its containers start exiting a little later.
    healthy: {
      after: { release: { actions: 'ship' }, onset: 'onset' },
    },
    onset: {
      entry: { type: 'crash', params: ({ context }) => ({ perHour: context.variant.crashesPerHour.onset }) },
      after: { escalate: 'escalating' },
      on: { 'world.observed': { guard: 'isSteady', target: 'mitigated' } },
    },
    escalating: {
      entry: { type: 'crash', params: ({ context }) => ({ perHour: context.variant.crashesPerHour.peak }) },
      on: { 'world.observed': { guard: 'isSteady', target: 'mitigated' } },
    },
    // Fixed, and no pod failing: recovered once it stays so for a while.
    mitigated: {
      after: { steady: 'recovered' },
      on: { 'world.observed': { guard: 'isFailingAgain', target: 'escalating' } },
    },
    recovered: {},
  },
});

/** The matrix's P3 response (acknowledge, investigate, fix or document a workaround), as the commands that do it here. */
export const gatewayCrashloopSpec: ScenarioSpec = {
  incident: 'SEV-P3-POD',
  runbookSection: 'Severity matrix: P3, single pod issues (P3 response procedure)',
  trigger: 'Pods restarting: a container failing for more than 5 minutes',
  alertRules: [
    {
      name: 'AgencPodsCrashLooping',
      severity: 'warning',
      // What the matrix says of single pod issues alone; business hours may raise it.
      runbookSeverity: 'P3',
      summary: 'Service pods failing (OOMKilled, Error or CrashLoopBackOff)',
      trigger: 'Pods restarting: a container failing for more than 5 minutes',
      // Crash-looping, not failing this instant: between restarts the pods come up for a while, and the page must not resolve each time.
      expr: 'sum(agenc_pods_crash_looping) > 0',
      forMs: 5 * 60_000,
      holds: (readings) => readings.crashLoopingPods > 0,
      value: (readings) => readings.crashLoopingPods,
    },
  ],
  requiredActions: [
    {
      id: 'list-pods',
      description: 'See which pods are failing',
      command: `kubectl get pods -n ${namespace}`,
      anyOf: [{ kind: 'request', method: 'GET', route: '/api/v1/namespaces/:namespace/pods', params: { namespace } }],
      order: 1,
      deadlineMs: 60 * 60_000,
      why: 'shows it is one deployment restarting, not speculation down',
    },
    {
      id: 'previous-logs',
      description: "Read the crashed container's logs",
      command: `kubectl logs -n ${namespace} <pod> --previous`,
      anyOf: [{ kind: 'request', method: 'GET', route: '/api/v1/namespaces/:namespace/pods/:name/log', params: { namespace }, detail: { previous: true } }],
      order: 2,
      deadlineMs: 2 * 60 * 60_000,
      why: 'the last lines before the exit say what the container was doing',
    },
    {
      id: 'rollout-history',
      description: 'Check for recent code changes',
      command: `kubectl rollout history deployment/${deployment} -n ${namespace}`,
      anyOf: [{ kind: 'request', method: 'GET', route: '/apis/apps/v1/namespaces/:namespace/replicasets', params: { namespace } }],
      order: 3,
      deadlineMs: 2 * 60 * 60_000,
      why: 'the restarts began right after a release: the history shows which',
    },
    { ...rolloutUndoStep(deployment, { id: 'rollout-undo', description: 'Roll the release back', why: 'the previous release ran for weeks without restarts' }), order: 4, deadlineMs: 4 * 60 * 60_000 },
  ],
  harmfulActions: [
    { id: 'disable-for-pod-issue', description: 'Disable speculation for a single pod issue', why: 'speculation was healthy: every user loses it over a gateway restarting' },
    { id: 'scale-gateway-to-zero', description: 'Scale agenc-gateway to 0', why: 'turns some dropped requests into all requests failing' },
  ],
  mitigated: { all: [{ reading: 'failingPods', op: '==', value: 0 }], forMs: 60_000, description: 'no pod failing for a minute' },
  resolved: {
    all: [...normalSettings, { reading: 'failingPods', op: '==', value: 0 }],
    forMs: 10 * 60_000,
    description: 'the release rolled back, speculation at its normal settings, and no pod failing for ten minutes',
  },
  cause: {
    kind: 'deploy',
    description: 'an agenc-gateway release whose containers exit now and then; each exit backs off longer before the restart',
    evidence: [
      { command: `kubectl get pods -n ${namespace}`, shows: 'agenc-gateway pods with restarts, Error and CrashLoopBackOff' },
      { command: `kubectl describe pod -n ${namespace} <pod>`, shows: 'last state Terminated (Error), the restart count and back-off events' },
      { command: `kubectl logs -n ${namespace} <pod> --previous`, shows: "the crashed container's last line: an uncaught error in the request path, exiting with status 1" },
      { command: `kubectl rollout history deployment/${deployment} -n ${namespace}`, shows: 'a new revision, rolled out minutes before the first restart' },
    ],
    fix: `kubectl rollout undo deployment/${deployment} -n ${namespace}`,
  },
  recovery: [
    {
      id: 'watch-rollout',
      description: 'Watch the rollback complete',
      command: `kubectl rollout status deployment/${deployment} -n ${namespace}`,
      anyOf: [{ kind: 'request', method: 'GET', route: '/apis/apps/v1/namespaces/:namespace/deployments/:name', params: { namespace, name: deployment } }],
      why: 'the old pods are replaced one by one; it is over when every new pod is ready',
    },
  ],
  stabiliseFirst: false,
  escalateTo: [],
  // First on the onboarding path: the matrix's P3, one service and a rollback, no escalation, nothing at risk.
  onboardingRank: 0,
  impact: {
    unit: 'requests dropped',
    description: "every second, the share of the normal demand the gateway cannot take: half for each of its two pods not ready (restarting, backing off, or scaled away); a minute of speculation off costs an average minute of the incident left alone",
    harmPerSecond: (now) => (1 - Math.min(1, now.gatewayPodsReady / 2)) * normalDemandPerSec,
    unavailableWeight: 1,
  },
};

export const gatewayCrashloopScenario: ScenarioDefinition = {
  id: 'gateway-crashloop',
  incident: 'SEV-P3-POD',
  title: 'Gateway pods restarting',
  summary: 'After a release, agenc-gateway containers exit now and then and back off; speculation itself is fine.',
  difficulty: 'easy',
  machine: gatewayCrashloopMachine,
  spec: gatewayCrashloopSpec,
};
