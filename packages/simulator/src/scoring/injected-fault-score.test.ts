/**
 * A facilitator's quiet baseline with an incident injected into it is judged by that incident:
 * its page, its runbook's required actions, its severity, and the debrief's ideal path. Before,
 * a baseline's own "no incident" left the injected one unjudged (no required actions at all).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { alertNames, findScenario } from '@gameday/scenarios';
import { Drill } from '../drill/drill';
import type { FinishedDrill } from '../storage/drill-store';
import { debriefOf } from './drill-debrief';
import { scoreJournal } from './drill-scorer';

const drills: Drill[] = [];
afterEach(() => {
  for (const drill of drills.splice(0)) drill.stop();
});

describe('a baseline with an incident injected', () => {
  it('is scored and debriefed against the injected incident', () => {
    const drill = new Drill({ scenario: 'baseline', seed: 5, clock: 'virtual', speed: 1, difficulty: 'normal', trainee: 'Ada', team: 'sre-blue' });
    drills.push(drill);
    drill.start();
    drill.clock.advanceBy(5 * 60_000);
    drill.inject('rollback-storm');
    const storm = findScenario('rollback-storm')!.spec!;
    const pages = alertNames(storm);
    expect(drill.skipUntil(() => drill.world.alerts.firing().some((alert) => pages.includes(alert)), 60 * 60_000, 'test')).toBe(true);
    drill.clock.advanceBy(10 * 60_000);
    const facts = drill.journal.facts();
    const score = scoreJournal(facts, { endMs: drill.clock.now() });
    expect(score.actions.map((action) => action.command)).toEqual(expect.arrayContaining(storm.requiredActions.map((action) => action.command)));
    expect(score.actions.every((action) => action.doneAtMs === null)).toBe(true);
    expect(score.trueSeverity).not.toBeNull();

    const finished: FinishedDrill = { id: 'd1', trainee: 'Ada', team: 'sre-blue', scenario: 'baseline', difficulty: 'normal', ranked: false, score, finishedAt: drill.simDate().toISOString(), durationMs: drill.clock.now(), impact: {}, journal: [...drill.journal.list({ limit: 10_000 })], facts: [...facts] };
    const debrief = debriefOf(finished);
    const pagedAtMs = facts.find((entry) => entry.action === 'alert.firing' && pages.includes(String(entry.detail?.alert)))!.simMs;
    expect(debrief.yourPath.find((step) => step.step.startsWith('page: '))).toMatchObject({ atMs: 0 });
    expect(debrief.yourPath.find((step) => step.step.startsWith('page: '))!.step).toBe(`page: ${String(facts.find((entry) => entry.simMs === pagedAtMs && entry.action === 'alert.firing')!.detail?.alert)}`);
    // The ideal path's page is the one this run had.
    expect(debrief.idealPath[0]).toEqual(debrief.yourPath.find((step) => step.step.startsWith('page: ')));
    expect(debrief.idealPath.map((step) => step.step)).toEqual(expect.arrayContaining(storm.requiredActions.map((action) => `${action.description}: ${action.command}`)));
    expect(debrief.missed.length).toBe(storm.requiredActions.length);
  });
});
