/**
 * Fires schedules on an injected clock: croner only computes the next run time, and the wait
 * is a timer on the given clock, so a test can move virtual time a minute ahead and see the
 * session open and the announcement go out, without waiting a real minute.
 */
import { randomInt } from 'node:crypto';
import { GamedayError } from '../core/gameday-error';
import { cronOf, parseSchedule, readSchedules, writeSchedules, type Schedule } from './game-day-schedule';

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

export interface ScheduleView extends Schedule {
  /** When the cron expression next matches (ISO 8601), or null if it never will again. */
  nextAt: string | null;
  /** For windowed schedules, the moment picked inside the window, once armed. Hidden from nobody: only the facilitator reads schedules. */
  opensAt: string | null;
}

/** Node timers overflow past ~24.8 days; longer waits are taken in steps. */
const maxTimerMs = 2 ** 30;

export class GameDayScheduler {
  private schedules: Schedule[];
  private readonly armed = new Map<string, { handle: unknown; nextAt: number; opensAt: number }>();
  private running = false;

  constructor(
    private readonly options: {
      /** The schedules file; null keeps schedules in memory only. */
      file: string | null;
      clock: SchedulerClock;
      onDue: (schedule: Schedule, at: Date) => void | Promise<void>;
      /** Reports a schedule whose session could not be opened. */
      onError?: (schedule: Schedule, error: unknown) => void;
    },
  ) {
    this.schedules = options.file ? readSchedules(options.file) : [];
  }

  list(): ScheduleView[] {
    return this.schedules.map((schedule) => {
      const armed = this.armed.get(schedule.id);
      const next = armed ? new Date(armed.nextAt) : cronOf(schedule).nextRun(new Date(this.options.clock.now()));
      return { ...schedule, nextAt: next ? next.toISOString() : null, opensAt: armed ? new Date(armed.opensAt).toISOString() : null };
    });
  }

  add(input: unknown): ScheduleView {
    const schedule = parseSchedule(input);
    if (this.schedules.some((known) => known.id === schedule.id)) throw new GamedayError('CONFLICT', `a schedule "${schedule.id}" exists already`, { field: 'id' });
    if (cronOf(schedule).nextRun(new Date(this.options.clock.now())) === null) throw new GamedayError('INVALID_PARAMETER', `cron: "${schedule.cron}" never matches again`, { field: 'cron' });
    this.save([...this.schedules, schedule]);
    if (this.running) this.arm(schedule);
    return this.list().find((view) => view.id === schedule.id)!;
  }

  remove(id: string): void {
    if (!this.schedules.some((schedule) => schedule.id === id)) throw new GamedayError('NOT_FOUND', `no schedule "${id}"`, { field: 'id', allowed: this.schedules.map((schedule) => schedule.id) });
    this.save(this.schedules.filter((schedule) => schedule.id !== id));
    this.disarm(id);
  }

  start(): void {
    this.running = true;
    for (const schedule of this.schedules) this.arm(schedule);
  }

  stop(): void {
    this.running = false;
    for (const id of [...this.armed.keys()]) this.disarm(id);
  }

  /** Persists first: if the file cannot be written, nothing changes in memory either. */
  private save(next: Schedule[]): void {
    if (this.options.file) writeSchedules(this.options.file, next);
    this.schedules = next;
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
    const opensAt = next.getTime() + (schedule.windowMinutes > 0 ? randomInt(0, schedule.windowMinutes * 60_000) : 0);
    const wait = () => {
      const remaining = opensAt - this.options.clock.now();
      const handle = this.options.clock.setTimeout(() => {
        if (!this.armed.has(schedule.id)) return;
        if (opensAt - this.options.clock.now() > 0) return wait();
        this.armed.delete(schedule.id);
        void this.fire(schedule, new Date(opensAt));
        // The next occurrence after this one's cron time (not after the random moment, which
        // could skip an occurrence of a short cron period).
        if (this.running && this.schedules.includes(schedule)) this.arm(schedule, Math.max(next.getTime(), this.options.clock.now()));
      }, Math.max(0, Math.min(remaining, maxTimerMs)));
      this.armed.set(schedule.id, { handle, nextAt: next.getTime(), opensAt });
    };
    wait();
  }

  private async fire(schedule: Schedule, at: Date): Promise<void> {
    try {
      await this.options.onDue(schedule, at);
    } catch (error) {
      this.options.onError?.(schedule, error);
    }
  }
}
