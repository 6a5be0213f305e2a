/** Durations as operators type them on the command line: `90s`, `10m`, `1h30m`, `24h`. */
import { InvalidArgumentError } from 'commander';

const durationUnits: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses a duration into milliseconds; throws commander's InvalidArgumentError (exit 2) when it is not one. */
export function parseDuration(value: string): number {
  const parts = [...value.matchAll(/(\d+)(ms|s|m|h|d)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== value) {
    throw new InvalidArgumentError(`"${value}" is not a duration; use a number with a unit: ms, s, m, h or d (for example 30s, 10m, 1h30m, 24h).`);
  }
  return parts.reduce((total, part) => total + Number(part[1]) * durationUnits[part[2]!]!, 0);
}
