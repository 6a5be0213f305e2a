import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import { ApiError, getJson } from '../../lib/api-client';
import { Panel } from '../../components/panel';
import { FormError } from '../../components/form-error';
import { DifficultySelect } from '../../components/difficulty-select';
import { apiWithToken, type ScheduleView, type SessionSummary } from './facilitator-api';
import { SessionCard } from './session-card';
import { SchedulesPanel } from './schedules-panel';
import { PastGameDaysPanel } from './past-game-days-panel';

interface Stats {
  sessions: number;
  viewers: number;
  recentEventLoopDelayMs: { p99: number } | null;
  rssBytes: number;
}

/** The facilitator's console: create game-days, run them, schedule them, export results. */
export function FacilitatorConsole({ token }: { token: string }) {
  const api = useMemo(() => apiWithToken(token), [token]);
  const [sessions, setSessions] = useState<SessionSummary[]>([]);
  const [frozenAt, setFrozenAt] = useState<string | null>(null);
  const [schedules, setSchedules] = useState<ScheduleView[]>([]);
  const [scenarios, setScenarios] = useState<Array<{ id: string; incident: string | null }>>([]);
  const [stats, setStats] = useState<Stats>();
  const [error, setError] = useState<string>();
  const [form, setForm] = useState({ title: '', team: '', scenario: 'surprise', difficulty: 'normal', speed: 1, seed: '', announce: false });

  const refresh = useCallback(() => {
    api
      .get<{ sessions: SessionSummary[]; frozenAt: string | null }>('/gameday/sessions')
      .then((body) => {
        setSessions(body.sessions);
        setFrozenAt(body.frozenAt);
        setError(undefined);
      })
      .catch((caught: unknown) => setError(caught instanceof ApiError ? caught.message : String(caught)));
    api.get<Stats>('/gameday/stats').then(setStats).catch(() => undefined);
  }, [api]);
  const refreshSchedules = useCallback(() => {
    api
      .get<{ schedules: ScheduleView[] }>('/gameday/schedules')
      .then((body) => setSchedules(body.schedules))
      .catch(() => undefined);
  }, [api]);

  useEffect(() => {
    refresh();
    refreshSchedules();
    getJson<{ scenarios: Array<{ id: string; incident: string | null }> }>('/trainer/scenarios')
      .then((body) => setScenarios(body.scenarios))
      .catch(() => undefined);
    const timer = setInterval(refresh, 1000);
    const slow = setInterval(refreshSchedules, 15_000);
    return () => {
      clearInterval(timer);
      clearInterval(slow);
    };
  }, [refresh, refreshSchedules]);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      await api.post('/gameday/sessions', {
        scenario: form.scenario,
        difficulty: form.difficulty,
        speed: form.speed,
        announce: form.announce,
        ...(form.title.trim() ? { title: form.title.trim() } : {}),
        ...(form.team.trim() ? { team: form.team.trim() } : {}),
        ...(form.seed.trim() ? { seed: Number(form.seed) } : {}),
      });
      refresh();
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : String(caught));
    }
  };
  const freeze = async (frozen: boolean) => {
    try {
      const body = await api.post<{ frozenAt: string | null }>('/gameday/leaderboard/freeze', { frozen });
      setFrozenAt(body.frozenAt);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : String(caught));
    }
  };
  const incidents = scenarios.filter((scenario) => scenario.incident !== null).map((scenario) => scenario.id);

  return (
    <div className="console">
      <FormError message={error} />
      <Panel title="New game-day">
        <form onSubmit={(event) => void create(event)} aria-label="New game-day">
          <label>
            Title <input value={form.title} onChange={(event) => setForm({ ...form, title: event.target.value })} maxLength={80} placeholder="Failure Friday" />
          </label>
          <label>
            Team <input value={form.team} onChange={(event) => setForm({ ...form, team: event.target.value })} maxLength={40} placeholder="sre-blue" />
          </label>
          <label>
            Scenario{' '}
            <select value={form.scenario} onChange={(event) => setForm({ ...form, scenario: event.target.value })}>
              <option value="surprise">surprise (picked at random)</option>
              {scenarios.map((scenario) => (
                <option key={scenario.id} value={scenario.id}>
                  {scenario.id}
                </option>
              ))}
            </select>
          </label>
          <DifficultySelect value={form.difficulty} onChange={(difficulty) => setForm({ ...form, difficulty })} />
          <label>
            Speed <input type="number" min={0.1} max={3600} step="any" value={form.speed} onChange={(event) => setForm({ ...form, speed: Number(event.target.value) })} style={{ width: '5em' }} />
          </label>
          <label>
            Seed <input value={form.seed} onChange={(event) => setForm({ ...form, seed: event.target.value.replace(/\D/g, '') })} placeholder="random" size={10} />
          </label>
          <label>
            <input type="checkbox" checked={form.announce} onChange={(event) => setForm({ ...form, announce: event.target.checked })} /> announce to the webhook
          </label>
          <button type="submit" className="primary">
            Create
          </button>
        </form>
        <p className="quiet">
          Each game-day runs in its own drill on its own port with its own tokens. Share the join link; people pick a name and a role. For a competition, give each team a
          game-day with the same scenario and seed, and freeze the leaderboard.
        </p>
      </Panel>
      <Panel title="Leaderboard and records">
        <p>
          {frozenAt ? `Frozen since ${frozenAt.replace('T', ' ').slice(0, 19)} UTC: participants see the standings of that moment.` : 'Live: everyone sees finished drills as they come in.'}{' '}
          <button type="button" onClick={() => void freeze(frozenAt === null)}>
            {frozenAt ? 'Unfreeze leaderboard' : 'Freeze leaderboard'}
          </button>{' '}
          <button type="button" onClick={() => void api.download('/gameday/attendance', 'attendance.csv').catch((caught: unknown) => setError(String(caught)))}>
            All attendance (CSV)
          </button>{' '}
          <button type="button" onClick={() => void api.download('/gameday/teams?format=csv', 'game-day-teams.csv').catch((caught: unknown) => setError(String(caught)))}>
            Team standings (CSV)
          </button>
        </p>
        {stats && (
          <p className="quiet" aria-label="Server load">
            {stats.sessions} sessions · {stats.viewers} live views · event-loop delay p99 {stats.recentEventLoopDelayMs ? `${stats.recentEventLoopDelayMs.p99} ms (last 10 s)` : 'measuring'} · {Math.round(stats.rssBytes / 1e6)} MB
          </p>
        )}
      </Panel>
      {sessions.length === 0 && <p className="quiet">No game-days on this server yet.</p>}
      {sessions.map((session) => (
        <SessionCard key={session.code} session={session} api={api} incidents={incidents} onChange={refresh} />
      ))}
      <PastGameDaysPanel api={api} refreshKey={sessions.filter((session) => session.status === 'ended').length} />
      <SchedulesPanel api={api} schedules={schedules} scenarios={scenarios.map((scenario) => scenario.id)} onChange={refreshSchedules} />
    </div>
  );
}
