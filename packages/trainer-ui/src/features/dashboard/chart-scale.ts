/**
 * The arithmetic of a dashboard chart: time ticks in 24-hour UTC (the drill bar's zone) spaced
 * by the chart's width so labels never collide, value ticks on round numbers, the room the
 * longest value label needs, and the text a threshold or a tooltip shows.
 */

/** The zone every time on the drill page is shown in (the drill bar's clock says UTC). */
export const chartZone = 'UTC';

/** Minimum room per time label: "HH:MM" with space either side; "HH:MM:SS" needs more. */
const minutesLabelPx = 64;
const secondsLabelPx = 84;

/** Tick steps a time axis may use, in ms: round moments a clock reader expects. */
const timeSteps = [15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600].map((seconds) => seconds * 1000);

const pad = (value: number) => String(value).padStart(2, '0');

/** A wall-clock instant as 24-hour UTC time, with seconds when asked. */
export function clockTime(epochMs: number, seconds = false): string {
  const date = new Date(epochMs);
  const time = `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}`;
  return seconds ? `${time}:${pad(date.getUTCSeconds())}` : time;
}

export interface TimeTick {
  /** Simulated ms of the tick. */
  simMs: number;
  label: string;
}

/**
 * Ticks for [fromMs, toMs] of simulated time on a plot `widthPx` wide: the smallest round step
 * that leaves each label its room, placed on round wall-clock moments (`epochMs` is simulated 0).
 */
export function timeTicks(fromMs: number, toMs: number, widthPx: number, epochMs: number): TimeTick[] {
  const span = Math.max(1, toMs - fromMs);
  const fits = (step: number) => (span / step) * (step < 60_000 ? secondsLabelPx : minutesLabelPx) <= widthPx;
  const step = timeSteps.find(fits) ?? timeSteps[timeSteps.length - 1]!;
  const ticks: TimeTick[] = [];
  const first = Math.ceil((epochMs + fromMs) / step) * step - epochMs;
  for (let simMs = first; simMs <= toMs && ticks.length < 50; simMs += step) ticks.push({ simMs, label: clockTime(epochMs + simMs, step < 60_000) });
  return ticks;
}

/** A round step near span / count: 1, 2 or 5 times a power of ten. */
function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const scaled = raw / power;
  return (scaled <= 1 ? 1 : scaled <= 2 ? 2 : scaled <= 5 ? 5 : 10) * power;
}

export interface ValueScale {
  min: number;
  max: number;
  ticks: number[];
}

/**
 * The value axis for `values` (and the thresholds, which must be in view): from zero, or
 * hugging the data when `fromZero` is off (a stake in the millions barely moves), up to
 * `ceiling` when the quantity has one (a ratio), on whole numbers for a count (`integer`).
 */
export function valueScale(values: number[], options: { fromZero: boolean; ceiling?: number; heightPx: number; integer?: boolean }): ValueScale {
  const tickCount = Math.max(2, Math.floor(options.heightPx / 32));
  const finite = values.filter((value) => Number.isFinite(value));
  let low = finite.length === 0 ? 0 : Math.min(...finite);
  let high = finite.length === 0 ? 1 : Math.max(...finite);
  if (options.fromZero) low = Math.min(0, low);
  if (options.ceiling !== undefined) high = Math.max(high, options.ceiling);
  if (high - low < 1e-9) {
    const room = Math.abs(high) > 0 ? Math.abs(high) * 0.01 : 1;
    high += room;
    if (!options.fromZero) low -= room;
  }
  // A count has no half-failures: its ticks are whole numbers.
  const step = options.integer ? Math.max(1, niceStep(high - low, tickCount)) : niceStep(high - low, tickCount);
  const min = Math.floor(low / step) * step;
  const max = Math.ceil(high / step) * step;
  const ticks: number[] = [];
  for (let value = min; value <= max + step / 2 && ticks.length < 20; value += step) ticks.push(Number(value.toPrecision(12)));
  return { min, max, ticks };
}

/** Room the value labels take at the chart's font: the longest label's characters and a margin. */
export function labelWidthPx(labels: string[]): number {
  const longest = labels.reduce((most, label) => Math.max(most, label.length), 0);
  return Math.ceil(longest * 7 + 10);
}

/** A rule's `for`, as Prometheus writes it: 2m, 90s, 1h. */
export function forDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${Math.round(ms / 1000)}s`;
}

/** Ratios as percentages. */
export const percent = (value: number) => `${Number((value * 100).toFixed(value !== 0 && Math.abs(value) < 0.1 ? 1 : 0))}%`;

/** Counts, shortened past ten thousand: 9,500 / 12k / 1.25M. */
export function count(value: number): string {
  const size = Math.abs(value);
  if (size >= 1_000_000) return `${Number((value / 1_000_000).toFixed(size >= 10_000_000 ? 1 : 2))}M`;
  if (size >= 10_000) return `${Number((value / 1000).toFixed(size >= 100_000 ? 0 : 1))}k`;
  if (value % 1 !== 0) return value.toFixed(size < 10 ? 1 : 0);
  return value.toLocaleString('en-US');
}
