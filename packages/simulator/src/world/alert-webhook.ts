/**
 * Sends alert transitions to a URL in Alertmanager's webhook format (version 4), so a team can
 * route drill alerts through its own tooling. Delivery is best effort: a receiver that is down
 * or slow never holds up the drill; failures are reported once each until one succeeds.
 */
import { createHash } from 'node:crypto';
import type { AlertState } from './alerts';

export interface AlertNotice {
  alert: AlertState;
  to: 'firing' | 'resolved';
  /** Wall time of the transition (the drill's simulated time as a date). */
  at: Date;
  /** When the alert started firing. */
  startsAt: Date;
  scenarioLabel?: string;
}

export function alertmanagerPayload(notice: AlertNotice, externalUrl: string): Record<string, unknown> {
  const { alert } = notice;
  const labels = { alertname: alert.name, severity: alert.runbookSeverity, runbook: alert.runbook, service: 'speculation' };
  const annotations = { summary: alert.summary, trigger: alert.trigger };
  const fingerprint = createHash('sha256').update(JSON.stringify(labels)).digest('hex').slice(0, 16);
  return {
    version: '4',
    groupKey: `{}:{alertname="${alert.name}"}`,
    truncatedAlerts: 0,
    status: notice.to,
    receiver: 'gameday',
    groupLabels: { alertname: alert.name },
    commonLabels: labels,
    commonAnnotations: annotations,
    externalURL: externalUrl,
    alerts: [
      {
        status: notice.to,
        labels,
        annotations,
        startsAt: notice.startsAt.toISOString(),
        endsAt: notice.to === 'resolved' ? notice.at.toISOString() : '0001-01-01T00:00:00Z',
        generatorURL: `${externalUrl}/metrics`,
        fingerprint,
      },
    ],
  };
}

export class AlertWebhook {
  private failing = false;

  constructor(
    readonly url: string,
    private readonly externalUrl: () => string,
    private readonly report: (message: string) => void = (message) => process.stderr.write(`${message}\n`),
  ) {}

  send(notice: AlertNotice): void {
    fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(alertmanagerPayload(notice, this.externalUrl())),
      signal: AbortSignal.timeout(5000),
    })
      .then((response) => {
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        this.failing = false;
      })
      .catch((error: unknown) => {
        if (!this.failing) this.report(`gameday: alert webhook ${this.url} failed: ${error instanceof Error ? error.message : String(error)}`);
        this.failing = true;
      });
  }
}
