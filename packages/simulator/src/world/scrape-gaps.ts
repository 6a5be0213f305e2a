/**
 * When the service's metrics exporter fails a scrape, as a real one does under pressure: rare
 * windows of simulated time in which `/metrics` answers 503, or answers later than a scraper's
 * timeout (the drill applies them only while an alert fires: `Drill.failedScrape`). Prometheus records such a scrape as `up 0` and no samples; the dashboard's series
 * records a gap. The schedule is hashed from the seed and each window's index rather than drawn
 * from the world's Rng, so the same seed has its gaps at the same simulated moments on every
 * replay, and asking about a gap never moves the world's random sequence.
 */
import type { Difficulty } from '@gameday/scenarios';
import { hashString, hashedUnit } from './random';

/** The exporter's fortunes change in windows this long: one scrape interval of Prometheus's default 15 s. */
export const scrapeWindowMs = 15_000;

/**
 * The chance that a window is a gap. Normal: about one every 1.5 simulated hours; hard: about
 * one every 20 minutes. Easy drills and the baseline (no incident) have none: a gap there
 * would only be a puzzle with nothing behind it.
 */
export const scrapeGapChance: Readonly<Record<Difficulty, number>> = { easy: 0, normal: 1 / 360, hard: 1 / 80 };

/** How a scrape fails: refused with a 503, or answered after Prometheus's default 10 s `scrape_timeout`. */
export type ScrapeFailure = 'unavailable' | 'slow';

export interface ScrapeGap {
  fromMs: number;
  toMs: number;
  failure: ScrapeFailure;
}

/** Longest stretch `between` walks, so a caller's bad range cannot make it loop for long. */
const maxWindowsPerQuery = 100_000;

export class ScrapeGaps {
  private readonly key: number;
  private readonly failureKey: number;

  /** `chance` per window, usually `scrapeGapChance[difficulty]` (0 for none). */
  constructor(
    seed: number,
    readonly chance: number,
  ) {
    this.key = hashString(`scrape-gaps:${seed}`);
    this.failureKey = hashString(`scrape-failure:${seed}`);
  }

  /** The schedule a drill of this seed and difficulty has: none without an incident. */
  static forDrill(seed: number, difficulty: Difficulty, hasIncident: boolean): ScrapeGaps {
    return new ScrapeGaps(seed, hasIncident ? scrapeGapChance[difficulty] : 0);
  }

  /** The gap `simMs` falls in, if any. */
  at(simMs: number): ScrapeGap | undefined {
    if (this.chance <= 0 || simMs < 0 || !Number.isFinite(simMs)) return undefined;
    return this.window(Math.floor(simMs / scrapeWindowMs));
  }

  /** Every gap overlapping [fromMs, toMs), oldest first (at most 100,000 windows are looked at). */
  between(fromMs: number, toMs: number): ScrapeGap[] {
    if (this.chance <= 0) return [];
    const first = Math.max(0, Math.floor(fromMs / scrapeWindowMs));
    const last = Math.min(Math.ceil(toMs / scrapeWindowMs), first + maxWindowsPerQuery);
    const gaps: ScrapeGap[] = [];
    for (let index = first; index < last; index++) {
      const gap = this.window(index);
      if (gap) gaps.push(gap);
    }
    return gaps;
  }

  private window(index: number): ScrapeGap | undefined {
    if (hashedUnit(this.key, index) >= this.chance) return undefined;
    const failure: ScrapeFailure = hashedUnit(this.failureKey, index) < 0.5 ? 'unavailable' : 'slow';
    return { fromMs: index * scrapeWindowMs, toMs: (index + 1) * scrapeWindowMs, failure };
  }
}
