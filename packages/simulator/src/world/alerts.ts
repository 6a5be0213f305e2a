/**
 * The service's alerting rules, evaluated every tick from the world's readings the way
 * Prometheus evaluates a rule with a `for` clause: pending while the condition holds, firing
 * once it has held for `forMs`, resolved when it stops holding. Each rule is declared with its
 * incident, in its scenario file (`spec.alertRules`); this file only evaluates them.
 */
import { redHerringAlertRules, redHerringRunbook, scenarios, type AlertRuleSpec, type Readings, type Severity } from '@gameday/scenarios';

export type AlertSeverity = AlertRuleSpec['severity'];

/** A declared rule and the runbook section it belongs to. */
export interface AlertRule extends AlertRuleSpec {
  runbook: string;
}

export interface AlertState {
  name: string;
  runbook: string;
  severity: AlertSeverity;
  runbookSeverity: Severity;
  summary: string;
  trigger: string;
  state: 'inactive' | 'pending' | 'firing';
  /** When the condition started holding (pending or firing). */
  activeSinceMs: number | undefined;
  /** When it last started firing. */
  firedAtMs: number | undefined;
  /** When it last stopped firing (its condition cleared); undefined while it fires or never has. */
  resolvedAtMs: number | undefined;
  value: number;
}

/**
 * Every incident's rules, in the registry's order, then the platform's rules the background's
 * red herrings fire (red-herrings.ts): evaluated alike and shown alike, they are no incident's
 * page because no spec's `alertRules` has them.
 */
export const alertRules: readonly AlertRule[] = [
  ...scenarios.flatMap((scenario) => (scenario.spec ? scenario.spec.alertRules.map((rule) => ({ ...rule, runbook: scenario.spec!.incident })) : [])),
  ...redHerringAlertRules.map((rule) => ({ ...rule, runbook: redHerringRunbook })),
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
        resolvedAtMs: undefined,
        value: 0,
      });
    }
  }

  onTransition(listener: (transition: AlertTransition) => void): void {
    this.listener = listener;
  }

  evaluate(readings: Readings, now: number): void {
    for (const rule of this.rules) {
      const alert = this.byName.get(rule.name)!;
      alert.value = rule.value(readings);
      if (rule.holds(readings)) {
        alert.activeSinceMs ??= now;
        if (alert.state !== 'firing' && now - alert.activeSinceMs >= rule.forMs) {
          alert.state = 'firing';
          alert.firedAtMs = now;
          alert.resolvedAtMs = undefined;
          this.listener?.({ alert: { ...alert }, to: 'firing' });
        } else if (alert.state === 'inactive') {
          alert.state = 'pending';
        }
      } else {
        const wasFiring = alert.state === 'firing';
        alert.state = 'inactive';
        alert.activeSinceMs = undefined;
        if (wasFiring) {
          alert.resolvedAtMs = now;
          this.listener?.({ alert: { ...alert }, to: 'resolved' });
        }
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
