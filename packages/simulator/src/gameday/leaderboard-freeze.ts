/**
 * A competition's leaderboard freeze: while frozen, every server of the process shows
 * leaderboards only as they stood at the freeze (all but the facilitator, who sees them live),
 * so the last minutes' results are revealed together.
 */
export class LeaderboardFreeze {
  /** While set, leaderboards show only drills finished up to this instant. */
  frozenAt: string | null = null;

  /** Freezes (keeping the first freeze's instant when already frozen) or thaws; the instant it holds. */
  set(frozen: boolean, now: Date = new Date()): string | null {
    this.frozenAt = frozen ? (this.frozenAt ?? now.toISOString()) : null;
    return this.frozenAt;
  }
}
