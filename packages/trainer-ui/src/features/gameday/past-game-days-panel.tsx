import { useEffect, useState } from 'react';
import type { TeamStanding } from '@gameday/simulator';
import { Panel } from '../../components/panel';
import type { FacilitatorApi } from './facilitator-api';

const minutes = (ms: number | null) => (ms === null ? '–' : `${Math.round(ms / 6000) / 10} min`);

/** Every finished game-day on record (kept across restarts), best first: the standings and training records. */
export function PastGameDaysPanel({ api, refreshKey }: { api: FacilitatorApi; refreshKey: number }) {
  const [teams, setTeams] = useState<TeamStanding[]>([]);
  const [error, setError] = useState<string>();
  useEffect(() => {
    api
      .get<{ teams: TeamStanding[] }>('/gameday/teams')
      .then((body) => setTeams(body.teams))
      .catch((caught: unknown) => setError(String(caught)));
  }, [api, refreshKey]);
  return (
    <Panel title="Finished game-days">
      {error && <p className="error">{error}</p>}
      {teams.length === 0 ? (
        <p className="quiet">None yet. A game-day is scored when the team declares it resolved or the facilitator ends it.</p>
      ) : (
        <table aria-label="Finished game-days, best first">
          <thead>
            <tr>
              <th>Team</th>
              <th>Game-day</th>
              <th>Scenario</th>
              <th>Score</th>
              <th>To acknowledge</th>
              <th>To mitigate</th>
              <th>People</th>
              <th>Finished</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {teams.map((team) => (
              <tr key={team.session}>
                <td>{team.team}</td>
                <td>
                  {team.session} {team.title}
                </td>
                <td>
                  {team.scenario} ({team.difficulty})
                </td>
                <td>{team.score}</td>
                <td>{minutes(team.ttaMs)}</td>
                <td>{minutes(team.ttmMs)}</td>
                <td>{team.participants}</td>
                <td>{team.finishedAt.replace('T', ' ').slice(0, 16)}</td>
                <td>
                  <button type="button" onClick={() => void api.download(`/gameday/sessions/${team.session}/results?format=csv`, `results-${team.session}.csv`)} aria-label={`Results of ${team.session} (CSV)`}>
                    Results CSV
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}
