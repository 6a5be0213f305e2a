/**
 * Issue 16, "one true clock": after a 5-minute fast-forward a realtime `gameday serve` goes on
 * at its speed at once (it used to stand still for as long as it had skipped: 5 real minutes
 * at ×1, 15 s at ×20), the runbook's drain from a real shell answers in its usual time, and the
 * drain is journaled at the simulated moment it happened. ×1 and ×20 run side by side.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { DrillState } from '@gameday/simulator';
import { startSimulator, type ServedSimulator } from './support/served-simulator';

const drainCommand = 'curl -s -X POST http://localhost:9090/admin/speculation/drain -H "Authorization: Bearer $ADMIN_TOKEN"';

const started: ServedSimulator[] = [];
afterAll(async () => {
  await Promise.all(started.map((sim) => sim.stop()));
});

/** The simulated time, with the wall moments just before the request went and after its answer came. */
async function readClock(sim: ServedSimulator): Promise<{ simMs: number; sentMs: number; answeredMs: number }> {
  const sentMs = performance.now();
  const state = await sim.control<DrillState>('GET', '/_sim/state');
  return { simMs: state.clock.simMs, sentMs, answeredMs: performance.now() };
}

/** The runbook's drain, unmodified, in real bash: how long it took on the wall, and what it said. */
async function drain(sim: ServedSimulator, timeoutMs: number): Promise<{ wallMs: number; status: number | null; durationMs: number; answer: string }> {
  const from = performance.now();
  const run = await sim.bashAsync(drainCommand, { timeoutMs });
  const wallMs = performance.now() - from;
  const answer = run.stdout + run.stderr;
  const durationMs = run.status === 0 ? (JSON.parse(run.stdout) as { durationMs: number }).durationMs : Number.NaN;
  return { wallMs, status: run.status, durationMs, answer };
}

/** How the clock is skipped 5 minutes: the facilitator's control API, or the trainee's fast-forward. */
const skips = {
  'POST /_sim/clock/advance': async (sim: ServedSimulator) => (await sim.control<DrillState>('POST', '/_sim/clock/advance', { ms: 5 * 60_000 })).clock.simMs,
  'POST /trainer/fast-forward': async (sim: ServedSimulator) => {
    const response = await fetch(`${sim.url}/trainer/fast-forward`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sim.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ minutes: 5 }),
    });
    expect(response.status, 'fast-forward answered').toBe(200);
    return ((await response.json()) as { simMs: number }).simMs;
  },
};

describe('the realtime clock after a 5-minute fast-forward (issue 16)', () => {
  it.concurrent.each([
    { speed: 1, skip: 'POST /_sim/clock/advance' as const },
    { speed: 20, skip: 'POST /trainer/fast-forward' as const },
  ])('×$speed, skipped with $skip: the clock goes on at its speed within 100 ms, and a drain answers in its usual time', async ({ speed, skip }) => {
    const sim = await startSimulator(['--clock', 'realtime', '--speed', String(speed), '--seed', '16']);
    started.push(sim);
    // A drain usually takes a few simulated seconds (the in-flight tasks finishing), plus the shell's start.
    const usual = await drain(sim, speed === 1 ? 30_000 : 10_000);
    expect(usual.status, `the drain without a skip: ${usual.answer}`).toBe(0);

    const requestedMs = performance.now();
    const before = (await readClock(sim)).simMs;
    const skippedTo = await skips[skip](sim);
    const skippedMs = performance.now();
    expect(skippedTo - before, 'the skip moved the clock 5 simulated minutes (and the wall time of its request)').toBeGreaterThanOrEqual(5 * 60_000);

    // Two readings about a second apart. The clock may lose at most 100 ms of wall time after the
    // skip, and never runs ahead of its speed.
    const first = await readClock(sim);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const second = await readClock(sim);
    for (const [name, reading] of [['right after the skip', first], ['a second later', second]] as const) {
      expect(reading.simMs - skippedTo, `${name}: simulated ms since the skip, at ×${speed}`).toBeGreaterThanOrEqual(Math.floor(speed * (reading.sentMs - skippedMs - 100)));
      expect(reading.simMs - skippedTo, `${name}: no faster than ×${speed}`).toBeLessThanOrEqual(Math.ceil(speed * (reading.answeredMs - requestedMs)) + 1);
    }
    // Between the two readings it ran at its speed (the server read each one between its request and its answer).
    expect(second.simMs - first.simMs, `simulated ms over ~1 s after the skip, at ×${speed}`).toBeGreaterThanOrEqual(Math.floor(speed * (second.sentMs - first.answeredMs)) - 1);
    expect(second.simMs - first.simMs).toBeLessThanOrEqual(Math.ceil(speed * (second.answeredMs - first.sentMs)) + 1);

    // The drain after the skip: bounded at twice its usual time and 3 s more, so a frozen clock fails fast.
    const drainSentMs = performance.now();
    const afterSkip = await drain(sim, Math.ceil(usual.wallMs * 2 + 3000));
    const drainAnsweredMs = performance.now();
    expect(afterSkip.status, `the drain after the skip (usual ${Math.round(usual.wallMs)} ms wall): ${afterSkip.answer}`).toBe(0);
    // Its wall time is its own simulated work at this speed plus what the shell costs, as without the
    // skip (a frozen clock added the whole skip: 15 s at ×20). The margin is for a busy machine.
    const overhead = (run: { wallMs: number; durationMs: number }) => run.wallMs - run.durationMs / speed;
    expect(overhead(afterSkip), `wall ms beyond the drain's own ${afterSkip.durationMs} simulated ms (without a skip: ${Math.round(overhead(usual))})`).toBeLessThanOrEqual(overhead(usual) * 2 + 1500);

    // The drain is journaled at its simulated moment, not at the moment the skip ended.
    const journal = await sim.control<{ entries: Array<{ action: string; simMs: number }> }>('GET', '/_sim/journal?source=admin');
    const drained = journal.entries.filter((entry) => entry.action === 'POST /admin/speculation/drain').at(-1);
    expect(drained?.simMs, 'the drain journaled after the skip, at the moment it answered').toBeGreaterThanOrEqual(Math.floor(skippedTo + speed * (drainSentMs - skippedMs - 100)));
    expect(drained?.simMs).toBeLessThanOrEqual(Math.ceil(skippedTo + speed * (drainAnsweredMs - requestedMs)) + 1);
  });
});
