import { useCallback, useEffect, useRef, useState } from 'react';
import type { TraineeView } from '@gameday/simulator';
import { ApiError, postJson } from '../../lib/api-client';
import { recordPass } from '../../lib/onboarding-progress';
import { FormError } from '../../components/form-error';
import { Panel } from '../../components/panel';
import { PagerPanel, isRinging } from '../pager/pager-panel';
import { SeverityPanel, type SeverityDeclarationInput } from '../severity/severity-panel';
import { ReadingsPanel } from '../dashboard/readings-panel';
import { ChartsPanel } from '../dashboard/charts-panel';
import { PodsPanel } from '../dashboard/pods-panel';
import { LogsPanel } from '../dashboard/logs-panel';
import { TerminalPanel, type TerminalHandle, type TerminalOutput } from '../terminal/terminal-panel';
import type { Completion, ShellHost } from '../terminal/shell-session';
import { RunbookPanel } from '../runbook/runbook-panel';
import { CommsPanel } from '../comms/comms-panel';
import { TimelinePanel } from '../timeline/timeline-panel';
import { ShellSetupPanel } from '../shell-setup/shell-setup-panel';
import { DebriefPanel } from '../debrief/debrief-panel';
import { DeclareButtons } from './declare-buttons';
import { SessionBanner } from '../gameday/session-banner';
import { RaceBanner, RaceScores } from '../race/race-banner';
import type { Me } from '../../lib/use-drill-view';

/** The terminal's server side: run a line, stop it (Ctrl+C), complete a word (Tab). */
const shellHost: ShellHost = {
  run: (command, runId, columns) => postJson<TerminalOutput>('/trainer/terminal', { command, runId, columns: Math.min(500, Math.max(20, columns)) }),
  interrupt: async (runId) => (await postJson<{ interrupted: boolean }>('/trainer/terminal/interrupt', { runId })).interrupted,
  complete: (line, cursor) => postJson<Completion>('/trainer/terminal/complete', { line, cursor }),
};

