import { describe, expect, it } from 'vitest';
import { assessSeverity, calmFacts, worse, type SeverityFacts } from './severity';

const facts = (overrides: Partial<SeverityFacts>): SeverityFacts => ({ ...calmFacts, ...overrides });

describe('assessSeverity: the severity matrix', () => {
  it.each<[string, Partial<SeverityFacts>, string]>([
    ['a storm peaking at 70%', { rollbackRate: 0.7 }, 'P1'],
    ['a storm peaking at 35%', { rollbackRate: 0.35 }, 'P2'],
    ['an elevated rollback rate of 15%', { rollbackRate: 0.15 }, 'P3'],
    ['a healthy service', {}, 'P4'],
    ['data corruption', { dataAtRisk: true }, 'P1'],
    ['speculation completely down', { speculationNonFunctional: true }, 'P1'],
    ['significant financial impact', { fundsAtRisk: 'significant' }, 'P1'],
    ['some funds at risk', { fundsAtRisk: 'some' }, 'P2'],
    ['speculation auto-disabled', { autoProtecting: true }, 'P2'],
    ['proof generation at 96% of capacity', { proofCapacityUsed: 0.96 }, 'P2'],
    ['more than 10% of operations affected', { operationsAffected: 0.2 }, 'P2'],
    ['a single pod failing', { podsFailing: 1 }, 'P3'],
    ['slow proofs', { degraded: true }, 'P3'],
  ])('%s is %s', (_name, overrides, expected) => {
    expect(assessSeverity(facts(overrides)).severity).toBe(expected);
  });
});

describe('assessSeverity: the impact assessment adjustments', () => {
  it('business hours in the primary region raise a 35% storm from P2 to P1', () => {
    const assessment = assessSeverity(facts({ rollbackRate: 0.35, businessHours: true }));
    expect(assessment.severity).toBe('P1');
    expect(assessment.reasons).toEqual(['rollback rate 35% is 25-50% (P2)', 'business hours in the primary region: higher by 1 level (P1)']);
  });

  it('a workaround lowers by one level', () => {
    expect(assessSeverity(facts({ rollbackRate: 0.35, workaround: true })).severity).toBe('P3');
    expect(assessSeverity(facts({ podsFailing: 1, workaround: true })).severity).toBe('P4');
  });

  it('a workaround does not lower corruption or a significant financial loss', () => {
    expect(assessSeverity(facts({ dataAtRisk: true, workaround: true })).severity).toBe('P1');
    expect(assessSeverity(facts({ fundsAtRisk: 'significant', workaround: true })).severity).toBe('P1');
  });

  it('never goes above P1 or below P4', () => {
    expect(assessSeverity(facts({ rollbackRate: 0.9, businessHours: true })).severity).toBe('P1');
    expect(assessSeverity(facts({ workaround: true })).severity).toBe('P4');
  });

  it('gives the reasons for the base level in the runbook words', () => {
    expect(assessSeverity(facts({ rollbackRate: 0.7 })).reasons[0]).toBe('rollback rate 70% is above 50% (P1)');
  });

  it('orders severities', () => {
    expect(worse('P2', 'P1')).toBe('P1');
    expect(worse('P3', 'P4')).toBe('P3');
  });
});
