/**
 * Issue 13, item 1: without a working bwrap the terminal answers only clients on this machine,
 * unless the operator passed --unsafe-terminal; the refusal says why and what to do.
 */
import { existsSync } from 'node:fs';
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
