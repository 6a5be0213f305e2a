/**
 * Issue 9: with --alert-webhook, a local receiver on loopback gets an Alertmanager-format
 * webhook when the rollback storm crosses its trigger (and when it resolves).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DrillState } from '@gameday/simulator';
import { startSimulator, type ServedSimulator } from '../e2e/support/served-simulator';

interface Payload {
  version: string;
  status: string;
  receiver: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  externalURL: string;
  alerts: Array<{ status: string; labels: Record<string, string>; annotations: Record<string, string>; startsAt: string; endsAt: string; generatorURL: string; fingerprint: string }>;
}

let receiver: Server;
const received: Payload[] = [];
let sim: ServedSimulator;

beforeAll(async () => {
  receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      received.push(JSON.parse(body) as Payload);
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const port = (receiver.address() as AddressInfo).port;
  // Seed 5 draws a storm that peaks at 71%: it crosses the 50% trigger.
  sim = await startSimulator(['--scenario', 'rollback-storm', '--clock', 'virtual', '--seed', '5', '--alert-webhook', `http://127.0.0.1:${port}/hook`]);
});
afterAll(async () => {
  await sim.stop();
  await new Promise((resolve) => receiver.close(resolve));
});

describe('alert delivery', () => {
  it('posts the storm to the webhook in Alertmanager format when it crosses the trigger', async () => {
    let state = await sim.control<DrillState>('GET', '/_sim/state');
    for (let minute = 0; minute < 60 && !state.firingAlerts.includes('SpeculationRollbackStorm'); minute++) {
      state = await sim.control<DrillState>('POST', '/_sim/clock/advance', { ms: 60_000 });
    }
    expect(state.firingAlerts).toContain('SpeculationRollbackStorm');
    await expect.poll(() => received.find((payload) => payload.groupLabels.alertname === 'SpeculationRollbackStorm'), { timeout: 5000 }).toBeDefined();
    const storm = received.find((payload) => payload.groupLabels.alertname === 'SpeculationRollbackStorm')!;
    expect(storm).toMatchObject({
      version: '4',
      status: 'firing',
      receiver: 'gameday',
      commonLabels: { alertname: 'SpeculationRollbackStorm', severity: 'P1', runbook: 'INC-SPEC-001', service: 'speculation' },
      externalURL: sim.url,
    });
    expect(storm.alerts[0]).toMatchObject({
      status: 'firing',
      annotations: { trigger: 'Rollback rate > 50% for > 2 minutes' },
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: `${sim.url}/metrics`,
    });
    expect(storm.alerts[0]!.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(Date.parse(storm.alerts[0]!.startsAt)).not.toBeNaN();

    // Mitigate: the alert resolves, and the receiver hears that too.
    await fetch(`${sim.url}/admin/config`, { method: 'POST', headers: { authorization: `Bearer ${sim.adminToken}`, 'content-type': 'application/json' }, body: '{"speculation.enabled": false}' });
    await sim.control('POST', '/_sim/clock/advance', { ms: 3 * 60_000 });
    await expect.poll(() => received.find((payload) => payload.groupLabels.alertname === 'SpeculationRollbackStorm' && payload.status === 'resolved'), { timeout: 5000 }).toBeDefined();
  });

  it('refuses a webhook that is not a URL, at start', async () => {
    await expect(startSimulator(['--alert-webhook', 'not a url'])).rejects.toThrow(/must be a URL/);
  });
});
