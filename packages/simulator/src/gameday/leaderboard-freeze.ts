/**
 * A competition's leaderboard freeze: while frozen, every server of the process shows
 * leaderboards only as they stood at the freeze (all but the facilitator, who sees them live),
 * so the last minutes' results are revealed together.
 *
 * In a fleet (`--store postgres://…`) the freeze is the fleet's: kept in the store's shared
 * values, so a facilitator freezing on any instance freezes every instance's leaderboards. It is
 * read at most once a second (a leaderboard is asked for far more often than the freeze changes),
 * so every instance freezes and thaws within a second of the others.
 */
import type { DrillStore } from '../storage/drill-store';

/** The shared value the fleet's freeze is kept under. */
export const freezeKey = 'leaderboard.frozenAt';

/** How long an instance trusts the freeze it last read: at most a second. */
export const freezeCacheMs = 1000;

export interface LeaderboardFreezeOptions {
  /** Where the fleet's freeze is kept; without it the freeze is this process's own. */
  store?: Pick<DrillStore, 'sharedValue' | 'setSharedValue'> | undefined;
  now?: (() => number) | undefined;
  cacheMs?: number | undefined;
}

export class LeaderboardFreeze {
  private held: string | null = null;
  private readAt = Number.NEGATIVE_INFINITY;
  private readonly store: LeaderboardFreezeOptions['store'];
  private readonly now: () => number;
  private readonly cacheMs: number;

  constructor(options: LeaderboardFreezeOptions = {}) {
    this.store = options.store;
    this.now = options.now ?? Date.now;
    this.cacheMs = Math.min(options.cacheMs ?? freezeCacheMs, freezeCacheMs);
  }

  /** While set, leaderboards show only drills finished up to this instant. */
  get frozenAt(): string | null {
    if (this.store && this.now() - this.readAt >= this.cacheMs) this.remember(this.store.sharedValue(freezeKey) ?? null);
    return this.held;
  }

  set frozenAt(at: string | null) {
    if (this.store) this.remember(this.store.setSharedValue(freezeKey, at) ?? null);
    else this.held = at;
  }

  /** Freezes (keeping the first freeze's instant when already frozen, on any instance) or thaws; the instant it holds. */
  set(frozen: boolean, now: Date = new Date()): string | null {
    if (!this.store) {
      this.held = frozen ? (this.held ?? now.toISOString()) : null;
      return this.held;
    }
    // One step in the store: two facilitators freezing at once on two instances keep one instant.
    this.remember(this.store.setSharedValue(freezeKey, frozen ? now.toISOString() : null, true) ?? null);
    return this.held;
  }

  private remember(at: string | null): void {
    this.held = at;
    this.readAt = this.now();
  }
}
