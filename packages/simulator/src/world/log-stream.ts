/**
 * The service's log stream: steady noise from every component, plus the signal lines an
 * incident leaves behind. Seeded, bounded, and filtered by `speculation.log_level`.
 */
import { seededFaker, type Readings, type SeededFaker } from '@gameday/scenarios';
import { createRng, type Rng } from './random';
import type { World } from './world';
import { dependencySymptom, dependencyTimeoutMs } from './dependency-symptoms';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Dependencies every variant's service reads from that stay healthy. */
/** The clients that submit tasks to the gateway, as their user agents say. */
const clientAgents = ['agenc-sdk-go/2.4.1', 'agenc-sdk-ts/3.1.0', 'agenc-cli/1.9.2', 'agenc-sdk-py/2.2.7', 'settlement-bot/0.8.3'];
const healthyEndpoints = ['ledger-db-0.agenc.internal:5432', 'tenant-config.agenc.internal:443', 'block-index.agenc.internal:9000'];
const levelRank: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export interface LogLine {
  simMs: number;
  pod: string;
  level: LogLevel;
  message: string;
}

/** What a commit line says of its read-set check when validation is loosened: the same draws, more words. */
function readSetCheck(validation: string): string {
  return validation === 'sampled' ? ', read sets checked 1 in 8' : validation === 'off' ? ', read sets not checked' : '';
}

export class LogStream {
  private lines: LogLine[] = [];
  private readonly faker: SeededFaker;
  /** The log stream's own randomness: what is logged never moves the world's physics. */
  private readonly rng: Rng;
  private readonly tenants: string[];

  constructor(
    seed: number,
    private readonly now: () => number,
    readonly capacity = 2000,
  ) {
    this.faker = seededFaker(seed);
    this.rng = createRng(seed ^ 0x10951ee7);
    this.tenants = Array.from({ length: 6 }, () => this.faker.internet.domainWord());
  }

  add(world: World, pod: string, level: LogLevel, message: string): void {
    if (levelRank[level] < levelRank[world.config['speculation.log_level'] as LogLevel]) return;
    const line: LogLine = { simMs: this.now(), pod, level, message };
    this.lines.push(line);
    if (this.lines.length > this.capacity) this.lines.splice(0, this.lines.length - this.capacity);
  }

  recent(limit = 200, pod?: string): LogLine[] {
    const lines = pod === undefined ? this.lines : this.lines.filter((line) => line.pod === pod);
    return lines.slice(-limit);
  }

  private podOf(world: World, deployment: string): string {
    const pods = world.cluster.readyPods(deployment);
    return pods.length > 0 ? this.rng.pick(pods).name : deployment;
  }

  /** Called once a simulated second, after the world has stepped. */
  tick(world: World, readings: Readings, cascade: number): void {
    const rng = this.rng;
    if (rng.next() < 0.35) this.noise(world);
    const misleading = world.drivers.misleadingLogs;
    if (misleading.length > 0 && rng.next() < 1 / 40) {
      this.add(world, this.podOf(world, rng.pick(['agenc-gateway', 'agenc-worker', 'proof-worker'])), 'warn', rng.pick(misleading));
    }
    if (cascade > 0.05 && rng.next() < 0.5) {
      // What the engine sees: children rolled back after their parents, and the reads that failed
      // first. Which dependency is to blame is the responder's to correlate.
      const source = world.drivers.cascadeSource;
      if (source && rng.next() < 0.3) {
        this.add(world, this.podOf(world, 'speculation-engine'), 'warn', `task spec-${rng.token(8)} rolled back (depth 1): ${dependencySymptom(source)}`);
      } else {
        this.add(world, this.podOf(world, 'speculation-engine'), 'warn', `task spec-${rng.token(8)} rolled back: parent spec-${rng.token(8)} rolled back (depth ${rng.int(2, Math.max(2, readings.maxDepth))})`);
      }
      if (source && rng.next() < 0.15) this.add(world, this.podOf(world, 'agenc-worker'), 'warn', this.clientErrors(source.endpoint, source.mode));
    }
    if (readings.memoryRatio > 0.85 && rng.next() < 0.25) {
      this.add(world, this.podOf(world, 'speculation-engine'), 'warn', `heap at ${(readings.memoryRatio * 100).toFixed(1)}% of limit; full GC pause ${rng.int(180, 900)}ms, reclaimed ${rng.int(1, 9)}%`);
    }
    if (readings.proofQueueRatio > 0.5 && rng.next() < 0.2) {
      this.add(world, this.podOf(world, 'proof-worker'), 'warn', `proof queue depth ${Math.round(world.proofQueue)} (${(readings.proofQueueRatio * 100).toFixed(0)}% of capacity); oldest proof waiting ${rng.int(60, 900)}s`);
    }
    if (world.stuckProofCount() > 0 && rng.next() < 0.1) {
      this.add(world, this.podOf(world, 'proof-worker'), 'error', `proof ${rng.token(12)} (batch of ${world.config['speculation.proof.batch_size']}) exceeded its 120s deadline: witness generation stalled in constraint ${rng.int(1000, 99999)}`);
    }
  }

