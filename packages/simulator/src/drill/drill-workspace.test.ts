/**
 * The line the drill page gives for a real shell works as shown: `gameday env` with the port and
 * the data folder the server actually runs with, and only those that are not the defaults.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { adminAuth } from '../http/test-server';
import { startTestDrill, type TestDrill } from '../terminal/test-terminal';
import { defaultDataDir, envCommand, runbookPort } from './drill-workspace';

let opened: TestDrill | undefined;
afterEach(async () => {
  await opened?.close();
  opened = undefined;
});

describe('the shell line', () => {
  it('is plain gameday env for the default port and folder', () => {
    expect(envCommand(defaultDataDir(), runbookPort)).toBe('eval "$(pnpm -s gameday env)"');
  });

  it('names a port and a data folder that are not the defaults', () => {
    expect(envCommand(defaultDataDir(), 18555)).toBe('eval "$(pnpm -s gameday env --port 18555)"');
    expect(envCommand('/tmp/drills here', 18555)).toBe(`eval "$(pnpm -s gameday env --port 18555 --data-dir '/tmp/drills here')"`);
  });

  it("is what /trainer/me gives the drill page, for the server's own port and folder", async () => {
    opened = await startTestDrill();
    const port = (opened.server.server.address() as { port: number }).port;
    const me = await opened.server.inject({ method: 'GET', url: '/trainer/me', headers: adminAuth });
    expect(me.json()).toMatchObject({ shell: envCommand(opened.dataDir, port) });
    expect(me.json<{ shell: string }>().shell).toContain(`--port ${port} --data-dir `);
  });
});
