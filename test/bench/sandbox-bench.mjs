// What the terminal's sandbox costs per line: two `gameday serve`s side by side in one run, one
// running the terminal's programs under bubblewrap and one without (no bwrap found, so it runs
// them directly for loopback clients), each sent the same lines in alternating order, round by
// round. Reports the median of the rounds' differences, and each side's median. Bounded: 30 rounds
// (SANDBOX_ROUNDS), loopback only.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const gameday = join(root, 'packages', 'simulator', 'bin', 'gameday');
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const lines = ['curl -s localhost:9090/metrics | head -1', 'agenc admin status', 'kubectl get pods -n production'];

async function serve(extraEnv) {
  const dataDir = mkdtempSync(join(tmpdir(), 'gameday-sandbox-bench-'));
  const child = spawn(process.execPath, [gameday, 'serve', '--port', '0', '--clock', 'virtual', '--data-dir', dataDir, '--log', 'silent'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ADMIN_TOKEN: 'bench-admin', FACILITATOR_TOKEN: 'bench-facilitator', ...extraEnv },
  });
  let output = '';
  const url = await new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`gameday serve did not start: ${output}`)), 20_000);
    const onData = (chunk) => {
      output += chunk;
      const match = /serving on (http:\/\/\S+)[\s\S]*\n {2}terminal +(.*)\n/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
  });
  const terminal = /\n {2}terminal +(.*)\n/.exec(output)[1];
  return {
    url,
    terminal,
    async line(command) {
      const started = performance.now();
      const response = await fetch(`${url}/trainer/terminal`, { method: 'POST', headers: { authorization: 'Bearer bench-admin', 'content-type': 'application/json' }, body: JSON.stringify({ command }) });
      const body = await response.json();
      if (response.status !== 200 || body.exitCode !== 0) throw new Error(`${command}: ${response.status} ${JSON.stringify(body)}`);
      return performance.now() - started;
    },
    async stop() {
      const exited = new Promise((resolveExit) => child.once('exit', resolveExit));
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Median ms per terminal line with and without the sandbox, and what the sandbox adds. */
export async function sandboxCost({ rounds = Number(process.env.SANDBOX_ROUNDS ?? 30) } = {}) {
  const sandboxed = await serve({});
  const direct = await serve({ GAMEDAY_BWRAP: '/nonexistent/bwrap' });
  try {
    if (!sandboxed.terminal.startsWith('programs sandboxed')) return { sandbox: sandboxed.terminal, results: [] };
    const results = [];
    for (const command of lines) {
      // Warm-up: the first lines pay for the servers' route compilation and the page cache.
      for (let i = 0; i < 3; i++) {
        await sandboxed.line(command);
        await direct.line(command);
      }
      const times = { sandboxed: [], direct: [] };
      const added = [];
      for (let round = 0; round < Math.min(rounds, 200); round++) {
        // Alternate which side goes first, so drift on a noisy machine hits both alike; the added
        // time is taken per round (the two lines ran next to each other), then its median.
        const order = round % 2 === 0 ? ['sandboxed', 'direct'] : ['direct', 'sandboxed'];
        for (const side of order) times[side].push(await (side === 'sandboxed' ? sandboxed : direct).line(command));
        added.push(times.sandboxed.at(-1) - times.direct.at(-1));
      }
      results.push({ command, rounds: times.sandboxed.length, sandboxed: median(times.sandboxed), direct: median(times.direct), added: median(added) });
    }
    return { sandbox: sandboxed.terminal, results };
  } finally {
    await sandboxed.stop();
    await direct.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { sandbox, results } = await sandboxCost();
  process.stdout.write(`terminal: ${sandbox}\n`);
  for (const result of results) {
    process.stdout.write(`${result.command.padEnd(42)} added ${result.added.toFixed(1)} ms (median of ${result.rounds} rounds' differences; goal < 15 ms); sandboxed ${result.sandboxed.toFixed(1)} ms, direct ${result.direct.toFixed(1)} ms (medians)\n`);
  }
}
