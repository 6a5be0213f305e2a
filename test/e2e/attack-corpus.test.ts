/**
 * Issue 13: the attack corpus. A game-day participant who may use the terminal (the only thing
 * a join code gives) types every line of attack-corpus/terminal-attacks.txt into the in-browser
 * terminal of a real `gameday serve`. Each line must leave three things true: no secret (a canary
 * file's content, anyone's token) appears in any answer, no file appears outside the attacker's
 * own folder, and both the main server and the session's server still answer /healthz.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type ServedSimulator } from './support/served-simulator';

interface Attack {
  line: number;
  kind: string;
  steps: string[];
}

const corpusFile = join(import.meta.dirname, 'attack-corpus', 'terminal-attacks.txt');
const corpus: Attack[] = readFileSync(corpusFile, 'utf8')
  .split('\n')
  .map((text, index) => ({ text, line: index + 1 }))
  .filter(({ text }) => text.trim() !== '' && !text.startsWith('#'))
  .map(({ text, line }) => {
    const [kind, steps] = text.split('\t');
    if (kind === undefined || steps === undefined) throw new Error(`${corpusFile}:${line}: write "class<TAB>steps"`);
    return { line, kind, steps: steps.split(' ;; ') };
  });

interface Joined {
  token: string;
  url: string;
}

let sim: ServedSimulator;
let session: { code: string; url: string };
let attacker: Joined;
let victim: Joined;
let attackerDir: string;
let victimDir: string;
let attackerKubeCache: string;
const canary = { path: '', content: `canary-${randomBytes(12).toString('hex')}` };
const tmpCanary = { path: join(tmpdir(), `gameday-canary-${randomBytes(6).toString('hex')}`), content: `tmp-canary-${randomBytes(12).toString('hex')}` };

async function join_(code: string, name: string, role: string): Promise<Joined> {
  const response = await fetch(`${sim.url}/gameday/join/${code}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, role }) });
  if (response.status !== 200) throw new Error(`join ${name}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Joined;
}

/**
 * Types a line; or, for a step `@complete BODY` or `@interrupt BODY`, sends BODY as it is (any
 * text, JSON or not) where Tab and Ctrl+C go.
 */
async function type(person: Joined, command: string, runId?: string): Promise<{ status: number; text: string; stdout: string }> {
  const keyPress = /^@(complete|interrupt) (.*)$/s.exec(command);
  const response = await fetch(`${session.url}/trainer/terminal${keyPress ? `/${keyPress[1]!}` : ''}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${person.token}` },
    body: keyPress ? keyPress[2]! : JSON.stringify(runId === undefined ? { command } : { command, runId }),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  let stdout = '';
  try {
    stdout = (JSON.parse(text) as { stdout?: string }).stdout ?? '';
  } catch {
    // Not JSON: the whole text is checked below anyway.
  }
  return { status: response.status, text, stdout };
}

/** Every file under `dir`, but those of `except` and the store's own (SQLite changes as it likes). */
function files(dir: string, except: string[]): Set<string> {
  const found = new Set<string>();
  const walk = (current: string) => {
    for (const name of readdirSync(current)) {
      const path = join(current, name);
      if (except.some((skip) => path === skip || path.startsWith(`${skip}/`))) continue;
      if (/\.db(-wal|-shm|-journal)?$/.test(name)) continue;
      if (statSync(path).isDirectory()) walk(path);
      else found.add(relative(dir, path));
    }
  };
  walk(dir);
  return found;
}

async function healthy(url: string): Promise<number> {
  return (await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) })).status;
}

beforeAll(async () => {
  sim = await startSimulator(['--speed', '10']);
  canary.path = join(sim.dataDir, 'canary-secret.txt');
  writeFileSync(canary.path, `${canary.content}\n`);
  writeFileSync(tmpCanary.path, `${tmpCanary.content}\n`);
  session = await sim.control('POST', '/gameday/sessions', { scenario: 'rollback-storm', team: 'red', seed: 4, speed: 10 });
  await sim.control('POST', `/gameday/sessions/${session.code}/start`);
  attacker = await join_(session.code, 'Mallory', 'primary-on-call');
  victim = await join_(session.code, 'Victor', 'incident-commander');
  attackerDir = (await type(attacker, 'pwd')).stdout.trim();
  // kubectl's own cache, private to the attacker and written only by kubectl with the server's answers.
  attackerKubeCache = join(sim.dataDir, 'private', 'drills', new URL(session.url).port, 'users', attacker.token.split('.')[0]!, 'kube-cache');
  victimDir = (await type(victim, 'pwd')).stdout.trim();
}, 60_000);

