/**
 * Issue 13, item 1: without a working bwrap the terminal answers only clients on this machine,
 * unless the operator passed --unsafe-terminal; the refusal says why and what to do.
 */
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { adminAuth } from '../test-server';
import { startTestDrill, type TestDrill } from '../../terminal/test-terminal';
import type { TerminalOptions } from './terminal-routes';

const noBwrap = { sandbox: null, reason: 'bwrap not found (install the bubblewrap package)' } as const;
let t: TestDrill | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function typeFrom(remoteAddress: string, terminal: TerminalOptions, command = 'agenc admin status --component speculation') {
  t = await startTestDrill({ terminal });
  const response = await t.server.inject({ method: 'POST', url: '/trainer/terminal', remoteAddress, headers: { ...adminAuth, 'content-type': 'application/json' }, payload: JSON.stringify({ command }) });
  return { status: response.statusCode, body: response.json<{ stdout?: string; exitCode?: number; error?: string; message?: string }>() };
}

describe('the terminal without a working bwrap', () => {
  it('runs lines for a client on this machine', async () => {
    const { status, body } = await typeFrom('127.0.0.1', { sandbox: noBwrap });
    expect(status).toBe(200);
    expect(body).toMatchObject({ exitCode: 0, stdout: expect.stringMatching(/^Component:\s+speculation/) as unknown });
  });

  it('refuses a client on another machine, saying why and what the operator can do, and runs nothing', async () => {
    const { status, body } = await typeFrom('192.0.2.10', { sandbox: noBwrap }, 'agenc stake status > refused.txt');
    expect(status).toBe(403);
    expect(body.error).toBe('TERMINAL_NEEDS_SANDBOX');
    expect(body.message).toContain('cannot (bwrap not found (install the bubblewrap package))');
    expect(body.message).toContain('install bubblewrap and restart gameday serve');
    expect(body.message).toContain('--unsafe-terminal');
    expect(t!.drill.journal.list().some((entry) => entry.source === 'agenc')).toBe(false);
    expect(existsSync(join(t!.record.workDir, 'refused.txt'))).toBe(false);
  });

  it('runs lines for anyone with a token when the operator passed --unsafe-terminal', async () => {
    const { status, body } = await typeFrom('192.0.2.10', { sandbox: noBwrap, unsafe: true });
    expect(status).toBe(200);
    expect(body.exitCode).toBe(0);
  });
});

describe('Ctrl+C and Tab in the terminal', () => {
  const post = async (path: string, body: unknown, auth = adminAuth) => {
    const address = t!.server.server.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${address.port}${path}`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('stops a long line: the program is killed (its request to the service is cut off), the line ends with 130, and the journal says so', async () => {
    t = await startTestDrill({ terminal: { sandbox: noBwrap }, drill: { clock: 'realtime' } });
    // A drain on the real-time clock waits out the in-flight tasks: seconds, not milliseconds.
    const started = performance.now();
    const line = post('/trainer/terminal', { command: 'curl -s -X POST http://localhost:9090/admin/speculation/drain -H "Authorization: Bearer $ADMIN_TOKEN" --max-time 60', runId: 'run-0001-drain' });
    let interrupted = false;
    // The line is running once the service has the drain: then Ctrl+C.
    for (let i = 0; i < 50 && !interrupted; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      if (t.drill.world.draining) interrupted = (await post('/trainer/terminal/interrupt', { runId: 'run-0001-drain' })).body.interrupted === true;
    }
    expect(interrupted).toBe(true);
    const result = await line;
    expect(result.status).toBe(200);
    expect(result.body.exitCode).toBe(130);
    expect(performance.now() - started).toBeLessThan(10_000);
    // curl's connection closed under the drain: the service journaled a client that gave up.
    for (let i = 0; i < 20 && !t.drill.journal.list().some((entry) => entry.detail?.route === '/admin/speculation/drain'); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    const drain = t.drill.journal.list().find((entry) => entry.detail?.route === '/admin/speculation/drain');
    expect(drain).toMatchObject({ status: 499, detail: { clientGaveUp: true } });
    const typed = t.drill.journal.list().find((entry) => entry.action === 'POST /trainer/terminal');
    expect(typed?.detail).toMatchObject({ exitCode: 130, interrupted: true });
    expect(t.drill.journal.list().some((entry) => entry.action === 'POST /trainer/terminal/interrupt')).toBe(false);
  }, 20_000);

  it("answers interrupted: false for a run id that is not running, and never stops another's line", async () => {
    t = await startTestDrill({ terminal: { sandbox: noBwrap } });
    expect(await post('/trainer/terminal/interrupt', { runId: 'no-such-run-id' })).toEqual({ status: 200, body: { interrupted: false } });
  });

  it("follows the browser terminal's width: help wraps at whole words to the columns it is given", async () => {
    t = await startTestDrill({ terminal: { sandbox: noBwrap } });
    const narrow = (await post('/trainer/terminal', { command: 'help', columns: 40 })).body as unknown as { stdout: string; exitCode: number };
    expect(narrow.exitCode).toBe(0);
    const rows = narrow.stdout.trimEnd().split('\n');
    expect(rows.every((row) => row.length <= 40)).toBe(true);
    expect(narrow.stdout.replace(/\s+/g, ' ')).toContain('For anything else, use your own shell, set up with the line in the "Your shell" panel (eval "$(gameday env --port …)").');
    const wide = (await post('/trainer/terminal', { command: 'help', columns: 400 })).body as unknown as { stdout: string };
    expect(wide.stdout.trimEnd().split('\n').length).toBeLessThan(rows.length);
  });

  it('validates what Ctrl+C and Tab send, naming the field', async () => {
    t = await startTestDrill({ terminal: { sandbox: noBwrap } });
    for (const body of [{ runId: '../../etc' }, { runId: 'short' }, { runId: 'x'.repeat(65) }, {}, { runId: 'run-0001-abcd', extra: 1 }]) {
      const answer = await post('/trainer/terminal/interrupt', body);
      expect(answer.status).toBe(400);
    }
    for (const body of [{ line: 'kubectl', cursor: -1 }, { line: 'kubectl', cursor: 8193 }, { line: 'x'.repeat(8193), cursor: 0 }, { line: ['kubectl'], cursor: 0 }, { line: 'kubectl' }]) {
      const answer = await post('/trainer/terminal/complete', body);
      expect(answer.status).toBe(400);
    }
    expect((await post('/trainer/terminal', { command: 'ls', runId: 'bad id!' })).status).toBe(400);
    for (const columns of [19, 501, 80.5]) expect((await post('/trainer/terminal', { command: 'help', columns })).status).toBe(400);
    expect((await post('/trainer/terminal/complete', { line: 'kubectl get', cursor: 11 }, { authorization: 'Bearer wrong' })).status).toBe(401);
  });

  it("completes from the allowlists and the drill's own cluster, and journals no key press", async () => {
    t = await startTestDrill({ terminal: { sandbox: noBwrap } });
    const pod = t.drill.world.cluster.pods.find((candidate) => candidate.namespace === 'production')!;
    const answer = await post('/trainer/terminal/complete', { line: `kubectl logs ${pod.name.slice(0, pod.name.length - 2)}`, cursor: 13 + pod.name.length - 2 });
    expect(answer).toEqual({ status: 200, body: { from: 13, candidates: [pod.name] } });
    expect((await post('/trainer/terminal/complete', { line: 'kubectl get pods -n ', cursor: 20 })).body.candidates).toEqual(['default', 'kube-system', 'production']);
    expect(t.drill.journal.list().some((entry) => entry.action.includes('/trainer/terminal/complete'))).toBe(false);
  });
});
