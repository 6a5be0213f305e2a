import { useState } from 'react';
import { setApiToken } from '../lib/api-client';
import { readSessionToken } from '../lib/session-token';
import { useDrillView } from '../lib/use-drill-view';
import { LobbyPage, type StartedDrill } from '../features/lobby/lobby-page';
import { DrillPage } from '../features/drill/drill-page';

const token = readSessionToken();
setApiToken(token);

function readStarted(): StartedDrill | null {
  try {
    return JSON.parse(sessionStorage.getItem('gameday.drill') ?? 'null') as StartedDrill | null;
  } catch {
    return null;
  }
}

export function App() {
  const { view, error } = useDrillView(token);
  const [started, setStarted] = useState<StartedDrill | null>(readStarted);
  const [inLobby, setInLobby] = useState(started === null);

  const onStarted = (drill: StartedDrill) => {
    sessionStorage.setItem('gameday.drill', JSON.stringify(drill));
    setStarted(drill);
    setInLobby(false);
  };

  return (
    <main>
      <header>
        <h1>gameday</h1>
        <span className="quiet">incident drills for the speculation service</span>
      </header>
      {error && (
        <p role="status" className="error">
          {error}
        </p>
      )}
      {inLobby || !started ? (
        <LobbyPage onStarted={onStarted} trainee={started?.trainee ?? ''} />
      ) : view ? (
        <DrillPage view={view} scenario={started.scenario} onLobby={() => setInLobby(true)} />
      ) : (
        !error && <p role="status">Connecting to the drill…</p>
      )}
    </main>
  );
}
