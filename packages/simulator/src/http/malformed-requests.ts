/**
 * Answers for requests that never reach a route: a URL that is not valid percent-encoded UTF-8,
 * a path segment longer than the router reads, a request Node's HTTP parser refuses (bytes a
 * header may not hold, headers over the size limit, bad chunking), a CONNECT tunnel, an Upgrade
 * to anything but the live view's socket. Each gets a coded 4xx (a metav1.Status on the
 * Kubernetes API's paths) and the server goes on: a request is never a way to stop the process.
 */
import type { IncomingMessage } from 'node:http';
import { maxHeaderSize } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { GamedayError, type ErrorCode } from '../core/gameday-error';
import { errorBody, errorStatus, statusOf } from './errors';
import { isKubePath, kubeStatusOf, pathOf } from './plugins/error-handler';

/** The longest path segment (a name, a token) the router reads; find-my-way's default. */
export const maxPathSegment = 100;

/** Where the live view's socket.io connections are upgraded; every other Upgrade is refused. */
export const socketPath = '/socket.io/';

/** At most this much of a refused URL goes back in the message: enough to find it, not an echo. */
function excerpt(url: string): string {
  return url.length > 80 ? `${url.slice(0, 80)}…` : url;
}

/** The answer body for a path: a Status on the Kubernetes API's paths, the coded error elsewhere. */
export function bodyFor(url: string, error: GamedayError): Record<string, unknown> {
  return isKubePath(pathOf(url)) ? kubeStatusOf(error) : { ...errorBody(error) };
}

/**
 * Fastify's `frameworkErrors`: the router could not read the URL. Answered before any hook
 * runs, so nothing is journaled and nothing changes.
 */
export function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const url = request.raw.url ?? '/';
  const coded =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? new GamedayError('URI_TOO_LONG', `a path segment of ${excerpt(url)} is longer than ${maxPathSegment} characters; names and tokens are shorter`, { field: 'path' })
      : error.code === 'FST_ERR_BAD_URL'
        ? new GamedayError('INVALID_URL', `the path ${excerpt(url)} is not valid percent-encoded UTF-8; write each byte outside A-Z a-z 0-9 - . _ ~ / as %XX, of a UTF-8 character`, { field: 'path' })
        : new GamedayError('MALFORMED_REQUEST', `the request for ${excerpt(url)} could not be routed; send GET, POST, PUT, PATCH or DELETE to a path the README lists`);
  void reply.status(statusOf(coded)).send(bodyFor(url, coded));
}

/**
 * A raw HTTP/1.1 answer on a socket Node's HTTP server no longer drives (a refused request, an
 * Upgrade the router could not forward); then the socket closes. `headers` are added as given.
 */
export function answerRaw(socket: Duplex, error: GamedayError, headers: Record<string, string> = {}): void {
  // The socket is ours now: a peer that resets it must not become an unhandled 'error'.
  socket.on('error', () => socket.destroy());
  const body = JSON.stringify(errorBody(error));
  const { status, title } = errorStatus[error.code];
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  socket.end(`HTTP/1.1 ${status} ${title}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}Connection: close\r\n\r\n${body}`);
  // Half-closed, not destroyed: the peer may still be sending (the rest of an oversized
  // request), and closing with its bytes unread would reset the connection and lose the answer.
  // What it still sends is read and dropped; a peer that never stops is cut off after a while.
  socket.resume();
  const cutOff = setTimeout(() => socket.destroy(), 2000);
  cutOff.unref();
  socket.once('close', () => clearTimeout(cutOff));
}

function refuse(socket: Duplex, code: ErrorCode, message: string, field?: string): void {
  answerRaw(socket, new GamedayError(code, message, field === undefined ? {} : { field }));
}

/**
 * Fastify's `clientErrorHandler`: Node's HTTP parser refused the request (or it timed out).
 * Like Fastify's own, but the body is a coded error that says what is accepted.
 */
export function answerClientError(error: Error & { code?: string; reason?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    refuse(socket, 'REQUEST_TIMEOUT', 'the request did not arrive in time; send it again');
  } else if (error.code === 'HPE_HEADER_OVERFLOW') {
    refuse(socket, 'HEADERS_TOO_LARGE', `the request line and headers are larger than ${maxHeaderSize / 1024} KiB; send a shorter URL and fewer or shorter headers`, 'headers');
  } else if (error.code === 'HPE_INVALID_METHOD') {
    refuse(socket, 'MALFORMED_REQUEST', 'unknown HTTP method; the API takes GET, HEAD, POST, PUT, PATCH, DELETE and OPTIONS', 'method');
  } else {
    const reason = typeof error.reason === 'string' ? error.reason.replace(/[^\x20-\x7e]/g, '?').slice(0, 120) : 'malformed';
    refuse(socket, 'MALFORMED_REQUEST', `the request is not valid HTTP/1.1 (${reason}); header names are tokens, header values printable text, and a chunked body is well-formed`);
  }
}

/** A CONNECT request: this server is no proxy. Node would otherwise close the connection without a word. */
export function refuseTunnel(_request: IncomingMessage, socket: Duplex): void {
  refuse(socket, 'METHOD_NOT_ALLOWED', 'CONNECT is not served here: this is no proxy; the API takes GET, HEAD, POST, PUT, PATCH, DELETE and OPTIONS', 'method');
}

/**
 * An Upgrade to anything but the live view's socket (which socket.io answers). Without this the
 * connection would be dropped unanswered once socket.io listens for upgrades.
 */
export function refuseUpgrade(request: IncomingMessage, socket: Duplex): void {
  const url = request.url ?? '/';
  if (url.startsWith(socketPath)) return;
  refuse(socket, 'MALFORMED_REQUEST', `this server upgrades only ${socketPath} (the trainer's live view); send the request for ${excerpt(url)} without an Upgrade header`, 'Upgrade');
}
