/**
 * The contract between a scenario machine and the simulator's world. A scenario owns the
 * incident's drivers (what is broken and how hard); the world derives metrics, pods, logs and
 * alerts from those drivers and from the config the responder changed, and tells the scenario
 * what the responder did and what it observes.
 */
import type { AnyStateMachine } from 'xstate';
import { quietBackground, type BackgroundNoise } from './red-herrings';
import type { IncidentFacts, ScenarioSpec } from './scenario-spec';
import type { SeverityAssessment } from './severity';

export type Difficulty = 'easy' | 'normal' | 'hard';
export const difficulties: readonly Difficulty[] = ['easy', 'normal', 'hard'];

/**
 * A dependency the service reads from, failing. The world shows only its symptoms (reads that
 * time out, stale answers, refused connections, with the endpoint and numbers), never a verdict.
 */
export interface DependencyFailure {
  /** `host:port` as the service's clients name it. */
  endpoint: string;
  mode: 'timeout' | 'stale' | 'refused';
}

/** A release of the proof worker whose circuit does not match what the verifier expects. */
export interface FaultyProofRelease {
  image: string;
  mode: 'crash' | 'reject';
  /** Share of generated proofs the verifier rejects (`reject` mode). */
  rejectShare: number;
}

/** What is broken, and how hard. Neutral values mean a healthy service. */
export interface Drivers {
  /** Demand relative to a normal day. */
  loadMultiplier: number;
  /** Extra rollback probability of a speculative task at full depth (0..1); depth scales it. */
  cascadePressure: number;
  /** The failing dependency a rollback cascade starts from; rollbacks and logs show its symptoms. */
  cascadeSource: DependencyFailure | null;
  /** Garbage retained per speculation pod per second at the default depth, in bytes. */
  memoryLeakBytesPerSec: number;
  /**
   * The release that leaks: only speculation pods running this image retain garbage (and, while
   * one runs, the snapshot sweeper stalls), so a rollback shows pod by pod. Null: every pod leaks
   * (a fault with no release of its own).
   */
  leakingImage: string | null;
  /** Live state a speculative task and its snapshots hold, relative to normal (bigger workloads: growth no GC frees). */
  workingSetMultiplier: number;
  /** The snapshot sweeper has stopped: snapshots never expire on their own. */
  snapshotSweeperStalled: boolean;
  /** Proof demand relative to normal. */
  proofInflowMultiplier: number;
  /** Proofs per minute that hang and hold a worker slot until timed out. */
  proofStuckPerMin: number;
  /** Proof-worker containers crash now and then (exhausted resources), whatever they run. */
  proofWorkerCrashing: boolean;
  /**
   * A proof-worker release that does not work: pods running `image` crash on start-up (`crash`)
   * or have the verifier reject `rejectShare` of the proofs they generate (`reject`). Tied to
   * the image, so a rollback to another image takes it away the way it would for real.
   */
  faultyProofRelease: FaultyProofRelease | null;
  /** Speculative tasks per minute that hang and ignore the task timeout. */
  stuckTasksPerMin: number;
  /** State records corrupted per minute while speculation runs and workers write. */
  corruptionPerMin: number;
  /** Unexpected slashing events per hour while speculation runs. */
  slashingPerHour: number;
  /** Tokens slashed per event. */
  slashAmount: number;
  /** Containers that crash now and then, by deployment, in crashes per hour (incidents and red herrings). */
  crashingDeployments: Record<string, number>;
  /** Log lines that point the wrong way, emitted now and then (red herrings). */
  misleadingLogs: string[];
  /** Unrelated goings-on in the cluster (red herrings on normal and hard; see red-herrings.ts). */
  background: BackgroundNoise;
}

export const healthyDrivers: Readonly<Drivers> = {
  loadMultiplier: 1,
  cascadePressure: 0,
  cascadeSource: null,
  memoryLeakBytesPerSec: 0,
  leakingImage: null,
  workingSetMultiplier: 1,
  snapshotSweeperStalled: false,
  proofInflowMultiplier: 1,
  proofStuckPerMin: 0,
  proofWorkerCrashing: false,
  faultyProofRelease: null,
  stuckTasksPerMin: 0,
  corruptionPerMin: 0,
  slashingPerHour: 0,
  slashAmount: 0,
  crashingDeployments: {},
  misleadingLogs: [],
  background: quietBackground,
};

/** The world's readings that scenarios may guard on; sent every few simulated seconds. */
export interface Readings {
  simMs: number;
  speculationEnabled: boolean;
  /** The service turned speculation off itself (auto-protection), and no one has turned it back on. */
  speculationAutoDisabled: boolean;
  maxDepth: number;
  rolloutPercentage: number;
  /** Rolled-back share of finished speculative tasks over the last minute (0..1). */
  rollbackRate: number;
  activeTasks: number;
  /** Highest memory use of a speculation pod as a share of its limit (0..1). */
  memoryRatio: number;
  oomKilledPods: number;
  proofQueueRatio: number;
  proofWorkersReady: number;
  agencWorkersReady: number;
  /** Gateway pods ready to take requests. */
  gatewayPodsReady: number;
  /** Records corrupted so far: the truth, which no surface shows until a full integrity check finds it. */
  corruptedRecords: number;
  /** Integrity scans (background or on demand) that found inconsistent records. */
  integrityCheckFailures: number;
  /** Of those, the scans that finished in the last 15 minutes: none once the store is clean again. */
  integrityCheckFailuresRecent: number;
  slashedTokens: number;
  /** Tokens slashed in the last 24 hours, whatever the offence. */
  slashedTokensLast24h: number;
  speculationPodsReady: number;
  speculationPodsDesired: number;
  /** Speculation pods (not yet gone) whose template is not the deployment's current one: 0 once a rollout has finished. */
  speculationPodsOutdated: number;
  /** Share of operations hurt now: rolled back, failed, or waiting for a worker (0..1). */
  operationsAffected: number;
  operationsPending: number;
  /** Service pods in OOMKilled, Error or CrashLoopBackOff. */
  failingPods: number;
  /** Service pods failing now or up again after an error exit in the last five minutes: crash-looping, between restarts too. */
  crashLoopingPods: number;
  /** Proof-worker pods in OOMKilled, Error or CrashLoopBackOff. */
  proofWorkersFailing: number;
  /** Slashing events in the last hour, whatever the offence. */
  slashingEventsLastHour: number;
  /** The lowest share of free space on any node's log volume (node-exporter's filesystem series). */
  logVolumeAvailableRatio: number;
}

