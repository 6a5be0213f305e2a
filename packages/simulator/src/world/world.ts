/**
 * The speculation service as a small physical model. Each simulated second `step` moves load,
 * speculative tasks, rollbacks, memory, snapshots, proofs, integrity and stake forward from the
 * scenario's drivers and the responder's config; everything the surfaces show (metrics, pods,
 * agenc output, logs, alerts) is read from here. Responder actions are methods that change the
 * state and return what the service would answer.
 */
import {
  doubleSignPenaltyTokens,
  duplicateSignerSlashingPerHour,
  lateSigningSlackMs,
  lateSigningSlashingPerHour,
  looseValidationCorruptionPerMin,
  normalDemandPerSec,
  proofQueueCapacity as declaredProofQueueCapacity,
  rollbackAutoProtect,
  timedOutShare,
  type DependencyFailure, type Drivers, type FaultyProofRelease, type Happening, type Readings, type WorldEventBody } from '@gameday/scenarios';
import { Cluster, isCrashLooping, type Pod } from './cluster';
import { defaultConfig, type ConfigKey, type ConfigValue, type SpeculationConfig } from './config-schema';
import { createRng, hashString, type Rng } from './random';
import { signalDrifts, stepDrifts, type SignalDrifts } from './signal-drift';
import { AlertEvaluator, type AlertState } from './alerts';
import { Background } from './background-noise';
import { LogStream } from './log-stream';
import { dependencyReading, seededDependencies, type Dependency, type DependencyReading } from './dependencies';
import { dependencySymptom, dependencyTimeoutMs } from './dependency-symptoms';
import { appendBounded, applyHappening, configHistoryLimit, type ChannelMessage, type ConfigChangeRecord, type DependencyStatus } from './outside-changes';

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
export const TICK_MS = 1000;
/** Declared with the incidents' impact, which counts operations against it. */
const baseDemandPerSec = normalDemandPerSec;
const opsPerWorkerPerSec = 80;
const proofsPerWorkerPerSec = 60;
const proofSlotsPerWorker = 4;
export const proofQueueCapacity = declaredProofQueueCapacity;
/** Seconds a proof waits, on average, for its batch to fill: the healthy queue's depth in seconds of inflow. */
const proofBatchWaitSeconds = 2.5;
const snapshotBytes = 128 * 1024;
const baseHeapBytes = 1.1 * GiB;
const taskStateBytes = 1.5 * MiB;
const integrityCheckEveryMs = 60_000;
/** How far back a failed integrity scan counts as recent: the corruption alert's window. */
export const recentIntegrityFailureMs = 15 * 60_000;
/** State records the integrity checker knows of; a quick scan reads a sixteenth of them. */
export const stateRecords = 4_194_304;
export const quickScanRecords = stateRecords / 16;
/** How long an on-demand scan takes, simulated: a full one reads every shard. */
export const integrityScanMs = { quick: 3_000, full: 42_000 } as const;
/**
 * What a proof worker running `image` reports about its proving key: the key's id, the
 * constraints the key expects and those the compiled circuit has. Stable for an image.
 */
function provingKeys(image: string): { key: string; circuit: string; expected: number; actual: number } {
  const hash = hashString(image);
  const expected = 2 ** 21 + (hash % 4096) * 16;
  return { key: `vk-${(hash >>> 8).toString(16).padStart(6, '0')}`, circuit: `c-${hashString(image, 7).toString(16).slice(0, 6)}`, expected, actual: expected + 4096 + (hash % 97) * 32 };
}

export type ErrorReason = 'dependency_timeout' | 'task_timeout' | 'oom' | 'proof_rejected' | 'capacity';
export const errorReasons: readonly ErrorReason[] = ['dependency_timeout', 'task_timeout', 'oom', 'proof_rejected', 'capacity'];

export interface StuckTask {
  id: string;
  startedMs: number;
  depth: number;
  waitingOn: string;
  /** Whether the task timeout can abort it; hung I/O cannot be. */
  killable: boolean;
}

export interface RollbackEvent {
  simMs: number;
  taskId: string;
  parentId: string | null;
  depth: number;
  cause: string;
}

export interface SnapshotBucket {
  /** Start of the simulated minute the snapshots were taken in. */
  minuteMs: number;
  count: number;
  bytes: number;
}

export interface StuckProofBucket {
  createdMs: number;
  count: number;
}

/** What the chain slashed the validator for. */
export type SlashingOffence = 'double_sign' | 'missed_attestation';
export const slashingOffences: readonly SlashingOffence[] = ['double_sign', 'missed_attestation'];

/** A signed commit the chain's evidence names, and which of our processes signed it (from the signing log). */
export interface SignedCommit {
  commit: string;
  signer: string;
  /** The speculative task whose result was signed, when the speculation engine signed it. */
  task: string | null;
}

/**
 * A slashing event with the chain's evidence, and nothing else: whether it was legitimate or a
 * bug is for the responder to reason out from the offence, the conflicting commits and signers.
 */
export interface SlashingEvent {
  id: string;
  simMs: number;
  amount: number;
  validator: string;
  epoch: number;
  slot: number;
  offence: SlashingOffence;
  /** For a double sign: the two conflicting commits signed for the same slot. */
  conflictingCommits: SignedCommit[];
  /** The chain's words, e.g. "missed 29 of 32 attestations". */
  evidence: string;
}

/** An on-demand integrity scan in progress. */
export interface IntegrityScan {
  seq: number;
  full: boolean;
  startedMs: number;
  endsMs: number;
}

/** What a finished integrity scan found. A full scan finds every corrupt record; a sample finds those it read. */
export interface IntegrityScanResult {
  seq: number;
  kind: 'background' | 'quick' | 'full';
  startedMs: number;
  finishedMs: number;
  recordsScanned: number;
  inconsistentRecords: number;
  /** Full scans only: the shards holding corrupt records, and when the first was written. */
  affectedShards: number[];
  firstCorruptionMs: number | null;
}

/** The service turned speculation off itself: when, and what it saw. */
export interface AutoDisable {
  atMs: number;
  rollbackRate: number;
}

/** Per simulated minute: what the timeline, charts and `agenc speculation rollbacks` summarise. */
export interface MinuteSample {
  minuteMs: number;
  started: number;
  completed: number;
  rolledBack: number;
}

interface SecondSample {
  completed: number;
  rolledBack: number;
}

/**
 * Young-generation garbage: it builds up at a steady rate and a minor GC clears it, every 30 to
 * 75 seconds depending on the pod. A pure function of the pod and the time.
 */
export function gcSawtooth(pod: Pod, nowMs: number, amplitudeBytes: number): number {
  const periodMs = 30_000 + 45_000 * pod.jitter;
  const sinceStart = nowMs - (pod.containerStartedMs ?? pod.createdMs) + pod.jitter * periodMs;
  return amplitudeBytes * ((((sinceStart % periodMs) + periodMs) % periodMs) / periodMs);
}

export interface WorldOptions {
  seed: number;
  now: () => number;
}

/**
 * What a crashing container of a deployment logs as it exits with status 1 (one of a few, by its
 * restart count, so the lines of a crash loop vary as real ones do). Symptoms a responder reads in
 * `kubectl logs --previous`, never the cause's name.
 */
