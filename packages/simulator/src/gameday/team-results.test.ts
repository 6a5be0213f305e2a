import { describe, expect, it } from 'vitest';
import type { JournalEntry } from '../journal/journal';
import { idealResponder, type Move, type Responder } from '../scoring/ideal-responders';
import { openDrill } from '../scoring/test-drill-play';
import { playStrategy } from '../scoring/test-strategy-responders';
import type { Drill } from '../drill/drill';
import { scoreJournal } from '../scoring/drill-scorer';
import { teamResults } from './team-results';

const worse: Move = { kind: 'config', changes: { 'speculation.enabled': true, 'speculation.max_depth': 8 } };

/** Ada plays the ideal path; Bob, two minutes after she stabilised the storm, turns speculation back on at depth 8 while the dependency is still down. */
class AdaAndBob implements Responder {
  private readonly ada = idealResponder('rollback-storm')!;
  private bobAtMs: number | null = null;
  get taken() {
    return this.ada.taken;
  }
  act(drill: Drill): Move[] {
    const moves = this.ada.act(drill);
    if (this.bobAtMs === null && this.ada.taken.length > 0) this.bobAtMs = drill.clock.now() + 2 * 60_000;
    if (this.bobAtMs !== null && drill.clock.now() >= this.bobAtMs) {
      this.bobAtMs = Number.POSITIVE_INFINITY;
      moves.push(worse);
    }
    return moves;
  }
}

/** Who sent each request, as the journal hook records a participant's token: Bob's change, Ada the rest. */
function attributed(journal: readonly JournalEntry[]): JournalEntry[] {
  return journal.map((entry) => {
    if (entry.source === 'world' || entry.source === 'sim') return entry;
    const bob = (entry.detail?.changes as Record<string, unknown> | undefined)?.['speculation.max_depth'] === 8;
    return { ...entry, actor: bob ? 'Bob' : 'Ada' };
  });
}

describe('teamResults', () => {
  it("scores the team by the drill's rules and gives each person the outcome their own changes made: the fixer's share positive, the one who made it worse negative and lowest", async () => {
    const open = await openDrill('rollback-storm', 11);
    try {
      const finished = await playStrategy(open, { responder: new AdaAndBob(), giveUpAfterMs: 4 * 3_600_000 });
      const journal = attributed(finished.journal);
      // Scored from the journal as the game-day keeps it, each request under its sender's name.
      const score = scoreJournal(journal);
      expect(score.total).toBe(finished.score.total);
      const participants = ['Ada', 'Bob', 'Cy'].map((name, index) => ({ name, role: index === 2 ? 'observer' : 'primary-on-call', joinedAt: `2030-01-01T00:0${index}:00.000Z` }));
      const started = performance.now();
      const results = teamResults({ session: 'ABC123', title: 'storm', team: 'blue', status: 'ended', participants, journal, score });
      const tookMs = performance.now() - started;
      const byName = Object.fromEntries(results.participants.map((person) => [person.name, person]));
      expect(results.score).toBe(score);
      expect(byName.Ada!.effect!.points).toBeGreaterThan(0);
      expect(byName.Ada!.effect!.reason).toMatch(/^without their \d+ changes the drill would have cost [\d,]+ operations rolled back or failed instead of [\d,]+: their changes avoided [\d,]+ \(\+[\d.]+ of the 55 impact points\)$/);
      expect(byName.Bob!.effect!.points).toBeLessThan(0);
      expect(byName.Bob!.effect!.reason).toMatch(/^without their 1 change the drill would have cost [\d,]+ operations rolled back or failed instead of [\d,]+: their changes added [\d,]+ \(-[\d.]+ of the 55 impact points\)$/);
      expect(byName.Cy!.effect).toMatchObject({ changes: 0, points: 0, reason: 'made no change to the service: no share of the outcome' });
      expect(results.participants.at(-1)!.name).toBe('Bob');
      expect(byName.Bob!.credits).toEqual(expect.arrayContaining([expect.objectContaining({ dimension: 'outcome', points: byName.Bob!.effect!.points }), expect.objectContaining({ dimension: 'safety' })]));
      // Every point of the team's score is someone's or the team's.
      expect(results.participants.reduce((sum, person) => sum + person.points, 0) + results.teamPoints).toBeCloseTo(results.score.total, 0);
      // Asked again (a facilitator's console refreshing), the replays come from the cache.
      const again = performance.now();
      expect(teamResults({ session: 'ABC123', title: 'storm', team: 'blue', status: 'ended', participants, journal, score })).toEqual(results);
      console.log(`team results: ${Math.round(tookMs)} ms cold, ${Math.round(performance.now() - again)} ms cached`);
    } finally {
      await open.close();
    }
  }, 60_000);
});
