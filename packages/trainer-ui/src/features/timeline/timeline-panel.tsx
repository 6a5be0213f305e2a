import type { TraineeView } from '@gameday/simulator';
import { Panel } from '../../components/panel';

/** Everything that happened, the trainee's actions and the system's, newest first. */
export function TimelinePanel({ timeline }: { timeline: TraineeView['timeline'] }) {
  return (
    <Panel title="Timeline" className="timeline">
      <ol reversed aria-label="Timeline, newest first">
        {[...timeline].reverse().map((item, index) => (
          <li key={`${item.simMs}-${index}`} className={item.who}>
            <time dateTime={item.at}>{item.at.slice(11, 19)}</time> <span className="who">{item.by ?? (item.who === 'you' ? 'you' : 'system')}</span> {item.what}
          </li>
        ))}
      </ol>
    </Panel>
  );
}
