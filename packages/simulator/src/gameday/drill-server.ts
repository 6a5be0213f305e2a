/**
 * `startDrillServer()`: the one bootstrap of a drill's own server, shared by `gameday serve`'s
 * solo drill, every game-day session's server and the runbook checker. It builds the HTTP app
 * around the drill, listens (on the port asked for, or on a preferred one, then a range, then
 * any), waits until the live views' sockets can connect, lays out the drill folder with its
 * serve record, and sends the drill's inputs to the store's log as they happen.
 *
 * The app itself (`createServer`) is given as `create`: this layer sits below http/, and the
 * callers above it (the CLI, the checker, the hub's own caller) know which services the app
 * carries. The server's drill slot is the app's own (`server.drillSlot`), made by the caller
 * where the drill may be swapped (the solo drill's lobby, the checker's sections).
 */
import type { FastifyInstance } from 'fastify';
import type { Drill } from '../drill/drill';
import { envCommand, writeDrillWorkspace, type RoutedAddress, type ServeRecord } from '../drill/drill-workspace';
import { GamedayError } from '../core/gameday-error';
import type { DrillStore } from '../storage/drill-store';
import { LiveDrillLog } from '../storage/live-drill-log';

/** Where a drill server listens. */
export type DrillServerPort =
  /** Exactly this port (0: any the system gives); its listening error goes to the caller as it is. */
  | { port: number }
  /** `preferred` first when given (a rebuilt session's old port), then a port of `range` in turn, or any when no range is given. */
  | { preferred?: number | undefined; range?: { from: number; to: number } | undefined };

/** The drill's input log: where each of its inputs goes, and (after a restart) the log it goes on with. */
export interface DrillInputLog {
  store: DrillStore;
  /** The live drill's slot in the store (`solo:<port>`, `session:<code>`). */
  slot: string;
  /** What the store keeps beside the drill to rebuild its server around it, given the port it listens on. */
  extra: (port: number) => Record<string, unknown>;
  /** A rebuilt drill's log, after its `count` inputs; a new log is begun when not given. */
  resume?: { id: string; count: number } | undefined;
  /** The starting drill is not logged (a rebuilt drill that diverged is kept readable, not live); a drill put in the slot later still is. */
  off?: boolean | undefined;
  /** A drill put in the server's slot later (the lobby's new drill) takes the slot's log: the previous one's ends. */
  followSlot?: boolean | undefined;
}

export interface DrillServerOptions {
  /** The drill the server starts with. */
  drill: Drill;
  /** Builds the HTTP app around the drill (`createServer` with the services this server carries). */
  create: () => Promise<FastifyInstance>;
  host: string;
  listen: DrillServerPort;
  /** The drill folder's place and the tokens its serve record and kubeconfigs carry; in a fleet, the public address users' settings point at. */
  workspace: { dataDir: string; adminToken: string; facilitatorToken: string; routed?: RoutedAddress | undefined };
  inputs?: DrillInputLog | undefined;
}

export interface DrillServer {
  server: FastifyInstance;
  port: number;
  /** The drill folder's serve record (its URL, folders and tokens). */
  record: ServeRecord;
  /** The log the server's current drill sends its inputs to, if any. */
  log(): LiveDrillLog | undefined;
}

async function listen(server: FastifyInstance, host: string, where: DrillServerPort): Promise<number> {
  if ('port' in where) {
    await server.listen({ port: where.port, host });
    return (server.server.address() as { port: number }).port;
  }
  if (where.preferred !== undefined) {
    try {
      await server.listen({ port: where.preferred, host });
      return where.preferred;
    } catch {
      // Taken by another program since: any port, as for a new server.
    }
  }
  const range = where.range;
  for (let candidate = range?.from ?? 0; ; candidate++) {
    try {
      await server.listen({ port: candidate, host });
      return (server.server.address() as { port: number }).port;
    } catch (error) {
      if (!range || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || candidate >= range.to) {
        await server.close();
        throw new GamedayError('CONFLICT', range ? `no free port for the session in ${range.from}-${range.to}` : `cannot listen for the session: ${String(error)}`);
      }
    }
  }
}

export async function startDrillServer(options: DrillServerOptions): Promise<DrillServer> {
  const server = await options.create();
  const port = await listen(server, options.host, options.listen);
  // Announced (and its folder written) once the UI's socket can connect too: a few ms after listening.
  await server.socketsReady();
  const record = writeDrillWorkspace({ dataDir: options.workspace.dataDir, host: options.host, port, adminToken: options.workspace.adminToken, facilitatorToken: options.workspace.facilitatorToken, routed: options.workspace.routed });
  server.drillSlot.workspace = { record, shellCommand: envCommand(options.workspace.dataDir, port) };
  let log: LiveDrillLog | undefined;
  const inputs = options.inputs;
  if (inputs) {
    const extra = inputs.extra(port);
    if (inputs.resume) log = LiveDrillLog.resume(inputs.store, inputs.resume.id, options.drill, inputs.resume.count);
    else if (!inputs.off) log = LiveDrillLog.begin(inputs.store, inputs.slot, options.drill, extra);
    if (inputs.followSlot) {
      server.drillSlot.onReplace = (next, previous) => {
        previous.detachInputs();
        log?.end('replaced');
        log = LiveDrillLog.begin(inputs.store, inputs.slot, next, extra);
      };
    }
  }
  return { server, port, record, log: () => log };
}