function crashLastWords(deployment: string, restarts: number): string {
  const words: Record<string, readonly string[]> = {
    'agenc-gateway': [
      "fatal: uncaught TypeError: Cannot read properties of undefined (reading 'tenantId') at RouteTable.match (/app/dist/router.js:214:31); exiting with status 1",
      "fatal: uncaught TypeError: Cannot read properties of undefined (reading 'tenantId') at RateLimiter.take (/app/dist/limits.js:88:17); exiting with status 1",
      'fatal: unhandled promise rejection: upstream pool for tenant routes is undefined at Gateway.forward (/app/dist/gateway.js:402:9); exiting with status 1',
    ],
  };
  const lines = words[deployment] ?? [`fatal: unhandled error in the ${deployment} main loop; exiting with status 1`];
  return lines[restarts % lines.length]!;
}

export class World {
  readonly seed: number;
  readonly rng: Rng;
  readonly cluster: Cluster;
  /** What goes on in the cluster beside the incident: log volumes and their rotation, another team's workload. */
  readonly background: Background;
  readonly alerts: AlertEvaluator;
  readonly logs: LogStream;
  config: SpeculationConfig = defaultConfig();
  /** Every config change, by whom and why, oldest first (bounded: `configHistoryLimit`). */
  configHistory: ConfigChangeRecord[] = [];
  /** Messages from outside the drill in its channels (#platform-alerts, #deploys), oldest first. */
  messages: ChannelMessage[] = [];
  /** What each dependency's owning team last said on its status page, by endpoint. */
  dependencyStatus = new Map<string, DependencyStatus>();
  /** Endpoints a scenario named (a failing dependency, a status page): listed among the dependencies. */
  private knownDependencyEndpoints: string[] = [];
  private dependencyList: Dependency[] | undefined;
  /** When each dependency last failed a read, and how, by endpoint. */
  private dependencyFailures = new Map<string, { simMs: number; message: string }>();
  drivers!: Drivers;

  pendingOps = 0;
  activeTasks = 0;
  /** Share of operations hurt this second (rolled back, failed, or left waiting), smoothed. */
  operationsAffected = 0;
  draining = false;
  drainStartedMs = 0;
  totals = { operations: 0, started: 0, completed: 0, committed: 0, rolledBack: 0, aborted: 0 };
  errors: Record<ErrorReason, number> = { dependency_timeout: 0, task_timeout: 0, oom: 0, proof_rejected: 0, capacity: 0 };
  private window: SecondSample[] = [];
  rollbackEvents: RollbackEvent[] = [];
  /** The last 24 simulated hours, a sample a minute. */
  history: MinuteSample[] = [];
  stuckTasks: StuckTask[] = [];

  /** Garbage held per speculation pod, by pod name. */
  heapGarbage = new Map<string, number>();
  /** How much more or less than average each pod leaks, so pods run out of memory one by one. */
  private leakFactors = new Map<string, number>();
  snapshots: SnapshotBucket[] = [];
  snapshotsCleared = 0;
  gcRuns = 0;

  proofQueue = 0;
  stuckProofs: StuckProofBucket[] = [];
  proofsCompleted = 0;
  proofsFailed = 0;
  proofsTimedOut = 0;
  /** Proofs served and rejected since the last rejection report (every ten seconds). */
  private servedThisWindow = 0;
  private rejectedThisWindow = 0;
  private lastRejectionReportMs = 0;

  /** Records corrupted so far: the truth, which only a full integrity scan reports. */
  corruptedRecords = 0;
  integrityChecks = 0;
  /** Integrity scans (background or on demand) that found inconsistent records. */
  integrityFailures = 0;
  /** When each failed scan of the last `recentIntegrityFailureMs` finished, oldest first. */
  private recentIntegrityFailures: number[] = [];
  affectedShards = new Set<number>();
  firstCorruptionMs: number | undefined;
  private lastIntegrityCheckMs = 0;
  private integrityScanSeq = 0;
  /** The on-demand scan running now, if any. */
  integrityScan: IntegrityScan | undefined;
  lastBackgroundScan: IntegrityScanResult | undefined;
  /** The last on-demand scan's result, and the last full one's (what the service knows of the scope). */
  lastOnDemandScan: IntegrityScanResult | undefined;
  lastFullScan: IntegrityScanResult | undefined;
  /** Which records a sampled scan reads is the checker's own business: its own stream, so sampling never moves the world's. */
  private readonly sampleRng: Rng;
  /**
   * The slow wander of load, rollbacks, latency and the proof queue. Its own stream, seeded from
   * the world's seed and stepped once a tick, so texture never shifts the incidents' timings.
   */
  readonly drifts: SignalDrifts;

  /** Set while speculation is off because the service turned it off itself. */
  autoDisabled: AutoDisable | undefined;
  private autoProtectSinceMs: number | undefined;
  /** What the service did on its own since the drill last asked, for the drill to tell the scenario. */
  private serviceEvents: WorldEventBody[] = [];

  stakeTokens: number;
  readonly initialStakeTokens: number;
  slashedTokens = 0;
  slashingEvents: SlashingEvent[] = [];
  readonly validator: string;

  private readonly now: () => number;
  private cachedReadings: Readings | undefined;
  /** The last readings' memory ratio: the CPU model's GC pressure, without reading the pods again. */
  private lastMemoryRatio = 0;

  constructor(options: WorldOptions, drivers: Drivers) {
    this.now = options.now;
    this.seed = options.seed;
    this.rng = createRng(options.seed);
    this.sampleRng = createRng(options.seed ^ 0x1bad5eed);
    this.drifts = signalDrifts(createRng(options.seed ^ 0x7e47_0d21));
    this.drivers = drivers;
    // The revisions that predate the drill come from a sequence of their own (see Cluster).
    this.cluster = new Cluster(this.rng, this.now, createRng(options.seed ^ 0x5eed5eed));
    this.background = new Background(options.seed, drivers.background, this.cluster);
    this.alerts = new AlertEvaluator();
    this.logs = new LogStream(options.seed, this.now);
    this.validator = `agenc-validator-${this.rng.token(6)}`;
    this.initialStakeTokens = Math.round(this.rng.range(900_000, 1_600_000));
    this.stakeTokens = this.initialStakeTokens;
    // Two old penalties for being offline, so the history is never empty and a responder must read dates and offences.
    for (const daysAgo of [this.rng.int(9, 20), this.rng.int(3, 8)]) {
      const amount = Math.round(this.rng.range(40, 160));
      const simMs = -daysAgo * 86_400_000 - this.rng.int(0, 86_400_000);
      this.slashingEvents.push({
        id: `slash-${this.rng.token(8)}`,
        simMs,
        amount,
        validator: this.validator,
        epoch: Math.floor(this.slotAt(simMs) / 32),
        slot: this.slotAt(simMs),
        offence: 'missed_attestation',
        conflictingCommits: [],
        evidence: `missed ${Math.round(amount / 5)} of 32 attestations`,
      });
      this.slashedTokens += amount;
      this.stakeTokens -= amount;
    }
    // The snapshot store starts at its healthy steady state.
    const startRate = baseDemandPerSec * this.fanout() * 0.05;
    for (let minute = this.config['speculation.snapshots.retention_minutes']; minute > 0; minute--) {
      const count = Math.round(startRate * 60);
      this.snapshots.push({ minuteMs: -minute * 60_000, count, bytes: count * this.snapshotSize() });
    }
    this.activeTasks = baseDemandPerSec * this.fanout() * this.meanTaskSeconds();
    // The proof queue starts where a healthy one sits: a batch window of committed work.
    this.proofQueue = baseDemandPerSec * this.fanout() * 0.975 * proofBatchWaitSeconds;
    // Taken now, not at whatever moment something first reads them (see refreshReadings).
    this.refreshReadings();
  }

