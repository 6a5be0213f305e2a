/**
 * Issue 14, items 1 and 2, INC-SPEC-005: stake slashing played through its whole lifecycle
 * against a real `gameday serve`, with the runbook's commands in real bash. Paged; stabilised
 * with the Immediate Actions (speculation off, the stake documented, the slashing history read:
 * double signs citing a commit signed by a speculation-engine pod); the engine team's fix
 * awaited where a responder reads it (#incidents), seen rolling out (`kubectl rollout status`
 * and `rollout history`); the Recovery steps (back at max_depth 1, then a step at a time); and
 * resolved, each phase asserted from the world's readings. A drill declared resolved at
 * mitigation is shown as not resolved.
 *
 * Two more ways it goes: the penalty variant (seed 11), where the chain's evidence shows two
 * different signers and no speculative task, the config history shows the failover that turned
 * the standby signer on, and shutting it is the fix; and hard (seed 4), where after the bug's
 * fix the same signer still signs twice for a slot, late, until the responder finds the raised
 * clock-skew tolerance in the config history and puts it back.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DrillState, TraineeView } from '@gameday/simulator';
import { runbookBlocks } from './support/runbook-blocks';
import { ok, advance as advanceClock, advanceUntil as advanceUntilIn } from './support/drill-shell';
import { startSimulator, type ServedSimulator } from './support/served-simulator';

let sim: ServedSimulator | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

const immediateActions = runbookBlocks().find((block) => block.section.startsWith('INC-SPEC-005'))!.commands;


const advance = (server: ServedSimulator, ms: number) => advanceClock<DrillState>(server, ms);

const advanceUntil = (server: ServedSimulator, done: (state: DrillState) => boolean, minutes: number) => advanceUntilIn<DrillState>(server, done, minutes);

/** Paged, then the Immediate Actions; `stops` says whether they stop this variant's slashing. */
async function pagedAndStabilised(server: ServedSimulator, stops = true): Promise<DrillState> {
  let state = await advanceUntil(server, (current) => current.firingAlerts.includes('StakeSlashingDetected'), 60);
  expect(state.firingAlerts).toContain('StakeSlashingDetected');
  expect(state.readings.slashingEventsLastHour).toBeGreaterThan(0);
  for (const command of immediateActions) ok(server, command);
  state = await advance(server, 2 * 60_000);
  if (stops) expect(state.phase).toBe('mitigated');
  else expect(['onset', 'escalating', 'critical']).toContain(state.phase);
  expect(state.readings.speculationEnabled).toBe(false);
  expect(state.resolution.causeFixed).toBe(false);
  return state;
}

const setConfig = (changes: Record<string, unknown>) => `curl -sf -X POST http://localhost:9090/admin/config -H "Authorization: Bearer $ADMIN_TOKEN" -d '${JSON.stringify(changes)}'`;

/** Double signs in the history so far, counted from the table agenc prints. */
const doubleSigns = (server: ServedSimulator) => ok(server, 'agenc stake slashing-history --since 24h').split('\n').filter((line) => line.includes('double_sign')).length;

