import { describe, expect, it } from 'vitest';
import type { JournalEntry } from '../journal/journal';
import { scoreJournal } from './drill-scorer';
import { scoringRulesVersion } from './scoring-weights';

const min = 60_000;

/** A journal written by hand: the storm pages at 10 min; helpers add what the trainee did. */
function journal() {
  const entries: JournalEntry[] = [];
  let seq = 0;
  const push = (simMs: number, entry: Omit<JournalEntry, 'seq' | 'simMs' | 'wallMs'>) => {
    entries.push({ seq: ++seq, simMs, wallMs: 0, ...entry });
    return builder;
  };
  const ui = (at: number, path: string, detail: Record<string, unknown> = {}) => push(at * min, { source: 'ui', action: `POST ${path}`, outcome: 'accepted', status: 200, detail: { method: 'POST', path, ...detail } });
  const builder = {
    entries,
    start: (scenario = 'rollback-storm') => push(0, { source: 'sim', action: 'drill.started', outcome: 'info', detail: { scenario, trainee: 'ada' } }),
    page: (at = 10, expectedSeverity = 'P1', alert = 'SpeculationRollbackStorm') => push(at * min, { source: 'world', action: 'alert.firing', outcome: 'info', detail: { alert, expectedSeverity } }),
    ack: (at: number) => ui(at, '/trainer/acknowledge'),
    severity: (at: number, severity: string, expectedSeverity = 'P1') => ui(at, '/trainer/severity', { severity, expectedSeverity }),
    bridge: (at: number) => ui(at, '/trainer/bridge'),
    post: (at: number, channel = '#incidents') => ui(at, '/trainer/comms', { channel, template: 'update' }),
    escalate: (at: number, to: string) => ui(at, '/trainer/escalations', { to }),
    resolve: (at: number) => ui(at, '/trainer/declare', { state: 'resolved' }),
    disable: (at: number, harm?: string) =>
      push(at * min, { source: 'admin', action: 'POST /admin/config', outcome: 'accepted', status: 200, detail: { method: 'POST', path: '/admin/config', changes: { 'speculation.enabled': false }, ...(harm ? { harm } : {}) } }),
    config: (at: number, changes: Record<string, unknown>, harm?: string) =>
      push(at * min, { source: 'admin', action: 'POST /admin/config', outcome: 'accepted', status: 200, detail: { method: 'POST', path: '/admin/config', changes, ...(harm ? { harm } : {}) }, ...(harm ? { effect: 'harmful' as const } : {}) }),
    drain: (at: number) => push(at * min, { source: 'admin', action: 'POST /admin/speculation/drain', outcome: 'accepted', status: 200, detail: { method: 'POST', path: '/admin/speculation/drain' } }),
    rollbacks: (at: number) => push(at * min, { source: 'agenc', action: 'agenc speculation rollbacks --since 10m --verbose', outcome: 'accepted', status: 200, detail: { method: 'GET', path: '/admin/speculation/rollbacks' } }),
    mitigated: (at: number) => push(at * min, { source: 'world', action: 'phase', outcome: 'info', detail: { from: 'critical', to: 'mitigated' } }),
    /** The world meets its resolved condition (issue 14): what "service restored" reads. */
    restored: (at: number) => push(at * min, { source: 'world', action: 'incident.resolved', outcome: 'info', detail: { condition: 'back to normal' } }),
  };
  return builder;
}

/** A model response to a P1 storm. These journals have no seed to replay, so the outcome is not measured: its points are given whole. */
const ideal = () =>
  journal().start().page(10).ack(12).bridge(13).severity(13, 'P1').disable(14).drain(15).rollbacks(16).post(17).escalate(18, 'engineering-leadership').mitigated(19).post(30).restored(38).resolve(40);

/**
 * A process dimension's points with the outcome whole (the world restored and declared at 90
 * min, after everything the test wrote), so the scale is 1 and the points are the dimension's own.
 */
const points = (entries: JournalEntry[], id: string) => {
  const last = entries.at(-1)!;
  const closed = [...entries, { ...last, seq: last.seq + 1, simMs: 89 * min, source: 'world' as const, action: 'incident.resolved', outcome: 'info' as const, detail: {} }];
  closed.push({ seq: last.seq + 2, simMs: 90 * min, wallMs: 0, source: 'ui', action: 'POST /trainer/declare', outcome: 'accepted', status: 200, detail: { method: 'POST', path: '/trainer/declare', state: 'resolved' } });
  return scoreJournal(entries.some((entry) => entry.detail?.state === 'resolved') ? entries : closed).dimensions.find((dimension) => dimension.id === id)!;
};

