/**
 * A race's scores so far: the ghost's, from its own finished run replayed to each whole minute
 * and scored by the real scorer as if it had stopped there, equal to scoring the facts it had
 * recorded by then; its final score past its finish; the racer's own by the same function; and
 * the view of a race carrying both.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { traineeView } from '../drill/trainee-view';
import { ghostDrill } from './drill-rewind';
import { scoreJournal } from './drill-scorer';
import { RaceScores, scoreSoFar, scoredMoment } from './score-so-far';
import { isPaged, openDrill, playHonestly, runUntil, type Call, type OpenDrill } from './test-drill-play';

const opened: OpenDrill[] = [];
afterEach(async () => {
  for (const open of opened.splice(0)) await open.close();
});

/** A ranked drill served in-process whose inputs are logged from its start, as `gameday serve` logs them. */
async function rankedDrill(scenario: string, seed: number): Promise<OpenDrill> {
  const open = await openDrill(scenario, seed, 'normal', { ranked: true });
  opened.push(open);
  return open;
}

describe('a ghost’s score so far', () => {
  it('is its run replayed to each minute and scored as if it had stopped there; its final score past its finish', async () => {
    const open = await rankedDrill('rollback-storm', 11);
    const ghost = await playHonestly(open);
    expect(open.store.finishedRun(ghost.id)).toBeDefined();
    const scores = new RaceScores(open.store);
    const minutes = Math.ceil(ghost.durationMs / 60_000);
    const curve: number[] = [];
    const started = performance.now();
    const times: number[] = [];
    for (let minute = 0; minute < minutes; minute++) {
      const one = performance.now();
      curve.push(scores.ghostAt(ghost.id, minute * 60_000)!);
      times.push(Math.round(performance.now() - one));
    }
    process.stdout.write(`per minute ms: ${times.join(" ")}\n`);
    const eachMs = (performance.now() - started) / minutes;
    process.stdout.write(`score so far of a ${minutes}-min ghost: ${curve.join(' ')} (final ${ghost.score.total}); ${eachMs.toFixed(0)} ms a minute\n`);
    // Nothing done before the page earns nothing; the run earns its points as it acts.
    expect(curve[0]).toBeLessThan(ghost.score.total);
    expect(Math.max(...curve)).toBeGreaterThan(curve[0]!);
    // Replayed facts are the facts it recorded: the same score from either, minute by minute.
    for (const minute of [0, Math.floor(minutes / 2), minutes - 1]) {
      expect(curve[minute]).toBe(scoreJournal(ghost.facts.filter((entry) => entry.simMs <= minute * 60_000), { endMs: minute * 60_000 }).total);
    }
    expect(scores.ghostAt(ghost.id, minutes * 60_000)).toBe(ghost.score.total);
    expect(scores.ghostAt(ghost.id, (minutes + 30) * 60_000)).toBe(ghost.score.total);
    // A minute asked again is not scored again; an earlier one after a later one still answers the same.
    const again = performance.now();
    expect(scores.ghostAt(ghost.id, Math.floor(minutes / 2) * 60_000)).toBe(curve[Math.floor(minutes / 2)]);
    expect(performance.now() - again).toBeLessThan(5);
    expect(new RaceScores(open.store).ghostAt(ghost.id, 60_000)).toBe(curve[1]);
    expect(scores.ghostAt('no-such-drill', 60_000)).toBeNull();
    scores.close();
  });

  it('can drop: a harmful change made after a good start lowers it', async () => {
    const open = await rankedDrill('rollback-storm', 11);
    const { drill } = open;
    const send = (call: Call) => open.send(call);
    runUntil(drill, isPaged(drill), 3_600_000);
    expect((await send({ method: 'POST', url: '/trainer/acknowledge' })).statusCode).toBe(200);
    expect((await send({ method: 'POST', url: '/admin/config', body: { 'speculation.enabled': false } })).statusCode).toBe(200);
    expect((await send({ method: 'POST', url: '/admin/speculation/drain' })).statusCode).toBe(200);
    drill.clock.advanceBy(3 * 60_000);
    const good = scoredMoment(drill.clock.now());
    const before = scoreSoFar(drill.journal.facts(), good);
    // Re-enabled before the failing dependency recovered: the storm resumes.
    expect((await send({ method: 'POST', url: '/admin/config', body: { 'speculation.enabled': true } })).statusCode).toBe(200);
    expect(drill.journal.facts().at(-1)).toMatchObject({ effect: 'harmful' });
    drill.clock.advanceBy(3 * 60_000);
    const after = scoreSoFar(drill.journal.facts(), scoredMoment(drill.clock.now()));
    process.stdout.write(`score so far before the harm ${before}, after ${after}\n`);
    expect(before).toBeGreaterThan(0);
    expect(after).toBeLessThan(before);
  });

  it('a race’s view carries both scores so far at its last whole minute, the racer’s by the same function', async () => {
    const open = await rankedDrill('rollback-storm', 11);
    const ghost = await playHonestly(open);
    const racer = ghostDrill(open.store, { scenario: 'rollback-storm', difficulty: 'normal' }, { trainee: 'Bea' })!;
    const scores = new RaceScores(open.store);
    expect(traineeView(racer, null, scores).ghost!.soFar).toEqual({ atMs: 0, ghost: scores.ghostAt(ghost.id, 0), yours: null });
    racer.start();
    racer.clock.advanceTo(ghost.durationMs - 30_000);
    const view = traineeView(racer, null, scores);
    const atMs = scoredMoment(ghost.durationMs - 30_000);
    expect(view.ghost!.soFar).toEqual({ atMs, ghost: scores.ghostAt(ghost.id, atMs), yours: scoreSoFar(racer.journal.facts(), atMs) });
    // Having done nothing, the racer is behind the ghost by then.
    expect(view.ghost!.soFar!.yours!).toBeLessThan(view.ghost!.soFar!.ghost!);
    expect(traineeView(racer).ghost!.soFar).toBeNull();
    racer.stop();
    scores.close();
  });
});
