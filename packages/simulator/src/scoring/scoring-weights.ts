/**
 * The one table of scoring weights (README "Scoring" prints it). Points add up to 100; the
 * runbook's targets are the ones its severity matrix and procedures give.
 */
export const scoringWeights = {
  acknowledge: { points: 15, label: 'Time to acknowledge', rule: "full within the runbook's response time for the true severity (P1 5 min, P2 15 min, P3 4 h, P4 next business day), falling to 0 at three times it" },
  bridge: { points: 5, label: 'Incident bridge', rule: 'P1: on the bridge within 15 minutes of the page (later: 2); P2-P4: not required, full points' },
  severity: { points: 15, label: 'Severity', rule: 'the last declaration against the severity engine at that moment: exact 15, one level off 8; a wrong first call corrected within 10 minutes 13, later 10' },
  runbook: { points: 25, label: 'Runbook actions', rule: "each required action an equal share: within its deadline full, late half; 2 off for each pair done out of the runbook's order" },
  safety: { points: 10, label: 'No harmful actions', rule: '10 off for each action the runbook forbids or that made it worse (down to -10)' },
  stabilise: { points: 5, label: 'Stabilise first', rule: "where the cause is unclear (the runbook's P1 step 5), disabling speculation is the first change made" },
  mitigate: { points: 10, label: 'Time to mitigate', rule: "the incident reaches its mitigated condition within 15 minutes of the page, falling to 0 at 60" },
  resolve: { points: 5, label: 'Resolution', rule: 'declared resolved once mitigated: within 60 minutes 5, later 3; declared while still broken 0' },
  comms: { points: 5, label: 'Comms', rule: 'P1/P2: first update to #incidents or #platform-alerts within 15 minutes (3), then at most 30 minutes apart until resolved (2); P3/P4: any update' },
  escalation: { points: 5, label: 'Escalation', rule: 'P1: engineering leadership; stake or financial impact: engineering leadership and finance; P2: the platform lead within the hour' },
} as const;

export type ScoreDimensionId = keyof typeof scoringWeights;

/** Time to acknowledge that earns full points, by true severity. */
export const acknowledgeTargetMs = { P1: 5 * 60_000, P2: 15 * 60_000, P3: 4 * 3_600_000, P4: 24 * 3_600_000 } as const;
