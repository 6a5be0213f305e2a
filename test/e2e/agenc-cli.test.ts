/** Issue 2: the agenc CLI's own contract: help, exit codes, JSON output, errors it explains. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, startSimulator, type ServedSimulator } from './support/served-simulator';

const agencBin = join(repoRoot, 'packages', 'simulator', 'bin', 'agenc');
let sim: ServedSimulator;
beforeAll(async () => {
  sim = await startSimulator(['--clock', 'virtual', '--seed', '3']);
});
afterAll(async () => {
  await sim.stop();
});

const agenc = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [agencBin, ...args], { encoding: 'utf8', env: { ...process.env, AGENC_URL: sim.url, ADMIN_TOKEN: sim.adminToken, ...env } });

describe('agenc', () => {
  it('prints help for the program and each command, exit 0', () => {
    const help = agenc(['--help']);
    expect(help.status).toBe(0);
    for (const command of ['admin', 'speculation', 'proof-worker', 'stake']) expect(help.stdout).toContain(command);
    const gcHelp = agenc(['admin', 'gc', '--help']);
    expect(gcHelp.status).toBe(0);
    expect(gcHelp.stdout).toContain('--force');
  });

  it.each([
    [['bogus'], "unknown command 'bogus'"],
    [['admin', 'status', '--bogus'], "unknown option '--bogus'"],
    [['speculation', 'stuck', '--threshold', '5x'], '"5x" is not a duration'],
    [['speculation', 'snapshots', 'clear'], "required option '--older-than <duration>' not specified"],
    [['admin', 'gc', '--component', 'database'], "Allowed choices are speculation"],
  ])('exits 2 on bad usage %j, saying %s', (args, message) => {
    const result = agenc(args);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it('exits 1 with the reason when the service refuses or cannot be reached', () => {
    const refused = agenc(['stake', 'status'], { ADMIN_TOKEN: 'wrong' });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('invalid token');
    const unreachable = agenc(['stake', 'status'], { AGENC_URL: 'http://127.0.0.1:9' });
    expect(unreachable.status).toBe(1);
    expect(unreachable.stderr).toContain('cannot reach the speculation service at http://127.0.0.1:9');
    const noToken = agenc(['stake', 'status'], { ADMIN_TOKEN: '' });
    expect(noToken.status).toBe(1);
    expect(noToken.stderr).toContain('ADMIN_TOKEN is not set');
  });

  it('prints the service answer as JSON with -o json, in any position', () => {
    const before = JSON.parse(agenc(['-o', 'json', 'proof-worker', 'status']).stdout) as { deployment: { desired: number } };
    expect(before.deployment.desired).toBe(8);
    const after = JSON.parse(agenc(['stake', 'status', '-o', 'json']).stdout) as { validator: string };
    expect(after.validator).toMatch(/^agenc-validator-/);
  });

  it('says what a snapshot clear would do without --confirm, and deletes nothing', () => {
    const result = agenc(['speculation', 'snapshots', 'clear', '--older-than', '1m']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Would delete [\d,]+ snapshot\(s\) older than 60s .* Nothing deleted: add --confirm/);
  });
});

describe('agenc config history and messages (issue 14)', () => {
  it("lists the responder's own config change with who made it, newest first, as a table and as JSON", async () => {
    const posted = await fetch(`${sim.url}/admin/config`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sim.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ 'speculation.max_depth': 2 }),
    });
    expect(posted.status).toBe(200);
    const table = agenc(['config', 'history', '--since', '24h']);
    expect(table.status, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^\d+ config change\(s\) in the last 24h, newest first:\nAT +BY +CHANGE +REASON\n\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z {2}admin +speculation\.max_depth: 4 -> 2 +-$/m);
    const json = JSON.parse(agenc(['config', 'history', '-o', 'json']).stdout) as { changes: Array<{ by: string; changes: Record<string, unknown>; previous: Record<string, unknown> }> };
    expect(json.changes[0]).toMatchObject({ by: 'admin', changes: { 'speculation.max_depth': 2 }, previous: { 'speculation.max_depth': 4 } });
  });

  it('reads the messages in a channel, and says so when there are none', () => {
    const result = agenc(['messages', '--channel', '#platform-alerts', '--since', '1h']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toBe('No messages in #platform-alerts in the last 60m.\n');
    const json = JSON.parse(agenc(['messages', '-o', 'json']).stdout) as { channel: string | null; messages: unknown[] };
    expect(json).toMatchObject({ channel: null, messages: [] });
  });

  it('lists the dependencies the service reads from, with owners, numbers and status pages, as a table and as JSON', () => {
    const table = agenc(['dependencies']);
    expect(table.status, table.stderr).toBe(0);
    const lines = table.stdout.split('\n');
    expect(lines[0]).toMatch(/^Dependencies of the speculation service, last minute as of \S+Z:$/);
    expect(lines[1]).toMatch(/^ENDPOINT +OWNER +REQ\/MIN +ERRORS +P99 +STATUS PAGE$/);
    expect(lines[2]).toMatch(/^\S+:8545 +chain-infra +[\d,]+ +\d+\.\d\d% +[\d,]+ms +-$/);
    const json = JSON.parse(agenc(['dependencies', '-o', 'json']).stdout) as { dependencies: Array<{ endpoint: string; owner: string; service: { errorRate: number }; statusPage: unknown }> };
    expect(json.dependencies.length).toBeGreaterThanOrEqual(5);
    expect(json.dependencies.map((dependency) => dependency.owner)).toEqual(expect.arrayContaining(['chain-infra', 'oracle-team']));
  });

  it.each([
    [['dependencies', 'rpc-1'], "too many arguments for 'dependencies'"],
    [['config', 'history', '--since', 'yesterday'], '"yesterday" is not a duration'],
    [['messages', '--channel', '#random'], 'Allowed choices are #platform-alerts, #incidents, #deploys'],
  ])('exits 2 on bad usage %j, saying %s', (args, message) => {
    const result = agenc(args);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it('exits 1 with the service\'s reason when it refuses a window the CLI lets through', () => {
    const result = agenc(['config', 'history', '--since', '60d']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('query field "since": "60d" is longer than the 30d the service keeps');
    expect(result.stderr).toContain('INVALID_PARAMETER');
  });
});

describe('agenc against a realtime drill (issue 14)', () => {
  let live: ServedSimulator;
  beforeAll(async () => {
    live = await startSimulator(['--scenario', 'state-corruption', '--clock', 'realtime', '--speed', '20', '--seed', '3']);
    await live.control('POST', '/_sim/clock/advance', { ms: 20 * 60_000 });
  });
  afterAll(async () => {
    await live.stop();
  });
  const agencLive = (args: string[]) => spawnSync(process.execPath, [agencBin, ...args], { encoding: 'utf8', env: { ...process.env, AGENC_URL: live.url, ADMIN_TOKEN: live.adminToken } });

  it('a full integrity check takes its 42 simulated seconds (2.1 s at x20) before its result is known', () => {
    const started = performance.now();
    const result = agencLive(['admin', 'check-integrity', '--component', 'speculation', '--full']);
    const wallMs = performance.now() - started;
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Integrity check \(full\) of speculation: FAILED\nRecords scanned: {4}4,194,304 in 4[23]s\nCorrupted records: {2}[\d,]+\n/);
    expect(wallMs).toBeGreaterThan(1_900);
    expect(wallMs).toBeLessThan(15_000);
  });

  it('status shows the region and its local time, and what the last full check found, and no alerts', () => {
    const result = agencLive(['admin', 'status', '--component', 'speculation']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Region: {9}[a-z]+-[a-z]+-\d \([A-Za-z_/]+\), local time (Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{4}-\d\d-\d\d \d\d:\d\d UTC([+-]\d+)?; business hours 09:00-18:00 local, Mon-Fri: (yes|no)$/m);
    expect(result.stdout).toMatch(/^Integrity: .*last full check \S+: [\d,]+ corrupted records in \d+ shard\(s\)$/m);
    expect(result.stdout).not.toMatch(/alert/i);
  });
});
