/**
 * The router in front of a main server in a fleet (several `gameday serve` on one store): a
 * request for a drill this server does not run is forwarded to the server that does, so a
 * participant's tools need only the public address. A request names its drill by its token
 * (`/as/<token>` or Bearer, when the store routes it), by an `X-Gameday-Drill` slot, or by its
 * path (a game-day session's console and join page, answered by its instance's main server); where
 * that drill runs is the lookup's answer (`gameday/drill-locator.ts`). The main server's own
 * drill, and anything that names no routed drill, is served here as before.
 *
 * It stands in front of everything on the HTTP server, socket.io's polling and upgrades
 * included: once the live view's socket is attached, the router takes the server's 'request'
 * and 'upgrade' listeners and calls them for what it does not forward. A forwarded request goes
 * on as it came (its raw URL, its body streamed both ways, hop-by-hop headers dropped,
 * `X-Forwarded-For/Host/Proto` set); an Upgrade is piped at the socket level once the owner
 * switches protocols. A forwarded request carries `X-Gameday-Forwarded: 1` and is never
 * forwarded again: a lease pointing back at a router is a loop, answered 508.
 */
import { Agent, request as httpRequest, type ClientRequest, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import fp from 'fastify-plugin';
import { GamedayError } from '../../core/gameday-error';
import { drillHeader, type DrillKey, type DrillLocation } from '../../gameday/drill-locator';
import { isLoopbackAddress } from '../../terminal/sandbox';
import { errorStatus } from '../errors';
import { answerRaw, bodyFor } from '../malformed-requests';
import { rewriteActorPath } from './auth';

/** Where a request's drill runs: `DrillLocator.locate`, or a test's own. */
export interface DrillRouter {
  locate(key: DrillKey): DrillLocation;
}

/** Set on every forwarded request; a request that has it is never forwarded again. */
export const forwardedHeader = 'x-gameday-forwarded';

/** How long the owner may take to accept the connection before the drill counts as unreachable. */
export const connectTimeoutMs = 2000;

/** What a client waits before asking again while a drill moves to another instance. */
export const movingRetrySeconds = 2;

/** Headers of one connection, never passed on (RFC 9110 7.6.1), and those the Connection header names. */
const hopByHop = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'trailers', 'transfer-encoding', 'upgrade']);

function dropHopByHop(headers: IncomingHttpHeaders, keep: string[] = []): OutgoingHttpHeaders {
  const named = new Set(
    String(headers.connection ?? '')
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter((name) => name !== '' && !keep.includes(name)),
  );
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || named.has(name) || (hopByHop.has(name) && !keep.includes(name))) continue;
    out[name] = value;
  }
  return out;
}

