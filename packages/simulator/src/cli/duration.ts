/** Durations as operators type them on the command line: `90s`, `10m`, `1h30m`, `24h`. */
import { InvalidArgumentError } from 'commander';
import { durationHint, durationMs } from '../clock/duration';

/** Parses a duration into milliseconds; throws commander's InvalidArgumentError (exit 2) when it is not one. */
export function parseDuration(value: string): number {
  const ms = durationMs(value);
  if (ms === undefined) throw new InvalidArgumentError(`"${value}" is not a duration; use ${durationHint}.`);
  return ms;
}
