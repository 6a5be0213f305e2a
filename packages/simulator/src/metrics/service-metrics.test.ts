import { beforeEach, describe, expect, it } from 'vitest';
import { adminAuth, buildTestServer, useTestServer } from '../http/test-server';

const t = useTestServer();
beforeEach(() => {
  t.drill.skipTime(30_000, 'warm up');
});

const scrape = async () => {
  const response = await t.server.inject({ method: 'GET', url: '/metrics' });
  expect(response.statusCode).toBe(200);
  expect(response.headers['content-type']).toContain('text/plain');
  return response.body;
};

const value = (body: string, series: string) => {
  const line = body.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('GET /metrics', () => {
  it("has series for the runbook's grep: speculation_(active|rollback|error)", async () => {
    const body = await scrape();
    const matches = body.split('\n').filter((line) => /speculation_(active|rollback|error)/.test(line) && !line.startsWith('#'));
    expect(matches.map((line) => line.split(/[ {]/)[0])).toEqual(
      expect.arrayContaining(['speculation_active_tasks', 'speculation_rollback_rate', 'speculation_rollbacks_total', 'speculation_errors_total']),
    );
  });

  it('exposes memory and limit, snapshots, proofs, integrity, stake and config, each with HELP', async () => {
    const body = await scrape();
    for (const name of [
      'speculation_memory_usage_bytes',
      'speculation_memory_limit_bytes',
      'speculation_snapshots',
      'proof_queue_depth',
      'proof_queue_capacity',
      'proof_workers_ready',
      'speculation_integrity_check_failures_total',
      'stake_balance_tokens',
      'stake_slashed_tokens_total',
      'speculation_config_enabled',
      'speculation_config_max_depth',
      'speculation_config_rollout_percentage',
    ]) {
      expect(body, name).toContain(`# HELP ${name} `);
    }
    for (const line of body.split('\n').filter((candidate) => candidate.startsWith('# TYPE '))) {
      const [, , name] = line.split(' ');
      expect(body, `HELP for ${name}`).toContain(`# HELP ${name} `);
    }
  });

  it('follows the world: disabling speculation shows in the config gauge and, after a while, in active tasks', async () => {
    expect(value(await scrape(), 'speculation_config_enabled')).toBe(1);
    expect(value(await scrape(), 'speculation_active_tasks')).toBeGreaterThan(100);
    await t.server.inject({ method: 'POST', url: '/admin/config', headers: { ...adminAuth, 'content-type': 'application/json' }, payload: '{"speculation.enabled": false}' });
    t.drill.skipTime(30_000, 'test');
    const body = await scrape();
    expect(value(body, 'speculation_config_enabled')).toBe(0);
    expect(value(body, 'speculation_active_tasks')).toBe(0);
  });

  it('uses a registry per app: two servers do not share series', async () => {
    const other = await buildTestServer({ seed: 99 });
    await other.server.inject({ method: 'POST', url: '/admin/config', headers: { ...adminAuth, 'content-type': 'application/json' }, payload: '{"speculation.max_depth": 2}' });
    expect(value(await scrape(), 'speculation_config_max_depth')).toBe(4);
    await other.server.close();
    other.drill.stop();
  });
});
