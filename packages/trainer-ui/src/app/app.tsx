import { useTraineeView } from '../lib/use-trainee-view';
import { PagerPanel } from '../features/pager/pager-panel';
import { ReadingsPanel } from '../features/dashboard/readings-panel';
import { PodsPanel } from '../features/dashboard/pods-panel';
import { LogsPanel } from '../features/dashboard/logs-panel';
import { ShellSetupPanel } from '../features/shell-setup/shell-setup-panel';

export function App() {
  const { view, error } = useTraineeView();
  return (
    <main>
      <header>
        <h1>gameday</h1>
        {view && (
          <span className="clock" aria-label="Simulated time">
            {view.clock.simTime.slice(11, 19)} UTC · {view.clock.mode}
            {view.clock.mode === 'realtime' ? ` ×${view.clock.speed}` : ''}
            {view.clock.paused ? ' · paused' : ''}
          </span>
        )}
      </header>
      {error && (
        <p role="status" className="error">
          {error}
        </p>
      )}
      {!view && !error && <p role="status">Connecting to the drill…</p>}
      {view && (
        <div className="grid">
          <PagerPanel alerts={view.alerts} />
          <ReadingsPanel readings={view.readings} config={view.config} />
          <PodsPanel deployments={view.deployments} pods={view.pods} />
          <ShellSetupPanel />
          <LogsPanel logs={view.logs} />
        </div>
      )}
    </main>
  );
}