  private fanout(): number {
    return 1 + 0.25 * (this.config['speculation.max_depth'] - 1);
  }

  private meanTaskSeconds(): number {
    return 0.8 * (1 + 0.25 * (this.config['speculation.max_depth'] - 1));
  }

  private snapshotSize(): number {
    return snapshotBytes * Math.sqrt(this.config['speculation.max_depth'] / 4);
  }

  /** Whether new speculative tasks may start now. */
  speculationRunning(): boolean {
    return this.config['speculation.enabled'] && !this.draining && this.cluster.readyCount('speculation-engine') > 0;
  }

  /** One simulated second. */
  step(drivers: Drivers): void {
    this.drivers = drivers;
    const now = this.now();
    const dt = TICK_MS / 1000;
    this.cluster.step();
    this.background.step(now);
    const rng = this.rng;
    const config = this.config;
    const specPods = this.cluster.readyPods('speculation-engine');
    const workersReady = this.cluster.readyCount('agenc-worker');
    stepDrifts(this.drifts);
    const drifts = this.drifts;

    // Demand, with a slow wave, a slower drift and noise, served by the agenc workers.
    const demand = Math.max(0, baseDemandPerSec * drivers.loadMultiplier * (1 + 0.08 * Math.sin((2 * Math.PI * now) / 1_800_000) + drifts.load.value) + rng.gauss(6)) * dt;
    this.pendingOps = Math.min(this.pendingOps + demand, 5_000_000);
    const processed = Math.min(this.pendingOps, workersReady * opsPerWorkerPerSec * dt);
    this.pendingOps -= processed;
    this.totals.operations += processed;

    // Speculative tasks: started from processed operations, finished by Little's law.
    const depth = config['speculation.max_depth'];
    const running = this.speculationRunning();
    const desiredSpecPods = Math.max(1, this.cluster.deployments.get('speculation-engine')?.replicas ?? 1);
    const concurrencyCap = config['speculation.max_concurrent_tasks'] * Math.min(1, specPods.length / desiredSpecPods);
    let starts = running ? processed * (config['speculation.features.rollout_percentage'] / 100) * this.fanout() : 0;
    starts = Math.max(0, Math.min(starts, concurrencyCap - this.activeTasks));
    if (!running && config['speculation.enabled'] && !this.draining && specPods.length === 0) {
      // Every speculation pod is down: work that would have speculated fails.
      this.errors.capacity += processed * 0.05;
    }
    const completed = Math.min(this.activeTasks, (this.activeTasks / (this.meanTaskSeconds() * (1 + drifts.taskSeconds.value))) * dt);
    this.activeTasks = this.activeTasks + starts - completed;
    if (this.activeTasks < 0.5 && starts === 0) this.activeTasks = 0;
    this.totals.started += starts;
    this.totals.completed += completed;

    const cascade = drivers.cascadePressure * Math.min(1.4, depth / 4);
    // Tasks that outlive `speculation.task_timeout_ms` are aborted and their work rolled back;
    // at the default timeout none do, a timeout near the tasks' own duration hits many.
    const timedOut = timedOutShare(config['speculation.task_timeout_ms'], this.meanTaskSeconds());
    // A healthy rate that drifts a few percent over minutes, with a little second-to-second noise
    // (the draw is kept where it was, a quarter as loud, so a seed's sequence does not move).
    const rollbackFraction = Math.min(0.97, Math.max(0, 0.025 * (1 + drifts.rollbacks.value) + 0.25 * rng.gauss(0.004) + cascade + timedOut));
    const rolledBack = completed * rollbackFraction;
    this.totals.rolledBack += rolledBack;
    this.totals.committed += completed - rolledBack;
    if (drivers.cascadeSource && cascade > 0) this.errors.dependency_timeout += rolledBack * 0.2;
    if (drivers.cascadeSource) this.noteDependencyFailing(drivers.cascadeSource, now);
    if (timedOut > 0) this.errors.task_timeout += completed * timedOut;
    this.window.push({ completed, rolledBack });
    this.recordMinute(now, starts, completed, rolledBack);
    if (this.window.length > 60) this.window.shift();
    this.recordRollbacks(rolledBack, cascade, depth, drivers.cascadeSource, timedOut);
    this.stepAutoProtect(now);

    this.stepCrashes(drivers);
    const rollout = config['speculation.features.rollout_percentage'] / 100;
    const missingSpecPods = config['speculation.enabled'] ? (1 - Math.min(1, specPods.length / desiredSpecPods)) * rollout : 0;
    const backlog = Math.min(1, this.pendingOps / (baseDemandPerSec * 30));
    const affectedNow = Math.min(1, rollbackFraction * (running ? rollout : 0) + missingSpecPods + backlog);
    this.operationsAffected += (affectedNow - this.operationsAffected) * 0.2;

    this.stepStuckTasks(drivers, running, depth);
    this.stepMemory(drivers, specPods, starts, running, depth);
    const proofsServed = this.stepProofs(drivers, completed - rolledBack);
    this.stepIntegrity(drivers, workersReady);
    this.stepPodUsage(processed, completed, proofsServed);
    this.stepStake(drivers);

    this.refreshReadings();
    const readings = this.readings();
    this.alerts.evaluate(readings, now);
    this.logs.tick(this, readings, cascade);
  }

  /** Containers the drivers say crash now and then: an incident's victims, or red herrings. */
  private stepCrashes(drivers: Drivers): void {
    for (const [deployment, perHour] of Object.entries(drivers.crashingDeployments)) {
      if (perHour <= 0) continue;
      for (const pod of this.cluster.readyPods(deployment)) {
        if (this.rng.next() < perHour / 3600 / Math.max(1, this.cluster.readyCount(deployment))) {
          // The container's last words, which `kubectl logs --previous` shows: what it was doing, not why it was deployed.
          this.logs.add(this, pod.name, 'error', crashLastWords(deployment, pod.restarts));
          this.cluster.crash(pod, 'Error');
        }
      }
    }
  }

  private recordMinute(now: number, started: number, completed: number, rolledBack: number): void {
    const minuteMs = Math.floor(now / 60_000) * 60_000;
    let sample = this.history[this.history.length - 1];
    if (sample?.minuteMs !== minuteMs) {
      sample = { minuteMs, started: 0, completed: 0, rolledBack: 0 };
      this.history.push(sample);
      if (this.history.length > 1440) this.history.shift();
    }
    sample.started += started;
    sample.completed += completed;
    sample.rolledBack += rolledBack;
  }

