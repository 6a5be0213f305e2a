import type { TraineeView } from '@gameday/simulator';

/**
 * Declare mitigated and Declare resolved. Before any page there is nothing to declare: the buttons
 * wait, saying why, so an on-call's first action on the page is the pager's Acknowledge. Declare
 * resolved becomes the page's primary action once the page has been answered.
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
  return (
    <>
      <button type="button" disabled={disabled || waiting || ended || trainee.mitigatedAt !== null} aria-describedby={waiting ? 'declare-reason' : undefined} onClick={() => onDeclare('mitigated')}>
        {trainee.mitigatedAt ? `Mitigated at ${trainee.mitigatedAt.slice(11, 16)}` : 'Declare mitigated'}
      </button>
      <button type="button" className={answered && !ended ? 'primary' : undefined} disabled={disabled || waiting || ended} aria-describedby={waiting ? 'declare-reason' : undefined} onClick={() => onDeclare('resolved')}>
        {ended ? (trainee.resolvedAt ? `Resolved at ${trainee.resolvedAt.slice(11, 16)}` : 'Ended') : 'Declare resolved'}
      </button>
      {waiting && (
        <span id="declare-reason" className="quiet">
          Nothing to declare yet: no page has come
        </span>
      )}
    </>
  );
}
