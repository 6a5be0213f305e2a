/**
 * Fires schedules on an injected clock: croner only computes the next run time, and the wait
 * is a timer on the given clock, so a test can move virtual time a minute ahead and see the
 * session open and the announcement go out, without waiting a real minute.
 *
 * Schedules live in the store (`DrillStore.schedules`), so every instance sharing it arms every
 * schedule. When one falls due, each instance claims the occurrence (`claimFiring`: one row per
 * schedule and due moment) and only the one whose claim wrote the row opens the session: a
 * schedule fires once however many instances run. A surprise's moment in its window is a hash
 * of the schedule and its cron time, the same on every instance, so their claims name one key.
 * Each instance re-reads the schedules every 5 s (and whenever the list is asked for), so one
 * added or removed on another is armed or disarmed within that.
 */
import { createHash } from 'node:crypto';
import { GamedayError } from '../core/gameday-error';
import type { DrillStore, ScheduleFiring } from '../storage/drill-store';
import { cronOf, importScheduleFile, parseSchedule, type Schedule, type ScheduleImport } from './game-day-schedule';

export interface SchedulerClock {
  /** Wall time, ms since the epoch. */
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: SchedulerClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** The latest occurrence an instance claimed: when it was due, who opened it, and what. */
export interface ScheduleFiringView {
  /** The moment it was due (ISO 8601). */
  at: string;
  firedAt: string;
  instance: string;
  /** The join code of the session it opened; null while opening, or when it could not. */
  session: string | null;
  error: string | null;
}

export type { ScheduleImport } from './game-day-schedule';

export interface ScheduleView extends Schedule {
  /** When the cron expression next matches (ISO 8601), or null if it never will again. */
  nextAt: string | null;
  /** When that occurrence opens: `nextAt`, or for windowed schedules the moment picked inside the window. Hidden from nobody: only the facilitator reads schedules. */
  opensAt: string | null;
  lastFired: ScheduleFiringView | null;
}

/** Node timers overflow past ~24.8 days; longer waits are taken in steps. */
const maxTimerMs = 2 ** 30;

/** How often an instance re-reads the schedules others may have added or removed. */
export const scheduleRefreshMs = 5000;

/**
 * Where in its window an occurrence opens: a hash of the schedule's id and the cron time, so
 * every instance picks the same moment, yet each occurrence a different one.
 */
export function windowOffsetMs(scheduleId: string, cronTime: Date, windowMinutes: number): number {
  if (windowMinutes <= 0) return 0;
  const digest = createHash('sha256').update(`${scheduleId}\n${cronTime.toISOString()}`).digest();
  return digest.readUIntBE(0, 6) % (windowMinutes * 60_000);
}

export class GameDayScheduler {
  private schedules: Schedule[] = [];
  private readonly armed = new Map<string, { handle: unknown; nextAt: number; opensAt: number }>();
  private readonly unreadable = new Set<string>();
  private running = false;
  private poll: unknown;
  /** What start-up imported from the schedules file, when there was one. */
  readonly imported: ScheduleImport | null;

  constructor(
    private readonly options: {
      store: DrillStore;
      /** Which instance this is: its claims carry it, and the schedules list shows it. */
      instance: string;
      clock: SchedulerClock;
      /** Opens the occurrence's session; returns its join code. */
      onDue: (schedule: Schedule, at: Date) => string | undefined | Promise<string | undefined>;
      /** Reports a schedule whose session could not be opened. */
      onError?: (schedule: Schedule, error: unknown) => void;
      /** Reports a stored schedule that cannot be read, or a store that cannot be reached. */
      log?: (message: string) => void;
      /** A schedules.json from before schedules lived in the store: imported once, then renamed. */
      importFile?: string | null;
    },
  ) {
    this.imported = options.importFile ? importScheduleFile(options.importFile, options.store) : null;
    this.schedules = this.read();
  }

  list(): ScheduleView[] {
    this.refresh();
    const fired = new Map(this.options.store.lastFirings().map((firing) => [firing.scheduleId, firing]));
    return this.schedules.map((schedule) => {
      const armed = this.armed.get(schedule.id);
      const next = armed ? new Date(armed.nextAt) : cronOf(schedule).nextRun(new Date(this.options.clock.now()));
      const opensAt = armed ? armed.opensAt : next ? next.getTime() + windowOffsetMs(schedule.id, next, schedule.windowMinutes) : null;
      const last = fired.get(schedule.id);
      return { ...schedule, nextAt: next ? next.toISOString() : null, opensAt: opensAt === null ? null : new Date(opensAt).toISOString(), lastFired: last ? firingView(last) : null };
    });
  }

