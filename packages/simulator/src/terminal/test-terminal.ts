/**
 * Terminal users for package tests: the real folder layout (writeDrillWorkspace) in a temporary
 * data folder, around a drill server listening on loopback, so lines reach it with real curl,
 * kubectl and agenc, in the sandbox or without one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Drill, type DrillOptions } from '../drill/drill';
import { envCommand, writeDrillWorkspace, writeParticipantWorkspace, type ServeRecord } from '../drill/drill-workspace';
import { createServer } from '../http/server';
import { DrillSlot } from '../http/plugins/drill-context';
import type { TerminalOptions } from '../http/routes/terminal-routes';
import { testTokens } from '../http/test-server';
import { runTerminalLine, terminalContext, type TerminalResult } from './terminal-runner';
import type { Sandbox } from './sandbox';

export interface TestDrill {
  server: FastifyInstance;
  drill: Drill;
  dataDir: string;
  /** The admin's record: their folder is `record.workDir`. */
  record: ServeRecord;
  /** Sets up a participant's folder and kubeconfig, as a game-day join does. */
  participant(id: string): ServeRecord;
  /** Runs a line as `record`'s holder (the admin by default), sandboxed with `sandbox` (null: directly). */
  run(line: string, options: { sandbox: Sandbox | null; as?: ServeRecord }): Promise<TerminalResult>;
  close(): Promise<void>;
}

/** A virtual-clock baseline drill (unless `drill` says otherwise) on a loopback port, with its folders in a fresh data folder. */
export async function startTestDrill(options: { terminal?: TerminalOptions; drill?: Partial<DrillOptions> } = {}): Promise<TestDrill> {
  const drill = new Drill({ scenario: 'baseline', seed: 1234, clock: 'virtual', speed: 1, difficulty: 'normal', ...options.drill });
  drill.start();
  const slot = new DrillSlot(drill);
  const server = await createServer({ drill, slot, tokens: testTokens, terminal: options.terminal });
  await server.listen({ port: 0, host: '127.0.0.1' });
  const port = (server.server.address() as AddressInfo).port;
  const dataDir = mkdtempSync(join(tmpdir(), 'gameday-terminal-'));
  const record = writeDrillWorkspace({ dataDir, host: '127.0.0.1', port, adminToken: testTokens.admin, facilitatorToken: testTokens.facilitator });
  slot.workspace = { record, shellCommand: envCommand(dataDir, port) };
  return {
    server,
    drill,
    dataDir,
    record,
    participant: (id) => writeParticipantWorkspace(record, id, `${id}.secret-of-${id}`),
    run: (line, { sandbox, as = record }) => runTerminalLine(line, terminalContext(as, drill.simDate(), sandbox)),
    async close() {
      await server.close();
      drill.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A terminal context whose drill is not running: for builtins, filters and refusals. */
export function offlineTerminalContext(now: Date): { context: ReturnType<typeof terminalContext>; dataDir: string } {
  const dataDir = mkdtempSync(join(tmpdir(), 'gameday-terminal-'));
  const record = writeDrillWorkspace({ dataDir, host: '127.0.0.1', port: 9191, adminToken: 's3cret', facilitatorToken: 'facilitator-s3cret' });
  return { context: terminalContext(record, now, null), dataDir };
}
