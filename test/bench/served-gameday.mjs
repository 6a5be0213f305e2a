// One `gameday serve` child for a benchmark: started on loopback with its own data folder,
// resolved once it prints where it serves; facilitator calls; stopped with its folder removed.
// Shared by the game-day and fleet benchmarks so both start and stop a server the same way.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const gameday = join(root, 'packages', 'simulator', 'bin', 'gameday');
const wait = (ms) => new Promise((resolveWait) => setTimeout(resolveWait, ms));

/**
 * Starts `gameday serve --port 0 --data-dir <temp> --log error …args` under `node …nodeArgs`,
 * with the facilitator token `facilitator`. Rejects if it has not said where it serves within
 * `startMs`, or exits first.
 */
export async function serveGameday({ name = 'gameday', args = [], nodeArgs = [], facilitator, adminToken = `bench-admin-${name}`, startMs = 30_000 }) {
  const dataDir = mkdtempSync(join(tmpdir(), `gameday-bench-${name}-`));
  const child = spawn(process.execPath, [...nodeArgs, gameday, 'serve', '--port', '0', '--data-dir', dataDir, '--log', 'error', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FACILITATOR_TOKEN: facilitator, ADMIN_TOKEN: adminToken },
  });
  let output = '';
  const url = await new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start in ${startMs / 1000} s: ${output}`)), startMs);
    const onData = (chunk) => {
      output += chunk;
      const match = /serving on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code ?? signal}): ${output}`));
    });
  });
  /** A facilitator request; throws on anything but 2xx. */
  const call = async (method, path, body) => {
    const response = await fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${facilitator}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}), signal: AbortSignal.timeout(30_000) });
    if (!response.ok) throw new Error(`${name} ${method} ${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  /** Sends `signal`; resolves once the process is gone (its folder stays until `stop`). */
  const kill = async (signal) => {
    const exited = new Promise((resolveExit) => child.once('exit', resolveExit));
    child.kill(signal);
    await exited;
  };
  /** Stops it (if still running; at most 20 s) and removes its folder. */
  const stop = async (signal = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolveExit) => child.once('exit', resolveExit));
      child.kill(signal);
      await Promise.race([exited, wait(20_000)]);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  // CPU seconds (user + system) it has used so far, from /proc (Linux); undefined elsewhere.
  const cpuSeconds = () => {
    try {
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      return undefined;
    }
  };
  return { name, url, child, call, kill, stop, cpuSeconds, output: () => output };
}
