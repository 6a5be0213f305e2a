/**
 * The one journal: every request (admin HTTP, Kubernetes, agenc, control, UI) and every notable
 * world event, in order, with its simulated time and source. The runbook checker, the timeline
 * and the post-mortem read it. Bounded: past `capacity` the oldest entries go, but the counters
 * below never do, nor do the facts the score is made of (`facts()`, see fact-log.ts), which a
 * flood of other requests therefore cannot evict.
 */
import { FactLog } from './fact-log';
import { scoringFactKindCap, scoringFactKinds } from './scoring-facts';

export type JournalSource = 'admin' | 'kube' | 'agenc' | 'sim' | 'ui' | 'world' | 'metrics' | 'other';
export type JournalOutcome = 'accepted' | 'rejected' | 'info';

export interface JournalEntry {
  seq: number;
  /** Simulated ms since the drill started. */
  simMs: number;
  /** Wall-clock time of recording, ms since the epoch (ISO 8601 is made on the way out). */
  wallMs: number;
  source: JournalSource;
  /** What was done, e.g. `POST /admin/config`, `kubectl scale`, `agenc admin gc`, `clock.skip`. */
  action: string;
  outcome: JournalOutcome;
  /** HTTP status for requests. */
  status?: number;
  /** Who did it (participant name or client), where known. */
  actor?: string;
  /** Structured facts: the config changed, the error code, the replicas asked for... */
  detail?: Record<string, unknown>;
  /** How the world judged it: an action the runbook forbids is recorded as `harmful`. */
  effect?: 'harmful';
}

export type JournalInput = Omit<JournalEntry, 'seq' | 'wallMs' | 'simMs'>;

export interface JournalCounters {
  total: number;
  evicted: number;
  bySource: Record<string, number>;
  byOutcome: Record<JournalOutcome, number>;
  /** Entries in the fact log, and how many its per-kind cap turned away, by kind. */
  facts: number;
  factsDropped: Record<string, number>;
}

export interface JournalFactOptions {
  /** The kinds of fact an entry is, none when the score cannot use it (default: the scorer's). */
  kinds?: (entry: JournalEntry) => readonly string[];
  /** The most entries kept of each kind (default 500). */
  capPerKind?: number;
}

export class Journal {
  private entries: JournalEntry[] = [];
  private head = 0;
  private nextSeq = 1;
  private readonly counts: Omit<JournalCounters, 'facts' | 'factsDropped'> = { total: 0, evicted: 0, bySource: {}, byOutcome: { accepted: 0, rejected: 0, info: 0 } };
  private readonly factLog: FactLog;
  private readonly factKinds: (entry: JournalEntry) => readonly string[];
  /**
   * The wall clock entries are stamped with. A drill rebuilt from its inputs after a restart
   * stamps what it replays with the wall moments the inputs were recorded at, not the replay's.
   */
  wallNow: () => number = Date.now;

  constructor(
    private readonly now: () => number,
    readonly capacity = 10_000,
    facts: JournalFactOptions = {},
  ) {
    this.factKinds = facts.kinds ?? scoringFactKinds;
    this.factLog = new FactLog(facts.capPerKind, facts.kinds ? undefined : scoringFactKindCap);
  }

  record(input: JournalInput): JournalEntry {
    const entry = input as JournalEntry;
    // The input object becomes the entry: one allocation per request on the hot path.
    entry.seq = this.nextSeq++;
    entry.simMs = this.now();
    entry.wallMs = this.wallNow();
    if (this.entries.length < this.capacity) {
      this.entries.push(entry);
    } else {
      // Ring buffer: overwrite the oldest instead of shifting an array of thousands.
      this.entries[this.head] = entry;
      this.head = (this.head + 1) % this.capacity;
      this.counts.evicted++;
    }
    this.counts.total++;
    this.counts.bySource[entry.source] = (this.counts.bySource[entry.source] ?? 0) + 1;
    this.counts.byOutcome[entry.outcome]++;
    const kinds = this.factKinds(entry);
    if (kinds.length > 0) this.factLog.add(entry, kinds);
    return entry;
  }

  /** The entries the score is made of, in order, whatever the ring has evicted. */
  facts(): readonly JournalEntry[] {
    return this.factLog.list();
  }

  /** The ring and the facts it has evicted, in order: what a finished drill keeps to show. */
  withFacts(): JournalEntry[] {
    const ring = this.list();
    const facts = this.factLog.list();
    const merged: JournalEntry[] = [];
    let i = 0;
    let j = 0;
    while (i < ring.length || j < facts.length) {
      const fromRing = ring[i];
      const fact = facts[j];
      if (fact === undefined || (fromRing !== undefined && fromRing.seq < fact.seq)) {
        merged.push(fromRing!);
        i++;
      } else {
        if (fromRing !== undefined && fromRing.seq === fact.seq) i++;
        merged.push(fact);
        j++;
      }
    }
    return merged;
  }

  /** Entries in order, optionally only those after `sinceSeq`, at most `limit` (the newest). */
  list(options: { sinceSeq?: number; limit?: number; source?: JournalSource } = {}): JournalEntry[] {
    const ordered = this.head === 0 ? this.entries : [...this.entries.slice(this.head), ...this.entries.slice(0, this.head)];
    let result = ordered;
    if (options.sinceSeq !== undefined) {
      const since = options.sinceSeq;
      result = result.filter((entry) => entry.seq > since);
    }
    if (options.source !== undefined) {
      const source = options.source;
      result = result.filter((entry) => entry.source === source);
    }
    if (options.limit !== undefined && result.length > options.limit) result = result.slice(result.length - options.limit);
    return result;
  }

  /** The newest entry's sequence number (0 before any): entries recorded after now have larger ones. */
  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  get size(): number {
    return this.entries.length;
  }

  counters(): JournalCounters {
    return { ...structuredClone(this.counts), facts: this.factLog.size, factsDropped: this.factLog.droppedByKind() };
  }

}

/** A journal detail value as text: strings as they are, anything else as JSON. */
export function detailText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}
