import { useEffect, useRef } from 'react';
import type { TraineeView } from '@gameday/simulator';
import { Panel } from '../../components/panel';

const time = (iso: string) => `${iso.slice(11, 19)} UTC`;

/** Whether the alert the pager shows rings: not acknowledged, and its condition not cleared (a resolved page no longer rings). */
export const isRinging = (page: TraineeView['page']): boolean => page !== null && page.acknowledgedAt === null && page.resolvedAt === null;

/**
 * The pager: the page with its name, time and trigger value, and Acknowledge, which stops the
 * time-to-acknowledge clock. Until then it re-notifies, as a pager would.
 */
export function PagerPanel({ page, onAcknowledge, busy }: { page: TraineeView['page']; onAcknowledge: (alert: string) => void; busy?: boolean }) {
  const lastNotifications = useRef(0);
  const ringing = isRinging(page);
  useEffect(() => {
    const base = document.title.replace(/^\(\d+\) /, '');
    document.title = ringing && page ? `(${page.notifications}) ${base}` : base;
    lastNotifications.current = page?.notifications ?? 0;
  }, [ringing, page?.notifications]);

  return (
    <Panel title="Pager" className={ringing ? 'paging' : ''}>
      {!page && <p className="quiet">No page. You are on call; the pager will go off here.</p>}
      {page && (
        <div className={`page ${ringing ? 'ringing' : page.resolvedAt !== null ? 'resolved' : 'acknowledged'}`} role={ringing ? 'alert' : undefined}>
          <div>
            <strong>{page.alert}</strong>
            {page.resolvedAt !== null && <span className="quiet"> RESOLVED</span>}
          </div>
          {page.trigger && <div>{page.trigger}</div>}
          <div className="quiet">
            fired at {time(page.firedAt)}
            {/* The value is the reading now: once the alert has resolved it no longer says anything about the page. */}
            {page.resolvedAt !== null ? '' : page.value > 0 && page.value < 1 ? `, value ${(page.value * 100).toFixed(1)}%` : page.value >= 1 ? `, value ${Math.round(page.value)}` : ''}
          </div>
          {ringing ? (
            <>
              <p className="renotify" aria-live="polite">
                {page.notifications > 1 ? `Re-notified: paged ${page.notifications} times` : 'Paging you now'}
              </p>
              {/* The alert shown goes with the press: the server acknowledges that one, never one the pager moved on to since. */}
              <button type="button" className="primary" onClick={() => onAcknowledge(page.alert)} disabled={busy}>
                Acknowledge
              </button>
            </>
          ) : (
            <>
              {page.acknowledgedAt !== null && <p>Acknowledged at {time(page.acknowledgedAt)}</p>}
              {page.resolvedAt !== null && <p>Resolved at {time(page.resolvedAt)}: its condition cleared</p>}
            </>
          )}
        </div>
      )}
      {page && page.waiting > 0 && (
        <p className="pager-waiting" aria-live="polite">
          {page.waiting === 1 ? '1 more alert is' : `${page.waiting} more alerts are`} waiting for an acknowledgement
        </p>
      )}
      {page?.lastAcknowledged && page.lastAcknowledged.alert !== page.alert && (
        <p className="quiet">
          You acknowledged {page.lastAcknowledged.alert} at {time(page.lastAcknowledged.at)}
        </p>
      )}
    </Panel>
  );
}
