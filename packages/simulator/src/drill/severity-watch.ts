/**
 * Follows the severity the runbook's engine assesses, tick by tick, and says when the journal
 * should note a change (`severity.assessed`), so scoring can grade a declaration against the
 * picture around it rather than the calmer one after mitigation. A worse picture is noted once it
 * has held for `worseHoldMs`, two of the dashboard's samples: a spike of a second or two between
 * samples (a rollback rate at 51% for one tick) is one no responder could have seen, and a
 * severity is never graded on it. A calmer one is noted only once it has held for `settleMs`, so
 * readings that hover on a threshold (memory near its limit, a rollback rate near 25%) note a few
 * changes, not one a second: at most two entries per `settleMs` whatever the readings do.
 */
import { severities, type Severity, type SeverityAssessment, type SeverityFacts } from '@gameday/scenarios';

/** How long a calmer assessment must hold before it is noted. */
export const assessmentSettleMs = 30_000;

/** How long a worse assessment must hold before it is noted: two of the dashboard's 5-second samples show it. */
export const worseHoldMs = 10_000;

/** What a `severity.assessed` entry says. */
export interface AssessedSeverity {
  severity: Severity;
  /** The engine's reasons, in the runbook's words. */
  reasons: string[];
  /** Users feel it: transactions failing or delayed, operations affected, data or funds at risk, speculation down. */
  customerImpact: boolean;
  /** Tokens slashed in 24 h reached the matrix's "significant financial impact" (the runbook's Legal escalation). */
  significantLoss: boolean;
  /** When the picture became this one (earlier than the entry for a calmer picture, which waits to settle). */
  sinceMs: number;
}

const rank = (severity: Severity) => severities.indexOf(severity);

/**
 * Whether users feel the incident, from the same facts the engine reads: the matrix's lines for
 * "more than 10% of operations affected" and a 25% rollback rate, not the few percent a healthy
 * service always shows.
 */
export function isCustomerImpact(facts: SeverityFacts): boolean {
  return facts.speculationNonFunctional || facts.dataAtRisk || facts.fundsAtRisk !== 'none' || facts.transactionsFailing || facts.operationsAffected > 0.1 || facts.rollbackRate >= 0.25;
}

export class SeverityWatch {
  private noted: AssessedSeverity | null = null;
  /** A different picture not yet noted (a calmer one waiting to settle), and since when. */
  private pending: { key: string; sinceMs: number } | null = null;

  /** Looks at this tick's assessment; returns what to journal, if anything. */
  update(assessment: SeverityAssessment, facts: SeverityFacts, simMs: number): AssessedSeverity | undefined {
    const customerImpact = isCustomerImpact(facts);
    const significantLoss = facts.fundsAtRisk === 'significant';
    const key = `${assessment.severity}/${customerImpact}/${significantLoss}`;
    const noted = this.noted;
    if (noted !== null && key === `${noted.severity}/${noted.customerImpact}/${noted.significantLoss}`) {
      this.pending = null;
      return undefined;
    }
    if (this.pending?.key !== key) this.pending = { key, sinceMs: simMs };
    const worse = noted === null || rank(assessment.severity) < rank(noted.severity) || (customerImpact && !noted.customerImpact) || (significantLoss && !noted.significantLoss);
    const held = simMs - this.pending.sinceMs;
    if (noted !== null && held < (worse ? worseHoldMs : assessmentSettleMs)) return undefined;
    this.noted = { severity: assessment.severity, reasons: assessment.reasons, customerImpact, significantLoss, sinceMs: this.pending.sinceMs };
    this.pending = null;
    return this.noted;
  }
}
