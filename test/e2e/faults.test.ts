/**
 * Issue 8 faults: a client that gives up mid-drain, a socket that floods events, kubectl with a
 * stale discovery cache, SIGTERM during a drill, a missing data file at start.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { startSimulator } from './support/served-simulator';

describe('faults', () => {
  it('a client that gives up mid-drain: journaled as such, and the drain still completes', async () => {
    const sim = await startSimulator(['--clock', 'realtime', '--speed', '1']);
    try {
      const gaveUp = sim.bash('curl -s -X POST http://localhost:9090/admin/speculation/drain -H "Authorization: Bearer $ADMIN_TOKEN" --max-time 1', { timeoutMs: 10_000 });
      expect(gaveUp.status).toBe(28);
      await expect
        .poll(async () => (await sim.control<{ entries: Array<{ action: string; detail?: Record<string, unknown> }> }>('GET', '/_sim/journal')).entries.filter((entry) => ['POST /admin/speculation/drain', 'drain.completed'].includes(entry.action)).map((entry) => (entry.action === 'drain.completed' ? 'completed' : entry.detail?.clientGaveUp === true ? 'gave up' : 'answered')), { timeout: 20_000, interval: 500 })
        .toEqual(['gave up', 'completed']);
      expect((await fetch(`${sim.url}/healthz`)).status).toBe(200);
    } finally {
      await sim.stop();
    }
  });

  it('a socket that floods events does not hold up the server, and a socket without the token is refused', async () => {
    const sim = await startSimulator(['--clock', 'virtual']);
    try {
      const refused = io(sim.url, { auth: { token: 'wrong' }, transports: ['websocket'], reconnection: false });
      await expect(new Promise((_resolve, reject) => refused.on('connect_error', reject))).rejects.toThrow(/unauthorized/);
      refused.close();
      const socket = io(sim.url, { auth: { token: sim.adminToken }, transports: ['websocket'], reconnection: false });
      await new Promise<void>((resolve) => socket.on('view', () => resolve()));
      const junk = 'x'.repeat(1000);
      for (let i = 0; i < 20_000; i++) socket.emit('flood', junk, i);
      const started = performance.now();
      expect((await fetch(`${sim.url}/healthz`)).status).toBe(200);
      expect(performance.now() - started).toBeLessThan(2000);
      await new Promise<void>((resolve) => socket.once('view', () => resolve()));
      socket.close();
    } finally {
      await sim.stop();
    }
  });

  it('kubectl with a stale discovery cache from an earlier server on the same port still works', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'gameday-kube-cache-'));
    const first = await startSimulator(['--clock', 'virtual']);
    const port = first.port;
    expect(first.bash(`kubectl --cache-dir ${cache} get pods -n production -l component=speculation`).status).toBe(0);
    await first.stop();
    const second = await startSimulator(['--clock', 'virtual', '--seed', '99', '--port', String(port)]);
    try {
      const pods = second.bash(`kubectl --cache-dir ${cache} get pods -n production -l component=speculation`);
      expect(pods.status, pods.stderr).toBe(0);
      expect(pods.stdout).toMatch(/^NAME\s+READY/);
      expect(second.bash(`kubectl --cache-dir ${cache} scale deployment proof-worker -n production --replicas=10`).stdout.trim()).toBe('deployment.apps/proof-worker scaled');
    } finally {
      await second.stop();
      rmSync(cache, { recursive: true, force: true });
    }
  });

  it('SIGTERM during a drill, with a drain in flight: finished drills kept, serve record removed, exit 0 within 5 s', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gameday-sigterm-'));
    const sim = await startSimulator(['--clock', 'realtime', '--speed', '0.2'], { dataDir });
    const auth = { authorization: `Bearer ${sim.adminToken}`, 'content-type': 'application/json' };
    await fetch(`${sim.url}/trainer/drills`, { method: 'POST', headers: auth, body: JSON.stringify({ trainee: 'Ren', scenario: 'baseline' }) });
    const finished = await fetch(`${sim.url}/trainer/declare`, { method: 'POST', headers: auth, body: '{"state":"resolved"}' });
    expect(finished.status).toBe(200);
    const { drillId } = (await finished.json()) as { drillId: string };
    const drain = fetch(`${sim.url}/admin/speculation/drain?wait_s=120`, { method: 'POST', headers: { authorization: auth.authorization } }).catch(() => 'closed');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = performance.now();
    expect(await sim.stop('SIGTERM')).toBe(0);
    expect(performance.now() - started).toBeLessThan(5000);
    await drain;
    expect(readdirSync(join(dataDir, 'private', 'serve'))).toEqual([]);
    const again = await startSimulator(['--clock', 'virtual'], { dataDir });
    try {
      const kept = await fetch(`${again.url}/trainer/drills/${drillId}`, { headers: { authorization: `Bearer ${again.adminToken}` } });
      expect(kept.status).toBe(200);
      expect(((await kept.json()) as { trainee: string }).trainee).toBe('Ren');
    } finally {
      await again.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('starts with a fresh database when the data file is missing, leaving other files alone', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gameday-fresh-'));
    writeFileSync(join(dataDir, 'notes.txt'), 'kept');
    const sim = await startSimulator(['--clock', 'virtual'], { dataDir });
    try {
      expect(existsSync(join(dataDir, 'gameday.db'))).toBe(true);
      expect(existsSync(join(dataDir, 'notes.txt'))).toBe(true);
    } finally {
      await sim.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
