/**
 * Issue 14, item 4: logs, agenc output, /metrics and the trainee's dashboard show what the real
 * service would, symptoms and evidence, never the cause's name or a verdict; alerts are the
 * pager's, not status's; and the count of corrupt records is known only once a full integrity
 * check has run. Each incident, left alone past its critical phase, for two seeds.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { alertNames, scenarios } from '@gameday/scenarios';
import { adminAuth, buildTestServer } from '../http/test-server';
import * as format from '../cli/agenc-format';
import type { Drill } from './drill';
import type { TraineeView } from './trainee-view';

const opened: Array<{ server: FastifyInstance; drill: Drill }> = [];
afterEach(async () => {
  for (const { server, drill } of opened.splice(0)) {
    await server.close();
    drill.stop();
  }
});

/** Words that name a cause or pass a verdict: a real service's tools do not know them. */
const verdicts = /root cause|\bbug\b|\bleak(s|ing|ed)?\b|\brace\b|\bunexpected(ly)?\b|\bexpected\b|sweeper (is )?stalled|\bcircuit change\b|\bdependency failure\b/i;
const pagingAlerts = scenarios.flatMap((scenario) => (scenario.spec ? alertNames(scenario.spec) : []));

async function answer(server: FastifyInstance, url: string): Promise<string> {
  const response = await server.inject({ method: 'GET', url, headers: adminAuth });
  expect(response.statusCode, `${url}: ${response.body}`).toBe(200);
  return response.body;
}

/** Everything a trainee can read in a terminal and on the dashboard, but the pager. */
async function visibleText(server: FastifyInstance): Promise<Record<string, string>> {
  const json = async <T>(url: string) => JSON.parse(await answer(server, url)) as T;
  const view = await json<TraineeView & Record<string, unknown>>('/trainer/state');
  // The pager, its alert list, the easy hints and the timeline's "alert firing" lines are where alerts belong.
  const { alerts: _alerts, page: _page, hints: _hints, timeline: _timeline, ...dashboard } = view;
  return {
    'agenc admin status --verbose': format.formatStatus(await json('/admin/status?component=speculation&verbose=true')),
    'agenc speculation rollbacks --verbose': format.formatRollbacks(await json('/admin/speculation/rollbacks?since_ms=600000&verbose=true')),
    'agenc speculation stuck': format.formatStuck(await json('/admin/speculation/stuck?threshold_ms=60000')),
    'agenc proof-worker status': format.formatProofWorkers(await json('/admin/proof-worker/status')),
    'agenc stake status': format.formatStake(await json('/admin/stake/status')),
    'agenc stake slashing-history': format.formatSlashingHistory(await json('/admin/stake/slashing-history?since_ms=2592000000')),
    'agenc dependencies': format.formatDependencies(await json('/admin/dependencies')),
    'agenc config history': format.formatConfigHistory(await json('/admin/config/history?since=30d')),
    'agenc messages': format.formatMessages(await json('/admin/messages?since=30d')),
    'the logs': (await json<{ lines: Array<{ message: string }> }>('/admin/logs?limit=2000')).lines.map((line) => line.message).join('\n'),
    // The alert-state series names alerts by design (it is the pager's, for dashboards); the rest may not judge.
    '/metrics': (await answer(server, '/metrics'))
      .split('\n')
      .filter((line) => !line.startsWith('speculation_alert_firing'))
      .join('\n'),
    'the dashboard': JSON.stringify(dashboard),
  };
}

const incidents = scenarios.filter((scenario) => scenario.spec !== null).map((scenario) => scenario.id);

describe.each(incidents)('%s, left alone for 40 minutes', (scenarioId) => {
  it.each([2, 21])('seed %i: no surface names the cause or passes a verdict, and status lists no alerts', async (seed) => {
    const built = await buildTestServer({ scenario: scenarioId, seed });
    opened.push(built);
    built.drill.clock.advanceBy(40 * 60_000);
    expect(built.drill.journal.facts().some((entry) => entry.action === 'alert.firing'), 'the incident should have paged by now').toBe(true);
    for (const [surface, text] of Object.entries(await visibleText(built.server))) {
      expect(text.match(verdicts)?.[0], `${surface} says "${text.match(verdicts)?.[0]}"`).toBeUndefined();
      if (surface.startsWith('agenc')) for (const alert of pagingAlerts) expect(text, `${surface} names the alert ${alert}`).not.toContain(alert);
    }
    const status = JSON.parse(await answer(built.server, '/admin/status?component=speculation')) as Record<string, unknown>;
    expect(status).not.toHaveProperty('firingAlerts');
  });
});