  private recordRollbacks(rolledBack: number, cascade: number, depth: number, source: DependencyFailure | null, timedOut: number): void {
    // About one sampled event per 20 rollbacks, rounded at random so quiet periods still show some.
    const samples = Math.min(6, Math.floor(rolledBack / 20 + this.rng.next()));
    const now = this.now();
    for (let i = 0; i < samples; i++) {
      // Drawn only when the timeout aborts tasks, so the world's noise is unchanged when it does not.
      if (timedOut > 0 && this.rng.next() < timedOut / (timedOut + cascade + 0.025)) {
        const timeoutMs = this.config['speculation.task_timeout_ms'];
        this.rollbackEvents.push({ simMs: now - this.rng.int(0, 999), taskId: `spec-${this.rng.token(8)}`, parentId: null, depth: this.rng.int(1, depth), cause: `aborted: still running after ${timeoutMs}ms (task timeout)` });
        continue;
      }
      const isRoot = cascade > 0 && source !== null && this.rng.next() < 0.15;
      const isCascade = !isRoot && this.rng.next() < cascade / (cascade + 0.025);
      this.rollbackEvents.push({
        simMs: now - this.rng.int(0, 999),
        taskId: `spec-${this.rng.token(8)}`,
        parentId: isCascade ? `spec-${this.rng.token(8)}` : null,
        depth: isRoot ? 1 : this.rng.int(1, depth),
        cause: isRoot ? dependencySymptom(source) : isCascade ? 'parent rolled back' : this.rng.pick(['write conflict', 'read set invalidated', 'stale oracle price']),
      });
    }
    if (this.rollbackEvents.length > 4000) this.rollbackEvents.splice(0, this.rollbackEvents.length - 4000);
  }

  private stepStuckTasks(drivers: Drivers, running: boolean, depth: number): void {
    const now = this.now();
    // A healthy service hangs a task now and then; the timeout clears it.
    const perMin = (running ? 0.1 : 0) + (running ? drivers.stuckTasksPerMin : 0);
    if (this.rng.next() < perMin / 60) {
      const killable = drivers.stuckTasksPerMin === 0;
      this.stuckTasks.push({
        id: `spec-${this.rng.token(8)}`,
        startedMs: now,
        depth: this.rng.int(1, depth),
        waitingOn: killable ? 'state lock (shard ' + this.rng.int(0, 63) + ')' : drivers.cascadeSource ? `read from ${drivers.cascadeSource.endpoint}` : 'snapshot write (fsync)',
        killable,
      });
    }
    const timeout = this.config['speculation.task_timeout_ms'];
    const drainForce = this.draining && now - this.drainStartedMs > 60_000;
    const before = this.stuckTasks.length;
    this.stuckTasks = this.stuckTasks.filter((task) => !((task.killable && now - task.startedMs > timeout) || drainForce));
    this.errors.task_timeout += before - this.stuckTasks.length;
    this.totals.aborted += before - this.stuckTasks.length;
    if (this.stuckTasks.length > 2000) this.stuckTasks.splice(0, this.stuckTasks.length - 2000);
  }

  private stepMemory(drivers: Drivers, specPods: Pod[], starts: number, running: boolean, depth: number): void {
    const now = this.now();
    const minuteMs = Math.floor(now / 60_000) * 60_000;
    const created = starts * 0.05;
    if (created > 0) {
      const last = this.snapshots[this.snapshots.length - 1];
      const bucket = last?.minuteMs === minuteMs ? last : { minuteMs, count: 0, bytes: 0 };
      if (bucket !== last) this.snapshots.push(bucket);
      bucket.count += created;
      bucket.bytes += created * this.snapshotSize() * drivers.workingSetMultiplier;
    }
    // A leaking release stalls the sweeper only while one of its pods runs; the next release's pods sweep again.
    const sweeperStalled = drivers.snapshotSweeperStalled && (drivers.leakingImage === null || specPods.some((pod) => pod.template.image === drivers.leakingImage));
    if (!sweeperStalled) {
      const cutoff = now - this.config['speculation.snapshots.retention_minutes'] * 60_000;
      while (this.snapshots.length > 0 && this.snapshots[0]!.minuteMs + 60_000 <= cutoff) this.snapshots.shift();
    }
    let excess = this.snapshotCount() - this.config['speculation.snapshots.max_count'];
    while (excess > 0 && this.snapshots.length > 0) {
      const oldest = this.snapshots[0]!;
      const take = Math.min(oldest.count, excess);
      const perSnapshot = oldest.count > 0 ? oldest.bytes / oldest.count : 0;
      oldest.count -= take;
      oldest.bytes -= take * perSnapshot;
      excess -= take;
      if (oldest.count <= 0) this.snapshots.shift();
    }

    const leak = drivers.memoryLeakBytesPerSec * (depth / 4) * (running ? 1 : 0.1);
    for (const pod of specPods) {
      let garbage = this.heapGarbage.get(pod.name) ?? 0;
      let factor = this.leakFactors.get(pod.name);
      if (factor === undefined) {
        factor = this.rng.range(0.7, 1.3);
        this.leakFactors.set(pod.name, factor);
      }
      // Pods of another release do not leak: what they hold is what the GC reclaims.
      const leaks = leak > 0 && (drivers.leakingImage === null || pod.template.image === drivers.leakingImage);
      garbage = leaks ? garbage + leak * factor * (0.9 + this.rng.next() * 0.2) : garbage * 0.97;
      this.heapGarbage.set(pod.name, garbage);
      if (this.podMemory(pod) > pod.memoryLimitBytes) this.oomKill(pod, specPods.length);
    }
  }

  private oomKill(pod: Pod, readyPods: number): void {
    this.cluster.crash(pod, 'OOMKilled');
    this.heapGarbage.set(pod.name, 0);
    const share = 1 / Math.max(1, readyPods);
    // The dead pod's in-memory snapshots and in-flight tasks die with it.
    for (const bucket of this.snapshots) {
      bucket.count *= 1 - share;
      bucket.bytes *= 1 - share;
    }
    const lost = this.activeTasks * share;
    this.activeTasks -= lost;
    this.errors.oom += lost;
    this.totals.aborted += lost;
  }

  /**
   * CPU each running pod uses this second, from the work its deployment did (and, for the
   * speculation engine, the GC's extra work near the limit); pods read theirs from the
   * deployment at scrape time. A container over its memory limit is OOM-killed: the speculation
   * engine's memory has its own model (stepMemory), the others are checked only while their
   * limit is below what they use.
   */
  private stepPodUsage(processed: number, completed: number, proofsServed: number): void {
    const cluster = this.cluster;
    const memoryPressure = Math.max(0, (this.lastMemoryRatio - 0.75) / 0.25);
    const ready = new Map<string, number>();
    for (const pod of cluster.pods) if (pod.status === 'Running') ready.set(pod.deployment, (ready.get(pod.deployment) ?? 0) + 1);
    for (const deployment of cluster.deployments.values()) {
      let busy: number;
      switch (deployment.name) {
        case 'speculation-engine':
          busy = 0.36 + completed * 0.0055 + 2.7 * memoryPressure;
          break;
        case 'proof-worker':
          busy = 0.64 + proofsServed * 0.0125;
          break;
        case 'agenc-worker':
          busy = 0.24 + processed * 0.009;
          break;
        case this.background.neighbour?.name:
          // Another team's batch work: busy on its own schedule, whatever the service does.
          busy = this.background.neighbourCores(this.now()) * (ready.get(deployment.name) ?? 0);
          break;
        default:
          busy = 0.06 + processed * 0.0015;
      }
      cluster.accrueCpu(deployment, busy / Math.max(1, ready.get(deployment.name) ?? 0), TICK_MS / 1000);
      if (deployment.name !== 'speculation-engine' && deployment.template.memoryLimitBytes < deployment.baseMemoryBytes * 1.5) {
        for (const pod of cluster.readyPods(deployment.name)) if (this.podMemory(pod) > pod.memoryLimitBytes) cluster.crash(pod, 'OOMKilled');
      }
    }
  }

