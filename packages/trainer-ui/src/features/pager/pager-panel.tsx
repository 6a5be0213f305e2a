import type { TraineeView } from '@gameday/simulator';
import { Panel } from '../../components/panel';

/** The pager: which alerts are firing, since when, with the runbook trigger they met. */
export function PagerPanel({ alerts }: { alerts: TraineeView['alerts'] }) {
  const firing = alerts.filter((alert) => alert.state === 'firing');
  const pending = alerts.filter((alert) => alert.state === 'pending');
  return (
    <Panel title="Pager" className={firing.length > 0 ? 'paging' : ''}>
      {firing.length === 0 && <p className="quiet">No alert is firing.</p>}
      <ul className="alerts">
        {firing.map((alert) => (
          <li key={alert.name} className="alert firing" role="alert">
            <strong>{alert.name}</strong> <span className="tag">{alert.runbook}</span>
            <div>{alert.trigger}</div>
            <small>fired at {alert.firedAt?.slice(11, 19)} UTC</small>
          </li>
        ))}
        {pending.map((alert) => (
          <li key={alert.name} className="alert pending">
            <strong>{alert.name}</strong> pending: {alert.trigger}
          </li>
        ))}
      </ul>
    </Panel>
  );
}
