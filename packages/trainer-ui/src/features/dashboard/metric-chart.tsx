import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { SeriesSample } from '@gameday/simulator';

export interface ChartSpec {
  title: string;
  pick: (sample: SeriesSample) => number;
  /** The alert threshold, drawn as a dashed line. */
  threshold?: { value: number; label: string };
  format: (value: number) => string;
  max?: number;
}

/** One small time-series chart of the dashboard. */
export function MetricChart({ spec, samples, epochMs }: { spec: ChartSpec; samples: SeriesSample[]; epochMs: number }) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);

  useEffect(() => {
    if (!host.current) return;
    const series: uPlot.Series[] = [{}, { label: spec.title, stroke: '#4cc2ff', width: 1.5, value: (_u, value) => (value === null ? '–' : spec.format(value)) }];
    if (spec.threshold) series.push({ label: spec.threshold.label, stroke: '#e5484d', dash: [5, 4], width: 1, points: { show: false } });
    plot.current = new uPlot(
      {
        width: host.current.clientWidth || 260,
        height: 120,
        legend: { show: false },
        cursor: { show: true },
        // A single sample has no width: show the minute around it, not a span of years.
        scales: { x: { time: true, range: (_plot, min, max) => (min === max ? [min - 60, max + 60] : [min, max]) }, y: spec.max === undefined ? {} : { range: [0, spec.max] } },
        axes: [
          { stroke: '#8896a6', grid: { stroke: '#222b36' }, size: 28 },
          { stroke: '#8896a6', grid: { stroke: '#222b36' }, size: 48, values: (_u, ticks) => ticks.map((tick) => spec.format(tick)) },
        ],
        series,
      },
      [[], [], ...(spec.threshold ? [[]] : [])],
      host.current,
    );
    return () => {
      plot.current?.destroy();
      plot.current = null;
    };
  }, [spec]);

  // The chart follows its box (a window resized, a phone turned), as the grid's column does.
  useEffect(() => {
    const box = host.current;
    if (!box || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      if (plot.current && box.clientWidth > 0 && Math.abs(plot.current.width - box.clientWidth) > 1) plot.current.setSize({ width: box.clientWidth, height: 120 });
    });
    observer.observe(box);
    return () => observer.disconnect();
  }, [spec]);

  useEffect(() => {
    if (!plot.current) return;
    const x = samples.map((sample) => (epochMs + sample.simMs) / 1000);
    const y = samples.map(spec.pick);
    plot.current.setData(spec.threshold ? [x, y, samples.map(() => spec.threshold!.value)] : [x, y]);
  }, [samples, spec, epochMs]);

  const latest = samples[samples.length - 1];
  return (
    <figure className="chart">
      <figcaption>
        {spec.title}: <strong>{latest ? spec.format(spec.pick(latest)) : '–'}</strong>
        {spec.threshold && <span className="quiet"> (alert at {spec.format(spec.threshold.value)})</span>}
      </figcaption>
      <div ref={host} role="img" aria-label={`${spec.title} over the last hour${latest ? `, now ${spec.format(spec.pick(latest))}` : ''}`} />
    </figure>
  );
}
