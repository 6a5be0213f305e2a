/**
 * The one table of scoring weights (README "Scoring" prints it), and the rule that ties them:
 * outcome first. Points add up to 100: the outcome (impact avoided, service restored) is 70,
 * the process 30, and each process point counts only in the share the outcome earned
 * (`processScale`), so process can add to a good outcome but never lift a bad one above a good
 * one.
 */
export const scoringWeights = {
  outcome: {
    points: 55,
    label: 'Impact avoided',
    kind: 'outcome',
    rule: "the share of the incident's impact avoided, between the same drill left alone and played along the ideal path, measured at the later of the last minute your response still added impact (by the drill's end) and 30 minutes after the last minute the ideal path did: 55 × (no responder − yours) / (no responder − ideal), at most 55; impact added beyond the no-responder run counts negative, down to -55",
  },
  restored: {
    points: 15,
    label: 'Service restored',
    kind: 'outcome',
    rule: "the world met the incident's resolved condition (cause gone, speculation at its normal settings, readings normal for the spec's period) when it was declared resolved: 15; declared while degraded or with speculation off or reduced: 0; restored but never declared: 10",
  },
  acknowledge: { points: 6, label: 'Time to acknowledge', kind: 'process', rule: "full within the runbook's response time for the incident's severity (the one comms and escalation are judged by; P1 5 min, P2 15 min, P3 4 h, P4 next business day), falling to 0 at three times it" },
  bridge: { points: 2, label: 'Incident bridge', kind: 'process', rule: 'P1: on the bridge within 15 minutes of the page (later: 0.8); P2-P4: not required, full points' },
  severity: { points: 6, label: 'Severity', kind: 'process', rule: "the last call against the worst the severity engine assessed from the page to 5 minutes after the call (not the calmer picture after mitigation): exact, full; one level off, 8/15 of it; a wrong call put right within 5 minutes of the matrix showing the level 14/15, within 15 minutes 12/15, later 10/15; an incident that later holds a worse level for 5 minutes without the call being raised: 5/15 off; and when: the first call within 15 minutes of the page keeps all of that, falling to half at 45 minutes and after (the runbook assesses the severity at the start)" },
  runbook: { points: 6, label: 'Runbook actions', kind: 'process', rule: "each required action an equal share: within its deadline full, late half; 0.5 off for each pair done out of the runbook's order" },
  safety: { points: 2, label: 'No harmful actions', kind: 'process', rule: 'nothing the runbook forbids or the scenario judged harmful (what harm cost is in Impact avoided)' },
  stabilise: { points: 2, label: 'Stabilise first', kind: 'process', rule: "where the cause is unclear (the runbook's P1 step 5), disabling speculation is the first change made" },
  comms: { points: 3, label: 'Comms', kind: 'process', rule: 'P1/P2: a fifth off for each finding: the first update to #incidents or #platform-alerts after 15 minutes; an update whose [P{X}] is not the severity declared then (none: a tenth); whose Status does not fit the incident then (Resolved before it is: two fifths; none: a tenth); a promised "Next update in N minutes" not kept within N + 5 (none promised: held to 30, a tenth); each of those kinds at most two fifths; a customer-impacting P1 with no customer notice within 30 minutes, three tenths (late: a tenth). P3/P4: any update' },
  escalation: { points: 3, label: 'Escalation', kind: 'process', rule: "each target an equal share, half when late: P1 engineering leadership within 15 minutes of the incident becoming P1, P2 the platform lead within the hour, the runbook section's own (stake: leadership and finance) within 15 minutes of the page, legal within 15 minutes of a significant loss; leadership, finance or legal when nothing called for them: a fifth off" },
} as const;

export type ScoreDimensionId = keyof typeof scoringWeights;

/** The outcome's points: impact avoided and service restored. */
export const outcomePoints = scoringWeights.outcome.points + scoringWeights.restored.points;

/**
 * The rule that ties outcome and process: each process dimension's points are multiplied by the
 * outcome points earned over their maximum (0 when the outcome is 0 or below). A perfect
 * process adds at most 30/70 of what the outcome earned, so a drill whose outcome earned less
 * than 70% of another's cannot outscore it, whatever its process.
 */
export function processScale(outcomeEarned: number): number {
  return Math.min(1, Math.max(0, outcomeEarned / outcomePoints));
}

/**
 * The version of these rules. A stored drill carries the version that scored it; one scored by
 * an older version is re-scored from its journal when read (and at `gameday serve`'s start-up),
 * so a leaderboard ranks by one set of rules. Raise it with any change that moves a score.
 * 3: the graders' incident severity for acknowledge and the bridge; the first call timed.
 * 4: the outcome horizon from the ideal run's last move; a baseline with injected incidents
 *    judged by them; the counterfactual runs replayed with their clock held.
 */
export const scoringRulesVersion = 4;

/** Time to acknowledge that earns full points, by true severity. */
export const acknowledgeTargetMs = { P1: 5 * 60_000, P2: 15 * 60_000, P3: 4 * 3_600_000, P4: 24 * 3_600_000 } as const;
