import { useEffect, useState } from 'react';
import { DifficultySelect } from '../../components/difficulty-select';
import type { LeaderboardRow } from '@gameday/simulator';
import { ApiError, getJson } from '../../lib/api-client';
import { Panel } from '../../components/panel';
import { FormError } from '../../components/form-error';

/** Each trainee's best ranked drill (surprise drills; practice is not ranked), with exports. */
export function LeaderboardPanel({ scenarios }: { scenarios: Array<{ id: string; title: string }> }) {
  const [scenario, setScenario] = useState('');
  const [difficulty, setDifficulty] = useState('');
  const [rows, setRows] = useState<LeaderboardRow[]>([]);
  const [error, setError] = useState<string>();
  const query = new URLSearchParams({ ...(scenario ? { scenario } : {}), ...(difficulty ? { difficulty } : {}) }).toString();
  useEffect(() => {
    getJson<{ rows: LeaderboardRow[] }>(`/trainer/leaderboard?${query}`)
      .then((body) => {
        setRows(body.rows);
        setError(undefined);
      })
      .catch((caught: unknown) => setError(caught instanceof ApiError ? caught.message : String(caught)));
  }, [query]);
  return (
    <Panel title="Leaderboard">
      <div className="filters">
        <label>
          Scenario{' '}
          <select value={scenario} onChange={(event) => setScenario(event.target.value)}>
            <option value="">all</option>
            {scenarios.map((item) => (
              <option key={item.id} value={item.id}>
                {item.title}
              </option>
            ))}
          </select>
        </label>{' '}
        <DifficultySelect value={difficulty} onChange={setDifficulty} anyLabel="all" />{' '}
        <a href={`/trainer/leaderboard?${query}${query ? '&' : ''}format=csv`} download>
          CSV
        </a>{' '}
        <a href={`/trainer/leaderboard?${query}`} target="_blank" rel="noreferrer">
          JSON
        </a>
      </div>
      <FormError message={error} />
      {rows.length === 0 ? (
        <p className="quiet">No ranked drills yet. Surprise drills are ranked; practice drills are not.</p>
      ) : (
        <table>
          <caption className="sr-only">Best ranked drill per trainee</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Trainee</th>
              <th scope="col">Team</th>
              <th scope="col">Scenario</th>
              <th scope="col">Difficulty</th>
              <th scope="col">Score</th>
              <th scope="col">Time to resolve</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.drillId}>
                <td>{row.rank}</td>
                <td>{row.trainee}</td>
                <td>{row.team}</td>
                <td>{row.scenario}</td>
                <td>{row.difficulty}</td>
                <td>{row.score}</td>
                <td>{row.ttrMs === null ? '–' : `${Math.round(row.ttrMs / 60_000)} min`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}
