import type { ReactNode } from 'react';
import type { TraineeView } from '@gameday/simulator';
import { Panel } from '../../components/panel';

/**
 * What happened, newest first, as a commander reads it: one entry per command or action (the
 * server folds the requests a command made into it), named by the person who took it, at the
 * drill's simulated time. Racing a ghost, its steps are among them, marked as the ghost's, and
 * the race's scores so far head the list (`heading`), beside them.
 * A rewound view names its list apart (`label`), so the page never has two lists of one name.
 */
export function TimelinePanel({ timeline, label = 'Timeline, newest first', heading = null }: { timeline: TraineeView['timeline']; label?: string; heading?: ReactNode }) {
  return (
    <Panel title="Timeline" className="timeline">
      {heading}
      <ol tabIndex={0} reversed aria-label={label}>
        {[...timeline].reverse().map((item, index) => (
          <li key={`${item.simMs}-${index}`} className={item.who}>
            <time dateTime={item.at}>{item.at.slice(11, 19)}</time> <span className="who" title={item.by ?? undefined}>
              {item.who === 'ghost' ? `ghost · ${item.by ?? ''}` : (item.by ?? (item.who === 'you' ? 'you' : 'system'))}
            </span>{' '}
            <span className="what">{item.what}</span>
          </li>
        ))}
      </ol>
    </Panel>
  );
}
