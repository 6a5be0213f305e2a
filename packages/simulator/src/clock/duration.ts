/**
 * Durations as operators write them: `90s`, `10m`, `1h30m`, `24h`. One reading for the CLI's
 * options and the admin API's `since=` parameters, so both accept exactly the same words.
 */

const durationUnits: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** What a duration looks like, for error messages. */
export const durationHint = 'a number with a unit: ms, s, m, h or d (for example 30s, 10m, 1h30m, 24h)';

/** A duration in milliseconds, or undefined when the text is not one. */
export function durationMs(value: string): number | undefined {
  if (value.length > 32) return undefined;
  const parts = [...value.matchAll(/(\d+)(ms|s|m|h|d)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== value) return undefined;
  return parts.reduce((total, part) => total + Number(part[1]) * durationUnits[part[2]!]!, 0);
}