afterAll(async () => {
  rmSync(tmpCanary.path, { force: true });
  await sim?.stop();
});

describe('the attack corpus against the in-browser terminal', () => {
  it('has at least 40 attacks in every class the issue names', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(40);
    expect(new Set(corpus.map((attack) => attack.kind))).toEqual(
      new Set(['settings-file', 'at-file', 'url-trick', 'flag-as-value', 'template-file', 'write-out', 'script-overwrite', 'globbing', 'traversal', 'lookalike', 'other-participant', 'completion', 'interrupt']),
    );
  });

  it('gives each participant a folder of their own', () => {
    expect(attackerDir).not.toBe('');
    expect(victimDir).not.toBe(attackerDir);
    expect(relative(attackerDir, victimDir).startsWith('..')).toBe(true);
  });

  it.each(corpus.map((attack) => [`${attack.line}: ${attack.kind}: ${attack.steps.join(' ;; ')}`, attack] as const))('%s', { timeout: 120_000 }, async (_name, attack) => {
    const secrets = [canary.content, tmpCanary.content, victim.token, victim.token.split('.')[1]!, sim.adminToken, sim.facilitatorToken];
    const before = files(sim.dataDir, [attackerDir, attackerKubeCache]);
    const fill = (step: string) =>
      step
        .replaceAll('{{CANARY}}', canary.path)
        .replaceAll('{{TMP_CANARY}}', tmpCanary.path)
        .replaceAll('{{DATA_DIR}}', sim.dataDir)
        .replaceAll('{{MAIN_PORT}}', String(sim.port))
        .replaceAll('{{PORT}}', new URL(session.url).port)
        .replaceAll('{{OTHER}}', relative(attackerDir, victimDir))
        .replaceAll('{{OTHER_ID}}', victim.token.split('.')[0]!);
    for (const step of attack.steps) {
      const answer = await type(attacker, fill(step));
      for (const secret of secrets) expect(answer.text, `a secret leaked from: ${step}`).not.toContain(secret);
      expect(answer.status, answer.text).toBeLessThan(500);
    }
    const after = files(sim.dataDir, [attackerDir, attackerKubeCache]);
    expect([...after].filter((path) => !before.has(path)), 'files written outside the attacker’s folder').toEqual([]);
    for (const escaped of ['/tmp/escape', join(tmpdir(), 'escape.txt')]) expect(() => statSync(escaped)).toThrow();
    expect(await healthy(sim.url)).toBe(200);
    expect(await healthy(session.url)).toBe(200);
  });

  it("cannot stop another participant's running line with its run id", { timeout: 60_000 }, async () => {
    const runId = 'victim-run-0001';
    const started = performance.now();
    const victimLine = type(victim, 'curl -s -X POST http://localhost:9090/admin/speculation/drain -H "Authorization: Bearer $ADMIN_TOKEN" --max-time 3', runId);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const attempt = await type(attacker, `@interrupt ${JSON.stringify({ runId })}`);
    expect(JSON.parse(attempt.text)).toEqual({ interrupted: false });
    const answer = await victimLine;
    expect((JSON.parse(answer.text) as { exitCode: number }).exitCode).not.toBe(130);
    expect(performance.now() - started).toBeGreaterThan(250);
  });

  it('left the runbook working for the attacker afterwards', async () => {
    const pods = await type(attacker, 'kubectl get pods -n production -l component=speculation');
    expect(JSON.parse(pods.text)).toMatchObject({ exitCode: 0 });
    const health = await type(attacker, './scripts/speculation-health.sh');
    expect(JSON.parse(health.text)).toMatchObject({ exitCode: 0 });
  });
});
