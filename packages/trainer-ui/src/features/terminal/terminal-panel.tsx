import { useEffect, useRef, useState, type MutableRefObject } from 'react';
import { Panel } from '../../components/panel';
import { ShellSession, type ShellHost, type XtermLike } from './shell-session';
import { CommandHistory } from './command-history';

export type { TerminalOutput } from './shell-session';

/** What the panel needs of a terminal: xterm.js in the app, a fake in component tests. */
export interface TerminalLike extends XtermLike {
  open(element: HTMLElement): void;
  focus(): void;
  dispose(): void;
  /** Fits the columns and rows to the element it was opened in (xterm's fit addon). */
  fit(): void;
}

/** What the rest of the page can do with the terminal: the runbook panel types commands into it. */
export interface TerminalHandle {
  type(command: string): void;
}

async function createXterm(): Promise<TerminalLike> {
  const [{ Terminal }, { FitAddon }] = await Promise.all([import('@xterm/xterm'), import('@xterm/addon-fit')]);
  await import('@xterm/xterm/css/xterm.css');
  const terminal = new Terminal({ cursorBlink: true, convertEol: false, fontSize: 13, rows: 18, screenReaderMode: true, theme: { background: '#0b0e13' } });
  const fit = new FitAddon();
  terminal.loadAddon(fit);
  return Object.assign(terminal, {
    open: (element: HTMLElement) => {
      Terminal.prototype.open.call(terminal, element);
      fit.fit();
    },
    fit: () => fit.fit(),
  });
}

function BusyLine({ command }: { command: string }) {
  const [seconds, setSeconds] = useState(0);
  useEffect(() => {
    const started = Date.now();
    const timer = setInterval(() => setSeconds(Math.floor((Date.now() - started) / 1000)), 1000);
    return () => clearInterval(timer);
  }, []);
  return (
    <p className="terminal-busy" role="status" data-testid="terminal-busy">
      <span className="spinner" aria-hidden="true" /> running <code>{command.length > 60 ? `${command.slice(0, 57)}…` : command}</code> · {seconds} s · Ctrl+C stops it
    </p>
  );
}

/**
 * The in-browser terminal: the trainee types (or pastes, or sends from the runbook) the
 * runbook's commands; the server runs them against the drill and the output comes back as a
 * real shell would print it. Line editing is a real readline's (shell-session.ts).
 */
export function TerminalPanel({
  host,
  drill,
  createTerminal = createXterm,
  handle,
}: {
  host: ShellHost;
  /** Names the drill whose command history the terminal keeps (and a new one drops the others'). */
  drill: string;
  createTerminal?: () => Promise<TerminalLike>;
  handle?: MutableRefObject<TerminalHandle | null>;
}) {
  const container = useRef<HTMLDivElement>(null);
  const [lastOutput, setLastOutput] = useState('');
  const [runs, setRuns] = useState(0);
  const [busy, setBusy] = useState<string | null>(null);
  const hostRef = useRef(host);
  hostRef.current = host;

  useEffect(() => {
    let disposed = false;
    let terminal: TerminalLike | undefined;
    let session: ShellSession | undefined;
    let resized: ResizeObserver | undefined;
    // The host is read at each call, so a new one (a new token) needs no new terminal.
    const current: ShellHost = {
      run: (command, runId, columns) => hostRef.current.run(command, runId, columns),
      complete: (line, cursor) => hostRef.current.complete(line, cursor),
      interrupt: (runId) => hostRef.current.interrupt(runId),
    };
    void createTerminal().then((created) => {
      if (disposed || !container.current) {
        created.dispose();
        return;
      }
      terminal = created;
      terminal.open(container.current);
      // The terminal follows its box (a window resized, a phone turned, the runbook hidden):
      // xterm's columns, and with them the width the server's programs are given.
      const host = container.current;
      resized = new ResizeObserver(() => {
        if (host.clientWidth > 0) created.fit();
      });
      resized.observe(host);
      session = new ShellSession(
        terminal,
        current,
        {
          busy: setBusy,
          ended: (text) => {
            setLastOutput(text);
            setRuns((count) => count + 1);
          },
        },
        undefined,
        new CommandHistory(drill),
      );
      session.start("Runbook commands run against this drill. Try: agenc admin status --component speculation\r\nType help for what is available; Tab completes, Ctrl+R searches what you ran, Ctrl+C stops a command.\r\n");
      if (handle)
        handle.current = {
          type: (command) => {
            session?.type(command);
            terminal?.focus();
          },
        };
    });
    return () => {
      disposed = true;
      resized?.disconnect();
      if (handle) handle.current = null;
      session?.dispose();
      terminal?.dispose();
    };
  }, [createTerminal, handle, drill]);

  return (
    <Panel title="Terminal" className="terminal">
      <div ref={container} className="xterm-host" role="region" aria-label="Terminal: type the runbook's commands" aria-busy={busy !== null} onClick={() => container.current?.querySelector('textarea')?.focus()} />
      {busy !== null ? (
        <BusyLine key={`${runs}-${busy}`} command={busy} />
      ) : (
        <p className="terminal-busy quiet" aria-hidden="true">
          ready
        </p>
      )}
      <div className="sr-only" aria-live="polite" data-testid="terminal-output" data-runs={runs}>
        {lastOutput}
      </div>
    </Panel>
  );
}