  add(input: unknown): ScheduleView {
    const schedule = parseSchedule(input);
    if (cronOf(schedule).nextRun(new Date(this.options.clock.now())) === null) throw new GamedayError('INVALID_PARAMETER', `cron: "${schedule.cron}" never matches again`, { field: 'cron' });
    if (!this.options.store.addSchedule({ id: schedule.id, schedule: { ...schedule }, createdAt: schedule.createdAt })) throw new GamedayError('CONFLICT', `a schedule "${schedule.id}" exists already`, { field: 'id' });
    return this.list().find((view) => view.id === schedule.id)!;
  }

  remove(id: string): void {
    if (!this.options.store.removeSchedule(id)) {
      this.refresh();
      throw new GamedayError('NOT_FOUND', `no schedule "${id}"`, { field: 'id', allowed: this.schedules.map((schedule) => schedule.id) });
    }
    this.refresh();
  }

  start(): void {
    this.running = true;
    const poll = () => {
      this.refresh();
      this.poll = this.options.clock.setTimeout(poll, scheduleRefreshMs);
    };
    poll();
  }

  stop(): void {
    this.running = false;
    if (this.poll !== undefined) this.options.clock.clearTimeout(this.poll);
    this.poll = undefined;
    for (const id of [...this.armed.keys()]) this.disarm(id);
  }

  /** The store's schedules now; one it cannot read is reported once and left out. */
  private read(): Schedule[] {
    const schedules: Schedule[] = [];
    for (const record of this.options.store.schedules()) {
      try {
        schedules.push(parseSchedule(record.schedule, { id: record.id, createdAt: record.createdAt }));
      } catch (error) {
        if (!this.unreadable.has(record.id)) this.options.log?.(`schedule ${record.id} in the store cannot be read and is not armed: ${error instanceof Error ? error.message : String(error)}`);
        this.unreadable.add(record.id);
      }
    }
    return schedules;
  }

  /** Re-reads the store: arms what another instance added, disarms what it removed. */
  private refresh(): void {
    try {
      this.schedules = this.read();
    } catch (error) {
      // The store out of reach: the armed schedules stay armed, and their claims will say.
      this.options.log?.(`cannot re-read the schedules: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    if (!this.running) return;
    const kept = new Set(this.schedules.map((schedule) => schedule.id));
    for (const id of [...this.armed.keys()]) if (!kept.has(id)) this.disarm(id);
    for (const schedule of this.schedules) if (!this.armed.has(schedule.id)) this.arm(schedule);
  }

  private disarm(id: string): void {
    const armed = this.armed.get(id);
    if (armed) this.options.clock.clearTimeout(armed.handle);
    this.armed.delete(id);
  }

  private arm(schedule: Schedule, after = this.options.clock.now()): void {
    this.disarm(schedule.id);
    const next = cronOf(schedule).nextRun(new Date(after));
    if (!next) return;
    const opensAt = next.getTime() + windowOffsetMs(schedule.id, next, schedule.windowMinutes);
    const wait = () => {
      const remaining = opensAt - this.options.clock.now();
      const handle = this.options.clock.setTimeout(() => {
        if (!this.armed.has(schedule.id)) return;
        if (opensAt - this.options.clock.now() > 0) return wait();
        this.armed.delete(schedule.id);
        void this.fire(schedule, new Date(opensAt));
        // The next occurrence after this one's cron time (not after the window's moment, which
        // could skip an occurrence of a short cron period).
        if (this.running && this.schedules.some((known) => known.id === schedule.id)) this.arm(schedule, Math.max(next.getTime(), this.options.clock.now()));
      }, Math.max(0, Math.min(remaining, maxTimerMs)));
      this.armed.set(schedule.id, { handle, nextAt: next.getTime(), opensAt });
    };
    wait();
  }

  /** Claims the occurrence; only the instance whose claim wrote the row opens the session. */
  private async fire(schedule: Schedule, at: Date): Promise<void> {
    const store = this.options.store;
    const dueAt = at.toISOString();
    let won: boolean;
    try {
      won = store.claimFiring({ scheduleId: schedule.id, dueAt, instance: this.options.instance, firedAt: new Date(this.options.clock.now()).toISOString() });
    } catch (error) {
      this.options.onError?.(schedule, error);
      return;
    }
    if (!won) return;
    let session: string | undefined;
    try {
      session = await this.options.onDue(schedule, at);
    } catch (error) {
      this.options.onError?.(schedule, error);
      try {
        store.settleFiring(schedule.id, dueAt, { error: error instanceof Error ? error.message : String(error) });
      } catch {
        // The store out of reach as well: the error was reported above.
      }
      return;
    }
    try {
      if (session !== undefined) store.settleFiring(schedule.id, dueAt, { session });
    } catch (error) {
      this.options.log?.(`schedule ${schedule.id} opened session ${session}, but the store did not take it: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

function firingView(firing: ScheduleFiring): ScheduleFiringView {
  return { at: firing.dueAt, firedAt: firing.firedAt, instance: firing.instance, session: firing.session, error: firing.error };
}
