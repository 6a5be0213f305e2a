/**
 * Scheduled game-days: a cron expression (croner) for when a session opens, and for surprise
 * drills a window after that moment inside which it opens at a moment of its own. Kept in the
 * store (every instance sharing it sees them); a `<data folder>/schedules.json` from before
 * is imported into the store once at start-up, then renamed `schedules.json.imported`.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import type { DrillStore } from '../storage/drill-store';
import { Cron } from 'croner';
import { difficulties, scenarioIds, type Difficulty } from '@gameday/scenarios';
import { GamedayError } from '../core/gameday-error';

export interface Schedule {
  id: string;
  name: string;
  /** Five or six fields, e.g. `0 14 * * FRI` (Fridays at 14:00). */
  cron: string;
  /** IANA time zone the expression is read in. */
  timezone: string;
  /** 0: open at the cron time; otherwise at a random moment within this many minutes after it. */
  windowMinutes: number;
  scenario: string;
  difficulty: Difficulty;
  speed: number;
  team: string;
  /** Where the announcement goes; the server's --announce-webhook when not given. */
  webhook: string | null;
  createdAt: string;
}

export type ScheduleInput = Partial<Omit<Schedule, 'id' | 'createdAt'>> & { cron?: unknown };

export const scheduleScenarios = [...scenarioIds, 'surprise'];

function invalid(field: string, message: string, allowed?: readonly string[]): GamedayError {
  return new GamedayError('INVALID_PARAMETER', `${field}: ${message}`, { field, ...(allowed ? { allowed } : {}) });
}

/** The cron job for a schedule, never started: the scheduler only asks it for run times. */
export function cronOf(schedule: Pick<Schedule, 'cron' | 'timezone'>): Cron {
  return new Cron(schedule.cron, { paused: true, timezone: schedule.timezone });
}

/** Checks a schedule from the console or the file; each problem names its field. */
export function parseSchedule(input: unknown, existing?: Pick<Schedule, 'id' | 'createdAt'>): Schedule {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw invalid('schedule', 'must be an object');
  const value = input as Record<string, unknown>;
  const known = ['id', 'name', 'cron', 'timezone', 'windowMinutes', 'scenario', 'difficulty', 'speed', 'team', 'webhook', 'createdAt'];
  for (const key of Object.keys(value)) if (!known.includes(key)) throw invalid(key, 'is not a schedule field', known);
  const text = (field: string, fallback?: string): string => {
    const given = value[field] ?? fallback;
    if (typeof given !== 'string' || given.trim() === '' || given.length > 100) throw invalid(field, 'must be a non-empty string of at most 100 characters');
    return given.trim();
  };
  const cron = text('cron');
  const timezone = text('timezone', 'UTC');
  try {
    cronOf({ cron, timezone });
  } catch (error) {
    throw invalid(/time ?zone/i.test(String(error)) ? 'timezone' : 'cron', `${error instanceof Error ? error.message.replace(/^CronPattern: /, '') : String(error)} (for example "0 14 * * FRI": Fridays at 14:00)`);
  }
  const windowMinutes = value.windowMinutes ?? 0;
  if (typeof windowMinutes !== 'number' || !Number.isInteger(windowMinutes) || windowMinutes < 0 || windowMinutes > 7 * 24 * 60) throw invalid('windowMinutes', 'must be a whole number of minutes from 0 to 10080');
  const scenario = text('scenario', 'surprise');
  if (!scheduleScenarios.includes(scenario)) throw invalid('scenario', `unknown scenario "${scenario}"`, scheduleScenarios);
  const difficulty = text('difficulty', 'normal');
  if (!(difficulties as readonly string[]).includes(difficulty)) throw invalid('difficulty', `must be one of ${difficulties.join(', ')}`, difficulties);
  const speed = value.speed ?? 1;
  if (typeof speed !== 'number' || !(speed > 0) || speed > 3600) throw invalid('speed', 'must be a number above 0 and at most 3600');
  const webhook = value.webhook ?? null;
  if (webhook !== null) {
    if (typeof webhook !== 'string' || !/^https?:\/\/[^\s]+$/.test(webhook)) throw invalid('webhook', 'must be an http:// or https:// URL');
  }
  return {
    id: existing?.id ?? (typeof value.id === 'string' && /^[a-z0-9-]{1,40}$/.test(value.id) ? value.id : `sch-${randomBytes(4).toString('hex')}`),
    name: text('name', `${scenario === 'surprise' ? 'Surprise game-day' : `Game-day: ${scenario}`}`),
    cron,
    timezone,
    windowMinutes,
    scenario,
    difficulty: difficulty as Difficulty,
    speed,
    team: text('team', 'game-day'),
    webhook,
    createdAt: existing?.createdAt ?? (typeof value.createdAt === 'string' ? value.createdAt : new Date().toISOString()),
  };
}

/** A damaged schedules file: the server refuses to start rather than overwrite it. */
export class ScheduleFileError extends Error {}

export function readSchedules(path: string): Schedule[] {
  if (!existsSync(path)) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ScheduleFileError(`${path} is not valid JSON (${error instanceof Error ? error.message : String(error)}); it was left untouched. Fix it or move it aside.`);
  }
  const list = (parsed as { schedules?: unknown }).schedules;
  if (!Array.isArray(list)) throw new ScheduleFileError(`${path} must be {"schedules": [...]}; it was left untouched.`);
  const ids = new Set<string>();
  return list.map((item, index) => {
    try {
      const schedule = parseSchedule(item);
      if (ids.has(schedule.id)) throw invalid('id', `"${schedule.id}" appears twice`);
      ids.add(schedule.id);
      return schedule;
    } catch (error) {
      throw new ScheduleFileError(`${path}: schedule ${index + 1}: ${error instanceof Error ? error.message : String(error)}; the file was left untouched.`);
    }
  });
}

/** What start-up did with a schedules file kept before schedules lived in the store. */
export interface ScheduleImport {
  file: string;
  renamedTo: string;
  imported: number;
  /** Ids the store had already (another instance imported the same file, or a copy of it). */
  present: string[];
}

/**
 * Imports a schedules file into the store, then renames it `<file>.imported`, so it is read
 * once and nobody loses a schedule. A damaged file stops the start (ScheduleFileError) before
 * anything is written. Returns null when there is no file.
 */
export function importScheduleFile(path: string, store: DrillStore): ScheduleImport | null {
  if (!existsSync(path)) return null;
  const schedules = readSchedules(path);
  const present: string[] = [];
  for (const schedule of schedules) if (!store.addSchedule({ id: schedule.id, schedule: { ...schedule }, createdAt: schedule.createdAt })) present.push(schedule.id);
  const renamedTo = `${path}.imported`;
  renameSync(path, renamedTo);
  return { file: path, renamedTo, imported: schedules.length - present.length, present };
}