  /** A client's periodic summary of a failing dependency: error counts and latency, no verdict. */
  private clientErrors(endpoint: string, mode: 'timeout' | 'stale' | 'refused'): string {
    const rng = this.rng;
    const calls = rng.int(180, 420);
    const failed = Math.round(calls * rng.range(0.3, 0.8));
    switch (mode) {
      case 'timeout':
        return `client ${endpoint}: ${failed}/${calls} calls timed out in the last 10s (p50 ${rng.int(900, 1900)}ms, p99 ${dependencyTimeoutMs}ms)`;
      case 'stale':
        return `client ${endpoint}: ${failed}/${calls} answers behind head in the last 10s (lag ${rng.int(8, 40)} blocks)`;
      case 'refused':
        return `client ${endpoint}: ${failed}/${calls} connects refused in the last 10s (retrying with backoff ${rng.int(2, 16)}s)`;
    }
  }

  private noise(world: World): void {
    const rng = this.rng;
    const tenant = rng.pick(this.tenants);
    switch (rng.int(0, 6)) {
      case 0: {
        const tasks = rng.int(20, 90);
        const ms = rng.int(3, 40);
        // With speculation off the engine runs tasks one by one: no speculative batch to commit.
        if (world.config['speculation.enabled'] === false) this.add(world, this.podOf(world, 'speculation-engine'), 'info', `executed ${tasks} tasks without speculation in ${ms * 4}ms (tenant ${tenant}; speculation.enabled=false)`);
        else this.add(world, this.podOf(world, 'speculation-engine'), 'info', `committed speculative batch of ${tasks} tasks in ${ms}ms (tenant ${tenant}${readSetCheck(world.config['speculation.commit_validation'])})`);
        break;
      }
      case 1:
        // A stalled sweeper does not say it is stalled: its passes stop expiring anything.
        if (world.drivers.snapshotSweeperStalled) {
          this.add(world, this.podOf(world, 'speculation-engine'), 'debug', `snapshot sweeper: pass skipped, previous pass still holds the sweep lock (${world.snapshots.length} buckets)`);
        } else {
          this.add(world, this.podOf(world, 'speculation-engine'), 'debug', `snapshot sweeper: expired ${rng.int(100, 1200)} snapshots older than ${world.config['speculation.snapshots.retention_minutes']}m`);
        }
        break;
      case 2: {
        // A batch takes about as long as the proofs in it.
        const batch = world.config['speculation.proof.batch_size'];
        this.add(world, this.podOf(world, 'proof-worker'), 'info', `proof batch ${rng.token(8)} verified (${batch} proofs, ${Math.round((rng.int(200, 900) * batch) / 32)}ms)`);
        break;
      }
      case 3:
        this.add(world, this.podOf(world, 'agenc-gateway'), 'info', `POST /v1/tasks 202 ${rng.int(2, 30)}ms tenant=${tenant} ua="${this.faker.helpers.arrayElement(clientAgents)}"`);
        break;
      case 4:
        // Healthy dependencies are named in the logs too, so a name alone proves nothing.
        if (rng.next() < 0.5) this.add(world, this.podOf(world, 'agenc-worker'), 'info', `oracle price feed updated (lag ${rng.int(40, 400)}ms)`);
        else this.add(world, this.podOf(world, 'agenc-worker'), 'info', `client ${rng.pick(healthyEndpoints)}: ${rng.int(180, 420)} calls in the last 10s, 0 failed (p50 ${rng.int(4, 40)}ms)`);
        break;
      case 5:
        // A red herring every healthy system has: loud, harmless.
        this.add(world, this.podOf(world, 'agenc-gateway'), 'warn', `upstream keep-alive reset by peer ${this.faker.internet.ipv4()}; retrying`);
        break;
      default:
        this.add(world, this.podOf(world, 'agenc-worker'), 'debug', `lease renewed for shard ${rng.int(0, 63)}`);
    }
  }
}
