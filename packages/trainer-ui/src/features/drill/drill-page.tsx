import { useCallback, useEffect, useState } from 'react';
import type { TraineeView } from '@gameday/simulator';
import { ApiError, postJson } from '../../lib/api-client';
import { recordPass } from '../../lib/onboarding-progress';
import { FormError } from '../../components/form-error';
import { PagerPanel } from '../pager/pager-panel';
import { SeverityPanel, type SeverityDeclarationInput } from '../severity/severity-panel';
import { ReadingsPanel } from '../dashboard/readings-panel';
import { ChartsPanel } from '../dashboard/charts-panel';
import { PodsPanel } from '../dashboard/pods-panel';
import { LogsPanel } from '../dashboard/logs-panel';
import { TerminalPanel, type TerminalOutput } from '../terminal/terminal-panel';
import { CommsPanel } from '../comms/comms-panel';
import { TimelinePanel } from '../timeline/timeline-panel';
import { ShellSetupPanel } from '../shell-setup/shell-setup-panel';
import { DebriefPanel } from '../debrief/debrief-panel';

const runCommand = (command: string) => postJson<TerminalOutput>('/trainer/terminal', { command });

/** The drill: pager, dashboard, severity, terminal, comms, timeline, and the clock. */
export function DrillPage({ view, scenario, onLobby }: { view: TraineeView; scenario: string | null; onLobby: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const act = useCallback(async (path: string, body?: unknown) => {
    setBusy(true);
    setError(undefined);
    try {
      await postJson(path, body);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : String(caught));
      throw caught;
    } finally {
      setBusy(false);
    }
  }, []);
  const quietly = (promise: Promise<unknown>) => void promise.catch(() => undefined);

  const passed = view.outcome?.passed === true;
  useEffect(() => {
    if (passed && scenario) recordPass(view.drill.trainee, scenario);
  }, [passed, scenario, view.drill.trainee]);

  const quiet = view.alerts.every((alert) => alert.state !== 'firing');
  const ended = view.trainee.resolvedAt !== null;
  return (
    <>
      <div className="drill-bar" role="toolbar" aria-label="Drill">
        <span className="clock" aria-label="Simulated time">
          {view.clock.simTime.slice(11, 19)} UTC · {view.clock.mode === 'realtime' ? `real time ×${view.clock.speed}` : 'virtual clock'}
          {view.clock.paused ? ' · paused' : ''}
        </span>
        <span className="quiet">
          {view.drill.trainee} · {view.drill.difficulty}
        </span>
        <button type="button" disabled={busy || !quiet || ended} onClick={() => quietly(act('/trainer/fast-forward', { minutes: 5 }))} title="Skip ahead through a quiet stretch; stops when the pager goes off">
          Fast-forward 5 min
        </button>
        <button type="button" disabled={busy || ended || view.trainee.mitigatedAt !== null} onClick={() => quietly(act('/trainer/declare', { state: 'mitigated' }))}>
          {view.trainee.mitigatedAt ? `Mitigated at ${view.trainee.mitigatedAt.slice(11, 16)}` : 'Declare mitigated'}
        </button>
        <button type="button" className="primary" disabled={busy || ended} onClick={() => quietly(act('/trainer/declare', { state: 'resolved' }))}>
          {ended ? `Resolved at ${view.trainee.resolvedAt!.slice(11, 16)}` : 'Declare resolved'}
        </button>
        <button type="button" onClick={onLobby}>
          Lobby
        </button>
      </div>
      <FormError message={error} />
      {view.outcome && (
        <section className={`outcome ${view.outcome.passed ? 'passed' : 'failed'}`} aria-label="Outcome">
          <h2>{view.outcome.passed ? 'Drill passed' : 'Drill not passed'}</h2>
          {view.outcome.reasons.length > 0 && (
            <ul>
              {view.outcome.reasons.map((reason) => (
                <li key={reason}>{reason}</li>
              ))}
            </ul>
          )}
        </section>
      )}
      {view.trainee.resolvedAt && <DebriefPanel resolvedAt={view.trainee.resolvedAt} />}
      {view.hints.length > 0 && (
        <aside className="hints" aria-label="Hints">
          {view.hints.map((hint) => (
            <p key={hint}>{hint}</p>
          ))}
        </aside>
      )}
      <div className="grid">
        <PagerPanel page={view.page} busy={busy} onAcknowledge={() => quietly(act('/trainer/acknowledge'))} />
        <ReadingsPanel readings={view.readings} config={view.config} />
        <ChartsPanel view={view} />
        <TerminalPanel run={runCommand} />
        <SeverityPanel current={view.trainee.severity} changes={view.trainee.severityChanges} busy={busy} onDeclare={(input: SeverityDeclarationInput) => quietly(act('/trainer/severity', input))} />
        <CommsPanel
          trainee={view.trainee}
          busy={busy}
          actions={{
            joinBridge: () => quietly(act('/trainer/bridge')),
            post: (input) => act('/trainer/comms', input),
            escalate: (to) => quietly(act('/trainer/escalations', { to })),
          }}
        />
        <PodsPanel deployments={view.deployments} pods={view.pods} />
        <TimelinePanel timeline={view.timeline} />
        <LogsPanel logs={view.logs} />
        <ShellSetupPanel />
      </div>
    </>
  );
}
