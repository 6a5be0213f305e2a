import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { commandsOf, ShellSession, type ShellHost } from './shell-session';
import { fakeXterm } from './test-xterm';
import { CommandHistory } from './command-history';

const left = '\x1b[D';
const home = '\x1b[H';
const end = '\x1b[F';

function setup(host: Partial<ShellHost> = {}, drill = 'drill') {
  const fake = fakeXterm();
  const run = vi.fn(host.run ?? (() => Promise.resolve({ stdout: 'ok\n', stderr: '', exitCode: 0 })));
  const complete = vi.fn(host.complete ?? (() => Promise.resolve({ from: 0, candidates: [] })));
  const interrupt = vi.fn(host.interrupt ?? (() => Promise.resolve(true)));
  const busy = vi.fn();
  let id = 0;
  const session = new ShellSession(fake.terminal, { run, complete, interrupt }, { busy, ended: () => undefined }, () => `run-${++id}`, new CommandHistory(drill));
  session.start('hello\r\n');
  return { fake, session, run, complete, interrupt, busy };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

beforeEach(() => window.localStorage.clear());
afterEach(() => window.localStorage.clear());

describe('ShellSession: line editing from xterm-readline', () => {
  it('moves the cursor: typing after ← and Home lands where the cursor is, not at the end', async () => {
    const { fake, session, run } = setup();
    fake.type(`kubectl get pds${left}${left}o`);
    expect(session.line).toEqual({ text: 'kubectl get pods', cursor: 14 });
    fake.type(`${home}# `);
    expect(session.line.text).toBe('# kubectl get pods');
    fake.type(`${home}\x1b[3~\x1b[3~${end} -n production\r`);
    await settle();
    expect(run).toHaveBeenCalledWith('kubectl get pods -n production', 'run-1', 120);
  });

  it('Ctrl+A and Ctrl+E go to the start and end; Ctrl+K cuts to the end; Ctrl+U clears the line', () => {
    const { fake, session } = setup();
    fake.type('agenc admin status --verbose');
    fake.type('\x01');
    expect(session.line.cursor).toBe(0);
    fake.type('\x05');
    expect(session.line.cursor).toBe(28);
    fake.type(`${left.repeat(10)}\x0b`);
    expect(session.line.text).toBe('agenc admin status');
    fake.type('\x15');
    expect(session.line.text).toBe('');
  });

  it('Ctrl+W erases the word before the cursor and the spaces after it, as bash does', () => {
    const { fake, session } = setup();
    fake.type('kubectl get pods   ');
    fake.type('\x17');
    expect(session.line).toEqual({ text: 'kubectl get ', cursor: 12 });
    fake.type(`deploy -n production${left.repeat(14)}`);
    fake.type('\x17');
    expect(session.line).toEqual({ text: 'kubectl get  -n production', cursor: 12 });
  });

  it('↑ and ↓ walk the history; Ctrl+R finds an older line by what it holds, Enter runs it', async () => {
    const { fake, session, run } = setup();
    fake.type('kubectl get pods -n production\r');
    await settle();
    fake.type('agenc stake status\r');
    await settle();
    fake.type('\x1b[A');
    expect(session.line.text).toBe('agenc stake status');
    fake.type('\x1b[A');
    expect(session.line.text).toBe('kubectl get pods -n production');
    fake.type('\x1b[B\x1b[B');
    expect(session.line.text).toBe('');
    fake.type('\x12pods');
    expect(fake.output()).toContain("(reverse-i-search)`pods': ");
    expect(session.line.text).toBe('kubectl get pods -n production');
    fake.type('\r');
    await settle();
    expect(run).toHaveBeenLastCalledWith('kubectl get pods -n production', 'run-3', 120);
  });

  it('Ctrl+R then Ctrl+C gives back the line as it was; Esc takes the match to the prompt to edit', () => {
    const { fake, session } = setup();
    window.localStorage.setItem('gameday.history.drill', JSON.stringify(['agenc admin status']));
    const again = setup();
    again.fake.type('half typed');
    again.fake.type('\x12adm\x03');
    expect(again.session.line.text).toBe('half typed');
    again.fake.type('\x12adm\x1b');
    expect(again.session.line).toEqual({ text: 'agenc admin status', cursor: 18 });
    fake.type('\x12zzz');
    expect(fake.output()).toContain("(failed reverse-i-search)`zzz': ");
    expect(session.line.text).toBe('');
  });

  it('Tab completes the one candidate with a space, a shared start without one, and lists several', async () => {
    const complete = vi.fn((line: string, cursor: number) => {
      if (line === 'kubectl g') return Promise.resolve({ from: 8, candidates: ['get'] });
      if (line.startsWith('kubectl get pods -n p')) return Promise.resolve({ from: 20, candidates: ['production'] });
      if (line === 'kubectl logs spec') return Promise.resolve({ from: 13, candidates: ['speculation-worker-a', 'speculation-worker-b'] });
      if (line === 'kubectl logs speculation-worker-') return Promise.resolve({ from: 13, candidates: ['speculation-worker-a', 'speculation-worker-b'] });
      return Promise.resolve({ from: cursor, candidates: [] });
    });
    const { fake, session } = setup({ complete });
    fake.type('kubectl g\t');
    await settle();
    expect(session.line.text).toBe('kubectl get ');
    fake.type('pods -n p\t');
    await settle();
    expect(session.line.text).toBe('kubectl get pods -n production ');
    fake.type('\x15kubectl logs spec\t');
    await settle();
    expect(session.line.text).toBe('kubectl logs speculation-worker-');
    fake.clearOutput();
    fake.type('\t');
    await settle();
    expect(fake.output()).toMatch(/speculation-worker-a\s+speculation-worker-b/);
    expect(session.line).toEqual({ text: 'kubectl logs speculation-worker-', cursor: 32 });
    expect(complete).toHaveBeenCalledWith('kubectl g', 9);
  });

  it('shows the line busy while it runs, and Ctrl+C asks the server to stop it', async () => {
    let finish: (value: { stdout: string; stderr: string; exitCode: number }) => void = () => undefined;
    const { fake, run, interrupt, busy } = setup({ run: () => new Promise((resolve) => (finish = resolve)) });
    fake.type('curl -X POST http://localhost:9090/admin/speculation/drain --max-time 120\r');
    await settle();
    expect(run).toHaveBeenCalledTimes(1);
    expect(busy).toHaveBeenLastCalledWith('curl -X POST http://localhost:9090/admin/speculation/drain --max-time 120');
    fake.type('\x03');
    await settle();
    expect(interrupt).toHaveBeenCalledWith('run-1');
    expect(fake.output()).toContain('^C\r\n');
    finish({ stdout: '', stderr: '', exitCode: 130 });
    await settle();
    expect(busy).toHaveBeenLastCalledWith(null);
  });

  it('ends output that lacks a newline before the next prompt', async () => {
    const { fake } = setup({ run: () => Promise.resolve({ stdout: '{"status":"drained"}', stderr: '', exitCode: 0 }) });
    fake.clearOutput();
    fake.type('curl -s localhost:9090/admin/config\r');
    await settle();
    expect(fake.output()).toContain('{"status":"drained"}\r\n');
    expect(fake.output()).not.toContain('}$ ');
  });

  it('puts a command from the runbook at the prompt without running it, or at the next prompt when busy', async () => {
    let finish: (value: { stdout: string; stderr: string; exitCode: number }) => void = () => undefined;
    const { fake, session, run } = setup({ run: () => new Promise((resolve) => (finish = resolve)) });
    session.type('agenc admin status --component speculation');
    expect(session.line.text).toBe('agenc admin status --component speculation');
    expect(run).not.toHaveBeenCalled();
    fake.type('\r');
    await settle();
    session.type('kubectl get pods -n production');
    finish({ stdout: 'ok\n', stderr: '', exitCode: 0 });
    await settle();
    expect(session.line.text).toBe('kubectl get pods -n production');
    expect(run).toHaveBeenCalledTimes(1);
  });
});

describe('commandsOf', () => {
  it('joins continued lines and drops comments and blank lines, as bash runs a pasted block', () => {
    expect(commandsOf('# 1. Disable\ncurl -X POST http://localhost:9090/admin/config \\\n  -d \'{"a": 1}\'\n\nagenc admin status')).toEqual([`curl -X POST http://localhost:9090/admin/config    -d '{"a": 1}'`, 'agenc admin status']);
  });
});

describe('ShellSession: keys typed while Tab waits for the server', () => {
  it('follow the completion, in order', async () => {
    let answer: (value: { from: number; candidates: string[] }) => void = () => undefined;
    const { fake, session } = setup({ complete: () => new Promise((resolve) => (answer = resolve)) });
    fake.type('kubectl ge\tdeploy');
    expect(session.line.text).toBe('kubectl ge');
    answer({ from: 8, candidates: ['get'] });
    await settle();
    expect(session.line.text).toBe('kubectl get deploy');
  });

  it('keep their order when more keys arrive after the answer but before the terminal has drawn it', async () => {
    let answer: (value: { from: number; candidates: string[] }) => void = () => undefined;
    const { fake, session } = setup({ complete: () => new Promise((resolve) => (answer = resolve)) });
    // A busy page: the terminal runs write callbacks late.
    const held: Array<() => void> = [];
    const write = fake.terminal.write.bind(fake.terminal);
    fake.terminal.write = (data, callback) => write(data, callback ? () => held.push(callback) : undefined);
    fake.type('kubectl ge\td');
    answer({ from: 8, candidates: ['get'] });
    await settle();
    fake.type('eploy');
    for (const callback of held.splice(0)) callback();
    await settle();
    expect(session.line.text).toBe('kubectl get deploy');
  });

  it('keeps history per drill, never a line holding a token, and drops a finished drill’s when a new one starts (issue 16)', async () => {
    window.localStorage.setItem('history', JSON.stringify(['export ADMIN_TOKEN=left-by-an-older-page']));
    const first = setup({}, 'solo-a');
    expect(window.localStorage.getItem('history')).toBeNull();
    first.fake.type(`curl -H "Authorization: Bearer $ADMIN_TOKEN" http://localhost:9090/admin/status\r`);
    await settle();
    first.fake.type('curl -H "Authorization: Bearer 3f9c2a7be1d04c55a8f1" http://localhost:9090/admin/status\r');
    await settle();
    first.fake.type('export ADMIN_TOKEN=3f9c2a7be1d04c55a8f1\r');
    await settle();
    expect(JSON.parse(window.localStorage.getItem('gameday.history.solo-a')!)).toEqual(['curl -H "Authorization: Bearer $ADMIN_TOKEN" http://localhost:9090/admin/status']);
    expect(JSON.stringify({ ...window.localStorage })).not.toContain('3f9c2a7be1d04c55a8f1');
    // ↑ still recalls the line in this page, as a shell would: only storage leaves it out.
    first.fake.type('\x1b[A');
    expect(first.session.line.text).toBe('export ADMIN_TOKEN=3f9c2a7be1d04c55a8f1');

    // The same drill again (a reload) finds its lines; a new drill finds none and the old ones are gone.
    const again = setup({}, 'solo-a');
    again.fake.type('\x1b[A');
    expect(again.session.line.text).toBe('curl -H "Authorization: Bearer $ADMIN_TOKEN" http://localhost:9090/admin/status');
    const next = setup({}, 'gameday-K7QX2M');
    next.fake.type('\x1b[A');
    expect(next.session.line.text).toBe('');
    next.fake.type('\x12curl');
    expect(next.fake.output()).toContain("(failed reverse-i-search)`curl': ");
    expect(window.localStorage.getItem('gameday.history.solo-a')).toBeNull();
  });
});
