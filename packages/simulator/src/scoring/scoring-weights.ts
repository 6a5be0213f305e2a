/**
 * The one table of scoring weights (README "Scoring" prints it). Points add up to 100; the
 * runbook's targets are the ones its severity matrix and procedures give.
 */
export const scoringWeights = {
  acknowledge: { points: 15, label: 'Time to acknowledge', rule: "full within the runbook's response time for the true severity (P1 5 min, P2 15 min, P3 4 h, P4 next business day), falling to 0 at three times it" },
  bridge: { points: 5, label: 'Incident bridge', rule: 'P1: on the bridge within 15 minutes of the page (later: 2); P2-P4: not required, full points' },
  severity: { points: 15, label: 'Severity', rule: "the last call against the worst the severity engine assessed from the page to 5 minutes after the call (not the calmer picture after mitigation): exact 15, one level off 8; a wrong call put right within 5 minutes of the matrix showing the level 14, within 15 12, later 10; an incident that later holds a worse level for 5 minutes without the call being raised: 5 off" },
  runbook: { points: 25, label: 'Runbook actions', rule: "each required action an equal share: within its deadline full, late half; 2 off for each pair done out of the runbook's order" },
  safety: { points: 10, label: 'No harmful actions', rule: '10 off for each action the runbook forbids or that made it worse (down to -10)' },
  stabilise: { points: 5, label: 'Stabilise first', rule: "where the cause is unclear (the runbook's P1 step 5), disabling speculation is the first change made" },
  mitigate: { points: 10, label: 'Time to mitigate', rule: "the incident reaches its mitigated condition within 15 minutes of the page, falling to 0 at 60" },
  resolve: { points: 5, label: 'Resolution', rule: 'declared resolved once mitigated: within 60 minutes 5, later 3; declared while still broken 0' },
  comms: { points: 5, label: 'Comms', rule: 'P1/P2: 5 less each finding: the first update to #incidents or #platform-alerts after 15 minutes 1; an update whose [P{X}] is not the severity declared then 1 (none 0.5); whose Status does not fit the incident then 1 (Resolved before it is 2, none 0.5); a promised "Next update in N minutes" not kept within N + 5, 1 (none promised: held to 30, 0.5); each of those three kinds at most 2; a customer-impacting P1 with no customer notice within 30 minutes 1.5 (late 0.5). P3/P4: any update' },
  escalation: { points: 5, label: 'Escalation', rule: "each target an equal share, half when late: P1 engineering leadership within 15 minutes of the incident becoming P1, P2 the platform lead within the hour, the runbook section's own (stake: leadership and finance) within 15 minutes of the page, legal within 15 minutes of a significant loss; leadership, finance or legal when nothing called for them 1 off" },
} as const;

export type ScoreDimensionId = keyof typeof scoringWeights;

/** Time to acknowledge that earns full points, by true severity. */
export const acknowledgeTargetMs = { P1: 5 * 60_000, P2: 15 * 60_000, P3: 4 * 3_600_000, P4: 24 * 3_600_000 } as const;
