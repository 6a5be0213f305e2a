import { describe, expect, it } from 'vitest';
import { gradeSeverity } from './severity-grading';
import { journal, min } from './test-journal';

/** A storm: P2 from minute 4, P1 from minute 8, paged at 10, calm again at 20 once mitigated. */
const storm = () => journal().start().assessed(0, 'P4').assessed(4, 'P2').assessed(8, 'P1', { reason: 'rollback rate 62% is above 50% (P1)' }).page(10).assessed(20, 'P4');
const grade = (builder: ReturnType<typeof journal>) => gradeSeverity(builder.entries, 10 * min);

describe('gradeSeverity', () => {
  it('gives full points for the worst the engine saw around the call, and says why in its words', () => {
    const right = grade(storm().severity(12, 'P1'));
    expect(right).toMatchObject({ points: 15, max: 15 });
    expect(right.reason).toContain('declared P1 at page+2 min');
    expect(right.reason).toContain('rollback rate 62% is above 50% (P1)');
  });

  it('judges a call after mitigation against the picture from the page, not the calmer one', () => {
    const calm = grade(storm().severity(25, 'P4'));
    expect(calm.points).toBe(0);
    expect(calm.reason).toContain('under-called by 3 levels');
    expect(calm.reason).toContain('not the calmer moment after mitigation');
  });

  it('counts a worse picture that comes within 5 minutes of the call, not one that comes later', () => {
    const soon = journal().start().assessed(0, 'P2').page(10, 'P2').assessed(14, 'P1').assessed(15, 'P2');
    expect(gradeSeverity(soon.severity(11, 'P2').entries, 10 * min)).toMatchObject({ points: 8, reason: expect.stringContaining('gave P1') as unknown });
    const blip = journal().start().assessed(0, 'P2').page(10, 'P2').assessed(18, 'P1').assessed(19, 'P2').tick(40);
    expect(gradeSeverity(blip.severity(11, 'P2').entries, 10 * min).points).toBe(15);
  });

  it('one level off either way keeps 8, saying which way; two off keeps nothing', () => {
    expect(grade(storm().severity(12, 'P2'))).toMatchObject({ points: 8, reason: expect.stringContaining('under-called by 1 level') as unknown });
    const p2 = journal().start().assessed(0, 'P2').page(10, 'P2');
    expect(gradeSeverity(p2.severity(12, 'P1').entries, 10 * min)).toMatchObject({ points: 8, reason: expect.stringContaining('over-called by 1 level') as unknown });
    expect(grade(storm().severity(12, 'P3')).points).toBe(0);
  });

  it('credits a wrong first call put right: most of the points when quick, fewer the longer it stood', () => {
    expect(grade(storm().severity(12, 'P2').severity(15, 'P1'))).toMatchObject({ points: 14, reason: expect.stringContaining('first declared P2; put right 3 min after the matrix showed P1') as unknown });
    expect(grade(storm().severity(12, 'P2').severity(24, 'P1')).points).toBe(12);
    expect(grade(storm().severity(12, 'P2').severity(40, 'P1')).points).toBe(10);
  });

  it('credits raising the call as the incident grows, the sooner the better', () => {
    const grows = () => journal().start().assessed(0, 'P2').page(10, 'P2').severity(11, 'P2').assessed(30, 'P1');
    expect(gradeSeverity(grows().severity(33, 'P1').entries, 10 * min).points).toBe(15);
    const slow = gradeSeverity(grows().severity(50, 'P1').entries, 10 * min);
    expect(slow).toMatchObject({ points: 10, reason: expect.stringContaining('the call was raised from P2 20 min later') as unknown });
  });

  it('asks for the call to be raised when the incident later holds a worse level', () => {
    const grown = journal().start().assessed(0, 'P2').page(10, 'P2').severity(11, 'P2').assessed(30, 'P1', { reason: 'significant financial impact: funds at risk (P1)' }).tick(45);
    const graded = gradeSeverity(grown.entries, 10 * min);
    expect(graded.points).toBe(10);
    expect(graded.reason).toContain('grew to P1 at page+20 min (significant financial impact: funds at risk (P1)) and held it, but the severity stayed P2');
  });

  it('grades when the first call came: full within 15 minutes of the page, falling to half at 45', () => {
    expect(grade(storm().severity(25, 'P1')).points).toBe(15);
    expect(grade(storm().severity(31, 'P1')).points).toBe(13.5);
    const late = grade(storm().severity(50, 'P1'));
    expect(late.reason).toContain('the first call came 40 min after the page');
    expect(late.points).toBeCloseTo(8.75, 0);
    expect(grade(storm().severity(70, 'P1')).points).toBe(7.5);
    // A right first call is what counts as on time; correcting a late one later does not restart the clock.
    expect(grade(storm().severity(12, 'P2').severity(40, 'P1')).points).toBe(10);
  });

  it('gives nothing without a declaration, and reads a journal stored before assessments were noted', () => {
    expect(grade(storm())).toMatchObject({ points: 0, reason: 'no severity was declared' });
    const old = journal().start().page(10, 'P1').severity(12, 'P2', 'P2');
    expect(gradeSeverity(old.entries, 10 * min).points).toBe(8);
  });
});
