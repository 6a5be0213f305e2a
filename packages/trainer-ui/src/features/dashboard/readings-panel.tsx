import type { TraineeView } from '@gameday/simulator';
import { Panel } from '../../components/panel';

const pct = (ratio: number) => `${(ratio * 100).toFixed(1)}%`;

/** The numbers the runbook's triggers are about, each against its threshold. */
export function ReadingsPanel({ readings, config }: { readings: TraineeView['readings']; config: TraineeView['config'] }) {
  const rows: Array<{ label: string; value: string; bad: boolean }> = [
    { label: 'Rollback rate (1m)', value: pct(readings.rollbackRate), bad: readings.rollbackRate > 0.5 },
    { label: 'Active speculative tasks', value: Math.round(readings.activeTasks).toLocaleString('en-US'), bad: false },
    { label: 'Memory, highest pod', value: pct(readings.memoryRatio), bad: readings.memoryRatio > 0.95 || readings.oomKilledPods > 0 },
    { label: 'Proof queue', value: pct(readings.proofQueueRatio), bad: readings.proofQueueRatio > 0.95 },
    { label: 'Corrupted records', value: String(readings.corruptedRecords), bad: readings.corruptedRecords > 0 },
    { label: 'Slashed tokens (all time)', value: readings.slashedTokens.toLocaleString('en-US'), bad: false },
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
        speculation.enabled=<b>{String(config['speculation.enabled'])}</b> max_depth=<b>{String(config['speculation.max_depth'])}</b> rollout=
        <b>{String(config['speculation.features.rollout_percentage'])}%</b>
      </p>
    </Panel>
  );
}