  /**
   * A proof-worker release that does not work, acting on the pods that run it: in `crash` mode
   * each one dies a few seconds after its container starts, saying why in its log (what
   * `kubectl logs --previous` shows); in `reject` mode they run, and the verifier refuses part
   * of what they generate. Returns the share of this second's proofs that will be rejected.
   */
  private stepFaultyProofRelease(release: FaultyProofRelease | null, now: number): number {
    if (release === null) return 0;
    const ready = this.cluster.readyPods('proof-worker');
    const faulty = ready.filter((pod) => pod.template.image === release.image);
    if (faulty.length === 0) return 0;
    if (release.mode === 'reject') return (release.rejectShare * faulty.length) / ready.length;
    const keys = provingKeys(release.image);
    for (const pod of faulty) {
      // Loading the proving key takes 3 to 9 seconds, depending on the pod.
      if (now - (pod.containerStartedMs ?? now) < 3_000 + 6_000 * pod.jitter) continue;
      this.logs.add(this, pod.name, 'info', `loading proving key for circuit agenc-proof from /keys/agenc-proof.pk (${release.image})`);
      this.logs.add(this, pod.name, 'error', `fatal: proving key does not match the compiled circuit: key ${keys.key} expects ${keys.expected} constraints, circuit ${keys.circuit} has ${keys.actual}; exiting with status 1`);
      this.cluster.crash(pod, 'Error');
    }
    return 0;
  }

  /** Every ten seconds, each rejecting worker reports what the verifier refused of its proofs (no more than the numbers). */
  private logProofRejections(release: FaultyProofRelease | null): void {
    const rejected = this.rejectedThisWindow;
    const served = this.servedThisWindow;
    this.rejectedThisWindow = 0;
    this.servedThisWindow = 0;
    if (release === null || rejected < 1) return;
    const ready = this.cluster.readyPods('proof-worker');
    const faulty = ready.filter((pod) => pod.template.image === release.image);
    const key = provingKeys(release.image).key;
    for (const pod of faulty) {
      // A rejecting worker's own proofs: its share of those served, of which the verifier refused `rejectShare`.
      const own = Math.max(1, Math.round((served / ready.length) * (0.9 + 0.2 * pod.jitter)));
      this.logs.add(this, pod.name, 'error', `verifier rejected ${Math.round(own * release.rejectShare)} of ${own} proofs in the last 10s: pairing check failed against verifying key ${key}; proofs requeued`);
    }
  }

  private stepProofs(drivers: Drivers, committed: number): number {
    const now = this.now();
    const proofPods = this.cluster.readyPods('proof-worker');
    if (drivers.proofWorkerCrashing) {
      for (const pod of proofPods) if (this.rng.next() < 1 / 45) this.cluster.crash(pod, 'Error');
    }
    const inflow = committed * drivers.proofInflowMultiplier;
    if (drivers.proofStuckPerMin > 0 && this.proofQueue > 0) {
      const stuck = (drivers.proofStuckPerMin / 60) * (0.5 + this.rng.next());
      const last = this.stuckProofs[this.stuckProofs.length - 1];
      if (last && now - last.createdMs < 60_000) last.count += stuck;
      else this.stuckProofs.push({ createdMs: now, count: stuck });
    }
    const faultyShare = this.stepFaultyProofRelease(drivers.faultyProofRelease, now);
    const slots = Math.max(0, this.cluster.readyCount('proof-worker') * proofSlotsPerWorker - this.stuckProofCount());
    const batchFactor = 1 + 0.06 * Math.log2(this.config['speculation.proof.batch_size'] / 32);
    const capacity = (slots / proofSlotsPerWorker) * proofsPerWorkerPerSec * batchFactor;
    this.proofQueue += inflow;
    // Proofs are generated in batches: a healthy queue holds the last seconds of inflow waiting
    // for theirs, never exactly 0, and it moves with load.
    const waiting = inflow * proofBatchWaitSeconds * Math.max(0.2, 1 + this.drifts.proofWait.value);
    const served = Math.min(Math.max(0, this.proofQueue - waiting), capacity);
    // Proofs the verifier rejects were generated for nothing: they go back on the queue.
    const rejected = served * faultyShare;
    this.proofQueue -= served - rejected;
    this.proofsCompleted += served - rejected;
    this.proofsFailed += rejected;
    this.errors.proof_rejected += rejected;
    this.rejectedThisWindow += rejected;
    this.servedThisWindow += served;
    if (now - this.lastRejectionReportMs >= 10_000) {
      this.lastRejectionReportMs = now;
      this.logProofRejections(drivers.faultyProofRelease);
    }
    if (this.proofQueue > proofQueueCapacity) {
      const dropped = this.proofQueue - proofQueueCapacity;
      this.proofsFailed += dropped;
      this.errors.proof_rejected += dropped;
      this.proofQueue = proofQueueCapacity;
    }
    return served;
  }

  private stepIntegrity(drivers: Drivers, workersReady: number): void {
    const now = this.now();
    const desiredWorkers = Math.max(1, this.cluster.deployments.get('agenc-worker')?.replicas ?? 1);
    // A racing commit (the drivers) and, with validation loosened, a commit built on stale state.
    const perMin = drivers.corruptionPerMin + looseValidationCorruptionPerMin(this.config['speculation.commit_validation'], this.config['speculation.max_depth']);
    if (perMin > 0 && this.config['speculation.enabled'] && workersReady > 0) {
      const corrupted = (perMin / 60) * Math.min(1, workersReady / Math.max(desiredWorkers, 4)) * (0.6 + this.rng.next() * 0.8);
      if (corrupted > 0) {
        this.firstCorruptionMs ??= now;
        this.corruptedRecords += corrupted;
        if (this.rng.next() < 0.2 || this.affectedShards.size === 0) this.affectedShards.add(this.rng.int(0, 63));
      }
    }
    if (now - this.lastIntegrityCheckMs >= integrityCheckEveryMs) {
      this.lastIntegrityCheckMs = now;
      this.lastBackgroundScan = this.scanResult('background', now);
    }
    const scan = this.integrityScan;
    if (scan && now >= scan.endsMs) {
      this.integrityScan = undefined;
      const result = this.scanResult(scan.full ? 'full' : 'quick', scan.startedMs, scan.seq);
      this.lastOnDemandScan = result;
      if (scan.full) this.lastFullScan = result;
      this.serviceEvents.push({ type: 'integrity.checked', full: scan.full });
    }
  }