/** The drill: pager, dashboard, severity, terminal, comms, timeline, and the clock (racing a ghost, the race's scores). */
export function DrillPage({
  view,
  me,
  scenario,
  title = null,
  drill,
  onLobby,
}: {
  view: TraineeView;
  me: Me | null;
  scenario: string | null;
  /** What the trainee chose to practise, for the drill bar ("a surprise" when they did not); none in a game-day (its banner says). */
  title?: string | null;
  drill: string;
  onLobby: (() => void) | null;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const terminal = useRef<TerminalHandle | null>(null);
  const typeCommand = useCallback((command: string) => terminal.current?.type(command), []);
  const [runbookShown, setRunbookShown] = useState(true);
  const pager = useRef<HTMLDivElement>(null);
  // A drill started from far down the lobby would open scrolled past its pager: bring it into view.
  useEffect(() => {
    pager.current?.scrollIntoView?.({ block: 'nearest' });
  }, []);

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

  // Fast-forward is for waiting: the server refuses it while the incident's page waits; the bar,
  // which cannot tell the page from a platform warning, waits while anything rings or waits.
  const ringing = isRinging(view.page) || (view.page?.waiting ?? 0) > 0;
  const incidentOpen = view.alerts.some((alert) => alert.state === 'firing');
  // In a game-day: what this person's role allows (the server checks it too), and whether the
  // session is live at all.
  const live = view.session === null || view.session.status === 'running';
  const can = (permission: string) => live && (me === null || me.permissions.includes(permission));
  const ended = view.trainee.resolvedAt !== null || view.session?.status === 'ended';
  // A disabled button says why, as the declare buttons do.
  const fastForwardTitle = ended
    ? 'The drill has ended'
    : ringing
      ? 'The pager is ringing: acknowledge first; fast-forward is for waiting, and stops when the pager goes off'
      : !can('fast-forward')
        ? 'Your role does not move the clock; the facilitator does'
        : incidentOpen
          ? 'Skip ahead while you wait (for a dependency, a rollout, a recovery step to settle); stops if the incident pages again'
          : 'Skip ahead through a quiet stretch; stops when the pager goes off';
  return (
    <>
      <div className="drill-bar" role="toolbar" aria-label="Drill">
        <span className="clock" aria-label="Simulated time">
          {view.clock.simTime.slice(11, 19)} UTC · {view.clock.mode === 'realtime' ? `real time ×${view.clock.speed}` : 'virtual clock'}
          {view.clock.paused ? ' · paused' : ''}
        </span>
        <span className="region" aria-label="Primary region">
          {view.region.name} · {view.region.localTime} local · {view.region.businessHours ? 'business hours' : 'outside business hours'}
        </span>
        <span className="quiet">
          {view.drill.trainee} · {view.drill.difficulty}
          {title ? ` · ${title}` : ''}
        </span>
        <button type="button" disabled={busy || ringing || ended || !can('fast-forward')} onClick={() => quietly(act('/trainer/fast-forward', { minutes: 5 }))} title={fastForwardTitle}>
          Fast-forward 5 min
        </button>
        <DeclareButtons page={view.page} trainee={view.trainee} ended={ended} disabled={busy || !can('declare')} onDeclare={(state) => quietly(act('/trainer/declare', { state }))} />
        <button type="button" aria-controls="runbook-slot" aria-expanded={runbookShown} onClick={() => setRunbookShown((shown) => !shown)} title="The runbook sits beside the terminal on wide screens and below it on narrow ones; hide it to give the terminal the whole width">
          {runbookShown ? 'Hide runbook' : 'Show runbook'}
        </button>
        {onLobby && (
          <button type="button" onClick={onLobby}>
            Lobby
          </button>
        )}
      </div>
      {view.session && <SessionBanner session={view.session} me={me} />}
      {view.ghost && <RaceBanner ghost={view.ghost} />}
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
      {ended && <DebriefPanel resolvedAt={view.trainee.resolvedAt ?? 'ended by the facilitator'} />}
      {view.hints.length > 0 && (
        <aside className="hints" aria-label="Hints">
          {view.hints.map((hint) => (
            <p key={hint}>{hint}</p>
          ))}
        </aside>
      )}
      <div className="grid">
        {/* While it rings, the pager stays at the top of a narrow screen (sticky), whatever is scrolled. */}
        <div ref={pager} className={`pager-slot ${isRinging(view.page) ? 'ringing' : ''}`}>
          <PagerPanel page={view.page} busy={busy || !can('acknowledge')} onAcknowledge={(alert) => quietly(act(`/trainer/acknowledge?alert=${encodeURIComponent(alert)}`))} />
        </div>
        <ReadingsPanel view={view} />
        <ChartsPanel view={view} />
        {/* The terminal takes the row's width; the runbook sits beside it on wide screens, below it on narrow ones, or hidden. */}
        <div className={`workbench ${runbookShown ? '' : 'runbook-hidden'}`}>
          {can('command') || !live ? (
            <TerminalPanel host={shellHost} drill={drill} handle={terminal} />
          ) : (
            <Panel title="Terminal" className="terminal">
              <p className="quiet">As {me?.role ?? 'an observer'} you watch; the incident commander and the primary on-call run the commands. Their commands appear in the timeline with their names.</p>
            </Panel>
          )}
          <div id="runbook-slot" className="runbook-slot" hidden={!runbookShown}>
            <RunbookPanel runbookSection={view.page?.runbookSection ?? null} onType={can('command') || !live ? typeCommand : null} />
          </div>
        </div>
        <SeverityPanel current={view.trainee.severity} changes={view.trainee.severityChanges} busy={busy || ended || !can('severity')} onDeclare={(input: SeverityDeclarationInput) => quietly(act('/trainer/severity', input))} />
        <CommsPanel
          trainee={view.trainee}
          messages={view.messages}
          busy={busy}
          allowed={{ bridge: can('bridge'), comms: can('comms'), escalate: can('escalate') }}
          facts={{
            name: me?.name ?? view.drill.trainee,
            severity: view.trainee.severity?.severity ?? null,
            bridgeUrl: view.comms.bridgeUrl,
            // The page the responder answered, once they have: a platform warning the pager shows later is not the incident.
            summary: view.alerts.find((alert) => alert.name === (view.trainee.answeredPage?.alert ?? view.page?.alert))?.summary ?? null,
            pagedAt: view.trainee.answeredPage?.firedAt ?? view.page?.firedAt ?? null,
            now: view.clock.simTime,
            updateEveryMinutes: view.comms.updateEveryMinutes,
          }}
          actions={{
            joinBridge: () => quietly(act('/trainer/bridge')),
            // The comms box shows a refusal itself, beside the text, and clears it when the text changes.
            post: async (input) => void (await postJson('/trainer/comms', input)),
            say: async (text) => void (await postJson('/trainer/bridge/messages', { text })),
            escalate: (to) => quietly(act('/trainer/escalations', { to })),
          }}
        />
        <PodsPanel deployments={view.deployments} pods={view.pods} />
        <TimelinePanel timeline={view.timeline} heading={view.ghost && <RaceScores race={view.ghost} label="Race score so far, beside the ghost's steps" />} />
        <LogsPanel logs={view.logs} />
        <ShellSetupPanel inSession={view.session !== null} />
      </div>
    </>
  );
}
