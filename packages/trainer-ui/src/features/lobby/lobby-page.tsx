import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, getJson, postJson } from '../../lib/api-client';
import { passedScenarios } from '../../lib/onboarding-progress';
import { Panel } from '../../components/panel';
import { LeaderboardPanel } from '../leaderboard/leaderboard-panel';
import { FormError } from '../../components/form-error';

interface ScenarioSummary {
  id: string;
  incident: string | null;
  title: string;
  summary: string;
  difficulty: string;
}

export interface StartedDrill {
  trainee: string;
  /** Null for a surprise: the trainee has to work out which incident it is. */
  scenario: string | null;
  /** The chosen incident's title, for the drill bar (none for a surprise). */
  title?: string;
  /** Told apart from this browser's other drills (the terminal keeps one drill's history); set when it starts. */
  id?: string;
}

/** A game-day's join code, typed in: opens its join page. */
function JoinByCode() {
  const [code, setCode] = useState('');
  const valid = /^[A-Za-z0-9]{6}$/.test(code.trim());
  return (
    <form
      className="panel who"
      aria-label="Join a game-day"
      onSubmit={(event) => {
        event.preventDefault();
        if (valid) window.location.assign(`/#join=${code.trim().toUpperCase()}`);
      }}
    >
      <label>
        Game-day code <input value={code} onChange={(event) => setCode(event.target.value)} maxLength={6} size={8} placeholder="ABC123" autoComplete="off" />
      </label>
      <button type="submit" disabled={!valid}>
        Join a game-day
      </button>
      <p className="quiet">Your facilitator gives you a six-character code (or a link) for a team game-day.</p>
    </form>
  );
}

/** The lobby: practice a scenario, take a surprise drill, or follow the onboarding path. */
export function LobbyPage({ onStarted, trainee: initialName }: { onStarted: (drill: StartedDrill) => void; trainee: string }) {
  const [scenarios, setScenarios] = useState<ScenarioSummary[]>([]);
  const [onboarding, setOnboarding] = useState<string[]>([]);
  const [name, setName] = useState(initialName);
  const [team, setTeam] = useState('');
  const [difficulty, setDifficulty] = useState('normal');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    getJson<{ scenarios: ScenarioSummary[]; onboarding: string[] }>('/trainer/scenarios')
      .then((body) => {
        setScenarios(body.scenarios);
        setOnboarding(body.onboarding);
      })
      .catch((caught: unknown) => setError(caught instanceof ApiError ? caught.message : String(caught)));
  }, []);

  // The best run to race per scenario at this difficulty, when there is one.
  const [ghosts, setGhosts] = useState<Record<string, { trainee: string; score: number } | null>>({});
  useEffect(() => {
    let current = true;
    setGhosts({});
    for (const scenario of scenarios) {
      if (scenario.incident === null) continue;
      getJson<{ ghost: { trainee: string; score: number } | null }>(`/trainer/ghost?scenario=${encodeURIComponent(scenario.id)}&difficulty=${encodeURIComponent(difficulty)}`)
        .then((body) => current && setGhosts((now) => ({ ...now, [scenario.id]: body.ghost })))
        .catch(() => undefined);
    }
    return () => {
      current = false;
    };
  }, [scenarios, difficulty]);

  const start = async (scenario: string, level = difficulty, ghost = false) => {
    if (name.trim() === '') {
      setError('Enter your name first: the drill and its score are yours.');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await postJson('/trainer/drills', { trainee: name.trim(), scenario, difficulty: level, ...(team.trim() ? { team: team.trim() } : {}), ...(ghost ? { ghost: true } : {}) });
      const chosen = scenarios.find((candidate) => candidate.id === scenario);
      onStarted({ trainee: name.trim(), scenario: scenario === 'surprise' ? null : scenario, ...(chosen ? { title: `${chosen.incident ? `${chosen.incident} ` : ''}${chosen.title}` } : {}) });
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };

  const passed = new Set(passedScenarios(name.trim() || 'anonymous'));
  const byId = new Map(scenarios.map((scenario) => [scenario.id, scenario]));
  const preventSubmit = (event: FormEvent) => event.preventDefault();

  return (
    <div className="lobby">
      <form className="panel who" onSubmit={preventSubmit} aria-label="Who is on call">
        <label>
          Your name <input value={name} onChange={(event) => setName(event.target.value)} maxLength={40} autoComplete="name" />
        </label>
        <label>
          Team <input value={team} onChange={(event) => setTeam(event.target.value)} maxLength={40} placeholder="optional" />
        </label>
        <label>
          Difficulty{' '}
          <select value={difficulty} onChange={(event) => setDifficulty(event.target.value)}>
            <option value="easy">easy (slower, with hints)</option>
            <option value="normal">normal</option>
            <option value="hard">hard (faster, noisier)</option>
          </select>
        </label>
        <button type="button" className="primary" disabled={busy} onClick={() => void start('surprise')}>
          Surprise me
        </button>
        <p className="quiet">A surprise drill picks the incident and pages at a random moment in the next 15 minutes; the pager shows only the alert. Surprise drills are ranked; practice is not.</p>
      </form>
      <FormError message={error} />
      <JoinByCode />
      <Panel title="Onboarding path">
        <p className="quiet">
          The {onboarding.length} incidents from easy to hard, with hints on the first. A drill is passed when it is declared resolved with the service restored (the cause gone, speculation back at its normal settings), every runbook step is done, and nothing harmful was done.
        </p>
        <ol className="onboarding">
          {onboarding.map((id, index) => {
            const scenario = byId.get(id);
            if (!scenario) return null;
            return (
              <li key={id}>
                <span className={passed.has(id) ? 'passed' : 'todo'}>{passed.has(id) ? '✓ passed' : 'not yet'}</span> {scenario.incident} {scenario.title}{' '}
                <button type="button" disabled={busy} onClick={() => void start(id, index === 0 ? 'easy' : difficulty)} aria-label={`Start onboarding drill ${index + 1}: ${scenario.title}`}>
                  Start
                </button>
              </li>
            );
          })}
        </ol>
      </Panel>
      <LeaderboardPanel scenarios={scenarios.filter((scenario) => scenario.incident !== null)} />
      <Panel title="Practice a scenario">
        <ul className="scenarios">
          {scenarios.map((scenario) => (
            <li key={scenario.id}>
              <div>
                <strong>{scenario.title}</strong> <span className="tag">{scenario.incident ?? 'no incident'}</span> <span className="tag">{scenario.difficulty}</span>
                <div className="quiet">{scenario.summary}</div>
              </div>
              <button type="button" disabled={busy} onClick={() => void start(scenario.id)} aria-label={`Practice ${scenario.title}`}>
                Practice
              </button>
              {ghosts[scenario.id] && (
                <button type="button" disabled={busy} onClick={() => void start(scenario.id, difficulty, true)} aria-label={`Race the ghost on ${scenario.title}`} title={`Same incident, same seed as the best run; its steps appear on your timeline as it took them`}>
                  Race the ghost ({ghosts[scenario.id]!.trainee}, {ghosts[scenario.id]!.score})
                </button>
              )}
            </li>
          ))}
        </ul>
      </Panel>
    </div>
  );
}
