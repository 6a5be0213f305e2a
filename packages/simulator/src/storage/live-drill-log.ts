/**
 * A live drill's input log: the `InputSink` that appends each input to the store as it happens
 * (one prepared INSERT, synchronous, before the request's answer goes out), with a checkpoint of
 * the world every `checkpointEvery` inputs. The drill's finish ends it: a finished drill is kept
 * whole as a stored drill and is not rebuilt; its inputs stay, linked to the stored drill's id
 * (a rewind replays them to any moment).
 */
import { randomUUID } from 'node:crypto';
import type { Drill } from '../drill/drill';
import { liveOptions, type InputSink, type RecordedInput } from '../drill/drill-inputs';
import type { DrillStore } from './drill-store';

/** A checkpoint every this many inputs: a divergence is found within that many, for ~1 % of the inputs' cost. */
export const checkpointEvery = 32;

export class LiveDrillLog implements InputSink {
  private ended = false;

  constructor(
    private readonly store: DrillStore,
    readonly drillId: string,
    private seq = 0,
  ) {}

  /** Records `drill` as the live drill of `slot` (ending the one there before) and sends it its inputs from now. */
  static begin(store: DrillStore, slot: string, drill: Drill, extra: Record<string, unknown>): LiveDrillLog {
    const log = new LiveDrillLog(store, randomUUID());
    store.beginLive({ id: log.drillId, slot, options: liveOptions(drill), extra, startedAt: new Date().toISOString() });
    drill.attachInputs(log);
    return log;
  }

  /** Goes on with a rebuilt drill's log, after its `count` inputs. */
  static resume(store: DrillStore, drillId: string, drill: Drill, count: number): LiveDrillLog {
    const log = new LiveDrillLog(store, drillId, count);
    drill.attachInputs(log);
    return log;
  }

  append(input: RecordedInput): void {
    if (this.ended) return;
    this.store.appendInput(this.drillId, this.seq++, input);
    const { input: what } = input;
    if (what.kind === 'journal' && what.entry.source === 'sim' && what.entry.action === 'drill.finished') {
      // Kept after the finish, by the stored drill's id: a finished drill can be rewound, branched and raced.
      const finishedId = what.entry.detail?.drillId;
      if (typeof finishedId === 'string') this.store.linkFinished(this.drillId, finishedId);
      this.end('finished');
    }
  }

  count(): number {
    return this.seq;
  }

  checkpointDue(): boolean {
    return !this.ended && (this.seq + 1) % checkpointEvery === 0;
  }

  /** The drill is no longer live (finished, replaced by another, or its server closed for good). */
  end(why: string): void {
    if (this.ended) return;
    this.ended = true;
    this.store.endLive(this.drillId, why);
  }
}
