/**
 * The runbook's severity matrix and impact assessment guide as code. From an incident's facts
 * at a moment it gives the severity the runbook expects, and the reasons, in the runbook's
 * words. The scorer compares a declared severity with this; the UI shows the reasons.
 */

export type Severity = 'P1' | 'P2' | 'P3' | 'P4';
export const severities: readonly Severity[] = ['P1', 'P2', 'P3', 'P4'];

/**
 * Tokens slashed in the last 24 hours from which the matrix's "significant financial impact"
 * (and the runbook's Legal escalation) applies; any slashing below it is funds at risk (P1-P2).
 */
export const significantLossTokens = 10_000;

/** What the impact assessment asks about, as measured or as the scenario knows it. */
export interface SeverityFacts {
  /** Rolled-back share of speculative tasks (0..1). */
  rollbackRate: number;
  /** Speculation completely non-functional: every speculation pod down. */
  speculationNonFunctional: boolean;
  /** User data at risk of corruption. */
  dataAtRisk: boolean;
  /** Funds at risk: none, some, or a significant financial impact. */
  fundsAtRisk: 'none' | 'some' | 'significant';
  /** Transactions failing (work rejected or lost). */
  transactionsFailing: boolean;
  /** The system is auto-protecting (speculation auto-disabled). */
  autoProtecting: boolean;
  /** Share of operations affected (0..1). */
  operationsAffected: number;
  /** Proof generation load against capacity (0..1+). */
  proofCapacityUsed: number;
  /** Single pod issues: some pods failing, the service still up. */
  podsFailing: number;
  /** Elevated but not alarming signals: slow proofs, memory pressure. */
  degraded: boolean;
  /** A workaround is available. */
  workaround: boolean;
  /** Business hours in the primary region. */
  businessHours: boolean;
}

export interface SeverityAssessment {
  severity: Severity;
  /** Why, in order: the base level's reasons, then the adjustments. */
  reasons: string[];
}

const pct = (ratio: number) => `${Math.round(ratio * 100)}%`;

function level(severity: Severity): number {
  return severities.indexOf(severity);
}

/** The runbook's severity for these facts. */
export function assessSeverity(facts: SeverityFacts): SeverityAssessment {
  const p1: string[] = [];
  if (facts.speculationNonFunctional) p1.push('speculation is completely non-functional (P1)');
  if (facts.dataAtRisk) p1.push('user data is at risk of corruption (P1)');
  if (facts.fundsAtRisk === 'significant') p1.push('significant financial impact: funds at risk (P1)');
  if (facts.rollbackRate > 0.5) p1.push(`rollback rate ${pct(facts.rollbackRate)} is above 50% (P1)`);

  const p2: string[] = [];
  if (facts.autoProtecting) p2.push('the system is auto-protecting: speculation auto-disabled (P2)');
  if (facts.rollbackRate >= 0.25 && facts.rollbackRate <= 0.5) p2.push(`rollback rate ${pct(facts.rollbackRate)} is 25-50% (P2)`);
  if (facts.proofCapacityUsed > 0.9) p2.push(`proof generation at ${pct(facts.proofCapacityUsed)} of capacity, above 90% (P2)`);
  if (facts.fundsAtRisk === 'some' || facts.transactionsFailing) p2.push('transactions are failing or funds are at risk (P1-P2)');
  if (facts.operationsAffected > 0.1) p2.push(`${pct(facts.operationsAffected)} of operations affected, more than 10% (P2)`);

  const p3: string[] = [];
  if (facts.rollbackRate >= 0.1 && facts.rollbackRate < 0.25) p3.push(`elevated rollback rate ${pct(facts.rollbackRate)}, 10-25% (P3)`);
  if (facts.podsFailing > 0) p3.push(`${facts.podsFailing} pod(s) failing: single pod issues (P3)`);
  if (facts.degraded) p3.push('minor degradation: slow proofs or resource pressure (P3)');

  let base: Severity;
  const reasons: string[] = [];
  if (p1.length > 0) {
    base = 'P1';
    reasons.push(...p1);
  } else if (p2.length > 0) {
    base = 'P2';
    reasons.push(...p2);
  } else if (p3.length > 0) {
    base = 'P3';
    reasons.push(...p3);
  } else {
    base = 'P4';
    reasons.push('minimal impact: nothing above the P4 line (P4)');
  }

  let index = level(base);
  // "Is there a workaround? Lower by 1 level." A workaround does not make corrupted data or lost
  // funds safe, so it does not lower an incident that is P1 for those reasons.
  if (facts.workaround && index < severities.length - 1 && !(base === 'P1' && (facts.dataAtRisk || facts.fundsAtRisk === 'significant'))) {
    index++;
    reasons.push(`a workaround is available: lower by 1 level (${severities[index]})`);
  }
  // "Is it business hours in primary region? Higher by 1 level."
  if (facts.businessHours && index > 0) {
    index--;
    reasons.push(`business hours in the primary region: higher by 1 level (${severities[index]})`);
  }
  return { severity: severities[index]!, reasons };
}

/** Facts of a healthy service, to build on. */
export const calmFacts: Readonly<SeverityFacts> = {
  rollbackRate: 0.02,
  speculationNonFunctional: false,
  dataAtRisk: false,
  fundsAtRisk: 'none',
  transactionsFailing: false,
  autoProtecting: false,
  operationsAffected: 0,
  proofCapacityUsed: 0.4,
  podsFailing: 0,
  degraded: false,
  workaround: false,
  businessHours: false,
};

/** The more severe of two. */
export function worse(a: Severity, b: Severity): Severity {
  return level(a) <= level(b) ? a : b;
}
