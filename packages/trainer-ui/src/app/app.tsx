import { lazy, Suspense, useState } from 'react';
import { setApiToken } from '../lib/api-client';
import { readPageRoute } from '../lib/session-token';
import { useDrillView } from '../lib/use-drill-view';
import { LobbyPage, type StartedDrill } from '../features/lobby/lobby-page';

// The lobby is the first page most people load; the drill page (terminal, runbook, charts) and
// the game-day pages load when they are opened, so the lobby's first load stays small.
const DrillPage = lazy(() => import('../features/drill/drill-page').then((module) => ({ default: module.DrillPage })));
const JoinPage = lazy(() => import('../features/gameday/join-page').then((module) => ({ default: module.JoinPage })));
const FacilitatorConsole = lazy(() => import('../features/gameday/facilitator-console').then((module) => ({ default: module.FacilitatorConsole })));
const loading = <p role="status">Loading…</p>;

const route = readPageRoute();
if (route.kind === 'drill') setApiToken(route.token);
// A link pasted into this tab, or a join code typed in the lobby, changes only the fragment:
// read the page again for what it now is.
window.addEventListener('hashchange', () => window.location.reload());

function readStarted(): StartedDrill | null {
  try {
    return JSON.parse(sessionStorage.getItem('gameday.drill') ?? 'null') as StartedDrill | null;
  } catch {
    return null;
  }
}

/** A solo drill (lobby, then the drill) or a game-day session's drill (straight in, no lobby). */
function DrillApp({ token }: { token: string | null }) {
  const { view, me, error } = useDrillView(token);
  const [started, setStarted] = useState<StartedDrill | null>(readStarted);
  // Back in the lobby stays in the lobby on a reload: the tab remembers it beside the drill it left.
  const [inLobby, setInLobby] = useState(() => started === null || sessionStorage.getItem('gameday.in-lobby') === 'true');

  const onStarted = (begun: StartedDrill) => {
    const drill = { ...begun, id: `solo-${Date.now().toString(36)}` };
    sessionStorage.setItem('gameday.drill', JSON.stringify(drill));
    sessionStorage.removeItem('gameday.in-lobby');
    setStarted(drill);
    setInLobby(false);
  };
  const onLobby = () => {
    sessionStorage.setItem('gameday.in-lobby', 'true');
    setInLobby(true);
  };

  return (
    <>
      {error && (
        <p role="status" className="error">
          {error}
        </p>
      )}
      {view?.session ? (
        <DrillPage view={view} me={me} scenario={null} drill={`gameday-${view.session.code}`} onLobby={null} />
      ) : inLobby || !started ? (
        <LobbyPage onStarted={onStarted} trainee={started?.trainee ?? ''} />
      ) : view ? (
        <DrillPage view={view} me={me} scenario={started.scenario} title={started.scenario === null ? 'a surprise' : (started.title ?? started.scenario)} drill={started.id ?? 'solo'} onLobby={onLobby} />
      ) : (
        !error && <p role="status">Connecting to the drill…</p>
      )}
    </>
  );
}

export function App() {
  return (
    <main>
      <header>
        <h1>gameday</h1>
        <span className="quiet">{route.kind === 'facilitator' ? 'facilitator console' : 'incident drills for the speculation service'}</span>
      </header>
      <Suspense fallback={loading}>{route.kind === 'facilitator' ? <FacilitatorConsole token={route.token} /> : route.kind === 'join' ? <JoinPage code={route.code} /> : <DrillApp token={route.token} />}</Suspense>
    </main>
  );
}
