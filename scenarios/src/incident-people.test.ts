import { describe, expect, it } from 'vitest';
import { scriptedReplies, updateCadenceMs, type ReplyInput } from './incident-people';
import { findScenario } from './scenario-registry';

const minutes = (count: number) => count * 60_000;
const base: ReplyInput = { seed: 7, responder: 'Ada', pagedAtMs: minutes(5), escalations: [], severities: [], bridgeJoinedMs: null, updatesMs: [], resolvedMs: null, nowMs: minutes(120) };

describe('scripted people (issue 16: comms and people that answer)', () => {
  it('the platform lead acknowledges 2-4 simulated minutes after the escalation, at the same moment for the same seed', () => {
    const input = { ...base, escalations: [{ to: 'platform-lead' as const, simMs: minutes(8) }], updatesMs: [minutes(8), minutes(20), minutes(33), minutes(46), minutes(59), minutes(72), minutes(85), minutes(98), minutes(111)] };
    const [ack] = scriptedReplies(input);
    expect(ack).toMatchObject({ channel: '#incidents', from: 'Priya Raman (platform lead)' });
    expect(ack!.simMs - minutes(8)).toBeGreaterThanOrEqual(minutes(2));
    expect(ack!.simMs - minutes(8)).toBeLessThanOrEqual(minutes(4));
    expect(ack!.text).toContain('What severity are we calling it?');
    expect(scriptedReplies(input)).toEqual(scriptedReplies(input));
    const seeds = new Set(Array.from({ length: 20 }, (_, seed) => scriptedReplies({ ...input, seed })[0]!.simMs));
    expect(seeds.size).toBeGreaterThan(3);
    // Nothing is said before its moment.
    expect(scriptedReplies({ ...input, nowMs: ack!.simMs - 1000 })).toEqual([]);
    // With a severity declared before the answer, the lead says so.
    expect(scriptedReplies({ ...input, severities: [{ severity: 'P2', simMs: minutes(9) }] })[0]!.text).toContain('Treating it as P2. Keep updates coming in #platform-alerts every 15 minutes');
    // Where the runbook sends a P1's updates.
    expect(scriptedReplies({ ...input, severities: [{ severity: 'P1', simMs: minutes(9) }] })[0]!.text).toContain('Treating it as P1. Keep updates coming in #incidents every 15 minutes');
    // Escalated by someone else in a game-day: they are the one answered.
    expect(scriptedReplies({ ...input, escalations: [{ to: 'platform-lead', simMs: minutes(8), by: 'Bob' }] })[0]!.text).toMatch(/^Ack, Bob, /);
  });

  it('the platform lead asks for an update when the 15-minute cadence slips, and not while updates keep coming or after resolution', () => {
    const escalated = { ...base, escalations: [{ to: 'platform-lead' as const, simMs: minutes(6) }] };
    const nudges = (input: ReplyInput) => scriptedReplies(input).filter((reply) => /Where are we|Can you post/.test(reply.text));
    const silent = nudges({ ...escalated, nowMs: minutes(40) });
    expect(silent.map((reply) => reply.simMs)).toEqual([minutes(5) + updateCadenceMs + minutes(1), minutes(5) + 2 * updateCadenceMs + minutes(1)]);
    expect(silent[0]!.text).toBe('Ada, no update posted yet, 16 minutes after the page. Can you post where we are?');
    const updated = nudges({ ...escalated, updatesMs: [minutes(10)], nowMs: minutes(40) });
    expect(updated.map((reply) => reply.simMs)).toEqual([minutes(26), minutes(41)].filter((at) => at <= minutes(40)));
    expect(updated[0]!.text).toBe("Ada, it's been 16 minutes since the last update. Where are we?");
    expect(nudges({ ...escalated, updatesMs: [minutes(10), minutes(24), minutes(38)], nowMs: minutes(40) })).toEqual([]);
    expect(nudges({ ...escalated, resolvedMs: minutes(12), nowMs: minutes(90) })).toEqual([]);
    // Without an escalation to the platform lead, no one asks.
    expect(nudges({ ...base, nowMs: minutes(90) })).toEqual([]);
    // However long the drill, the nagging is bounded.
    expect(nudges({ ...escalated, nowMs: minutes(100_000) }).length).toBeLessThanOrEqual(12);
  });

  it('engineering leadership joins the bridge on a P1, not otherwise', () => {
    const told = { ...base, escalations: [{ to: 'engineering-leadership' as const, simMs: minutes(10) }] };
    const bridge = (input: ReplyInput) => scriptedReplies(input).filter((reply) => reply.channel === 'bridge');
    expect(bridge({ ...told, severities: [{ severity: 'P2', simMs: minutes(9) }] })).toEqual([]);
    const joined = bridge({ ...told, severities: [{ severity: 'P2', simMs: minutes(9) }, { severity: 'P1', simMs: minutes(20) }] });
    expect(joined).toHaveLength(1);
    expect(joined[0]).toMatchObject({ from: 'Marcus Bell (VP Engineering)', text: expect.stringContaining('Joined the bridge') as unknown });
    expect(joined[0]!.simMs).toBeGreaterThanOrEqual(minutes(21));
    expect(joined[0]!.simMs).toBeLessThanOrEqual(minutes(23));
    // Their acknowledgement reads the severity called by then: told of a P1, they say they are coming, not "if".
    const ack = (input: ReplyInput) => scriptedReplies(input).find((reply) => reply.channel === '#incidents')!.text;
    expect(ack({ ...told, severities: [{ severity: 'P2', simMs: minutes(9) }] })).toBe("Thanks Ada, got it. Keep me posted here; if this is a P1 I'll join the bridge.");
    expect(ack({ ...told, severities: [{ severity: 'P1', simMs: minutes(9) }] })).toBe("Thanks Ada, got it. A P1: I'll join the bridge shortly. Keep me posted here.");
  });

  it('who is on the bridge answers the first thing said there after they asked, once, and nothing said before', () => {
    const onBridge = { ...base, bridgeJoinedMs: minutes(10), escalations: [{ to: 'engineering-leadership' as const, simMs: minutes(8) }], severities: [{ severity: 'P1', simMs: minutes(9) }] };
    const bridge = (input: ReplyInput) => scriptedReplies(input).filter((reply) => reply.channel === 'bridge');
    const asked = bridge(onBridge);
    expect(asked.map((reply) => reply.from)).toEqual(expect.arrayContaining(['Lee Chen (secondary on-call)', 'Marcus Bell (VP Engineering)']));
    const lastAsk = Math.max(...asked.map((reply) => reply.simMs));
    // Said before either asked: no one answers it.
    expect(bridge({ ...onBridge, bridgeLines: [{ simMs: minutes(10) }] })).toEqual(asked);
    // Said after both asked, twice: each answers the first, once, 20-60 s later, by name.
    const answered = bridge({ ...onBridge, bridgeLines: [{ simMs: lastAsk + 1000, by: 'Bo' }, { simMs: lastAsk + minutes(2) }] }).slice(asked.length);
    expect(answered.map((reply) => reply.text).sort()).toEqual(["On it, Bo. I'll call out here anything that moves.", "Thanks Bo, that's what I needed. I'll take the exec updates from here; you keep working it."]);
    for (const reply of answered) expect(reply.simMs - (lastAsk + 1000)).toBeGreaterThanOrEqual(20_000);
    for (const reply of answered) expect(reply.simMs - (lastAsk + 1000)).toBeLessThanOrEqual(60_000);
  });

  it('the bridge answers whoever joins it', () => {
    const [hello] = scriptedReplies({ ...base, bridgeJoinedMs: minutes(7) });
    expect(hello).toMatchObject({ channel: 'bridge', from: 'Lee Chen (secondary on-call)', text: expect.stringContaining('Hi Ada') as unknown });
    expect(hello!.simMs - minutes(7)).toBeGreaterThanOrEqual(30_000);
    expect(hello!.simMs - minutes(7)).toBeLessThanOrEqual(90_000);
  });

  it('finance asks for the exposure in stake slashing: an incident’s own line, from its scenario file', () => {
    const lines = findScenario('stake-slashing')!.spec!.people;
    const [finance] = scriptedReplies({ ...base, escalations: [{ to: 'finance', simMs: minutes(10) }], lines });
    expect(finance).toMatchObject({ from: 'Dana Okafor (finance)', text: expect.stringContaining("What's our exposure on the slashing") as unknown });
    const [usual] = scriptedReplies({ ...base, escalations: [{ to: 'finance', simMs: minutes(10) }] });
    expect(usual!.text).toContain('Is any customer money or stake at risk?');
    for (const line of Object.values(lines ?? {})) expect(line).not.toMatch(/root cause|because|caused by/i);
  });
});
