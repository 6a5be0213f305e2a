/**
 * The service's log stream: steady noise from every component, plus the signal lines an
 * incident leaves behind. Seeded, bounded, and filtered by `speculation.log_level`.
 */
import { seededFaker, type Readings, type SeededFaker } from '@gameday/scenarios';
import type { World } from './world';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const levelRank: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export interface LogLine {
  simMs: number;
  pod: string;
  level: LogLevel;
  message: string;
}

export class LogStream {
  private lines: LogLine[] = [];
  private readonly faker: SeededFaker;
  private readonly tenants: string[];

  constructor(
    seed: number,
    private readonly now: () => number,
    readonly capacity = 2000,
  ) {
    this.faker = seededFaker(seed);
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
    return pods.length > 0 ? world.rng.pick(pods).name : deployment;
  }

  /** Called once a simulated second, after the world has stepped. */
  tick(world: World, readings: Readings, cascade: number): void {
    const rng = world.rng;
    if (rng.next() < 0.35) this.noise(world);
    const misleading = world.drivers.misleadingLogs;
    if (misleading.length > 0 && rng.next() < 1 / 40) {
      this.add(world, this.podOf(world, rng.pick(['agenc-gateway', 'agenc-worker', 'proof-worker'])), 'warn', rng.pick(misleading));
    }
    if (cascade > 0.05 && rng.next() < 0.5) {
      const source = world.drivers.cascadeSource;
      this.add(world, this.podOf(world, 'speculation-engine'), 'warn',
        `rollback cascade: task spec-${rng.token(8)} rolled back after parent spec-${rng.token(8)} (depth ${rng.int(2, Math.max(2, readings.maxDepth))})${source ? `; root cause: ${source}` : ''}`);
    }
    if (readings.memoryRatio > 0.85 && rng.next() < 0.25) {
      this.add(world, this.podOf(world, 'speculation-engine'), 'warn', `heap at ${(readings.memoryRatio * 100).toFixed(1)}% of limit; full GC pause ${rng.int(180, 900)}ms, reclaimed ${rng.int(1, 9)}%`);
    }
    if (readings.proofQueueRatio > 0.5 && rng.next() < 0.2) {
      this.add(world, this.podOf(world, 'proof-worker'), 'warn', `proof queue depth ${Math.round(world.proofQueue)} (${(readings.proofQueueRatio * 100).toFixed(0)}% of capacity); oldest proof waiting ${rng.int(60, 900)}s`);
    }
    if (world.stuckProofCount() > 0 && rng.next() < 0.1) {
      this.add(world, this.podOf(world, 'proof-worker'), 'error', `proof ${rng.token(12)} exceeded deadline: witness generation stalled in constraint ${rng.int(1000, 99999)}`);
    }
  }

  private noise(world: World): void {
    const rng = world.rng;
    const tenant = rng.pick(this.tenants);
    switch (rng.int(0, 6)) {
      case 0:
        this.add(world, this.podOf(world, 'speculation-engine'), 'info', `committed speculative batch of ${rng.int(20, 90)} tasks in ${rng.int(3, 40)}ms (tenant ${tenant})`);
        break;
      case 1:
        this.add(world, this.podOf(world, 'speculation-engine'), 'debug', `snapshot sweeper: expired ${rng.int(100, 1200)} snapshots older than ${world.config['speculation.snapshots.retention_minutes']}m`);
        break;
      case 2:
        this.add(world, this.podOf(world, 'proof-worker'), 'info', `proof batch ${rng.token(8)} verified (${world.config['speculation.proof.batch_size']} proofs, ${rng.int(200, 900)}ms)`);
        break;
      case 3:
        this.add(world, this.podOf(world, 'agenc-gateway'), 'info', `POST /v1/tasks 202 ${rng.int(2, 30)}ms tenant=${tenant} ua="${this.faker.internet.userAgent().slice(0, 40)}"`);
        break;
      case 4:
        this.add(world, this.podOf(world, 'agenc-worker'), 'info', `oracle price feed updated (lag ${rng.int(40, 400)}ms)`);
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
