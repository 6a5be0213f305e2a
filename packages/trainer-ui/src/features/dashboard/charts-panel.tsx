import { useEffect, useState } from 'react';
import type { SeriesSample, TraineeView } from '@gameday/simulator';
import { getJson } from '../../lib/api-client';
import { Panel } from '../../components/panel';
import { MetricChart, type ChartSpec, type ChartThreshold } from './metric-chart';
import { count, percent } from './chart-scale';

/** The metrics the runbook's triggers are about; the rules that alert on each draw their own lines. */
const charts: ChartSpec[] = [
  { title: 'Rollback rate', reading: 'rollbackRate', pick: (values) => values.rollbackRate, format: percent, ceiling: 1 },
  { title: 'Active speculative tasks', pick: (values) => values.activeTasks, format: count, integer: true },
  { title: 'Errors per second', pick: (values) => values.errorRate, format: count },
  { title: 'Memory vs limit (highest pod)', reading: 'memoryRatio', pick: (values) => values.memoryRatio, format: percent, ceiling: 1 },
  { title: 'Proof queue vs capacity', reading: 'proofQueueRatio', pick: (values) => values.proofQueueRatio, format: percent, ceiling: 1 },
  { title: 'Failed integrity scans, last 15 min', reading: 'integrityCheckFailuresRecent', pick: (values) => values.integrityFailures, format: count, integer: true },
  { title: 'Stake (tokens)', pick: (values) => values.stakeTokens, format: count, fromZero: false, integer: true },
];

/** The time ranges a responder can look at, as Grafana's picker offers them. */
export const timeRanges = [
  { id: '15m', label: '15 m', ms: 15 * 60_000 },
  { id: '1h', label: '1 h', ms: 60 * 60_000 },
  { id: 'drill', label: 'Whole drill', ms: null },
] as const;
type RangeId = (typeof timeRanges)[number]['id'];

/** As many samples as the server keeps (six simulated hours). */
const keptSamples = 4320;

/** The lines each chart draws: every alerting rule over the chart's reading, from the rules themselves. */
export function chartThresholds(alerts: TraineeView['alerts'], reading: string | undefined): ChartThreshold[] {
  if (reading === undefined) return [];
  return alerts
    .filter((alert) => alert.threshold?.reading === reading)
    .map((alert) => ({ rule: alert.name, above: alert.threshold!.above, forMs: alert.forMs, severity: alert.severity, firing: alert.state === 'firing' }));
}

/**
 * Live charts: the series is loaded once per drill, then follows the newest sample; one time
 * range for all. A rewind gives its samples up to the moment (`fixed`): drawn as they are.
 */
export function ChartsPanel({ view, fixed }: { view: Pick<TraineeView, 'drill' | 'latestSample' | 'alerts' | 'clock'>; fixed?: SeriesSample[] }) {
  const [live, setSamples] = useState<SeriesSample[]>([]);
  const rewound = fixed !== undefined;
  const [range, setRange] = useState<RangeId>('15m');
  const drillKey = `${view.drill.startedAt}|${view.drill.trainee}`;

  useEffect(() => {
    if (rewound) return;
    let cancelled = false;
    setSamples([]);
    getJson<{ samples: SeriesSample[] }>('/trainer/series?since=-1')
      .then((body) => {
        // Samples pushed while this was on its way are newer than its last: keep them.
        const end = body.samples[body.samples.length - 1]?.simMs ?? -1;
        if (!cancelled) setSamples((now) => [...body.samples, ...now.filter((sample) => sample.simMs > end)].slice(-keptSamples));
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [drillKey, rewound]);

  const latest = view.latestSample;
  useEffect(() => {
    if (!latest || rewound) return;
    let cancelled = false;
    setSamples((current) => {
      const last = current[current.length - 1];
      if (last && last.simMs >= latest.simMs) return current;
      if (latest.simMs - (last?.simMs ?? 0) <= 5000) return [...current, latest].slice(-keptSamples);
      // Time jumped (fast-forward, virtual clock), or the first push came minutes in before the
      // first load answered: fetch what lies between (all of it when nothing is here yet).
      const since = last?.simMs ?? -1;
      getJson<{ samples: SeriesSample[] }>(`/trainer/series?since=${since}`)
        .then((body) => {
          if (!cancelled) setSamples((now) => [...now.filter((sample) => sample.simMs <= since), ...body.samples].slice(-keptSamples));
        })
        .catch(() => undefined);
      return current;
    });
    return () => {
      cancelled = true;
    };
  }, [latest, rewound]);

  const samples = fixed ?? live;
  const epochMs = Date.parse(view.drill.startedAt);
  const toMs = samples[samples.length - 1]?.simMs ?? view.clock.simMs;
  const chosen = timeRanges.find((candidate) => candidate.id === range)!;
  const fromMs = chosen.ms === null ? Math.min(samples[0]?.simMs ?? 0, toMs - 60_000) : toMs - chosen.ms;
  return (
    <Panel title="Dashboard" className="charts">
      <div className="chart-range" role="radiogroup" aria-label="Time range">
        {timeRanges.map((candidate) => (
          <button key={candidate.id} type="button" role="radio" aria-checked={candidate.id === range} className={candidate.id === range ? 'selected' : ''} onClick={() => setRange(candidate.id)}>
            {candidate.label}
          </button>
        ))}
        <span className="quiet"> times in UTC</span>
      </div>
      <div className="chart-grid">
        {charts.map((spec) => (
          <MetricChart key={spec.title} spec={spec} samples={samples} fromMs={fromMs} toMs={toMs} epochMs={epochMs} thresholds={chartThresholds(view.alerts, spec.reading)} />
        ))}
      </div>
    </Panel>
  );
}