describe.each(incidents)('%s: the cause the simulation knows (issue 16, item 8)', (scenarioId) => {
  it('is in nothing a trainee can read while the drill runs, and in the post-mortem once it is over', async () => {
    const built = await buildTestServer({ scenario: scenarioId, seed: 21 });
    opened.push(built);
    const { server, drill } = built;
    const cause = scenarios.find((scenario) => scenario.id === scenarioId)!.spec!.cause;
    // Whole phrases of the cause: its description, its fix, and what each piece of evidence is said to show.
    const secrets = [cause.description, cause.fix, ...cause.evidence.map((item) => item.shows)];
    drill.clock.advanceBy(40 * 60_000);
    const read = async (url: string) => {
      const response = await server.inject({ method: 'GET', url, headers: adminAuth });
      expect(response.statusCode, url).toBe(url === '/trainer/debrief' ? 409 : 200);
      return response.body;
    };
    const surfaces: Record<string, string> = {
      ...(await visibleText(server)),
      '/trainer/state (the whole view, pager and timeline included)': await read('/trainer/state'),
      '/trainer/series': await read('/trainer/series?since=-1'),
      '/trainer/runbook': await read('/trainer/runbook'),
      '/trainer/scenarios': await read('/trainer/scenarios'),
      '/trainer/debrief': await read('/trainer/debrief'),
    };
    for (const [surface, text] of Object.entries(surfaces)) for (const secret of secrets) expect(text.includes(secret), `${surface} says "${secret}"`).toBe(false);

    const declared = await server.inject({ method: 'POST', url: '/trainer/declare', headers: adminAuth, payload: { state: 'resolved' } });
    const { drillId } = declared.json<{ drillId: string }>();
    const postmortem = await read(`/trainer/drills/${drillId}/postmortem.md`);
    expect(postmortem).toContain(cause.description);
    expect(postmortem).toContain(cause.fix);
  });
});

describe('corrupt records (issue 14)', () => {
  it('are counted nowhere a trainee looks until a full integrity check has run, then everywhere', async () => {
    const built = await buildTestServer({ scenario: 'state-corruption', seed: 2 });
    opened.push(built);
    const { server, drill } = built;
    drill.clock.advanceBy(25 * 60_000);
    const truth = Math.floor(drill.world.corruptedRecords);
    expect(truth).toBeGreaterThan(50);
    const view = JSON.parse(await answer(server, '/trainer/state')) as TraineeView;
    expect(view.readings).not.toHaveProperty('corruptedRecords');
    expect(view.integrity.lastFullCheck).toBeNull();
    // The background scans read samples: they find some, and fail, but never the scope.
    expect(view.integrity.failedScans).toBeGreaterThan(0);
    expect(view.integrity.lastBackgroundScan!.inconsistentRecords).toBeLessThan(truth / 4);
    const before = await answer(server, '/metrics');
    expect(before).toMatch(/^speculation_integrity_corrupted_records 0$/m);
    expect(before).toMatch(/^speculation_integrity_last_full_check_timestamp_seconds 0$/m);

    const response = await server.inject({ method: 'POST', url: '/admin/check-integrity', headers: { ...adminAuth, 'content-type': 'application/json' }, payload: '{"full": true}' });
    const found = response.json<{ corruptedRecords: number }>().corruptedRecords;
    expect(found).toBe(Math.floor(drill.world.corruptedRecords));
    const after = JSON.parse(await answer(server, '/trainer/state')) as TraineeView;
    expect(after.integrity.lastFullCheck).toMatchObject({ corruptedRecords: found, finishedAt: drill.simDate().toISOString() });
    expect(await answer(server, '/metrics')).toContain(`speculation_integrity_corrupted_records ${found}\n`);
  });
});
