/**
 * Issue 6 replay: a drill played end to end through the app, its journal stored, and re-scored
 * from the stored facts alone (or the stored journal, which holds them): the same score, to the point. Also the debrief, post-mortem,
 * leaderboard and readiness metrics of that finished drill.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { findScenario } from '@gameday/scenarios';
import type { FastifyInstance } from 'fastify';
import { Drill } from '../drill/drill';
import { DrillSlot } from '../http/plugins/drill-context';
import { createServer } from '../http/server';
import { adminAuth, testTokens } from '../http/test-server';
import { SqliteDrillStore } from '../storage/sqlite-drill-store';
import { scoreJournal } from './drill-scorer';
import { isPaged } from './test-drill-play';
import { teamPromptMark } from './postmortem-draft';
import { scoringRulesVersion } from './scoring-weights';

let server: FastifyInstance;
let slot: DrillSlot;
let store: SqliteDrillStore;
afterEach(async () => {
  await server.close();
  slot.current.stop();
  store.close();
});

const send = (method: 'GET' | 'POST', url: string, body?: unknown, headers: Record<string, string> = {}) =>
  server.inject({ method, url, headers: { ...adminAuth, ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { payload: JSON.stringify(body) }) });

async function playStorm(ranked: boolean) {
  const placeholder = new Drill({ scenario: 'baseline', seed: 1, clock: 'virtual', speed: 1, difficulty: 'normal' });
  slot = new DrillSlot(placeholder);
  store = new SqliteDrillStore(':memory:');
  server = await createServer({ drill: placeholder, slot, store, tokens: testTokens });
  expect((await send('POST', '/trainer/drills', { trainee: 'Ada', team: 'sre-blue', scenario: ranked ? 'surprise' : 'rollback-storm', difficulty: 'normal' })).statusCode).toBe(200);
  const drill = slot.current;
  // The incident's page: on normal a platform warning may fire before it, and is not the page.
  const paged = isPaged(drill);
  for (let i = 0; i < 3600 && !paged(); i++) drill.clock.advanceBy(1000);
  drill.clock.advanceBy(60_000);
  // A platform warning firing since earlier is on the pager first: acknowledge until the page is.
  const pages = drill.pageAlerts();
  for (let i = 0; i < 3; i++) {
    const ack = await send('POST', '/trainer/acknowledge');
    expect(ack.statusCode).toBe(200);
    if (pages.includes(ack.json<{ alert: string }>().alert)) break;
  }
  expect(drill.trainee.acknowledged).not.toBeNull();
  expect((await send('POST', '/trainer/severity', { severity: 'P1', answers: { 'over-10-percent': true } })).statusCode).toBe(200);
  expect((await send('POST', '/trainer/bridge')).statusCode).toBe(200);
  expect((await send('POST', '/admin/config', { 'speculation.enabled': false })).statusCode).toBe(200);
  expect((await send('POST', '/admin/speculation/drain')).statusCode).toBe(200);
  expect((await send('GET', '/admin/speculation/rollbacks?since_ms=600000&verbose=true', undefined, { 'x-agenc-command': 'agenc speculation rollbacks --since 10m --verbose' })).statusCode).toBe(200);
  expect((await send('POST', '/trainer/comms', { channel: '#incidents', template: 'initial-alert', text: '[P1] Speculation Incident - rollback storm' })).statusCode).toBe(200);
  expect((await send('POST', '/trainer/escalations', { to: 'engineering-leadership' })).statusCode).toBe(200);
  drill.clock.advanceBy(3 * 60_000);
  const resolved = await send('POST', '/trainer/declare', { state: 'resolved' });
  expect(resolved.statusCode).toBe(200);
  return { drill, resolved: resolved.json<{ drillId: string; score: number }>() };
}

describe('a finished drill', () => {
  it('re-scores from its stored journal to the same score, to the point', async () => {
    const { resolved } = await playStorm(false);
    const stored = store.get(resolved.drillId)!;
    expect(stored.score.total).toBe(resolved.score);
    expect(scoreJournal(stored.facts)).toEqual(stored.score);
    expect(scoreJournal(stored.journal)).toEqual(stored.score);
    // Declared resolved three minutes after the Immediate Actions: the storm stopped, the service not restored.
    expect(stored.score.outcome).toMatchObject({ unit: 'operations rolled back or failed' });
    expect(stored.score.dimensions.find((dimension) => dimension.id === 'restored')?.points).toBe(0);
    expect(stored.score.rulesVersion).toBe(scoringRulesVersion);
    expect(stored.journal.find((entry) => entry.action === 'drill.finished')?.detail).toMatchObject({ drillId: resolved.drillId, score: resolved.score });
    expect(stored).toMatchObject({ trainee: 'Ada', team: 'sre-blue', scenario: 'rollback-storm', ranked: false });
  });

  it('shows the debrief, writes the post-mortem, and keeps practice off the leaderboard', async () => {
    const { resolved } = await playStorm(false);
    const debrief = (await send('GET', '/trainer/debrief')).json<{ score: { total: number }; idealPath: Array<{ atMs: number; step: string; by?: true }>; yourPath: Array<{ step: string }>; missed: unknown[]; gaps: Array<{ step: string; yoursAtMs: number | null; cost: number; text: string }> }>();
    expect(debrief.score.total).toBe(resolved.score);
    // Declared resolved with speculation still off: the debrief says what restoring it would have saved.
    const restart = debrief.gaps.find((gap) => gap.step.startsWith('re-enable speculation'));
    expect(restart).toMatchObject({ yoursAtMs: null, text: expect.stringMatching(/the ideal path did it at T\+\d+, you never did; doing it then would have saved [\d,]+ operations rolled back or failed/) as unknown });
    expect(restart!.cost).toBeGreaterThan(0);
    expect(debrief.idealPath.length).toBeGreaterThan(5);
    // The list is of deadlines after the page (the moments a responder made each change are the gaps'): each step says so.
    expect(debrief.idealPath[0]).toEqual({ atMs: 0, step: expect.stringMatching(/^page: /) as unknown });
    expect(debrief.idealPath.slice(1).every((step) => step.by === true)).toBe(true);
    expect(debrief.yourPath.map((step) => step.step)).toContain('declared P1');
    const postmortem = await send('GET', `/trainer/drills/${resolved.drillId}/postmortem.md`);
    expect(postmortem.headers['content-type']).toContain('text/markdown');
    expect(postmortem.headers['content-disposition']).toContain('attachment; filename="postmortem-rollback-storm-');
    expect(postmortem.body).toMatch(/^# Incident Post-Mortem: INC-SPEC-001 Cascading rollback storm \(game-day drill\)/);
    expect(postmortem.body).toContain('| Time | Event |');
    expect(postmortem.body).toMatch(/\| \d\d:\d\d \| On-call acknowledged \|/);
    // In the drill's own calendar: the time the pager showed the acknowledgement, the date of the page.
    const ackAt = slot.current.simDate(slot.current.trainee.acknowledged!.simMs).toISOString();
    expect(postmortem.body).toContain(`| ${ackAt.slice(11, 16)} | On-call acknowledged |`);
    expect(postmortem.body).toContain(`**Date:** ${ackAt.slice(0, 10)}`);
    expect(postmortem.body).toContain('- Time to Mitigate (TTM): ');
    // Issue 16, item 8: the drill is over, so the cause the simulation knew is said, with its evidence and fix;
    // the impact stands beside the counterfactual runs; no template placeholder is left where the drill
    // knows the answer, and what only the team can write is marked as theirs.
    const cause = findScenario('rollback-storm')!.spec!.cause;
    expect(postmortem.body).toContain(`**The cause the simulation knew** (said now that the drill is over): ${cause.description}.`);
    expect(postmortem.body).toContain(`**What took it away:** ${cause.fix}.`);
    for (const evidence of cause.evidence) expect(postmortem.body).toContain(`- \`${evidence.command}\`: ${evidence.shows}`);
    expect(postmortem.body).toMatch(/\| Left alone \(no responder\) \| [\d,]+ \|\n\| The ideal path \| [\d,]+ \|\n\| This response \| [\d,]+ \|/);
    expect(postmortem.body).toContain(restart!.text);
    expect(postmortem.body).toMatch(/### Contributing Factors\n- /);
    // A step done right is under what went well even when the outcome's share scaled its points down.
    const section = (name: string) => postmortem.body.split(`## ${name}`)[1]!.split('---')[0]!;
    const scaledFull = store.get(resolved.drillId)!.score.dimensions.filter((dimension) => dimension.beforeOutcomeShare !== undefined && dimension.beforeOutcomeShare >= dimension.max);
    expect(scaledFull.length).toBeGreaterThan(0);
    for (const dimension of scaledFull) {
      expect(dimension.points).toBeLessThan(dimension.max);
      expect(section('What Went Well')).toContain(`- ${dimension.label}: `);
      expect(section('What Went Poorly')).not.toContain(`- ${dimension.label}: `);
    }
    expect(postmortem.body.match(/\{[A-Z][^}]*\}|YYYY-MM-DD|P\{X\}|X minutes/g)).toBeNull();
    expect(postmortem.body).toContain(`**Reviewers:** *${teamPromptMark} who reviews this draft*`);
    for (const section of ['## Where We Got Lucky', '## Lessons Learned']) expect(postmortem.body.split(section)[1]!.split('---')[0]).toContain(teamPromptMark);
    expect((await send('GET', '/trainer/leaderboard')).json()).toEqual({ rows: [], frozenAt: null });
    expect((await send('POST', '/trainer/declare', { state: 'resolved' })).statusCode).toBe(409);
  });

  it('ranks a surprise drill, exports the board as CSV and JSON, and exports readiness on /metrics', async () => {
    const { resolved, drill } = await playStorm(true);
    const board = (await send('GET', '/trainer/leaderboard')).json<{ rows: Array<{ trainee: string; rank: number; score: number }> }>();
    expect(board.rows).toMatchObject([{ rank: 1, trainee: 'Ada', score: resolved.score }]);
    const csv = await send('GET', `/trainer/leaderboard?format=csv&scenario=${drill.scenario.id}`);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.split('\n')[0]).toBe('rank,trainee,team,scenario,difficulty,score,ttrMs,finishedAt,drillId');
    expect(csv.body.split('\n')[1]).toMatch(new RegExp(`^1,Ada,sre-blue,${drill.scenario.id},normal,`));
    const metrics = (await send('GET', '/metrics')).body;
    expect(metrics).toContain(`gameday_drill_time_to_acknowledge_seconds_count{scenario="${drill.scenario.id}",team="sre-blue"} 1`);
    expect(metrics).toContain(`gameday_drills_finished_total{scenario="${drill.scenario.id}",team="sre-blue",ranked="true"} 1`);
    expect((await send('GET', '/trainer/leaderboard?difficulty=nightmare')).statusCode).toBe(400);
  });
});
