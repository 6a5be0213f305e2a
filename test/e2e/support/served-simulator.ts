/**
 * Starts the built `gameday serve` as a child process on a free loopback port, the way a user
 * would, and gives tests a real bash in which the runbook's commands reach it unmodified
 * (after `eval "$(gameday env)"`).
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '..', '..', '..');
export const gamedayBin = join(repoRoot, 'packages', 'simulator', 'bin', 'gameday');

export interface ServedSimulator {
  url: string;
  port: number;
  dataDir: string;
  adminToken: string;
  facilitatorToken: string;
  /** What `gameday serve` printed up to its "serving on" line, and a moment after. */
  startup: () => string;
  process: ChildProcess;
  /** Runs a command line in real bash with the drill's environment, in the drill folder. */
  bash(command: string, options?: { timeoutMs?: number }): { status: number | null; stdout: string; stderr: string };
  /** `bash` without blocking the test's event loop, so a test can time it or run two at once. */
  bashAsync(command: string, options?: { timeoutMs?: number }): Promise<{ status: number | null; stdout: string; stderr: string }>;
  /** Calls the control API with the facilitator token. */
  control<T = unknown>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `gameday serve`; give `dataDir` to reuse one across restarts (it is then kept), `env` to add to its environment. */
export async function startSimulator(args: string[] = [], options: { dataDir?: string; env?: NodeJS.ProcessEnv; tokens?: { admin: string; facilitator: string } } = {}): Promise<ServedSimulator> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'gameday-e2e-'));
  const keepData = options.dataDir !== undefined;
  // A restart that resumes a live drill keeps that drill's tokens: give them to talk to it.
  const adminToken = options.tokens?.admin ?? `admin-${Math.random().toString(36).slice(2)}`;
  const facilitatorToken = options.tokens?.facilitator ?? `facilitator-${Math.random().toString(36).slice(2)}`;
  const child = spawn(process.execPath, [gamedayBin, 'serve', '--port', '0', '--data-dir', dataDir, '--log', 'error', ...args], {
    env: { ...process.env, ADMIN_TOKEN: adminToken, FACILITATOR_TOKEN: facilitatorToken, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`gameday serve did not start in 15 s:\n${output}`)), 15_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /serving on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]!);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gameday serve exited with ${code}:\n${output}`));
    });
  });
  const port = Number(new URL(url).port);
  const bashScript = (command: string) => `eval "$(${JSON.stringify(process.execPath)} ${JSON.stringify(gamedayBin)} env --port ${port} --data-dir ${JSON.stringify(dataDir)})" || exit 99\n${command}`;
  const bashEnv = { ...process.env, ADMIN_TOKEN: '', KUBECONFIG: '' };

  const simulator: ServedSimulator = {
    url,
    port,
    dataDir,
    adminToken,
    facilitatorToken,
    startup: () => output,
    process: child,
    bash(command, options = {}) {
      const result = spawnSync('bash', ['-c', bashScript(command)], { encoding: 'utf8', timeout: options.timeoutMs ?? 30_000, env: bashEnv });
      return { status: result.status, stdout: result.stdout, stderr: result.stderr };
    },
    bashAsync(command, options = {}) {
      return new Promise((resolveRun) => {
        execFile('bash', ['-c', bashScript(command)], { encoding: 'utf8', timeout: options.timeoutMs ?? 30_000, env: bashEnv }, (error, stdout, stderr) => {
          // A killed run (the timeout) has no status, as with spawnSync.
          const status = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
          resolveRun({ status, stdout, stderr });
        });
      });
    },
    async control<T>(method: 'GET' | 'POST', path: string, body?: unknown) {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${facilitatorToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as T;
    },
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
      child.kill(signal);
      const code = await exited;
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
  };
  return simulator;
}

/** The first line of `gameday serve`'s start-up output matching `pattern`, waiting up to 5 s for it. */
export async function startupLine(sim: ServedSimulator, pattern: RegExp): Promise<string> {
  for (let waited = 0; waited < 5000; waited += 20) {
    const match = pattern.exec(sim.startup());
    if (match) return match[0];
    await new Promise((resolveWait) => setTimeout(resolveWait, 20));
  }
  throw new Error(`gameday serve printed no line matching ${pattern}:\n${sim.startup()}`);
}

/** A loopback port free now: for a server a test starts again on the same port (after a kill, a restore). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolvePort(port));
    });
  });
}