/** The headers a forwarded request goes on with: the client's, less this hop's, plus where it came from. */
function forwardedHeaders(request: IncomingMessage, upgrade: boolean): OutgoingHttpHeaders {
  const headers = dropHopByHop(request.headers, upgrade ? ['connection', 'upgrade'] : []);
  if (upgrade) {
    headers.connection = 'Upgrade';
    headers.upgrade = request.headers.upgrade ?? '';
  }
  const client = request.socket.remoteAddress ?? 'unknown';
  const before = request.headers['x-forwarded-for'];
  headers['x-forwarded-for'] = before === undefined ? client : `${String(before)}, ${client}`;
  headers['x-forwarded-host'] ??= request.headers.host ?? '';
  headers['x-forwarded-proto'] ??= (request.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
  headers[forwardedHeader] = '1';
  return headers;
}

/**
 * The address of the client a request is for. A request the router forwarded from this machine
 * comes from loopback; the client it forwarded for is the last `X-Forwarded-For` entry, which
 * that router added. Anything else is the peer itself (a remote client cannot pass for a local
 * one with a header of its own).
 */
export function clientAddress(request: IncomingMessage): string | undefined {
  const peer = request.socket.remoteAddress;
  if (!isLoopbackAddress(peer) || request.headers[forwardedHeader] !== '1') return peer;
  const chain = String(request.headers['x-forwarded-for'] ?? '').split(',');
  const last = chain[chain.length - 1]?.trim();
  return last === undefined || last === '' ? peer : last;
}

/** The token a raw request carries (`/as/<token>`, else Bearer), and its URL as the routes see it. */
function keyOf(request: IncomingMessage): { key: DrillKey; url: string } {
  const raw: { url?: string; gamedayToken?: string } = { url: request.url ?? '/' };
  const url = rewriteActorPath(raw);
  let token = raw.gamedayToken;
  const authorization = request.headers.authorization;
  if (token === undefined && authorization !== undefined) token = /^Bearer\s+(.+)$/i.exec(authorization.trim())?.[1]?.trim();
  const named = request.headers[drillHeader];
  const slot = Array.isArray(named) ? named[0] : named;
  return { key: { token, slot, path: url.split('?')[0] }, url };
}

/** A coded error for a request the router refuses or cannot deliver. */
function refusal(location: DrillLocation, why?: string): GamedayError {
  if (location.kind === 'moving') {
    return new GamedayError('DRILL_MOVING', `the drill ${location.slot} has no live owner right now: its instance stopped and another is taking it over (within 10 s). Try again in ${movingRetrySeconds} s; your commands need no change`);
  }
  if (location.kind === 'remote') {
    return new GamedayError('DRILL_UNREACHABLE', `the drill ${location.slot} runs at ${location.address}, which did not answer (${why ?? 'no answer'}); if its instance is down, another takes the drill over within 10 s: try again then`);
  }
  return new GamedayError('INTERNAL', errorStatus.INTERNAL.title);
}

function loop(location: Extract<DrillLocation, { kind: 'remote' }>): GamedayError {
  return new GamedayError(
    'LOOP',
    `this request was forwarded here already (X-Gameday-Forwarded) and would be forwarded again, to ${location.address} for ${location.slot}: the lease names a router, not the drill's server. Nothing was forwarded; check --advertise on the instance that runs it`,
  );
}

function retryHeaders(error: GamedayError): Record<string, string> {
  return error.code === 'DRILL_MOVING' ? { 'Retry-After': String(movingRetrySeconds) } : {};
}

function answer(response: ServerResponse, url: string, error: GamedayError): void {
  const body = JSON.stringify(bodyFor(url, error));
  response.writeHead(errorStatus[error.code].status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), ...retryHeaders(error) });
  response.end(body);
}

/** Fails the request if the owner has not accepted the connection within the timeout. */
function connectWithin(upstream: ClientRequest, ms: number): void {
  upstream.once('socket', (socket) => {
    if (!socket.connecting) return;
    const timer = setTimeout(() => upstream.destroy(Object.assign(new Error(`no connection within ${ms / 1000} s`), { code: 'ETIMEDOUT' })), ms);
    const clear = () => clearTimeout(timer);
    socket.once('connect', clear);
    socket.once('close', clear);
  });
}

function reason(error: Error): string {
  return (error as NodeJS.ErrnoException).code ?? error.message;
}

function target(address: string, request: IncomingMessage, headers: OutgoingHttpHeaders, agent: Agent | false): ClientRequest {
  const url = new URL(address);
  return httpRequest({ hostname: url.hostname, port: url.port === '' ? 80 : Number(url.port), method: request.method, path: request.url, headers, agent });
}

function forwardRequest(request: IncomingMessage, response: ServerResponse, location: Extract<DrillLocation, { kind: 'remote' }>, url: string, agent: Agent): void {
  const upstream = target(location.address, request, forwardedHeaders(request, false), agent);
  connectWithin(upstream, connectTimeoutMs);
  upstream.on('response', (answered) => {
    response.writeHead(answered.statusCode ?? 502, answered.statusMessage, dropHopByHop(answered.headers));
    answered.pipe(response);
    answered.once('error', () => response.destroy());
    answered.once('aborted', () => response.destroy());
  });
  upstream.on('error', (error) => {
    if (response.headersSent) response.destroy();
    else answer(response, url, refusal(location, reason(error)));
  });
  // A client that goes away (a kubectl watch stopped, a closed tab) ends the forwarded request too.
  response.once('close', () => {
    if (!response.writableFinished) upstream.destroy();
  });
  request.pipe(upstream);
}

