import type { TraineeView } from '@gameday/simulator';
import type { Me } from '../../lib/use-drill-view';

const roleNames: Record<string, string> = {
  'incident-commander': 'incident commander',
  'primary-on-call': 'primary on-call',
  'comms-lead': 'comms lead',
  observer: 'observer',
};

const statusText: Record<string, string> = {
  open: 'Waiting for the facilitator to start the game-day. Take your places: the page can come at any moment once it starts.',
  paused: 'Paused by the facilitator: the clock is stopped for everyone. Talk it through; actions wait until it resumes.',
  ended: 'The game-day has ended.',
};

/** The game-day around this drill: who is in it, in which role, the facilitator's hints, and whether the clock runs. */
export function SessionBanner({ session, me }: { session: NonNullable<TraineeView['session']>; me: Me | null }) {
  return (
    <section className={`session-banner ${session.status}`} aria-label="Game-day">
      <div>
        <strong>{session.title}</strong> <span className="tag">{session.team}</span> <span className="tag">code {session.code}</span>{' '}
        <span className="tag" aria-label="Session status">
          {session.status}
        </span>
        {me && (
          <span className="me">
            {' '}
            · you are <strong>{me.name}</strong>, {roleNames[me.role] ?? me.role}
          </span>
        )}
      </div>
      {statusText[session.status] && <p role="status">{statusText[session.status]}</p>}
      <ul className="people" aria-label="Participants">
        {session.participants.map((person) => (
          <li key={person.name}>
            {person.name} <span className="quiet">{roleNames[person.role] ?? person.role}</span>
          </li>
        ))}
      </ul>
      {session.hints.length > 0 && (
        <aside className="hints" aria-label="Hints from the facilitator">
          {session.hints.map((hint) => (
            <p key={`${hint.at}-${hint.text}`}>
              <span className="quiet">{hint.at.slice(11, 19)} facilitator:</span> {hint.text}
            </p>
          ))}
        </aside>
      )}
    </section>
  );
}