describe('scoreJournal', () => {
  it('gives a model response 100 of 100, with a reason for each dimension', () => {
    const score = scoreJournal(ideal().entries);
    expect(score.dimensions.filter((dimension) => dimension.points < dimension.max)).toEqual([]);
    expect(score.total).toBe(100);
    expect(score).toMatchObject({ rulesVersion: scoringRulesVersion, trueSeverity: 'P1', ttaMs: 2 * min, ttmMs: 9 * min, ttrMs: 30 * min, outcome: null });
    expect(score.dimensions.every((dimension) => dimension.reason.length > 0)).toBe(true);
  });

  it('is a pure function of the journal: the same journal, the same score', () => {
    expect(scoreJournal(ideal().entries)).toEqual(scoreJournal(ideal().entries));
  });

  it('time to acknowledge: full within the P1 target, decaying after, none without an acknowledge', () => {
    expect(points(journal().start().page(10).ack(14).entries, 'acknowledge').points).toBe(6);
    expect(points(journal().start().page(10).ack(20).entries, 'acknowledge').points).toBe(3);
    const never = points(journal().start().page(10).entries, 'acknowledge');
    expect(never).toMatchObject({ points: 0, reason: 'the page was never acknowledged' });
    expect(points(journal().start().page(10, 'P3').ack(20).entries, 'acknowledge').points).toBe(6);
  });

  it('severity: exact, one level off, and changed three times with the last one right', () => {
    expect(points(journal().start().page().severity(12, 'P1').entries, 'severity').points).toBe(6);
    expect(points(journal().start().page().severity(12, 'P2').entries, 'severity')).toMatchObject({ points: 3.2, reason: expect.stringContaining('under-called by 1 level') as unknown });
    expect(points(journal().start().page().severity(12, 'P4').entries, 'severity').points).toBe(0);
    const thrice = points(journal().start().page().severity(12, 'P3').severity(14, 'P2').severity(16, 'P1').entries, 'severity');
    expect(thrice).toMatchObject({ points: 5.6, reason: expect.stringContaining('3 declarations') as unknown });
    expect(points(journal().start().page().severity(12, 'P3').severity(40, 'P1').entries, 'severity').points).toBe(4);
    expect(points(journal().start().page().entries, 'severity')).toMatchObject({ points: 0, reason: 'no severity was declared' });
  });

  it('runbook actions: the same action twice counts once; out of order and late cost points', () => {
    const twice = journal().start().page().disable(12).disable(13).drain(14).rollbacks(15).entries;
    expect(points(twice, 'runbook').points).toBe(6);
    const outOfOrder = journal().start().page().rollbacks(12).drain(13).disable(14).entries;
    expect(points(outOfOrder, 'runbook')).toMatchObject({ points: 4.5, reason: expect.stringContaining('3 out of the runbook') as unknown });
    const lateDisable = journal().start().page().disable(40).drain(41).rollbacks(42).entries;
    expect(points(lateDisable, 'runbook').reason).toContain('late: Disable speculation; Drain existing tasks');
    const missing = journal().start().page().disable(12).entries;
    expect(points(missing, 'runbook').reason).toContain('missed: Drain existing tasks; Check for cascade source');
  });

  it('penalises harmful actions, and rewards stabilising first', () => {
    const harmful = journal().start().page().config(12, { 'speculation.max_depth': 8 }, 'deeper chains let one rollback cascade further').disable(13).entries;
    expect(points(harmful, 'safety')).toMatchObject({ points: 0, reason: 'harmful: deeper chains let one rollback cascade further (what it cost is in Impact avoided)' });
    expect(points(harmful, 'stabilise').points).toBe(0);
    expect(points(journal().start().page().disable(12).entries, 'stabilise').points).toBe(2);
  });

  it('ignores actions after resolution', () => {
    const after = journal().start().page().disable(12).drain(13).rollbacks(14).mitigated(15).restored(19).resolve(20).config(25, { 'speculation.enabled': true }, 're-enabled before the fix').entries;
    const score = scoreJournal(after);
    expect(score.harmful).toEqual([]);
    expect(score.dimensions.find((dimension) => dimension.id === 'restored')?.points).toBe(15);
  });

  it('service restored is the world\'s resolved condition, not the button; process counts in the outcome\'s share', () => {
    const early = scoreJournal(journal().start().page().ack(11).mitigated(11).resolve(12).entries);
    expect(early.dimensions.find((dimension) => dimension.id === 'restored')).toMatchObject({ points: 0, reason: expect.stringContaining('declared resolved while not restored') as unknown });
    // 55 of 70 outcome points: each process point counts 55/70.
    expect(early.dimensions.find((dimension) => dimension.id === 'acknowledge')).toMatchObject({ points: 4.7, reason: expect.stringContaining('(× 0.79, the outcome') as unknown });
    const restoredUndeclared = scoreJournal(journal().start().page().restored(30).entries);
    expect(restoredUndeclared.dimensions.find((dimension) => dimension.id === 'restored')).toMatchObject({ points: 10, reason: 'the service was restored but never declared resolved' });
  });

  it('comms and escalation follow the runbook for P1 (comms-grading and escalation-grading test the rules in full)', () => {
    // A journal with no assessments in it is one stored before customer impact was noted: its P1 counts as reaching customers, so a customer notice is due too.
    const late = points(journal().start().page().post(30).entries, 'comms');
    expect(late).toMatchObject({ points: 1.5, reason: expect.stringContaining('the first update came at page+20 min') as unknown });
    expect(late.reason).toContain('a customer-impacting P1 gets a customer notice');
    expect(points(journal().start().page().post(30).post(31, 'customers').entries, 'comms')).toMatchObject({ points: 2.4, reason: expect.not.stringContaining('customer notice') as unknown });
    expect(points(journal().start().page().entries, 'comms').points).toBe(0);
    expect(points(journal().start().page().entries, 'escalation')).toMatchObject({ points: 0, reason: expect.stringContaining('engineering-leadership: never escalated') as unknown });
    expect(points(journal().start('stake-slashing').page(10, 'P1', 'StakeSlashingDetected').escalate(12, 'engineering-leadership').entries, 'escalation').points).toBe(1.5);
  });

  it("takes the incident's severity from the severity timeline the graders use, not a moment's assessment", () => {
    // Memory exhaustion: P2 from the page; the engine says P1 for a minute while every speculation pod is OOM-killed, then P2
    // again. The P2 call falls in that minute, so the declaration notes the instant's P1.
    const assessed = (at: number, severity: string, reason: string) =>
      ({ seq: 0, simMs: at * min, wallMs: 0, source: 'world', action: 'severity.assessed', outcome: 'info', detail: { severity, reasons: [reason], customerImpact: true, significantLoss: false, sinceMs: at * min } }) as JournalEntry;
    const built = journal().start('memory-exhaustion').page(10, 'P2', 'SpeculationMemoryExhaustion').ack(22).severity(20, 'P2', 'P1');
    const blip = [built.entries[0]!, assessed(9, 'P2', 'memory above 95% of the limit (P2)'), ...built.entries.slice(1), assessed(20, 'P1', 'every speculation pod OOMKilled: more than 10% of operations affected (P1)'), assessed(21, 'P2', 'memory above 95% of the limit (P2)')]
      .sort((a, b) => a.simMs - b.simMs)
      .map((entry, index) => ({ ...entry, seq: index + 1 }));
    const score = scoreJournal(blip);
    expect(score.trueSeverity).toBe('P2');
    expect(points(blip, 'bridge')).toMatchObject({ points: 2, reason: 'not required for P2' });
    // Acknowledged 12 minutes after the page: within P2's 15, where P1's 5 would have cost points.
    expect(points(blip, 'acknowledge')).toMatchObject({ points: 6, reason: expect.stringContaining("the runbook's target for P2 is 15 min") as unknown });
    // Held for five minutes, the same P1 is the incident's severity.
    const held = [...blip.filter((entry) => entry.simMs !== 21 * min || entry.action !== 'severity.assessed'), assessed(26, 'P2', 'memory above 95% of the limit (P2)')].sort((a, b) => a.simMs - b.simMs).map((entry, index) => ({ ...entry, seq: index + 1 }));
    expect(scoreJournal(held).trueSeverity).toBe('P1');
  });

  it('does not ask a P2 trainee for the bridge', () => {
    expect(points(journal().start().page(10, 'P2', 'SpeculationRollbackRateElevated').entries, 'bridge')).toMatchObject({ points: 2, reason: 'not required for P2' });
  });
});
