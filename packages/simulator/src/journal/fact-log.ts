/**
 * The journal's second store: the entries a drill's score is made of, kept apart from the
 * ring so that no number of other requests can push them out.
 *
 * The bound: each entry is filed under the kinds it is a fact of (`alert.firing`,
 * `ui:/trainer/severity`, `action:INC-SPEC-002:force-gc`…). The kinds are a fixed set, named by
 * the simulator and the scenario registry, never by a request, and each keeps at most
 * `capPerKind` entries, so the log never holds more than kinds × cap entries (31 × 500 today)
 * however long or hostile the drill. An honest drill files a few dozen facts per kind at most.
 *
 * Past the cap a kind keeps its first `capPerKind - 1` entries and, in the last slot, the
 * newest: the scorer reads the first of most facts (the page, the acknowledge, the first time
 * each runbook action was done) and the last of a few (the final severity), so both survive a
 * flood of one kind of fact. What the cap turned away is counted per kind.
 */
import type { JournalEntry } from './journal';

export class FactLog {
  private readonly byKind = new Map<string, JournalEntry[]>();
  private readonly dropped: Record<string, number> = {};
  /** Every kept entry once, in journal order; rebuilt only after a last slot was overwritten. */
  private ordered: JournalEntry[] | null = [];

  /**
   * `capFor` may give a kind a smaller cap (at least 2): a kind whose first entry is all the
   * score reads (when a runbook step was first done) needs no more than the first and the newest.
   */
  constructor(
    readonly capPerKind = 500,
    private readonly capFor: (kind: string) => number = () => capPerKind,
  ) {
    if (!Number.isInteger(capPerKind) || capPerKind < 2) throw new RangeError(`capPerKind must be a whole number of at least 2 (the first and the newest), not ${capPerKind}`);
  }

  /** Files `entry` under each of `kinds`; entries must come in journal order. */
  add(entry: JournalEntry, kinds: readonly string[]): void {
    let appended = false;
    for (const kind of kinds) {
      let kept = this.byKind.get(kind);
      if (kept === undefined) {
        kept = [];
        this.byKind.set(kind, kept);
      }
      if (kept.length < Math.max(2, Math.min(this.capPerKind, this.capFor(kind)))) {
        kept.push(entry);
        appended = true;
      } else {
        // The entry it replaces may still be a fact of another kind: rebuild the order lazily.
        kept[kept.length - 1] = entry;
        this.dropped[kind] = (this.dropped[kind] ?? 0) + 1;
        this.ordered = null;
      }
    }
    if (this.ordered !== null && appended) this.ordered.push(entry);
  }

  /** The kept facts, each once, in journal order. */
  list(): readonly JournalEntry[] {
    if (this.ordered === null) {
      const bySeq = new Map<number, JournalEntry>();
      for (const kept of this.byKind.values()) for (const entry of kept) bySeq.set(entry.seq, entry);
      this.ordered = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
    }
    return this.ordered;
  }

  get size(): number {
    return this.list().length;
  }

  /** How many facts each kind's cap turned away (only kinds that reached it). */
  droppedByKind(): Record<string, number> {
    return { ...this.dropped };
  }
}