  /**
   * A scan finishing now. A sample reads a sixteenth of the records, so it finds about a
   * sixteenth of the corrupt ones (each one it finds is real); a full scan finds them all.
   */
  private scanResult(kind: IntegrityScanResult['kind'], startedMs: number, seq = ++this.integrityScanSeq): IntegrityScanResult {
    const corrupt = Math.floor(this.corruptedRecords);
    const full = kind === 'full';
    const found = full ? corrupt : Math.min(corrupt, Math.floor(corrupt / 16 + this.sampleRng.next()));
    this.integrityChecks++;
    if (found > 0) {
      this.integrityFailures++;
      const now = this.now();
      this.recentIntegrityFailures.push(now);
      while (this.recentIntegrityFailures.length > 0 && now - this.recentIntegrityFailures[0]! >= recentIntegrityFailureMs) this.recentIntegrityFailures.shift();
    }
    return {
      seq,
      kind,
      startedMs,
      finishedMs: this.now(),
      recordsScanned: full ? stateRecords : quickScanRecords,
      inconsistentRecords: found,
      affectedShards: full ? [...this.affectedShards].sort((a, b) => a - b) : [],
      firstCorruptionMs: full ? (this.firstCorruptionMs ?? null) : null,
    };
  }

  /** The service's protection against a storm (declared with the incident, in rollback-storm.ts). */
  private stepAutoProtect(now: number): void {
    if (!this.config['speculation.enabled'] || this.draining) {
      this.autoProtectSinceMs = undefined;
      return;
    }
    const rate = this.rollbackRate();
    if (rate <= rollbackAutoProtect.rollbackRateAbove) {
      this.autoProtectSinceMs = undefined;
      return;
    }
    this.autoProtectSinceMs ??= now;
    if (now - this.autoProtectSinceMs < rollbackAutoProtect.forMs) return;
    this.autoProtectSinceMs = undefined;
    this.config['speculation.enabled'] = false;
    appendBounded(this.configHistory, { simMs: now, by: 'speculation-engine', reason: `auto-protect: rollback rate ${(rate * 100).toFixed(1)}% for ${rollbackAutoProtect.forMs / 60_000}m`, changes: { 'speculation.enabled': false }, previous: { 'speculation.enabled': true } }, configHistoryLimit);
    this.autoDisabled = { atMs: now, rollbackRate: rate };
    const pod = this.cluster.readyPods('speculation-engine')[0]?.name ?? 'speculation-engine';
    this.logs.add(
      this,
      pod,
      'error',
      `auto-protect: rollback rate ${(rate * 100).toFixed(1)}% above ${rollbackAutoProtect.rollbackRateAbove * 100}% for ${rollbackAutoProtect.forMs / 60_000}m; set speculation.enabled=false (re-enable with POST /admin/config)`,
    );
    this.serviceEvents.push({ type: 'config.changed', changes: { 'speculation.enabled': false } });
  }

  /** What the service did on its own since the last call (auto-protection, a finished scan), oldest first. */
  takeServiceEvents(): WorldEventBody[] {
    if (this.serviceEvents.length === 0) return [];
    const events = this.serviceEvents;
    this.serviceEvents = [];
    return events;
  }

  /** The chain's slot at a simulated moment: one every 12 s, epochs of 32. */
  private slotAt(simMs: number): number {
    return 1_536_000 + Math.floor(simMs / 12_000);
  }

  private stepStake(drivers: Drivers): void {
    this.stepSpeculativeDoubleSign(drivers);
    // The signers' own double signs, whatever speculation does: a second host signing with the
    // validator's key, and a signer allowed to sign for a slot the chain has moved past. Each
    // draws only while its setting is on, so a drill that never touches them keeps its sequence.
    const penalty = drivers.slashAmount > 0 ? drivers.slashAmount : doubleSignPenaltyTokens;
    if (this.config['stake.standby_signer.enabled'] && this.rng.next() < duplicateSignerSlashingPerHour / 3600) this.slashDuplicateSigner(penalty);
    const tolerance = this.config['stake.signer.clock_skew_tolerance_ms'];
    const late = lateSigningSlashingPerHour(tolerance);
    if (late > 0 && this.rng.next() < late / 3600) this.slashLateSignature(penalty, tolerance);
  }

  /** The host that signs with the validator's key when the standby signer is on (a failover's target). */
  readonly standbySigner = 'signer-b.validators.internal';

  /** Two hosts signed the slot: an agenc worker (the primary's signing path) and the standby signer. */
  private slashDuplicateSigner(penalty: number): void {
    const now = this.now();
    const amount = Math.round(penalty * this.rng.range(0.8, 1.2));
    const id = `slash-${this.rng.token(8)}`;
    const primary: SignedCommit = { commit: `0x${this.rng.token(16)}`, signer: this.podOf('agenc-worker'), task: null };
    const standby: SignedCommit = { commit: `0x${this.rng.token(16)}`, signer: this.standbySigner, task: null };
    this.recordDoubleSign(id, now, amount, this.rng.next() < 0.5 ? [primary, standby] : [standby, primary], 'two different commits signed for the same slot');
  }

  /** One signer signed the slot twice: its own commit in time, and a different one after the slot had ended. */
  private slashLateSignature(penalty: number, toleranceMs: number): void {
    const now = this.now();
    const amount = Math.round(penalty * this.rng.range(0.8, 1.2));
    const id = `slash-${this.rng.token(8)}`;
    const signer = this.podOf('agenc-worker');
    const lateMs = this.rng.range(lateSigningSlackMs, toleranceMs);
    const first: SignedCommit = { commit: `0x${this.rng.token(16)}`, signer, task: null };
    const second: SignedCommit = { commit: `0x${this.rng.token(16)}`, signer, task: null };
    this.recordDoubleSign(id, now, amount, [first, second], `two different commits signed for the same slot; the second signature arrived ${(lateMs / 1000).toFixed(1)}s after the slot ended`);
  }

  private recordDoubleSign(id: string, now: number, amount: number, conflictingCommits: SignedCommit[], evidence: string): void {
    this.slashingEvents.push({ id, simMs: now, amount, validator: this.validator, epoch: Math.floor(this.slotAt(now) / 32), slot: this.slotAt(now), offence: 'double_sign', conflictingCommits, evidence });
    this.slashedTokens += amount;
    this.stakeTokens -= amount;
  }

  /** The speculative bug's double signs, while speculation runs (the drivers' rate). */
  private stepSpeculativeDoubleSign(drivers: Drivers): void {
    if (drivers.slashingPerHour <= 0 || !this.config['speculation.enabled']) return;
    if (this.rng.next() >= drivers.slashingPerHour / 3600) return;
    const now = this.now();
    const amount = Math.round(drivers.slashAmount * this.rng.range(0.8, 1.2));
    const id = `slash-${this.rng.token(8)}`;
    // The chain's evidence: two different commits signed for one slot. Our signing log says
    // who signed each: the speculation engine for a speculative task's result, an agenc worker
    // for the final one.
    const speculative: SignedCommit = { commit: `0x${this.rng.token(16)}`, signer: this.podOf('speculation-engine'), task: `spec-${this.rng.token(8)}` };
    const final: SignedCommit = { commit: `0x${this.rng.token(16)}`, signer: this.podOf('agenc-worker'), task: null };
    this.slashingEvents.push({
      id,
      simMs: now,
      amount,
      validator: this.validator,
      epoch: Math.floor(this.slotAt(now) / 32),
      slot: this.slotAt(now),
      offence: 'double_sign',
      conflictingCommits: this.rng.next() < 0.5 ? [speculative, final] : [final, speculative],
      evidence: 'two different commits signed for the same slot',
    });
    this.slashedTokens += amount;
    this.stakeTokens -= amount;
  }

