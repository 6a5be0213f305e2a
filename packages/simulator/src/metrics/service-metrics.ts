/**
 * The speculation service's Prometheus metrics, in a registry of the drill's own (never
 * prom-client's global one), so every app instance and every test starts clean. Values are read
 * from the world at scrape time: the tick stays free of metric bookkeeping, and a scrape always
 * agrees with what `kubectl` and `agenc` show at that instant.
 */
import { Counter, Gauge, Registry } from 'prom-client';
import { logVolume } from '@gameday/scenarios';
import type { Drill } from '../drill/drill';
import { isCrashLooping, productionDeployments } from '../world/cluster';
import { errorReasons, proofQueueCapacity, slashingOffences } from '../world/world';

/** The service's own deployments (another team's workload in the namespace is not the service's). */
const serviceDeployments = productionDeployments.map((deployment) => deployment.name);

type Collect<T> = (this: T) => void;

export function createServiceMetrics(getDrill: () => Drill): Registry {
  const registry = new Registry();
  const world = () => getDrill().world;

  const gauge = (name: string, help: string, collect: Collect<Gauge>, labelNames: string[] = []) =>
    new Gauge({ name, help, labelNames, registers: [registry], collect });
  const counter = (name: string, help: string, collect: Collect<Counter>, labelNames: string[] = []) =>
    new Counter({ name, help, labelNames, registers: [registry], collect });
  const setCounter = (metric: Counter, value: number, labels?: Record<string, string>) => {
    // Counters are owned by the world; the registry only reports them.
    if (labels) metric.inc(labels, Math.max(0, Math.floor(value)));
    else metric.inc(Math.max(0, Math.floor(value)));
  };

  gauge('speculation_active_tasks', 'Speculative tasks in flight now.', function () {
    this.set(Math.round(world().activeTasks));
  });
  gauge('speculation_stuck_tasks', 'Speculative tasks running longer than their timeout or hung on I/O.', function () {
    this.set(world().stuckTasks.length);
  });
  gauge('speculation_draining', '1 while a drain is in progress (no new speculative tasks start), else 0.', function () {
    this.set(world().draining ? 1 : 0);
  });
  gauge('speculation_rollback_rate', 'Share of speculative tasks finished in the last minute that were rolled back (0-1).', function () {
    this.set(Number(world().rollbackRate().toFixed(4)));
  });
  gauge('speculation_operations_affected_ratio', 'Share of operations hurt now: rolled back, failed, or waiting for an agenc worker (0-1), smoothed over a few seconds.', function () {
    this.set(world().readings().operationsAffected);
  });
  counter('speculation_tasks_started_total', 'Speculative tasks started.', function () {
    this.reset();
    setCounter(this, world().totals.started);
  });
  counter('speculation_commits_total', 'Speculative tasks whose results were committed.', function () {
    this.reset();
    setCounter(this, world().totals.committed);
  });
  counter('speculation_rollbacks_total', 'Speculative tasks rolled back (a write conflict, a parent rolled back, or a failed read).', function () {
    this.reset();
    setCounter(this, world().totals.rolledBack);
  });
  counter(
    'speculation_errors_total',
    'Speculative task errors by reason: dependency_timeout, task_timeout, oom, proof_rejected, capacity.',
    function () {
      this.reset();
      const errors = world().errors;
      for (const reason of errorReasons) setCounter(this, errors[reason], { reason });
    },
    ['reason'],
  );

  gauge('speculation_config_enabled', 'Config speculation.enabled (1 = true).', function () {
    this.set(world().config['speculation.enabled'] ? 1 : 0);
  });
  gauge('speculation_auto_disabled', '1 while speculation is off because the service turned it off itself (auto-protection against a sustained rollback storm), else 0.', function () {
    this.set(world().autoDisabled ? 1 : 0);
  });
  gauge('speculation_config_max_depth', 'Config speculation.max_depth.', function () {
    this.set(world().config['speculation.max_depth']);
  });
  gauge('speculation_config_rollout_percentage', 'Config speculation.features.rollout_percentage (0-100).', function () {
    this.set(world().config['speculation.features.rollout_percentage']);
  });

  gauge(
    'speculation_memory_usage_bytes',
    'Memory in use by each speculation-engine pod.',
    function () {
      this.reset();
      const w = world();
      for (const pod of w.cluster.podsOf('speculation-engine')) this.set({ pod: pod.name }, Math.round(w.podMemory(pod)));
    },
    ['pod'],
  );
  gauge(
    'speculation_memory_limit_bytes',
    'Memory limit of each speculation-engine pod.',
    function () {
      this.reset();
      for (const pod of world().cluster.podsOf('speculation-engine')) this.set({ pod: pod.name }, pod.memoryLimitBytes);
    },
    ['pod'],
  );
  gauge('speculation_snapshots', 'State snapshots retained.', function () {
    this.set(world().snapshotCount());
  });
  gauge('speculation_snapshots_size_bytes', 'Bytes held by retained state snapshots.', function () {
    this.set(Math.round(world().snapshotBytesTotal()));
  });
  gauge('speculation_snapshots_oldest_age_seconds', 'Age of the oldest retained snapshot.', function () {
    const w = world();
    const oldest = w.snapshots[0];
    this.set(oldest ? Math.max(0, Math.round((getDrill().clock.now() - oldest.minuteMs) / 1000)) : 0);
  });
  counter(
    'speculation_pod_restarts_total',
    'Container restarts of service pods, by deployment and last termination reason.',
    function () {
      this.reset();
      const totals = new Map<string, number>();
      for (const pod of world().cluster.pods) {
        if (pod.restarts === 0) continue;
        const key = `${pod.deployment}\u0000${pod.lastTerminationReason ?? 'Error'}`;
        totals.set(key, (totals.get(key) ?? 0) + pod.restarts);
      }
      for (const [key, value] of totals) {
        const [deployment = '', reason = ''] = key.split('\u0000');
        setCounter(this, value, { deployment, reason });
      }
    },
    ['deployment', 'reason'],
  );

  gauge('proof_queue_depth', 'Proofs waiting to be generated.', function () {
    this.set(Math.round(world().proofQueue));
  });
  gauge('proof_queue_capacity', 'Proofs the queue can hold before it rejects new ones.', function () {
    this.set(proofQueueCapacity);
  });
  gauge('proof_workers_desired', 'Replicas the proof-worker deployment asks for.', function () {
    this.set(world().cluster.deployments.get('proof-worker')?.replicas ?? 0);
  });
  gauge('proof_workers_ready', 'Proof-worker pods running and ready.', function () {
    this.set(world().cluster.readyCount('proof-worker'));
  });
  gauge('proof_stuck', 'Proofs hung in generation, each holding a worker slot.', function () {
    this.set(world().stuckProofCount());
  });
  counter('proofs_generated_total', 'Proofs generated.', function () {
    this.reset();
    setCounter(this, world().proofsCompleted);
  });
  counter('proofs_failed_total', 'Proofs rejected because the queue was full.', function () {
    this.reset();
    setCounter(this, world().proofsFailed);
  });
  counter('proofs_timed_out_total', 'Stuck proofs timed out by an operator and requeued.', function () {
    this.reset();
    setCounter(this, world().proofsTimedOut);
  });

  counter('speculation_integrity_checks_total', 'State integrity scans run (background and on demand).', function () {
    this.reset();
    setCounter(this, world().integrityChecks);
  });
  counter('speculation_integrity_check_failures_total', 'State integrity scans (background or on demand) that found inconsistent records.', function () {
    this.reset();
    setCounter(this, world().integrityFailures);
  });
  gauge('speculation_integrity_corrupted_records', 'Inconsistent records the last full integrity check found (0 until a full check has finished; see the timestamp).', function () {
    this.set(world().lastFullScan?.inconsistentRecords ?? 0);
  });
  gauge('speculation_integrity_last_full_check_timestamp_seconds', 'When the last full integrity check finished, in Unix seconds (0: none has).', function () {
    const full = world().lastFullScan;
    this.set(full ? Math.floor(getDrill().simDate(full.finishedMs).getTime() / 1000) : 0);
  });

  gauge('stake_balance_tokens', 'Tokens staked by the service validator now.', function () {
    this.set(world().stakeTokens);
  });
  counter('stake_slashed_tokens_total', 'Tokens slashed from the service validator.', function () {
    this.reset();
    setCounter(this, world().slashedTokens);
  });
  counter(
    'stake_slashing_events_total',
    'Slashing events against the service validator, by the offence the chain reported.',
    function () {
      this.reset();
      const events = world().slashingEvents;
      // Every offence is reported, at 0 too, so increase() sees the first event of each.
      for (const offence of slashingOffences) setCounter(this, events.filter((event) => event.offence === offence).length, { offence });
    },
    ['offence'],
  );

  gauge('agenc_operations_pending', 'Operations waiting for an agenc worker.', function () {
    this.set(Math.round(world().pendingOps));
  });
  counter('agenc_operations_processed_total', 'Operations processed by agenc workers.', function () {
    this.reset();
    setCounter(this, world().totals.operations);
  });
  gauge(
    'agenc_deployment_replicas_ready',
    'Ready pods of each service deployment.',
    function () {
      this.reset();
      const w = world();
      for (const name of serviceDeployments) this.set({ deployment: name }, w.cluster.readyCount(name));
    },
    ['deployment'],
  );
  gauge(
    'agenc_pods_failing',
    'Pods of each service deployment in OOMKilled, Error or CrashLoopBackOff.',
    function () {
      this.reset();
      const w = world();
      for (const name of serviceDeployments) {
        this.set({ deployment: name }, w.cluster.podsOf(name).filter((pod) => pod.status === 'OOMKilled' || pod.status === 'Error' || pod.status === 'CrashLoopBackOff').length);
      }
    },
    ['deployment'],
  );
  gauge(
    'agenc_pods_crash_looping',
    'Pods of each service deployment failing now or restarted after an error exit in the last five minutes.',
    function () {
      this.reset();
      const w = world();
      const now = w.readings().simMs;
      for (const name of serviceDeployments) this.set({ deployment: name }, w.cluster.podsOf(name).filter((pod) => isCrashLooping(pod, now)).length);
    },
    ['deployment'],
  );
  gauge(
    'speculation_oomkilled_pods',
    'Speculation-engine pods OOMKilled in the last five minutes.',
    function () {
      this.set(world().readings().oomKilledPods);
    },
  );
  // node-exporter's filesystem series of each node's log volume (node-mixin's disk rules read these).
  const volumeLabels = (instance: string) => ({ instance, device: logVolume.device, fstype: logVolume.fstype, mountpoint: logVolume.mountpoint });
  gauge(
    'node_filesystem_avail_bytes',
    'Filesystem space available to non-root users in bytes, per node (node-exporter).',
    function () {
      this.reset();
      const w = world();
      const now = getDrill().clock.now();
      w.cluster.nodes.forEach((node, index) => this.set(volumeLabels(node.name), w.background.availableBytes(index, node, now)));
    },
    ['instance', 'device', 'fstype', 'mountpoint'],
  );
  gauge(
    'node_filesystem_size_bytes',
    'Filesystem size in bytes, per node (node-exporter).',
    function () {
      this.reset();
      for (const node of world().cluster.nodes) this.set(volumeLabels(node.name), logVolume.sizeBytes);
    },
    ['instance', 'device', 'fstype', 'mountpoint'],
  );
  gauge(
    'speculation_alert_firing',
    '1 for each service alert firing now, by alert name and runbook section.',
    function () {
      this.reset();
      for (const alert of world().alertStates()) this.set({ alertname: alert.name, runbook: alert.runbook }, alert.state === 'firing' ? 1 : 0);
    },
    ['alertname', 'runbook'],
  );
  return registry;
}
