import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, getJson, postJson } from '../../lib/api-client';
import { Panel } from '../../components/panel';
import { FormError } from '../../components/form-error';

interface JoinInfo {
  code: string;
  title: string;
  team: string;
  status: string;
  participants: Array<{ name: string; role: string }>;
  roles: Array<{ id: string; label: string; permissions: string[] }>;
}

const roleHelp: Record<string, string> = {
  'incident-commander': 'runs the incident: every action, declares mitigated and resolved',
  'primary-on-call': 'works the incident: acknowledges, runs the runbook commands, declares severity',
  'comms-lead': 'keeps people informed: posts updates, escalates',
  observer: 'watches the shared view; takes no action',
};

interface KeptJoin {
  token: string;
  name: string;
  role: string;
}

/** Where this browser keeps who it joined a game-day as: by join code, so a closed tab can come back as the same person. */
const keptKey = (code: string) => `gameday.join.${code.toUpperCase()}`;

function readKept(code: string): KeptJoin | null {
  try {
    const kept = JSON.parse(localStorage.getItem(keptKey(code)) ?? 'null') as KeptJoin | null;
    return kept && typeof kept.token === 'string' && typeof kept.name === 'string' ? kept : null;
  } catch {
    return null;
  }
}

/** Joining a game-day by its code: a name and a role, then straight into the shared drill; or back in as who this browser joined as. */
export function JoinPage({ code }: { code: string }) {
  const [info, setInfo] = useState<JoinInfo>();
  const [kept, setKept] = useState<KeptJoin | null>(() => readKept(code));
  const [name, setName] = useState('');
  const [role, setRole] = useState('primary-on-call');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    getJson<JoinInfo>(`/gameday/join/${encodeURIComponent(code)}`)
      .then(setInfo)
      .catch((caught: unknown) => setError(caught instanceof ApiError ? caught.message : String(caught)));
  }, [code]);

  const join = async (event: FormEvent) => {
    event.preventDefault();
    if (name.trim() === '') {
      setError('Enter your name: your actions and your share of the score are recorded under it.');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const joined = await postJson<{ url: string; token: string; participant: { name: string; role: string } }>(`/gameday/join/${encodeURIComponent(code)}`, { name: name.trim(), role });
      localStorage.setItem(keptKey(code), JSON.stringify({ token: joined.token, name: joined.participant.name, role: joined.participant.role } satisfies KeptJoin));
      window.location.assign(joined.url);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : String(caught));
      setBusy(false);
    }
  };

  const rejoin = async () => {
    if (!kept) return;
    setBusy(true);
    setError(undefined);
    try {
      const back = await postJson<{ url: string }>(`/gameday/join/${encodeURIComponent(code)}/rejoin`, { token: kept.token });
      window.location.assign(back.url);
    } catch (caught) {
      // The server no longer knows that token (a restarted server, another game-day): join afresh.
      if (caught instanceof ApiError && (caught.status === 401 || caught.status === 404)) {
        localStorage.removeItem(keptKey(code));
        setKept(null);
      }
      setError(caught instanceof ApiError ? caught.message : String(caught));
      setBusy(false);
    }
  };

  return (
    <div className="lobby">
      <FormError message={error} />
      {info && (
        <Panel title={`Join game-day ${info.code}`}>
          <p>
            <strong>{info.title}</strong> <span className="tag">{info.team}</span> <span className="tag">{info.status}</span>
          </p>
          {info.status !== 'ended' && kept && (
            <p className="rejoin">
              This browser joined as <strong>{kept.name}</strong> ({kept.role}).{' '}
              <button type="button" className="primary" disabled={busy} onClick={() => void rejoin()}>
                Rejoin as {kept.name}
              </button>{' '}
              <span className="quiet">or join below as someone else.</span>
            </p>
          )}
          {info.status === 'ended' ? (
            <p>This game-day has ended.</p>
          ) : (
            <form onSubmit={(event) => void join(event)} aria-label="Join">
              <label>
                Your name <input value={name} onChange={(event) => setName(event.target.value)} maxLength={40} autoComplete="name" autoFocus={kept === null} />
              </label>
              <fieldset>
                <legend>Your role</legend>
                {info.roles.map((option) => (
                  <label key={option.id} className="level">
                    <input type="radio" name="role" value={option.id} checked={role === option.id} onChange={() => setRole(option.id)} /> {option.label}{' '}
                    <span className="quiet">({roleHelp[option.id] ?? option.permissions.join(', ')})</span>
                  </label>
                ))}
              </fieldset>
              <button type="submit" className="primary" disabled={busy}>
                Join
              </button>
            </form>
          )}
          {info.participants.length > 0 && (
            <p className="quiet">
              Already in: {info.participants.map((person) => `${person.name} (${person.role})`).join(', ')}
            </p>
          )}
        </Panel>
      )}
    </div>
  );
}
