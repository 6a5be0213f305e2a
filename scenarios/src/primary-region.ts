/**
 * The service's primary region, its local time and business hours: the runbook's "Is it
 * business hours in primary region?" answered by the drill's simulated clock. A drill's epoch
 * (the instant its simulated time 0 stands for) comes from its seed, so the same seed gives the
 * same local times at the same simulated moments, and so the same expected severities.
 */

export interface PrimaryRegion {
  /** The cloud region, as the service's status names it. */
  name: string;
  /** Its IANA time zone. */
  timeZone: string;
}

/** The regions a variant's service may run in; a variant draws one. */
export const primaryRegions: readonly PrimaryRegion[] = [
  { name: 'us-east-1', timeZone: 'America/New_York' },
  { name: 'us-west-2', timeZone: 'America/Los_Angeles' },
  { name: 'eu-west-1', timeZone: 'Europe/Dublin' },
  { name: 'eu-central-1', timeZone: 'Europe/Berlin' },
  { name: 'ap-southeast-1', timeZone: 'Asia/Singapore' },
  { name: 'ap-northeast-1', timeZone: 'Asia/Tokyo' },
];

/** Where a drill runs when nothing else says: the first region. */
export const defaultPrimaryRegion: PrimaryRegion = primaryRegions[0]!;

/** Business hours in the primary region: 09:00 to 18:00 local time, Monday to Friday. */
export const businessHoursWindow = {
  fromHour: 9,
  toHour: 18,
  weekdays: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'] as readonly string[],
  label: '09:00-18:00 local, Mon-Fri',
} as const;

/** A wall-clock instant as people in the primary region read it. */
export interface LocalTime {
  /** `YYYY-MM-DD` */
  date: string;
  /** `HH:MM`, 24-hour */
  time: string;
  /** Mon, Tue, … */
  weekday: string;
  /** The zone's offset from UTC then, e.g. `UTC-5`, `UTC+8`, `UTC` (daylight saving included). */
  utcOffset: string;
  hour: number;
  minute: number;
  /** Within `businessHoursWindow`. */
  businessHours: boolean;
}

// Building a formatter costs ~50 µs and formatting ~13 µs, and local time changes once a minute:
// one formatter per zone, kept with the minutes it formatted.
const zones = new Map<string, { formatter: Intl.DateTimeFormat; minutes: Map<number, LocalTime> }>();

/** Local minutes kept per zone: a few hundred concurrent drills' current minutes. */
const minutesKept = 1024;

function zoneOf(timeZone: string) {
  let zone = zones.get(timeZone);
  if (!zone) {
    const formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      weekday: 'short',
      timeZoneName: 'shortOffset',
    });
    zone = { formatter, minutes: new Map<number, LocalTime>() };
    zones.set(timeZone, zone);
  }
  return zone;
}

/** The local time in `region` at the wall-clock instant `wallMs`. */
export function localTime(region: PrimaryRegion, wallMs: number): LocalTime {
  const zone = zoneOf(region.timeZone);
  const minuteOfEpoch = Math.floor(wallMs / 60_000);
  const known = zone.minutes.get(minuteOfEpoch);
  if (known) return known;
  const parts: Record<string, string> = {};
  for (const part of zone.formatter.formatToParts(new Date(wallMs))) parts[part.type] = part.value;
  const hour = Number(parts.hour);
  const minute = Number(parts.minute);
  const weekday = parts.weekday ?? '';
  const local: LocalTime = Object.freeze({
    date: `${parts.year}-${parts.month}-${parts.day}`,
    time: `${parts.hour}:${parts.minute}`,
    weekday,
    // ICU says GMT+0 for Dublin in winter, GMT for London: both are UTC.
    utcOffset: (parts.timeZoneName ?? 'GMT').replace('GMT', 'UTC').replace(/^UTC[+-]0$/, 'UTC'),
    hour,
    minute,
    businessHours: businessHoursWindow.weekdays.includes(weekday) && hour >= businessHoursWindow.fromHour && hour < businessHoursWindow.toHour,
  });
  // Many minutes, not the last one: concurrent drills with different epochs ask for different
  // minutes of one zone in turn (one cached minute missed every time: ~1.4% of a loaded instance).
  if (zone.minutes.size >= minutesKept) zone.minutes.clear();
  zone.minutes.set(minuteOfEpoch, local);
  return local;
}

/** Whether it is business hours in `region` at `wallMs`. */
export function isBusinessHours(region: PrimaryRegion, wallMs: number): boolean {
  return localTime(region, wallMs).businessHours;
}

/** Monday 3 March 2025, 00:00 UTC: seeded epochs fall in the four weeks from here. */
const firstEpochMs = Date.UTC(2025, 2, 3);
const epochSpanMinutes = 28 * 24 * 60;

/**
 * The instant a drill's simulated time 0 stands for, from its seed alone: a minute in four
 * weeks of 2025, so the local time of day and the weekday vary from seed to seed and the same
 * seed always starts at the same moment. (A hash of the seed, not the variants' faker streams,
 * so drawing it changes no variant.)
 */
export function seededEpochMs(seed: number): number {
  let h = (seed ^ 0x5bd1e995) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  h = (h ^ (h >>> 16)) >>> 0;
  return firstEpochMs + (h % epochSpanMinutes) * 60_000;
}
