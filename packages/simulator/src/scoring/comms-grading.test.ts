import { describe, expect, it } from 'vitest';
import { gradeComms } from './comms-grading';
import { customerNotice, initialAlert, journal, min, update } from './test-journal';

/** A P1 storm paged at 10, declared P1 at 11, speculation disabled at 12, mitigated at 14, restored at 40. */
const storm = () => journal().start().assessed(0, 'P1').page(10).severity(11, 'P1').disable(12).phase(14, 'mitigated').resolved(40);
const grade = (builder: ReturnType<typeof journal>) => gradeComms(builder.entries, 10 * min);
const model = () => storm().post(11, 'initial-alert', initialAlert('P1')).post(13, 'customer-initial', customerNotice).post(24, 'update', update('P1', 'Monitoring')).post(38, 'update', update('P1', 'Monitoring')).post(41, 'resolution', '✅ [P1] Speculation Incident Resolved');

describe('gradeComms', () => {
  it('gives full points to updates as the templates write them, on the cadence they promise', () => {
    const graded = grade(model());
    expect(graded).toMatchObject({ points: 5, max: 5 });
    expect(graded.reason).toContain('4 updates for a P1');
    expect(graded.reason).toContain('and a customer notice');
  });

  it("costs a [P{X}] that is not the severity declared then", () => {
    const graded = grade(storm().post(11, 'initial-alert', initialAlert('P2')).post(13, 'customer-initial', customerNotice).post(24, 'update', update('P1', 'Monitoring')).post(38, 'update', update('P1', 'Monitoring')));
    expect(graded).toMatchObject({ points: 4, reason: expect.stringContaining('the update at page+1 min says [P2] while the declared severity was P1') as unknown });
  });

  it('costs a Status that does not fit the incident, most of all Resolved before it is', () => {
    const early = grade(storm().post(11, 'initial-alert', initialAlert('P1')).post(13, 'customer-initial', customerNotice).post(20, 'update', update('P1', 'Resolved')));
    expect(early).toMatchObject({ points: 3, reason: expect.stringContaining('says Resolved while the incident was mitigated but not yet resolved') as unknown });
    const monitoring = grade(storm().post(11, 'update', update('P1', 'Monitoring')).post(13, 'customer-initial', customerNotice).post(24, 'update', update('P1', 'Monitoring')).post(38, 'update', update('P1', 'Monitoring')));
    expect(monitoring).toMatchObject({ points: 4, reason: expect.stringContaining('says Monitoring while nothing had been changed yet (Investigating or Identified)') as unknown });
  });

  it('holds each update to the next it promised, with 5 minutes of grace', () => {
    const kept = storm().post(11, 'initial-alert', initialAlert('P1')).post(13, 'customer-initial', customerNotice).post(30, 'update', update('P1', 'Monitoring', 30));
    expect(grade(kept).points).toBe(5);
    const broken = grade(storm().post(11, 'initial-alert', initialAlert('P1')).post(13, 'customer-initial', customerNotice).post(32, 'update', update('P1', 'Monitoring', 30)));
    expect(broken).toMatchObject({ points: 4, reason: expect.stringContaining('after the update at page+1 min promising the next in 15 min, the next came 21 min later') as unknown });
    const silent = grade(storm().post(11, 'initial-alert', initialAlert('P1')).post(13, 'customer-initial', customerNotice).tick(39));
    expect(silent.reason).toContain('none came');
  });

  it('asks for a customer notice within 30 minutes of a customer-impacting P1, not for a P2', () => {
    const none = grade(storm().post(11, 'initial-alert', initialAlert('P1')).post(24, 'update', update('P1', 'Monitoring')).post(38, 'update', update('P1', 'Monitoring')).tick(45));
    expect(none).toMatchObject({ points: 3.5, reason: expect.stringContaining('a customer-impacting P1 gets a customer notice') as unknown });
    const late = grade(storm().post(11, 'initial-alert', initialAlert('P1')).post(24, 'update', update('P1', 'Monitoring')).post(38, 'update', update('P1', 'Monitoring')).post(42, 'customer-initial', customerNotice, 'email'));
    expect(late.points).toBe(4.5);
    const p2 = journal().start().assessed(0, 'P2').page(10, 'P2').severity(11, 'P2').post(11, 'initial-alert', initialAlert('P2')).post(24, 'update', update('P2', 'Investigating')).tick(43);
    expect(gradeComms(p2.entries, 10 * min).points).toBe(5);
  });

  it('gives nothing without an update, one is enough for a P3, and nothing is asked without a page', () => {
    expect(grade(storm())).toMatchObject({ points: 0, reason: expect.stringContaining('no update posted') as unknown });
    const p3 = journal().start().assessed(0, 'P3').page(10, 'P3').post(50, 'update', 'looking into it');
    expect(gradeComms(p3.entries, 10 * min).points).toBe(5);
    expect(gradeComms(storm().entries, null)).toMatchObject({ points: 5, reason: 'no incident to communicate' });
  });
});
