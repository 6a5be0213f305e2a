import { useState } from 'react';
import { ApiError } from '../../lib/api-client';
import { FormError } from '../../components/form-error';
import type { FacilitatorApi, SessionSummary, TeamResult } from './facilitator-api';

const speeds = [1, 2, 5, 10, 30, 60];

/** One game-day in the console: what is happening in it, and the facilitator's controls. */
export function SessionCard({ session, api, incidents, onChange }: { session: SessionSummary; api: FacilitatorApi; incidents: string[]; onChange: () => void }) {
  const [error, setError] = useState<string>();
  const [hint, setHint] = useState('');
  const injectable = incidents.filter((id) => id !== session.scenario && !session.faults.includes(id));
  const [chosenFault, setFault] = useState('');
  // The choice, while it can still be injected; else the first that can.
  const fault = injectable.includes(chosenFault) ? chosenFault : (injectable[0] ?? '');
  const [results, setResults] = useState<TeamResult>();
  const base = `/gameday/sessions/${session.code}`;

  const run = async (call: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await call();
      onChange();
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : String(caught));
    }
  };
  const live = session.status === 'running' || session.status === 'paused';

  return (
    <section className={`panel session-card ${session.status}`} aria-label={`Game-day ${session.code}`}>
      <h2>
        {session.code} · {session.title}
      </h2>
      <div className="facts">
        <span>team {session.team}</span>
        <span aria-label="Status">{session.status}</span>
        <span>
          {session.scenario}
          {session.requested === 'surprise' ? ' (surprise)' : ''}
          {session.faults.length > 0 ? ` + ${session.faults.join(' + ')}` : ''}
        </span>
        <span>phase {session.phase}</span>
        <span>severity now {session.expectedSeverity}</span>
        <span>
          {session.simTime.slice(11, 19)} ×{session.speed}
        </span>
        <span>{session.difficulty}</span>
        <span>seed {session.seed}</span>
        {session.score !== null && <span>score {session.score}</span>}
        {session.instance && <span className="quiet">on {session.instance}</span>}
      </div>
      {session.note && (
        <p className="quiet" role="note">
          {session.note}
        </p>
      )}
      <p>
        Join: <a className="join-link" href={session.joinUrl} target="_blank" rel="noreferrer">{session.joinUrl}</a>
        {session.announcement && <span className="quiet"> · announcement {session.announcement.ok ? 'sent' : `failed: ${session.announcement.error ?? ''}`}</span>}
        {session.adminUrl && (
          <>
            {' · '}
            <a href={session.adminUrl} target="_blank" rel="noreferrer" title="The drill with the session's admin token: watch it, or step in (actions are not attributed to anyone)">
              open the drill
            </a>
          </>
        )}
      </p>
      <p className="quiet">{session.participants.length === 0 ? 'Nobody has joined yet.' : session.participants.map((person) => `${person.name} (${person.role})`).join(', ')}</p>
      <div className="controls">
        <button type="button" className="primary" disabled={session.status !== 'open'} onClick={() => void run(() => api.post(`${base}/start`))}>
          Start
        </button>
        {session.status === 'paused' ? (
          <button type="button" onClick={() => void run(() => api.post(`${base}/resume`))}>
            Resume
          </button>
        ) : (
          <button type="button" disabled={session.status !== 'running'} onClick={() => void run(() => api.post(`${base}/pause`))}>
            Pause
          </button>
        )}
        <label>
          Speed{' '}
          <select value={speeds.includes(session.speed) ? session.speed : ''} disabled={session.status === 'ended'} onChange={(event) => void run(() => api.post(`${base}/speed`, { speed: Number(event.target.value) }))}>
            {!speeds.includes(session.speed) && <option value="">×{session.speed}</option>}
            {speeds.map((speed) => (
              <option key={speed} value={speed}>
                ×{speed}
              </option>
            ))}
          </select>
        </label>
        <label>
          Second fault{' '}
          <select value={fault} onChange={(event) => setFault(event.target.value)}>
            {incidents.map((id) => (
              <option key={id} value={id} disabled={id === session.scenario || session.faults.includes(id)}>
                {id}
              </option>
            ))}
          </select>
        </label>
        <button type="button" disabled={!live || fault === ''} onClick={() => void run(() => api.post(`${base}/inject`, { scenario: fault }))}>
          Inject
        </button>
        <button type="button" disabled={session.status === 'ended'} onClick={() => void run(() => api.post(`${base}/end`))}>
          End
        </button>
        <button type="button" onClick={() => void run(async () => setResults(await api.get<TeamResult>(`${base}/results`)))}>
          Results
        </button>
        <button type="button" onClick={() => void run(() => api.download(`${base}/results?format=csv`, `results-${session.code}.csv`))}>
          Results CSV
        </button>
        <button type="button" onClick={() => void run(() => api.download(`/gameday/attendance?session=${session.code}`, `attendance-${session.code}.csv`))}>
          Attendance CSV
        </button>
        <button type="button" disabled={session.status === 'open' || live} onClick={() => void run(() => api.del(base))} title="Stop this session's server; results and attendance are kept">
          Close
        </button>
      </div>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void run(async () => {
            await api.post(`${base}/hint`, { text: hint });
            setHint('');
          });
        }}
        aria-label={`Hint for ${session.code}`}
      >
        <input value={hint} onChange={(event) => setHint(event.target.value)} maxLength={500} placeholder="A hint for everyone in this game-day" size={50} disabled={session.status === 'ended'} />
        <button type="submit" disabled={session.status === 'ended' || hint.trim() === ''}>
          Send hint
        </button>
      </form>
      <FormError message={error} />
      {results && (
        <table aria-label={`Results of ${session.code}`}>
          <caption>
            Team score {results.score.total} / {results.score.max} ({results.teamPoints} earned together)
          </caption>
          <thead>
            <tr>
              <th>Participant</th>
              <th>Role</th>
              <th>Points</th>
              <th>Outcome share</th>
              <th>Commands</th>
              <th>Credited for</th>
            </tr>
          </thead>
          <tbody>
            {results.participants.map((person) => (
              <tr key={person.name}>
                <td>{person.name}</td>
                <td>{person.role}</td>
                <td>{person.points}</td>
                <td title={person.effect?.reason}>{person.effect && person.effect.changes > 0 ? person.effect.points : '–'}</td>
                <td>{person.commands}</td>
                <td>{person.credits.map((credit) => `${credit.what} (${credit.points})`).join('; ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
