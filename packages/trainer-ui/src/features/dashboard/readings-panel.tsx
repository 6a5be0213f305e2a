import type { TraineeView } from '@gameday/simulator';
import { Panel } from '../../components/panel';

const pct = (ratio: number) => `${(ratio * 100).toFixed(1)}%`;
const count = (value: number) => value.toLocaleString('en-US');

/** What the last full integrity check found, or that none has run: the service does not know the scope before. */
function corruptedRecords(integrity: TraineeView['integrity']): string {
  const full = integrity.lastFullCheck;
  const last = full ? `${count(full.corruptedRecords)} (checked ${full.finishedAt.slice(11, 16)} UTC)` : 'no full check yet';
  return integrity.running?.full ? `${last}; full check running` : last;
}

const noData = 'no data (scrape failed)';

/**
 * The numbers the runbook's triggers and severity questions are about, each against its
 * threshold. What the dashboard charts (rollback rate, memory, proof queue) is read from the
 * charts' newest sample, so the card and the chart never disagree; a failed scrape shows as
 * no data in both.
 */
export function ReadingsPanel({ view }: { view: Pick<TraineeView, 'readings' | 'config' | 'integrity' | 'autoDisabledAt'> & Partial<Pick<TraineeView, 'latestSample'>> }) {
  const { config, integrity } = view;
  const sample = view.latestSample ?? null;
  const readings = sample?.up === 1 ? { ...view.readings, rollbackRate: sample.rollbackRate, memoryRatio: sample.memoryRatio, proofQueueRatio: sample.proofQueueRatio } : view.readings;
  const gap = sample?.up === 0;
  const rows: Array<{ label: string; value: string; bad: boolean }> = [
    { label: 'Rollback rate (1m)', value: gap ? noData : pct(readings.rollbackRate), bad: !gap && readings.rollbackRate > 0.5 },
    { label: 'Operations affected', value: pct(readings.operationsAffected), bad: readings.operationsAffected > 0.1 },
    { label: 'Active speculative tasks', value: count(Math.round(readings.activeTasks)), bad: false },
    { label: 'Memory, highest pod', value: gap ? noData : pct(readings.memoryRatio), bad: (!gap && readings.memoryRatio > 0.95) || readings.oomKilledPods > 0 },
    { label: 'Proof queue', value: gap ? noData : pct(readings.proofQueueRatio), bad: !gap && readings.proofQueueRatio > 0.95 },
    { label: 'Integrity scans failed', value: `${count(integrity.failedScans)} of ${count(integrity.scans)}`, bad: integrity.failedScans > 0 },
    { label: 'Corrupted records (last full check)', value: corruptedRecords(integrity), bad: (integrity.lastFullCheck?.corruptedRecords ?? 0) > 0 },
    { label: 'Slashed tokens (24h)', value: count(readings.slashedTokensLast24h), bad: readings.slashedTokensLast24h > 0 },
  ];
  return (
    <Panel title="Service">
      <dl className="readings">
        {rows.map((row) => (
          <div key={row.label} className={row.bad ? 'bad' : ''}>
            <dt>{row.label}</dt>
            <dd>{row.value}</dd>
          </div>
        ))}
      </dl>
      <p className="config">
        speculation.enabled=<b>{String(config['speculation.enabled'])}</b>
        {view.autoDisabledAt && <> (turned off by the service itself at {view.autoDisabledAt.slice(11, 19)} UTC)</>} max_depth=<b>{String(config['speculation.max_depth'])}</b> rollout=
        <b>{String(config['speculation.features.rollout_percentage'])}%</b>
      </p>
    </Panel>
  );
}