  private podOf(deployment: string): string {
    const pods = this.cluster.podsOf(deployment);
    return pods.length > 0 ? this.rng.pick(pods).name : deployment;
  }

  // ---- derived values ------------------------------------------------------------------------

  rollbackRate(): number {
    let completed = 0;
    let rolledBack = 0;
    for (const sample of this.window) {
      completed += sample.completed;
      rolledBack += sample.rolledBack;
    }
    return completed < 1 ? 0 : rolledBack / completed;
  }

  snapshotCount(): number {
    let count = 0;
    for (const bucket of this.snapshots) count += bucket.count;
    return Math.round(count);
  }

  snapshotBytesTotal(): number {
    let bytes = 0;
    for (const bucket of this.snapshots) bytes += bucket.bytes;
    return bytes;
  }

  stuckProofCount(): number {
    let count = 0;
    for (const bucket of this.stuckProofs) count += bucket.count;
    return Math.round(count);
  }

  /**
   * A container's working set. A speculation pod: heap, its share of tasks and snapshots, the
   * garbage it retains, and the young generation's sawtooth; any other pod: its deployment's
   * idle footprint and the same sawtooth.
   */
  podMemory(pod: Pod): number {
    if (pod.deployment === this.background.neighbour?.name) {
      if (pod.status === 'ContainerCreating') return 0.3 * this.background.neighbourMemory(pod, 0);
      return pod.status === 'Running' || pod.status === 'Terminating' ? this.background.neighbourMemory(pod, this.now()) : 0;
    }
    if (pod.deployment !== 'speculation-engine') {
      const base = this.cluster.deployments.get(pod.deployment)?.baseMemoryBytes ?? 0.35 * pod.memoryLimitBytes;
      if (pod.status === 'ContainerCreating') return 0.15 * base;
      if (pod.status !== 'Running' && pod.status !== 'Terminating') return 0;
      return base * (0.9 + 0.2 * pod.jitter) + gcSawtooth(pod, this.now(), 0.12 * base);
    }
    if (pod.status !== 'Running') return pod.status === 'ContainerCreating' ? 0.2 * GiB : 0;
    const ready = Math.max(1, this.cluster.readyCount('speculation-engine'));
    return baseHeapBytes + (this.activeTasks / ready) * taskStateBytes * this.drivers.workingSetMultiplier + this.snapshotBytesTotal() / ready + (this.heapGarbage.get(pod.name) ?? 0) + gcSawtooth(pod, this.now(), 0.08 * baseHeapBytes);
  }

  /**
   * Readings are taken at the moment the world changed (a tick, an action), never later at the
   * moment someone happens to read them: they hold time-windowed figures, and taking them sets
   * the memory pressure the next tick steps with. Taken lazily, a `/metrics` scrape or a status
   * read between an action and the next tick changed the world, and a replay (which does not
   * repeat reads) came out different.
   */
  private refreshReadings(): void {
    this.cachedReadings = undefined;
    this.readings();
  }

  readings(): Readings {
    if (this.cachedReadings) return this.cachedReadings;
    let memoryRatio = 0;
    let oomKilledPods = 0;
    let failingPods = 0;
    let crashLoopingPods = 0;
    const now = this.now();
    let proofWorkersFailing = 0;
    for (const pod of this.cluster.pods) {
      if (isCrashLooping(pod, now)) crashLoopingPods++;
      if (pod.status !== 'OOMKilled' && pod.status !== 'Error' && pod.status !== 'CrashLoopBackOff') continue;
      failingPods++;
      if (pod.deployment === 'proof-worker') proofWorkersFailing++;
    }
    for (const pod of this.cluster.podsOf('speculation-engine')) {
      memoryRatio = Math.max(memoryRatio, this.podMemory(pod) / pod.memoryLimitBytes);
      if (pod.lastTerminationReason === 'OOMKilled' && pod.lastRestartMs !== undefined && now - pod.lastRestartMs < 300_000) oomKilledPods++;
    }
    this.lastMemoryRatio = memoryRatio;
    let slashedTokensLast24h = 0;
    let slashingEventsLastHour = 0;
    for (const event of this.slashingEvents) {
      if (now - event.simMs < 86_400_000) slashedTokensLast24h += event.amount;
      if (now - event.simMs < 3_600_000) slashingEventsLastHour++;
    }
    let integrityCheckFailuresRecent = 0;
    for (const finishedMs of this.recentIntegrityFailures) if (now - finishedMs < recentIntegrityFailureMs) integrityCheckFailuresRecent++;
    this.cachedReadings = {
      simMs: now,
      speculationEnabled: this.config['speculation.enabled'],
      speculationAutoDisabled: this.autoDisabled !== undefined,
      maxDepth: this.config['speculation.max_depth'],
      rolloutPercentage: this.config['speculation.features.rollout_percentage'],
      rollbackRate: this.rollbackRate(),
      activeTasks: this.activeTasks,
      memoryRatio,
      oomKilledPods,
      proofQueueRatio: this.proofQueue / proofQueueCapacity,
      proofWorkersReady: this.cluster.readyCount('proof-worker'),
      agencWorkersReady: this.cluster.readyCount('agenc-worker'),
      gatewayPodsReady: this.cluster.readyCount('agenc-gateway'),
      corruptedRecords: Math.floor(this.corruptedRecords),
      integrityCheckFailures: this.integrityFailures,
      integrityCheckFailuresRecent,
      slashedTokens: this.slashedTokens,
      slashedTokensLast24h,
      speculationPodsReady: this.cluster.readyCount('speculation-engine'),
      speculationPodsDesired: this.cluster.deployments.get('speculation-engine')?.replicas ?? 0,
      speculationPodsOutdated: this.outdatedPods('speculation-engine'),
      operationsAffected: Number(this.operationsAffected.toFixed(4)),
      operationsPending: Math.round(this.pendingOps),
      failingPods,
      crashLoopingPods,
      proofWorkersFailing,
      slashingEventsLastHour,
      logVolumeAvailableRatio: this.background.lowestAvailableRatio(now),
    };
    return this.cachedReadings;
  }

  /**
   * The state store back at its last known good point (a data team's restore): no corrupt record
   * is left, so the next full scan is clean unless something corrupts it again.
   */
  restoreState(): number {
    const restored = Math.floor(this.corruptedRecords);
    this.corruptedRecords = 0;
    this.affectedShards.clear();
    this.firstCorruptionMs = undefined;
    this.refreshReadings();
    return restored;
  }

