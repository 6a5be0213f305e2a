import { useLayoutEffect, useRef, useState, type PointerEvent } from 'react';
import type { SeriesSample, SeriesValues } from '@gameday/simulator';
import { chartZone, clockTime, forDuration, labelWidthPx, timeTicks, valueScale } from './chart-scale';

export interface ChartSpec {
  title: string;
  /** The reading an alert rule's threshold names, when rules draw on this chart. */
  reading?: string;
  pick: (values: SeriesValues) => number;
  format: (value: number) => string;
  /** The top the axis always reaches (a ratio's 100%); data above it still shows. */
  ceiling?: number;
  /** Start the axis at zero (default); off for a quantity that is large and moves little. */
  fromZero?: boolean;
  /** A count: whole-number ticks. */
  integer?: boolean;
}

/** An alerting rule's line on this chart: its own value, name, `for` and whether it fires now. */
export interface ChartThreshold {
  rule: string;
  above: number;
  forMs: number;
  severity: 'critical' | 'warning';
  firing: boolean;
}

const height = 150;
const margin = { top: 10, right: 10, bottom: 22 };
/** What the chart is drawn at before it has been measured (and in tests, which have no layout). */
const defaultWidth = 320;
/** One sample's width in time: a gap is shaded over it. */
const sampleMs = 5000;

type Answered = Extract<SeriesSample, { up: 1 }>;

