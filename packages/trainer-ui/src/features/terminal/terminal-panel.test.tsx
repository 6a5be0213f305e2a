import { createRef } from 'react';
import { render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { TerminalPanel, type TerminalHandle } from './terminal-panel';
import type { ShellHost } from './shell-session';
import { fakeXterm } from './test-xterm';
import { resizeObserved } from '../../test-setup';

type MockHost = { [K in keyof ShellHost]: ReturnType<typeof vi.fn<ShellHost[K]>> };
const host = (overrides: Partial<ShellHost> = {}): MockHost => ({
  run: vi.fn<ShellHost['run']>(overrides.run ?? (() => Promise.resolve({ stdout: 'NAME  READY\npod-a  1/1\n', stderr: '', exitCode: 0 }))),
  complete: vi.fn<ShellHost['complete']>(overrides.complete ?? (() => Promise.resolve({ from: 0, candidates: [] }))),
  interrupt: vi.fn<ShellHost['interrupt']>(overrides.interrupt ?? (() => Promise.resolve(true))),
});

describe('TerminalPanel', () => {
  it('runs a typed command on the server and prints its output, then a new prompt', async () => {
    const fake = fakeXterm();
    const shell = host();
    render(<TerminalPanel drill="d1" host={shell} createTerminal={() => Promise.resolve(fake.terminal)} />);
    await waitFor(() => expect(fake.output()).toContain('$ '));
    fake.type('kubectl get pods -n production\r');
    await waitFor(() => expect(shell.run).toHaveBeenCalledWith('kubectl get pods -n production', expect.any(String), 120));
    await waitFor(() => expect(fake.output()).toMatch(/NAME {2}READY\r\npod-a {2}1\/1\r\n[\s\S]*\$ /));
    expect(screen.getByTestId('terminal-output').textContent).toBe('NAME  READY\npod-a  1/1');
    expect(screen.getByRole('region', { name: "Terminal: type the runbook's commands" })).toBeTruthy();
  });

  it("fits itself to its box when the box changes size, and gives the server the new width", async () => {
    const fake = fakeXterm();
    const shell = host();
    render(<TerminalPanel drill="d1" host={shell} createTerminal={() => Promise.resolve(fake.terminal)} />);
    await waitFor(() => expect(fake.output()).toContain('$ '));
    const region = screen.getByRole('region', { name: "Terminal: type the runbook's commands" });
    // jsdom lays nothing out: give the box the width a phone's layout would.
    Object.defineProperty(region, 'clientWidth', { configurable: true, value: 358 });
    const before = fake.fits();
    fake.terminal.cols = 44;
    resizeObserved();
    expect(fake.fits()).toBe(before + 1);
    fake.type('help\r');
    await waitFor(() => expect(shell.run).toHaveBeenCalledWith('help', expect.any(String), 44));
  });

  it('prints stderr in red, and what the server said when the request fails', async () => {
    const fake = fakeXterm();
    const run = vi
      .fn()
      .mockResolvedValueOnce({ stdout: '', stderr: 'rm: not available in this drill\n', exitCode: 127 })
      .mockRejectedValueOnce(new Error('Cannot reach the gameday server.'));
    render(<TerminalPanel drill="d1" host={host({ run })} createTerminal={() => Promise.resolve(fake.terminal)} />);
    await waitFor(() => expect(fake.output()).toContain('$ '));
    fake.type('rm -rf /\r');
    await waitFor(() => expect(fake.output()).toContain('\x1b[31mrm: not available in this drill\r\n\x1b[0m'));
    fake.type('agenc stake status\r');
    await waitFor(() => expect(fake.output()).toContain('Cannot reach the gameday server.'));
  });

  it('runs every command of a pasted block in order, one after another', async () => {
    const fake = fakeXterm();
    const order: string[] = [];
    const run = vi.fn((command: string) => {
      order.push(command);
      return Promise.resolve({ stdout: `${command}\n`, stderr: '', exitCode: 0 });
    });
    render(<TerminalPanel drill="d1" host={host({ run })} createTerminal={() => Promise.resolve(fake.terminal)} />);
    await waitFor(() => expect(fake.output()).toContain('$ '));
    fake.paste('echo one\recho two');
    fake.type('\r');
    await waitFor(() => expect(order).toEqual(['echo one', 'echo two']));
  });

  it('says a command is running until it ends, with Ctrl+C to stop it', async () => {
    const fake = fakeXterm();
    let finish: (value: { stdout: string; stderr: string; exitCode: number }) => void = () => undefined;
    const shell = host({ run: () => new Promise((resolve) => (finish = resolve)) });
    render(<TerminalPanel drill="d1" host={shell} createTerminal={() => Promise.resolve(fake.terminal)} />);
    await waitFor(() => expect(fake.output()).toContain('$ '));
    fake.type('curl -s -X POST http://localhost:9090/admin/speculation/drain --max-time 120\r');
    await waitFor(() => expect(screen.getByTestId('terminal-busy').textContent).toContain('running curl -s -X POST'));
    expect(screen.getByTestId('terminal-busy').textContent).toContain('Ctrl+C stops it');
    expect(screen.getByRole('region', { name: "Terminal: type the runbook's commands" }).getAttribute('aria-busy')).toBe('true');
    fake.type('\x03');
    await waitFor(() => expect(shell.interrupt).toHaveBeenCalled());
    finish({ stdout: '', stderr: '', exitCode: 130 });
    await waitFor(() => expect(screen.queryByTestId('terminal-busy')).toBeNull());
  });

  it('lets the page type a command at the prompt through its handle', async () => {
    const fake = fakeXterm();
    const shell = host();
    const handle = createRef<TerminalHandle>() as { current: TerminalHandle | null };
    render(<TerminalPanel drill="d1" host={shell} handle={handle} createTerminal={() => Promise.resolve(fake.terminal)} />);
    await waitFor(() => expect(handle.current).not.toBeNull());
    handle.current!.type('agenc admin status --component speculation');
    expect(fake.output()).toContain('agenc admin status --component speculation');
    expect(shell.run).not.toHaveBeenCalled();
    fake.type('\r');
    await waitFor(() => expect(shell.run).toHaveBeenCalledWith('agenc admin status --component speculation', expect.any(String), 120));
  });
});