  /** Pods of the deployment, not yet gone, made from another template than its current one. */
  private outdatedPods(deploymentName: string): number {
    const deployment = this.cluster.deployments.get(deploymentName);
    let count = 0;
    if (deployment) for (const pod of this.cluster.pods) if (pod.deployment === deploymentName && pod.templateHash !== deployment.templateHash) count++;
    return count;
  }

  /** What others do to the world (a deploy, a config change, a message, a status page), applied now. */
  applyHappening(happening: Happening): Record<string, unknown> {
    if (happening.kind === 'dependency-status') this.knowDependency(happening.endpoint);
    return applyHappening(
      {
        applyConfig: (changes, origin) => this.applyConfig(changes, origin),
        rollout: (deployment, changes, changeCause) => this.cluster.rollout(deployment, changes, changeCause),
        messages: this.messages,
        dependencyStatus: this.dependencyStatus,
        restoreState: () => this.restoreState(),
      },
      happening,
      this.now(),
    );
  }

  // ---- dependencies --------------------------------------------------------------------------

  /** Lists an endpoint a scenario names among the service's dependencies (from the start, when the drill knows it then). */
  knowDependency(endpoint: string): void {
    if (this.knownDependencyEndpoints.includes(endpoint)) return;
    this.knownDependencyEndpoints.push(endpoint);
    this.dependencyList = undefined;
  }

  private noteDependencyFailing(failure: DependencyFailure, now: number): void {
    this.knowDependency(failure.endpoint);
    this.dependencyFailures.set(failure.endpoint, { simMs: now, message: dependencySymptom(failure) });
  }

  /** Every dependency the service reads from, with its numbers over the last minute as its client sees them. */
  dependencies(): Array<Dependency & { reading: DependencyReading; statusPage: DependencyStatus | null }> {
    this.dependencyList ??= seededDependencies(this.seed, this.knownDependencyEndpoints);
    const now = this.now();
    const failing = this.drivers.cascadeSource;
    return this.dependencyList.map((dependency) => {
      const statusPage = this.dependencyStatus.get(dependency.endpoint) ?? null;
      const failingHere = failing !== null && failing.endpoint === dependency.endpoint;
      const reading = dependencyReading(dependency, {
        seed: this.seed,
        nowMs: now,
        loadMultiplier: this.drivers.loadMultiplier,
        failing: failingHere ? { mode: failing.mode, message: dependencySymptom(failing), timeoutMs: dependencyTimeoutMs } : null,
        lastFailure: this.dependencyFailures.get(dependency.endpoint) ?? null,
      });
      // A status page names its owning team: that is who owns it, whatever the endpoint looks like.
      return { ...dependency, ...(statusPage ? { owner: statusPage.owner } : {}), reading, statusPage };
    });
  }

  // ---- responder actions ---------------------------------------------------------------------

  /**
   * Applies already-validated config changes, and records them in the config history with who
   * made them; returns the previous values of what changed.
   */
  applyConfig(changes: ReadonlyArray<readonly [ConfigKey, ConfigValue]>, origin: { by: string; reason?: string } = { by: 'admin' }): Partial<Record<ConfigKey, ConfigValue>> {
    const previous: Partial<Record<ConfigKey, ConfigValue>> = {};
    const config = this.config as Record<ConfigKey, ConfigValue>;
    for (const [key, value] of changes) {
      previous[key] = config[key];
      config[key] = value;
    }
    appendBounded(this.configHistory, { simMs: this.now(), by: origin.by, reason: origin.reason ?? '', changes: Object.fromEntries(changes), previous }, configHistoryLimit);
    // Someone turned speculation back on: the service's own switch is no longer what holds it off.
    if (config['speculation.enabled'] === true) this.autoDisabled = undefined;
    this.refreshReadings();
    return previous;
  }

  startDrain(): void {
    if (this.draining) return;
    this.draining = true;
    this.drainStartedMs = this.now();
    this.refreshReadings();
  }

  /** Whether the drain is complete: no in-flight or stuck speculative task is left. */
  drainComplete(): boolean {
    return this.activeTasks < 1 && this.stuckTasks.length === 0;
  }

  finishDrain(): void {
    this.activeTasks = 0;
    this.draining = false;
    this.refreshReadings();
  }

  /** A GC on every speculation pod: a forced full one frees most retained garbage, a normal one little. */
  runGc(force: boolean): Array<{ pod: string; beforeBytes: number; afterBytes: number }> {
    this.gcRuns++;
    const kept = force ? 0.2 : 0.9;
    const freed = this.cluster.readyPods('speculation-engine').map((pod) => {
      const beforeBytes = this.podMemory(pod);
      this.heapGarbage.set(pod.name, (this.heapGarbage.get(pod.name) ?? 0) * kept);
      return { pod: pod.name, beforeBytes, afterBytes: this.podMemory(pod) };
    });
    this.refreshReadings();
    return freed;
  }

  /** Deletes snapshots older than `olderThanMs`; returns how many and how many bytes went. */
  clearSnapshots(olderThanMs: number, dryRun = false): { removed: number; freedBytes: number } {
    const cutoff = this.now() - olderThanMs;
    let removed = 0;
    let freedBytes = 0;
    const kept = this.snapshots.filter((bucket) => {
      if (bucket.minuteMs + 60_000 > cutoff) return true;
      removed += bucket.count;
      freedBytes += bucket.bytes;
      return false;
    });
    if (dryRun) return { removed: Math.round(removed), freedBytes };
    this.snapshots = kept;
    this.snapshotsCleared += Math.round(removed);
    this.refreshReadings();
    return { removed: Math.round(removed), freedBytes };
  }

  /** Times out stuck proofs older than `olderThanMs`; their slots return to the workers. */
  timeoutProofs(olderThanMs: number): number {
    const cutoff = this.now() - olderThanMs;
    let count = 0;
    this.stuckProofs = this.stuckProofs.filter((bucket) => {
      if (bucket.createdMs > cutoff) return true;
      count += bucket.count;
      return false;
    });
    const timedOut = Math.round(count);
    this.proofsTimedOut += timedOut;
    // Timed-out proofs go back on the queue to be regenerated.
    this.proofQueue = Math.min(proofQueueCapacity, this.proofQueue + timedOut);
    this.refreshReadings();
    return timedOut;
  }

  /**
   * Starts an on-demand integrity scan, or joins the one running: a full request while a quick
   * scan runs makes it a full one (from when it started). Its result is known when it ends.
   */
  startIntegrityScan(full: boolean): IntegrityScan {
    const running = this.integrityScan;
    if (running) {
      if (full && !running.full) {
        running.full = true;
        running.endsMs = running.startedMs + integrityScanMs.full;
      }
      return running;
    }
    const now = this.now();
    const scan: IntegrityScan = { seq: ++this.integrityScanSeq, full, startedMs: now, endsMs: now + (full ? integrityScanMs.full : integrityScanMs.quick) };
    this.integrityScan = scan;
    return scan;
  }

  /** The result of on-demand scan `seq`, once it has finished. */
  integrityScanResult(seq: number): IntegrityScanResult | undefined {
    const last = this.lastOnDemandScan;
    return last !== undefined && last.seq === seq ? last : this.lastFullScan?.seq === seq ? this.lastFullScan : undefined;
  }

  alertStates(): AlertState[] {
    return this.alerts.states();
  }
}
