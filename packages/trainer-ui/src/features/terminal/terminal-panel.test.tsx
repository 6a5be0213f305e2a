import { render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { TerminalPanel, type TerminalLike } from './terminal-panel';

/** A terminal that records what is written and lets the test type. */
function fakeTerminal() {
  let listener: (data: string) => void = () => undefined;
  const written: string[] = [];
  const terminal: TerminalLike = {
    open: () => undefined,
    write: (data) => {
      written.push(data);
    },
    onData: (next) => {
      listener = next;
      return { dispose: () => undefined };
    },
    clear: () => undefined,
    focus: () => undefined,
    dispose: () => undefined,
  };
  return { terminal, type: (data: string) => listener(data), output: () => written.join('') };
}

describe('TerminalPanel', () => {
  it('runs a typed command on the server and prints its output, then a new prompt', async () => {
    const fake = fakeTerminal();
    const create = () => Promise.resolve(fake.terminal);
    const run = vi.fn().mockResolvedValue({ stdout: 'NAME  READY\npod-a  1/1\n', stderr: '', exitCode: 0 });
    render(<TerminalPanel run={run} createTerminal={create} />);
    await waitFor(() => expect(fake.output()).toContain('$ '));
    fake.type('kubectl get pods -n production\r');
    await waitFor(() => expect(run).toHaveBeenCalledWith('kubectl get pods -n production'));
    await waitFor(() => expect(fake.output()).toContain('NAME  READY\r\npod-a  1/1\r\n$ '));
    expect(screen.getByTestId('terminal-output').textContent).toBe('NAME  READY\npod-a  1/1');
    expect(screen.getByRole('region', { name: "Terminal: type the runbook's commands" })).toBeTruthy();
  });

  it('prints stderr in red, and what the server said when the request fails', async () => {
    const fake = fakeTerminal();
    const create = () => Promise.resolve(fake.terminal);
    const run = vi
      .fn()
      .mockResolvedValueOnce({ stdout: '', stderr: 'rm: not available in this drill\n', exitCode: 127 })
      .mockRejectedValueOnce(new Error('Cannot reach the gameday server.'));
    render(<TerminalPanel run={run} createTerminal={create} />);
    await waitFor(() => expect(fake.output()).toContain('$ '));
    fake.type('rm -rf /\r');
    await waitFor(() => expect(fake.output()).toContain('\x1b[31mrm: not available in this drill\r\n\x1b[0m'));
    fake.type('agenc stake status\r');
    await waitFor(() => expect(fake.output()).toContain('Cannot reach the gameday server.'));
  });

  it('runs commands typed while one is running, in order', async () => {
    const fake = fakeTerminal();
    const create = () => Promise.resolve(fake.terminal);
    const order: string[] = [];
    const run = vi.fn((command: string) => {
      order.push(command);
      return Promise.resolve({ stdout: `${command}\n`, stderr: '', exitCode: 0 });
    });
    render(<TerminalPanel run={run} createTerminal={create} />);
    await waitFor(() => expect(fake.output()).toContain('$ '));
    fake.type('echo one\recho two\r');
    await waitFor(() => expect(order).toEqual(['echo one', 'echo two']));
  });
});
