import { useEffect, useRef, useState } from 'react';
import type { TraineeView } from '@gameday/simulator';

/**
 * Declare mitigated and Declare resolved. Before any page there is nothing to declare: the buttons
 * wait, saying why, so an on-call's first action on the page is the pager's Acknowledge. Declare
 * resolved becomes the page's primary action once the page has been answered. It ends the drill
 * and scores it, which cannot be taken back: it asks once more, in place ("Not yet" or Escape
 * keeps working), so a slip of the mouse never ends a drill.
 */
export function DeclareButtons({
  page,
  trainee,
  ended,
  disabled,
  onDeclare,
}: {
  page: TraineeView['page'];
  trainee: Pick<TraineeView['trainee'], 'mitigatedAt' | 'resolvedAt'>;
  ended: boolean;
  disabled: boolean;
  onDeclare: (state: 'mitigated' | 'resolved') => void;
}) {
  const paged = page !== null;
  const answered = paged && (page.acknowledgedAt !== null || page.resolvedAt !== null);
  const waiting = !paged && !ended;
  const [confirming, setConfirming] = useState(false);
  const confirm = useRef<HTMLButtonElement>(null);
  const declare = useRef<HTMLButtonElement>(null);
  const asked = useRef(false);
  const asking = confirming && !ended && !disabled && !waiting;
  // Focus goes to the question when it is asked, and back to Declare resolved when it is put away.
  useEffect(() => {
    if (asking) confirm.current?.focus();
    else if (asked.current) declare.current?.focus();
    asked.current = asking;
  }, [asking]);
  return (
    <>
      <button type="button" disabled={disabled || waiting || ended || trainee.mitigatedAt !== null} aria-describedby={waiting ? 'declare-reason' : undefined} onClick={() => onDeclare('mitigated')}>
        {trainee.mitigatedAt ? `Mitigated at ${trainee.mitigatedAt.slice(11, 16)}` : 'Declare mitigated'}
      </button>
      {asking ? (
        <span
          className="confirm-resolved"
          role="group"
          aria-label="Confirm the resolution"
          onKeyDown={(event) => {
            if (event.key === 'Escape') setConfirming(false);
          }}
        >
          <span>Declaring resolved ends the drill and scores it.</span>
          <button
            ref={confirm}
            type="button"
            className="primary"
            onClick={() => {
              setConfirming(false);
              onDeclare('resolved');
            }}
          >
            Yes, declare resolved
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            Not yet
          </button>
        </span>
      ) : (
        <button ref={declare} type="button" className={answered && !ended ? 'primary' : undefined} disabled={disabled || waiting || ended} aria-describedby={waiting ? 'declare-reason' : undefined} onClick={() => setConfirming(true)}>
          {ended ? (trainee.resolvedAt ? `Resolved at ${trainee.resolvedAt.slice(11, 16)}` : 'Ended') : 'Declare resolved'}
        </button>
      )}
      {waiting && (
        <span id="declare-reason" className="quiet">
          Nothing to declare yet: no page has come
        </span>
      )}
    </>
  );
}