/** One dashboard chart, drawn as SVG: the series with its scrape gaps, the alert rules' lines, 24-hour UTC times, a tooltip on hover. */
export function MetricChart({
  spec,
  samples,
  fromMs,
  toMs,
  epochMs,
  thresholds = [],
}: {
  spec: ChartSpec;
  samples: SeriesSample[];
  fromMs: number;
  toMs: number;
  epochMs: number;
  thresholds?: ChartThreshold[];
}) {
  const host = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(defaultWidth);
  const [hover, setHover] = useState<SeriesSample | null>(null);

  useLayoutEffect(() => {
    const element = host.current;
    if (!element) return;
    const measure = () => {
      if (element.clientWidth > 0) setWidth(element.clientWidth);
    };
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const visible = samples.filter((sample) => sample.simMs >= fromMs - sampleMs && sample.simMs <= toMs);
  const answered = visible.filter((sample): sample is Answered => sample.up === 1);
  const scale = valueScale([...answered.map(spec.pick), ...thresholds.map((threshold) => threshold.above)], {
    fromZero: spec.fromZero !== false,
    integer: spec.integer === true,
    heightPx: height - margin.top - margin.bottom,
    ...(spec.ceiling === undefined ? {} : { ceiling: spec.ceiling }),
  });
  const valueLabels = scale.ticks.map(spec.format);
  const left = labelWidthPx(valueLabels);
  const plotWidth = Math.max(40, width - left - margin.right);
  const plotHeight = height - margin.top - margin.bottom;
  const span = Math.max(1, toMs - fromMs);
  const x = (simMs: number) => left + ((simMs - fromMs) / span) * plotWidth;
  const y = (value: number) => margin.top + plotHeight - ((value - scale.min) / (scale.max - scale.min)) * plotHeight;
  const clampX = (px: number) => Math.min(left + plotWidth, Math.max(left, px));

  // The line, broken wherever a scrape failed: no value is made up across a gap.
  let path = '';
  let drawing = false;
  for (const sample of visible) {
    if (sample.up === 0) {
      drawing = false;
      continue;
    }
    path += `${drawing ? 'L' : 'M'}${x(sample.simMs).toFixed(1)} ${y(spec.pick(sample)).toFixed(1)}`;
    drawing = true;
  }
  const gaps = mergedGaps(visible);
  const ticks = timeTicks(fromMs, toMs, plotWidth, epochMs);
  const latest = samples[samples.length - 1];
  const now = latest === undefined ? '–' : latest.up === 1 ? spec.format(spec.pick(latest)) : 'no data';

  const onPointerMove = (event: PointerEvent<SVGRectElement>) => {
    const svg = event.currentTarget.ownerSVGElement;
    const box = svg?.getBoundingClientRect();
    // Without layout (tests) the box is empty: client coordinates are then the SVG's own.
    const px = box && box.width > 0 ? ((event.clientX - box.left) * width) / box.width : event.clientX;
    const simMs = fromMs + ((px - left) / plotWidth) * span;
    let nearest: SeriesSample | null = null;
    for (const sample of visible) if (nearest === null || Math.abs(sample.simMs - simMs) < Math.abs(nearest.simMs - simMs)) nearest = sample;
    setHover(nearest);
  };

  // Threshold tags at the right end, skipping one that would sit on the tag above it.
  let lastTagY = Number.NEGATIVE_INFINITY;
  const lines = [...thresholds]
    .sort((a, b) => b.above - a.above)
    .map((threshold) => {
      const lineY = y(threshold.above);
      const tagged = lineY - lastTagY >= 12;
      if (tagged) lastTagY = lineY;
      return { threshold, lineY, tagged };
    });

  const hoverX = hover ? clampX(x(hover.simMs)) : 0;
  return (
    <figure className="chart">
      <figcaption>
        {spec.title}: <strong>{now}</strong>
        {latest && <span className="quiet"> at {clockTime(epochMs + latest.simMs, true)}</span>}
      </figcaption>
      <div className="chart-plot" ref={host}>
        <svg width={width} height={height} role="img" aria-label={`${spec.title} from ${clockTime(epochMs + fromMs)} to ${clockTime(epochMs + toMs)} ${chartZone}, now ${now}`}>
          <g className="chart-grid-lines">
            {scale.ticks.map((tick, index) => (
              <g key={tick}>
                <line x1={left} x2={left + plotWidth} y1={y(tick)} y2={y(tick)} />
                <text x={left - 6} y={y(tick) + 4} textAnchor="end" className="chart-value-label">
                  {valueLabels[index]}
                </text>
              </g>
            ))}
          </g>
          <g className="chart-time-axis" aria-label={`time, ${chartZone}`}>
            {ticks.map((tick) => (
              <g key={tick.simMs}>
                <line x1={x(tick.simMs)} x2={x(tick.simMs)} y1={margin.top} y2={margin.top + plotHeight} />
                <text x={x(tick.simMs)} y={height - 6} textAnchor="middle" className="chart-time-label">
                  {tick.label}
                </text>
              </g>
            ))}
          </g>
          {gaps.map((gap) => (
            <rect key={gap.fromMs} className="chart-gap" x={clampX(x(gap.fromMs))} width={Math.max(2, clampX(x(gap.toMs)) - clampX(x(gap.fromMs)))} y={margin.top} height={plotHeight}>
              <title>scrape failed (up 0): no data</title>
            </rect>
          ))}
          {lines.map(({ threshold, lineY, tagged }) => (
            <g key={threshold.rule} className={`chart-threshold ${threshold.severity}`}>
              <line x1={left} x2={left + plotWidth} y1={lineY} y2={lineY} strokeDasharray="5 4" />
              {tagged && (
                <text x={left + plotWidth - 2} y={lineY - 3} textAnchor="end">
                  {spec.format(threshold.above)}
                </text>
              )}
            </g>
          ))}
          <path d={path} className="chart-line" />
          {hover && <line className="chart-cursor" x1={hoverX} x2={hoverX} y1={margin.top} y2={margin.top + plotHeight} />}
          {hover?.up === 1 && <circle className="chart-point" cx={hoverX} cy={y(spec.pick(hover))} r={3} />}
          <rect x={left} y={margin.top} width={plotWidth} height={plotHeight} fill="transparent" data-testid="chart-hover-area" onPointerMove={onPointerMove} onPointerLeave={() => setHover(null)} />
        </svg>
        {hover && (
          <div role="tooltip" className="chart-tooltip" style={hoverX > left + plotWidth / 2 ? { right: width - hoverX + 8 } : { left: hoverX + 8 }}>
            <time>
              {clockTime(epochMs + hover.simMs, true)} {chartZone}
            </time>
            {hover.up === 1 ? (
              <span>
                {spec.title} <b>{spec.format(spec.pick(hover))}</b>
              </span>
            ) : (
              <span>no data: scrape failed (up 0)</span>
            )}
          </div>
        )}
      </div>
      {(lines.length > 0 || gaps.length > 0) && (
        <ul className="chart-legend" aria-label={`${spec.title} alert rules`}>
          {lines.map(({ threshold }) => (
            <li key={threshold.rule} className={threshold.severity}>
              <span className="swatch" aria-hidden="true" />
              {threshold.rule}: &gt; {spec.format(threshold.above)}
              {threshold.forMs > 0 ? ` for ${forDuration(threshold.forMs)}` : ''}
              {threshold.firing && <b> firing</b>}
            </li>
          ))}
          {gaps.length > 0 && (
            <li className="gap">
              <span className="swatch" aria-hidden="true" />
              scrape failed (up 0)
            </li>
          )}
        </ul>
      )}
    </figure>
  );
}

/** Runs of failed scrapes as spans of simulated time. */
function mergedGaps(samples: SeriesSample[]): Array<{ fromMs: number; toMs: number }> {
  const gaps: Array<{ fromMs: number; toMs: number }> = [];
  for (const sample of samples) {
    if (sample.up === 1) continue;
    const last = gaps[gaps.length - 1];
    const fromMs = sample.simMs - sampleMs / 2;
    if (last && fromMs <= last.toMs) last.toMs = sample.simMs + sampleMs / 2;
    else gaps.push({ fromMs, toMs: sample.simMs + sampleMs / 2 });
  }
  return gaps;
}
