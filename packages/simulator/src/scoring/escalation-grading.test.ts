import { describe, expect, it } from 'vitest';
import { findScenario, type ScenarioSpec } from '@gameday/scenarios';
import { gradeEscalation } from './escalation-grading';
import { journal, min } from './test-journal';

const spec = (id: string): ScenarioSpec => findScenario(id)!.spec!;
const storm = () => journal().start().assessed(0, 'P1').page(10);
const grade = (builder: ReturnType<typeof journal>, scenario = 'rollback-storm') => gradeEscalation(builder.entries, 10 * min, spec(scenario));

describe('gradeEscalation', () => {
  it('P1: engineering leadership within 15 minutes of the incident becoming P1; late is half', () => {
    expect(grade(storm().escalate(20, 'engineering-leadership'))).toMatchObject({ points: 5, reason: 'engineering-leadership: on time at page+10 min' });
    const late = grade(storm().escalate(40, 'engineering-leadership'));
    expect(late).toMatchObject({ points: 2.5, reason: expect.stringContaining('engineering-leadership: 15 min late at page+30 min (P1: the matrix says immediately') as unknown });
    expect(grade(storm().tick(30))).toMatchObject({ points: 0, reason: expect.stringContaining('engineering-leadership: never escalated') as unknown });
  });

  it('P2: the platform lead within the hour', () => {
    const p2 = () => journal().start().assessed(0, 'P2').page(10, 'P2');
    expect(grade(p2().escalate(60, 'platform-lead')).points).toBe(5);
    expect(grade(p2().escalate(75, 'platform-lead'))).toMatchObject({ points: 2.5, reason: expect.stringContaining('platform-lead: 5 min late') as unknown });
  });

  it("times from when the incident became P1, not the page, when it grew later", () => {
    const grew = journal().start().assessed(0, 'P2').page(10, 'P2').assessed(30, 'P1').tick(50).escalate(40, 'engineering-leadership').escalate(40, 'platform-lead');
    expect(grade(grew)).toMatchObject({ points: 5, reason: 'engineering-leadership: on time at page+30 min' });
  });

  it("asks for the section's own targets at once, and legal once the losses are significant", () => {
    const stake = journal().start().assessed(0, 'P2').page(10, 'P2', 'StakeSlashingDetected').escalate(12, 'engineering-leadership').escalate(12, 'finance').escalate(12, 'platform-lead');
    expect(grade(stake, 'stake-slashing').points).toBe(5);
    const significant = journal().start().assessed(0, 'P2').page(10, 'P2', 'StakeSlashingDetected').escalate(12, 'engineering-leadership').escalate(12, 'finance').assessed(20, 'P1', { significantLoss: true }).tick(40);
    const graded = grade(significant, 'stake-slashing');
    expect(graded.points).toBe(3.3);
    expect(graded.reason).toContain('legal: never escalated (a significant amount lost: the runbook adds Legal; due by page+25 min)');
  });

  it('costs a point for pulling in leadership, finance or legal when nothing called for them', () => {
    const p3 = journal().start().assessed(0, 'P3').page(10, 'P3').escalate(12, 'legal');
    expect(grade(p3)).toMatchObject({ points: 4, reason: expect.stringContaining('escalated to legal anyway') as unknown });
    expect(grade(storm().escalate(12, 'engineering-leadership').escalate(12, 'finance')).points).toBe(4);
    expect(grade(journal().start().assessed(0, 'P3').page(10, 'P3'))).toMatchObject({ points: 5, reason: 'no escalation required for a P3 like this' });
  });

  it('asks nothing without a page', () => {
    expect(gradeEscalation(storm().entries, null, spec('rollback-storm'))).toMatchObject({ points: 5, reason: 'no escalation required' });
  });
});