describe('INC-SPEC-005 stake slashing, the whole lifecycle in real bash', () => {
  it.each([4, 17, 31])('seed %i: paged, stabilised, the announced fix seen rolling out, recovered gradually, resolved', async (seed) => {
    sim = await startSimulator(['--scenario', 'stake-slashing', '--clock', 'virtual', '--seed', String(seed)]);
    const server = sim;
    const kubectl = `kubectl --cache-dir ${mkdtempSync(join(tmpdir(), 'kc-'))}`;
    await pagedAndStabilised(server);

    // The evidence: double signs, each citing a commit a speculation-engine pod signed for a speculative task.
    const history = ok(server, 'agenc stake slashing-history --since 24h');
    expect(history).toMatch(/double_sign/);
    expect(history).toMatch(/speculation-engine-\S+/);
    expect(history).not.toMatch(/UNEXPECTED|EXPECTED|root cause|\bbug\b/);

    // Wait for the engine team, reading #incidents as a responder would.
    let announcement: string | undefined;
    for (let waited = 0; waited < 90 && announcement === undefined; waited += 2) {
      await advance(server, 2 * 60_000);
      announcement = ok(server, "agenc messages --channel '#incidents' --since 2h")
        .split('\n')
        .find((line) => /agenc\/speculation-engine:\d+\.\d+\.\d+/.test(line));
    }
    expect(announcement, 'the engine team announced a fix within 90 minutes').toBeDefined();
    const image = /agenc\/speculation-engine:\d+\.\d+\.\d+/.exec(announcement!)![0];
    ok(server, `${kubectl} rollout status deployment/speculation-engine -n production --timeout=5s || true`);
    let state = await advance(server, 3 * 60_000);
    expect(ok(server, `${kubectl} rollout status deployment/speculation-engine -n production --timeout=5s`)).toContain('successfully rolled out');
    expect(ok(server, `${kubectl} rollout history deployment/speculation-engine -n production`).trim().split('\n').at(-1)).toContain(image);
    expect(ok(server, `${kubectl} get deployment speculation-engine -n production -o jsonpath='{.spec.template.spec.containers[0].image}'`)).toBe(image);
    state = await advance(server, 60_000);
    expect(state.resolution.causeFixed).toBe(true);
    expect(state.resolution.state).toBe('unresolved');

    // Recovery: back at max_depth 1, then a step at a time, watching the slashing history.
    const before = doubleSigns(server);
    expect(before).toBeGreaterThan(0);
    ok(server, setConfig({ 'speculation.enabled': true, 'speculation.max_depth': 1 }));
    for (const depth of [2, 3, 4]) {
      state = await advance(server, 3 * 60_000);
      expect(doubleSigns(server), `no double sign at depth ${depth - 1}`).toBe(before);
      ok(server, setConfig({ 'speculation.max_depth': depth }));
    }
    expect(state.harmfulActions).toEqual([]);

    // Resolved: an hour without slashing, held for 30 minutes at the normal settings.
    state = await advanceUntil(server, (current) => current.resolution.state === 'resolved', 120);
    expect(state.resolution.state).toBe('resolved');
    expect(state.phase).toBe('recovered');
    expect(state.readings).toMatchObject({ speculationEnabled: true, maxDepth: 4, rolloutPercentage: 100, slashingEventsLastHour: 0 });
    expect(doubleSigns(server)).toBe(before);

    const auth = { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' };
    expect((await fetch(`${server.url}/trainer/declare`, { method: 'POST', headers: auth, body: JSON.stringify({ state: 'resolved' }) })).status).toBe(200);
    const view = (await (await fetch(`${server.url}/trainer/state`, { headers: auth })).json()) as TraineeView;
    expect(view.outcome).toEqual({ passed: true, reasons: [] });
    // Minutes of simulated time, a minute per control call, and bash per step: more than the default.
  }, 300_000);

  it('seed 11, the penalty variant: two signers in the evidence, the failover in the config history; shutting the standby signer ends it, nothing from the engine team', async () => {
    sim = await startSimulator(['--scenario', 'stake-slashing', '--clock', 'virtual', '--seed', '11']);
    const server = sim;
    // Speculation off does not stop this slashing: the phase stays where it was.
    let state = await pagedAndStabilised(server, false);
    state = await advanceUntil(server, () => doubleSigns(server) >= 2, 60);
    // The chain's evidence: two different signers for one slot, neither a speculative task's result.
    const rows = ok(server, 'agenc stake slashing-history --since 24h')
      .split('\n')
      .filter((line) => line.includes('double_sign'));
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const row of rows) {
      expect(row).toMatch(/ by agenc-worker-\S+ vs \S+… by signer-b\.validators\.internal|by signer-b\.validators\.internal vs \S+… by agenc-worker-/);
      expect(row).not.toMatch(/\(task spec-/);
    }
    expect(rows.join('\n')).not.toMatch(/legitimate|EXPECTED|root cause|\bbug\b|duplicate/i);
    // Who turned the second signer on, when and why.
    const history = ok(server, 'agenc config history --since 2h');
    expect(history).toMatch(/stake\.standby_signer\.enabled: false -> true/);
    ok(server, setConfig({ 'stake.standby_signer.enabled': false }));
    state = await advance(server, 60_000);
    expect(state.resolution.causeFixed).toBe(true);
    const after = doubleSigns(server);
    // Recovery: speculation back (it was never the cause), then an hour and a half without slashing.
    ok(server, setConfig({ 'speculation.enabled': true, 'speculation.max_depth': 1 }));
    for (const depth of [2, 3, 4]) {
      await advance(server, 3 * 60_000);
      ok(server, setConfig({ 'speculation.max_depth': depth }));
    }
    state = await advanceUntil(server, (current) => current.resolution.state === 'resolved', 120);
    expect(state.resolution.state).toBe('resolved');
    expect(state.phase).toBe('recovered');
    expect(doubleSigns(server)).toBe(after);
    expect(state.harmfulActions).toEqual([]);
    expect(ok(server, "agenc messages --channel '#incidents' --since 4h")).not.toMatch(/speculation-engine:/);
  }, 300_000);

  it('seed 4, hard: the bug fixed, the same signer still signs twice for a slot, late; the raised tolerance found in the config history and put back; resolved', async () => {
    sim = await startSimulator(['--scenario', 'stake-slashing', '--clock', 'virtual', '--seed', '4', '--difficulty', 'hard']);
    const server = sim;
    const kubectl = `kubectl --cache-dir ${mkdtempSync(join(tmpdir(), 'kc-'))}`;
    await pagedAndStabilised(server, false);
    // With speculation off, double signs go on, each one signer twice, the second after the slot ended.
    const lateRow = () =>
      ok(server, 'agenc stake slashing-history --since 24h')
        .split('\n')
        .find((line) => /the second signature arrived \d+\.\ds after the slot ended/.test(line));
    let state = await advanceUntil(server, () => lateRow() !== undefined, 90);
    const late = lateRow()!;
    expect(late).toBeDefined();
    expect(late).not.toMatch(/\(task spec-/);
    const signers = [...late.matchAll(/ by (agenc-worker-\S+)/g)].map((match) => match[1]);
    expect(signers).toHaveLength(2);
    expect(signers[0]).toBe(signers[1]);
    // The config history says who widened the tolerance and from what.
    const history = ok(server, 'agenc config history --since 2h');
    const previous = /stake\.signer\.clock_skew_tolerance_ms: (\d+) -> \d+/.exec(history);
    expect(previous, history).not.toBeNull();
    ok(server, setConfig({ 'stake.signer.clock_skew_tolerance_ms': Number(previous![1]) }));
    state = await advance(server, 60_000);
    expect(state.phase).toBe('mitigated');
    // The engine team's fix, as in the normal drill; then Recovery.
    state = await advanceUntil(server, (current) => current.resolution.causeFixed, 90);
    expect(state.resolution.causeFixed).toBe(true);
    expect(ok(server, `${kubectl} rollout history deployment/speculation-engine -n production`).trim().split('\n').at(-1)).toMatch(/agenc\/speculation-engine:/);
    const settled = doubleSigns(server);
    ok(server, setConfig({ 'speculation.enabled': true, 'speculation.max_depth': 1 }));
    for (const depth of [2, 3, 4]) {
      await advance(server, 3 * 60_000);
      ok(server, setConfig({ 'speculation.max_depth': depth }));
    }
    state = await advanceUntil(server, (current) => current.resolution.state === 'resolved', 120);
    expect(state.resolution.state).toBe('resolved');
    expect(state.phase).toBe('recovered');
    expect(doubleSigns(server)).toBe(settled);
    expect(state.harmfulActions).toEqual([]);
  }, 300_000);

  it('a drill declared resolved at mitigation is not resolved', async () => {
    sim = await startSimulator(['--scenario', 'stake-slashing', '--clock', 'virtual', '--seed', '4']);
    const server = sim;
    await pagedAndStabilised(server);
    const auth = { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' };
    expect((await fetch(`${server.url}/trainer/declare`, { method: 'POST', headers: auth, body: JSON.stringify({ state: 'resolved' }) })).status).toBe(200);
    const view = (await (await fetch(`${server.url}/trainer/state`, { headers: auth })).json()) as TraineeView;
    expect(view.outcome?.passed).toBe(false);
    expect(view.outcome?.reasons.join('\n')).toMatch(/not restored when it was declared resolved \(mitigated, not resolved\); resolved means: the cause gone \(the signing fix rolled out/);
  });
});
