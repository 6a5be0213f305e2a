/**
 * The service's alerting rules, one per incident runbook, evaluated every tick from the world's
 * readings the way Prometheus evaluates a rule with a `for` clause: pending while the condition
 * holds, firing once it has held for `forMs`, resolved when it stops holding.
 */
import type { Readings } from '@gameday/scenarios';
import type { World } from './world';

export type AlertSeverity = 'critical' | 'warning';

export interface AlertRule {
  name: string;
  runbook: string;
  severity: AlertSeverity;
  /** The runbook's severity the alert is labelled with (as in scenarios/prometheus/alerts.yml). */
  runbookSeverity: 'P1' | 'P2';
  summary: string;
  /** The runbook's trigger, as written there. */
  trigger: string;
  forMs: number;
  holds(world: World, readings: Readings): boolean;
  /** The value shown on the pager (a ratio, a count). */
  value(world: World, readings: Readings): number;
}

export interface AlertState {
  name: string;
  runbook: string;
  severity: AlertSeverity;
  runbookSeverity: 'P1' | 'P2';
  summary: string;
  trigger: string;
  state: 'inactive' | 'pending' | 'firing';
  /** When the condition started holding (pending or firing). */
  activeSinceMs: number | undefined;
  /** When it last started firing. */
  firedAtMs: number | undefined;
  value: number;
}

const failingStatuses = new Set(['OOMKilled', 'Error', 'CrashLoopBackOff']);

export const alertRules: readonly AlertRule[] = [
  {
    name: 'SpeculationRollbackStorm',
    runbookSeverity: 'P1',
    summary: 'Cascading rollback storm',
    runbook: 'INC-SPEC-001',
    severity: 'critical',
    trigger: 'Rollback rate > 50% for > 2 minutes',
    forMs: 120_000,
    holds: (_world, readings) => readings.rollbackRate > 0.5,
    value: (_world, readings) => readings.rollbackRate,
  },
  {
    // Milder storms never cross the 50% trigger; the runbook's matrix still makes 25-50% a P2.
    name: 'SpeculationRollbackRateElevated',
    runbookSeverity: 'P2',
    summary: 'Rollback rate elevated (25-50% is P2 in the severity matrix)',
    runbook: 'INC-SPEC-001',
    severity: 'warning',
    trigger: 'Rollback rate > 25% for > 5 minutes',
    forMs: 300_000,
    holds: (_world, readings) => readings.rollbackRate > 0.25,
    value: (_world, readings) => readings.rollbackRate,
  },
  {
    name: 'SpeculationMemoryExhaustion',
    runbookSeverity: 'P1',
    summary: 'Speculation pods out of memory',
    runbook: 'INC-SPEC-002',
    severity: 'critical',
    trigger: 'Memory > 95% or OOMKilled pods',
    forMs: 0,
    holds: (_world, readings) => readings.memoryRatio > 0.95 || readings.oomKilledPods > 0,
    value: (_world, readings) => readings.memoryRatio,
  },
  {
    name: 'ProofGenerationFailure',
    runbookSeverity: 'P1',
    summary: 'Proof generation failing or saturated',
    runbook: 'INC-SPEC-003',
    severity: 'critical',
    trigger: 'Proof queue > 95% or proof worker pods failing',
    forMs: 0,
    holds: (world, readings) => readings.proofQueueRatio > 0.95 || world.cluster.podsOf('proof-worker').some((pod) => failingStatuses.has(pod.status)),
    value: (_world, readings) => readings.proofQueueRatio,
  },
  {
    name: 'SpeculationStateCorruption',
    runbookSeverity: 'P1',
    summary: 'State integrity checks failing',
    runbook: 'INC-SPEC-004',
    severity: 'critical',
    trigger: 'State integrity check failures, inconsistent data',
    forMs: 0,
    holds: (world) => world.integrityFailures > 0,
    value: (world) => world.integrityFailures,
  },
  {
    name: 'StakeSlashingDetected',
    runbookSeverity: 'P1',
    summary: 'Validator stake slashed',
    runbook: 'INC-SPEC-005',
    severity: 'critical',
    trigger: 'Unexpected stake slashing, financial loss detected',
    forMs: 0,
    // Any slashing pages: whether it was a legitimate penalty or a bug is the responder's call.
    holds: (world, readings) => world.slashingEvents.some((event) => readings.simMs - event.simMs < 3_600_000),
    value: (world, readings) => world.slashingEvents.filter((event) => readings.simMs - event.simMs < 3_600_000).length,
  },
];

export type AlertTransition = { alert: AlertState; to: 'firing' | 'resolved' };

export class AlertEvaluator {
  private readonly byName = new Map<string, AlertState>();
  private listener: ((transition: AlertTransition) => void) | undefined;

  constructor(private readonly rules: readonly AlertRule[] = alertRules) {
    for (const rule of rules) {
      this.byName.set(rule.name, {
        name: rule.name,
        runbook: rule.runbook,
        severity: rule.severity,
        runbookSeverity: rule.runbookSeverity,
        summary: rule.summary,
        trigger: rule.trigger,
        state: 'inactive',
        activeSinceMs: undefined,
        firedAtMs: undefined,
        value: 0,
      });
    }
  }

  onTransition(listener: (transition: AlertTransition) => void): void {
    this.listener = listener;
  }

  evaluate(world: World, readings: Readings, now: number): void {
    for (const rule of this.rules) {
      const alert = this.byName.get(rule.name)!;
      alert.value = rule.value(world, readings);
      if (rule.holds(world, readings)) {
        alert.activeSinceMs ??= now;
        if (alert.state !== 'firing' && now - alert.activeSinceMs >= rule.forMs) {
          alert.state = 'firing';
          alert.firedAtMs = now;
          this.listener?.({ alert: { ...alert }, to: 'firing' });
        } else if (alert.state === 'inactive') {
          alert.state = 'pending';
        }
      } else {
        const wasFiring = alert.state === 'firing';
        alert.state = 'inactive';
        alert.activeSinceMs = undefined;
        if (wasFiring) this.listener?.({ alert: { ...alert }, to: 'resolved' });
      }
    }
  }

  states(): AlertState[] {
    return [...this.byName.values()].map((alert) => ({ ...alert }));
  }

  firing(): string[] {
    return [...this.byName.values()].filter((alert) => alert.state === 'firing').map((alert) => alert.name);
  }
}
