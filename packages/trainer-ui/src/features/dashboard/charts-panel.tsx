import { useEffect, useState } from 'react';
import type { SeriesSample, TraineeView } from '@gameday/simulator';
import { getJson } from '../../lib/api-client';
import { Panel } from '../../components/panel';
import { MetricChart, type ChartSpec } from './metric-chart';

const percent = (value: number) => `${(value * 100).toFixed(0)}%`;
const count = (value: number) => (Math.abs(value) >= 10_000 ? `${(value / 1000).toFixed(0)}k` : value.toFixed(value < 10 && value % 1 !== 0 ? 1 : 0));

/** The metrics the runbook's triggers are about, with the thresholds its alerts use. */
const charts: ChartSpec[] = [
  { title: 'Rollback rate', pick: (sample) => sample.rollbackRate, threshold: { value: 0.5, label: 'INC-SPEC-001 trigger' }, format: percent, max: 1 },
  { title: 'Active speculative tasks', pick: (sample) => sample.activeTasks, format: count },
  { title: 'Errors per second', pick: (sample) => sample.errorRate, format: count },
  { title: 'Memory vs limit (highest pod)', pick: (sample) => sample.memoryRatio, threshold: { value: 0.95, label: 'INC-SPEC-002 trigger' }, format: percent, max: 1.05 },
  { title: 'Proof queue vs capacity', pick: (sample) => sample.proofQueueRatio, threshold: { value: 0.95, label: 'INC-SPEC-003 trigger' }, format: percent, max: 1.05 },
  { title: 'Integrity check failures', pick: (sample) => sample.integrityFailures, format: count },
  { title: 'Stake (tokens)', pick: (sample) => sample.stakeTokens, format: count },
];

/** Live charts: the series is loaded once per drill, then follows the newest sample. */
export function ChartsPanel({ view }: { view: TraineeView }) {
  const [samples, setSamples] = useState<SeriesSample[]>([]);
  const drillKey = `${view.drill.startedAt}|${view.drill.trainee}`;

  useEffect(() => {
    let cancelled = false;
    setSamples([]);
    getJson<{ samples: SeriesSample[] }>('/trainer/series?since=-1')
      .then((body) => {
        if (!cancelled) setSamples(body.samples);
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [drillKey]);

  const latest = view.latestSample;
  useEffect(() => {
    if (!latest) return;
    let cancelled = false;
    setSamples((current) => {
      const last = current[current.length - 1];
      if (last && last.simMs >= latest.simMs) return current;
      if (!last || latest.simMs - last.simMs <= 5000) return [...current, latest].slice(-720);
      // Time jumped (fast-forward, virtual clock): fetch what lies between.
      getJson<{ samples: SeriesSample[] }>(`/trainer/series?since=${last.simMs}`)
        .then((body) => {
          if (!cancelled) setSamples((now) => [...now.filter((sample) => sample.simMs <= last.simMs), ...body.samples].slice(-720));
        })
        .catch(() => undefined);
      return current;
    });
    return () => {
      cancelled = true;
    };
  }, [latest]);

  const epochMs = Date.parse(view.drill.startedAt);
  return (
    <Panel title="Dashboard" className="charts">
      <div className="chart-grid">
        {charts.map((spec) => (
          <MetricChart key={spec.title} spec={spec} samples={samples} epochMs={epochMs} />
        ))}
      </div>
    </Panel>
  );
}
