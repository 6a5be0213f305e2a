import { useEffect, useRef, useState } from 'react';
import { Panel } from '../../components/panel';
import { LineEditor, prompt } from './line-editor';

/** What the panel needs of a terminal: xterm.js in the app, a fake in component tests. */
export interface TerminalLike {
  open(element: HTMLElement): void;
  write(data: string): void;
  onData(listener: (data: string) => void): { dispose(): void };
  clear(): void;
  focus(): void;
  dispose(): void;
}

export interface TerminalOutput {
  stdout: string;
  stderr: string;
  exitCode: number;
}

const crlf = (text: string) => text.replace(/\r?\n/g, '\r\n');

async function createXterm(): Promise<TerminalLike> {
  const [{ Terminal }, { FitAddon }] = await Promise.all([import('@xterm/xterm'), import('@xterm/addon-fit')]);
  await import('@xterm/xterm/css/xterm.css');
  const terminal = new Terminal({ cursorBlink: true, convertEol: false, fontSize: 13, rows: 18, screenReaderMode: true, theme: { background: '#0b0e13' } });
  const fit = new FitAddon();
  terminal.loadAddon(fit);
  return {
    open: (element) => {
      terminal.open(element);
      fit.fit();
    },
    write: (data) => terminal.write(data),
    onData: (listener) => terminal.onData(listener),
    clear: () => terminal.clear(),
    focus: () => terminal.focus(),
    dispose: () => terminal.dispose(),
  };
}

/**
 * The in-browser terminal: the trainee types (or pastes) the runbook's commands; the server runs
 * them against the drill and the output comes back as a real shell would print it.
 */
export function TerminalPanel({ run, createTerminal = createXterm }: { run: (command: string) => Promise<TerminalOutput>; createTerminal?: () => Promise<TerminalLike> }) {
  const container = useRef<HTMLDivElement>(null);
  const [lastOutput, setLastOutput] = useState('');
  const [runs, setRuns] = useState(0);
  const runRef = useRef(run);
  runRef.current = run;

  useEffect(() => {
    let disposed = false;
    let terminal: TerminalLike | undefined;
    const editor = new LineEditor();
    const queue: string[] = [];
    let running = false;
    const drain = async () => {
      if (running) return;
      running = true;
      while (queue.length > 0 && !disposed) {
        const command = queue.shift()!;
        try {
          const result = await runRef.current(command);
          if (result.stdout) terminal?.write(crlf(result.stdout));
          if (result.stderr) terminal?.write(`\x1b[31m${crlf(result.stderr)}\x1b[0m`);
          setLastOutput(`${result.stdout}${result.stderr}`.trim() || `exit ${result.exitCode}`);
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          terminal?.write(`\x1b[31m${crlf(message)}\x1b[0m\r\n`);
          setLastOutput(message);
        }
        terminal?.write(prompt);
        setRuns((count) => count + 1);
      }
      running = false;
    };
    void createTerminal().then((created) => {
      if (disposed || !container.current) {
        created.dispose();
        return;
      }
      terminal = created;
      terminal.open(container.current);
      terminal.write('Runbook commands run against this drill. Try: agenc admin status --component speculation\r\n');
      terminal.write('Type help for what is available.\r\n' + prompt);
      terminal.onData((data) => {
        const result = editor.feed(data);
        if (result.clear) {
          terminal?.clear();
          terminal?.write(`\r\x1b[K${prompt}${editor.current}`);
        }
        if (result.echo) terminal?.write(result.echo);
        if (result.submitted.length > 0) {
          queue.push(...result.submitted);
          void drain();
        }
      });
    });
    return () => {
      disposed = true;
      terminal?.dispose();
    };
  }, [createTerminal]);

  return (
    <Panel title="Terminal" className="terminal">
      <div ref={container} className="xterm-host" role="region" aria-label="Terminal: type the runbook's commands" onClick={() => container.current?.querySelector('textarea')?.focus()} />
      <div className="sr-only" aria-live="polite" data-testid="terminal-output" data-runs={runs}>
        {lastOutput}
      </div>
    </Panel>
  );
}
