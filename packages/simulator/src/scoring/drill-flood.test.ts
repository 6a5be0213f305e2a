/**
 * Issue 13 (7): a flood of junk requests (what one curl line with URL globbing sends) pushes
 * everything older out of the journal's 10,000-entry ring, `drill.started` included. The score
 * is made of the journal's facts, kept apart from the ring, so the drill scores exactly as it
 * would have without the flood, whether it comes before the page or in the middle of the work.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { worldFingerprint } from '../http/test-server';
import { isDrillEvent } from '../journal/scoring-facts';
import { debriefOf } from './drill-debrief';
import { scoreJournal } from './drill-scorer';
import { openDrill, playHonestly, type Call, type OpenDrill } from './test-drill-play';

const opened: OpenDrill[] = [];
afterEach(async () => {
  for (const open of opened.splice(0)) await open.close();
});

const floodSize = 20_000;

/** Requests that earn nothing and change nothing: wrong paths, reads, forged labels, refusals. */
const junk = (i: number): Call => {
  switch (i % 6) {
    case 0:
      return { method: 'GET', url: `/junk-${i}` };
    case 1:
      // A read that claims to be the forced GC the runbook asks for.
      return { method: 'GET', url: `/admin/status?component=speculation&n=${i}`, headers: { 'x-agenc-command': 'agenc admin gc --component speculation --force' } };
    case 2:
      return { method: 'GET', url: `/api/v1/namespaces/production/pods?n=${i}`, headers: { 'kubectl-command': 'kubectl scale' } };
    case 3:
      return { method: 'POST', url: '/admin/config', body: { 'speculation.max_depth': 'deep' } };
    case 4:
      return { method: 'POST', url: '/admin/gc', body: { component: 'speculation', force: true }, headers: { authorization: 'Bearer not-the-token' } };
    default:
      return { method: 'GET', url: '/admin/gc', headers: { 'x-agenc-command': 'agenc admin gc --component speculation --force' } };
  }
};

/** Sends the flood and checks it did what it is for: the ring lost the drill's start, the world nothing. */
async function flood(open: OpenDrill): Promise<void> {
  const before = worldFingerprint(open.drill);
  for (let i = 0; i < floodSize; i++) await open.send(junk(i));
  expect(worldFingerprint(open.drill), 'the junk changed the world').toBe(before);
  expect(open.drill.journal.list().some((entry) => isDrillEvent(entry, 'drill.started')), 'the flood did not reach drill.started').toBe(false);
  expect(open.drill.journal.facts().some((entry) => isDrillEvent(entry, 'drill.started'))).toBe(true);
}

async function play(scenario: string, hooks: Parameters<typeof playHonestly>[1] = {}) {
  const open = await openDrill(scenario);
  opened.push(open);
  return playHonestly(open, hooks);
}

describe('a flood of junk requests', () => {
  it.each([
    ['in the middle of the runbook actions', 'memory-exhaustion', 'midway'],
    ['before the page', 'rollback-storm', 'beforePage'],
  ] as const)('%s leaves the score exactly as it was (%s)', async (_when, scenario, hook) => {
    const clean = await play(scenario);
    expect(clean.score.actions.map((action) => [action.id, action.doneAtMs !== null])).toEqual(clean.score.actions.map((action) => [action.id, true]));
    expect(clean.score.scenario).toBe(scenario);

    const flooded = await play(scenario, { [hook]: flood });
    expect(flooded.score).toEqual(clean.score);
    // Stored, it re-scores the same, and its debrief still shows what was done.
    expect(scoreJournal(flooded.facts)).toEqual(flooded.score);
    expect(debriefOf(flooded).missed).toEqual([]);
    expect(flooded.journal.some((entry) => isDrillEvent(entry, 'drill.started'))).toBe(true);
    expect(flooded.facts.length).toBeLessThan(100);
  }, 120_000);
});