/** The status line and headers of a raw answer relayed on an upgraded socket. */
function rawHead(answered: IncomingMessage): string {
  const lines = [`HTTP/1.1 ${answered.statusCode ?? 502} ${answered.statusMessage ?? ''}`];
  for (let i = 0; i < answered.rawHeaders.length; i += 2) lines.push(`${answered.rawHeaders[i]}: ${answered.rawHeaders[i + 1]}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

function forwardUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer, location: Extract<DrillLocation, { kind: 'remote' }>): void {
  socket.on('error', () => socket.destroy());
  // A socket of its own: an upgraded connection is never handed back to a pool.
  const upstream = target(location.address, request, forwardedHeaders(request, true), false);
  connectWithin(upstream, connectTimeoutMs);
  upstream.on('upgrade', (answered, upgraded, upgradedHead) => {
    upgraded.on('error', () => socket.destroy());
    socket.write(rawHead(answered));
    if (upgradedHead.length > 0) socket.write(upgradedHead);
    if (head.length > 0) upgraded.write(head);
    upgraded.pipe(socket);
    socket.pipe(upgraded);
    socket.once('close', () => upgraded.destroy());
    upgraded.once('close', () => socket.destroy());
  });
  // The owner did not switch protocols (a refusal): its answer goes back as it is, and the connection ends.
  upstream.on('response', (answered) => {
    socket.write(rawHead(answered));
    answered.pipe(socket);
  });
  upstream.on('error', (error) => answerRaw(socket, refusal(location, reason(error))));
  socket.once('close', () => upstream.destroy());
  upstream.end();
}

type RequestListener = (request: IncomingMessage, response: ServerResponse) => void;
type UpgradeListener = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

/**
 * Puts `first` in front of the server's listeners of `event`: they are called only when it
 * does not take the event. (Node calls every listener; socket.io's engine wraps the request
 * listeners it finds, so the router must be attached after it to come first.)
 */
function interpose<L extends (...args: never[]) => void>(server: Server, event: 'request' | 'upgrade', first: (...args: Parameters<L>) => boolean): void {
  const rest = server.listeners(event) as L[];
  server.removeAllListeners(event);
  server.on(event, (...args: Parameters<L>) => {
    if (first(...args)) return;
    for (const listener of rest) listener.apply(server, args);
  });
}

export default fp<{ router?: DrillRouter | undefined }>(
  (fastify, options, done) => {
    const router = options.router;
    if (!router) {
      done();
      return;
    }
    const agent = new Agent({ keepAlive: true, maxSockets: 256 });
    /** Where a request goes, or the error it is answered with; undefined: served here. */
    const route = (request: IncomingMessage): ({ location: Extract<DrillLocation, { kind: 'remote' }> } | { error: GamedayError }) & { url: string } | undefined => {
      const { key, url } = keyOf(request);
      let location: DrillLocation;
      try {
        location = router.locate(key);
      } catch (error) {
        if (error instanceof GamedayError) return { error, url };
        // The store that says where drills run could not be read: saying so beats a 401 from a server that is not the drill's.
        return { error: new GamedayError('UNAVAILABLE', `where this request's drill runs cannot be read from the store just now (${error instanceof Error ? error.message : String(error)}); try again in a moment`), url };
      }
      if (location.kind === 'local') return undefined;
      if (location.kind === 'moving') return { error: refusal(location), url };
      if (request.headers[forwardedHeader] !== undefined) return { error: loop(location), url };
      return { location, url };
    };
    const onRequest = (request: IncomingMessage, response: ServerResponse): boolean => {
      const routed = route(request);
      if (!routed) return false;
      if ('error' in routed) {
        // The body is not read: the answer is the whole of it, and the connection may go on.
        request.resume();
        answer(response, routed.url, routed.error);
      } else {
        forwardRequest(request, response, routed.location, routed.url, agent);
      }
      return true;
    };
    const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): boolean => {
      const routed = route(request);
      if (!routed) return false;
      if ('error' in routed) answerRaw(socket, routed.error, retryHeaders(routed.error));
      else forwardUpgrade(request, socket, head, routed.location);
      return true;
    };
    // After socket.io has attached (it does once the server listens): see interpose.
    void fastify.socketsReady().then(() => {
      interpose<RequestListener>(fastify.server, 'request', onRequest);
      interpose<UpgradeListener>(fastify.server, 'upgrade', onUpgrade);
    });
    fastify.addHook('onClose', async () => agent.destroy());
    done();
  },
  { name: 'drill-router', dependencies: ['socket-gateway'], fastify: '5.x' },
);