/**
 * Something the scenario makes happen in the world that someone other than the responder did:
 * a teammate's deploy, a config change by an automation, a message from the team that owns a
 * dependency, that team's status page. Each shows where a responder would look for it (rollout
 * history, pods and events; the config history; the drill's channels; the dependency status),
 * so no cause appears and no fix arrives unseen. A scenario appends them to
 * `context.happenings` in simulated time; the drill applies each once, in order, at the
 * moment it appears.
 */
export type Happening =
  /** A new revision of `deployment` rolls out: its pods are replaced one by one, and rollout history shows `changeCause`. */
  | { kind: 'deploy'; deployment: string; image: string; changeCause: string; by: string; memoryLimitBytes?: number }
  /** A config change someone else made: applied, and listed in the config history with who and why. */
  | { kind: 'config'; changes: Record<string, boolean | number | string>; by: string; reason: string }
  /** A message in one of the drill's channels from someone outside it (another team, a bot). */
  | { kind: 'message'; channel: '#platform-alerts' | '#incidents' | '#deploys'; from: string; text: string }
  /**
   * The owning team restores the speculation state store to its last known good point (the
   * integrity checker's history says when that was): corrupt records are replaced, and what
   * was written since is replayed by the workers when they come back.
   */
  | { kind: 'restore'; by: string; note: string }
  /** A dependency's owning team updates its status page. */
  | { kind: 'dependency-status'; endpoint: string; owner: string; status: 'operational' | 'degraded' | 'major_outage'; note: string };

/** What the world tells the scenario: its readings, and the responder's actions, each at `simMs`. */
export type WorldEvent = WorldEventBody & { simMs: number };
export type WorldEventBody =
  | { type: 'world.observed'; readings: Readings }
  | { type: 'config.changed'; changes: Record<string, boolean | number | string> }
  | { type: 'drain.completed' }
  | { type: 'gc.forced' }
  | { type: 'snapshots.cleared'; removed: number; olderThanMs: number }
  | { type: 'deployment.scaled'; name: string; replicas: number }
  /** A new pod template rolled out (`set resources`, `set image`, a deploy): its revision and what it runs. */
  | { type: 'deployment.updated'; name: string; fromRevision: number; revision: number; image: string; memoryLimitBytes: number }
  /** `rollout undo`: an earlier revision's template (`toRevision`) is back, as revision `revision`. */
  | { type: 'deployment.rolledBack'; name: string; fromRevision: number; toRevision: number; revision: number; image: string; memoryLimitBytes: number }
  | { type: 'proofs.timedOut'; count: number }
  | { type: 'integrity.checked'; full: boolean }
  | { type: 'stake.snapshotted' };

/** The phases every scenario moves through; the machine's top-level state names. */
export type Phase = 'healthy' | 'onset' | 'escalating' | 'critical' | 'mitigated' | 'recovered';

/** What a scenario machine keeps in its context, read by the world every tick. */
export interface ScenarioContext {
  drivers: Drivers;
  /** Actions the runbook forbids that the responder took, with why they hurt. */
  harmful: Array<{ action: string; why: string; simMs: number }>;
  /** What readings cannot show: the primary region (whose local time decides business hours) and the workaround. */
  facts: IncidentFacts;
  /** The severity this variant reaches at its peak, per the severity engine. */
  expected: SeverityAssessment | null;
  /**
   * The incident's cause is gone (the dependency recovered, the bad deploy undone, the fix
   * shipped): one half of "resolved"; the spec's `resolved` condition over readings is the other.
   */
  causeFixed: boolean;
  /** What others did in the world, in order (see `Happening`); only ever appended to. */
  happenings: Happening[];
}

export interface ScenarioInput {
  seed: number;
  difficulty: Difficulty;
  /** Extra time before the incident begins, on top of the variant's own onset. */
  onsetDelayMs?: number;
  /** The wall-clock instant simulated time 0 stands for (default: `seededEpochMs(seed)`). */
  epochMs?: number;
}

/** A scenario as the simulator loads it: the machine and what the trainer and checker show. */
export interface ScenarioDefinition {
  id: string;
  /** The runbook section it drills, e.g. INC-SPEC-001; null for the healthy baseline. */
  incident: string | null;
  title: string;
  summary: string;
  difficulty: Difficulty;
  machine: AnyStateMachine;
  /** What the runbook expects of a responder; null for the healthy baseline. */
  spec: ScenarioSpec | null;
}
