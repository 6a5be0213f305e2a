/**
 * Issue 13: no request stops the process. Requests are written as raw bytes over a socket
 * (node:net), so nothing on the way tidies them up, to a real listening main server and a real
 * game-day session's server. Every one is answered with a status (a coded 4xx for what is
 * malformed, never a 5xx, never a silent close), and `/healthz` answers 200 after each.
 */
import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestHub, facilitator, hubTokens, type TestHub } from '../gameday/test-hub';

let t: TestHub;
const servers: Array<{ name: string; port: number; tokens: string[] }> = [];

beforeAll(async () => {
  t = await buildTestHub();
  await t.main.listen({ port: 0, host: '127.0.0.1' });
  await t.main.socketsReady();
  const created = await t.main.inject({ method: 'POST', url: '/gameday/sessions', headers: { ...facilitator, 'content-type': 'application/json' }, payload: JSON.stringify({ scenario: 'rollback-storm', team: 'blue', seed: 5 }) });
  const session = created.json<{ code: string; url: string }>();
  await t.main.inject({ method: 'POST', url: `/gameday/sessions/${session.code}/start`, headers: facilitator });
  const joined = await t.main.inject({ method: 'POST', url: `/gameday/join/${session.code}`, headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ name: 'Ada', role: 'incident-commander' }) });
  const participant = joined.json<{ token: string }>().token;
  servers.push(
    { name: 'main server', port: (t.main.server.address() as { port: number }).port, tokens: [hubTokens.admin, hubTokens.facilitator] },
    { name: "a game-day session's server", port: Number(new URL(session.url).port), tokens: [participant, t.hub.get(session.code).adminToken] },
  );
});
afterAll(async () => {
  await t.close();
});

interface Answer {
  /** The final status (1xx interim answers skipped, 101 kept), or null when none came. */
  status: number | null;
  head: string;
  error?: string;
}

/** Sends bytes as they are and reads the answer's status line; the connection is closed after. */
function rawRequest(port: number, request: Buffer, timeoutMs = 4000): Promise<Answer> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    let settled = false;
    const status = () => {
      for (const match of received.matchAll(/^HTTP\/1\.[01] (\d{3})[^\r\n]*\r\n/gm)) {
        const code = Number(match[1]);
        if (code >= 200 || code === 101) return code;
      }
      return null;
    };
    const finish = (error?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ status: status(), head: received.slice(0, 400), ...(error === undefined ? {} : { error }) });
    };
    const timer = setTimeout(() => finish('no answer in time'), timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      // The status line and headers are all this needs.
      if (status() !== null && received.includes('\r\n\r\n')) finish();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => finish(error.code ?? error.message));
    socket.on('close', () => finish());
    socket.write(request);
  });
}

const text = (value: string) => Buffer.from(value, 'utf8');
const crlf = text('\r\n');

function requestBytes(method: Buffer, target: Buffer, headers: Array<[Buffer, Buffer]>, body: Buffer = Buffer.alloc(0)): Buffer {
  const lines: Buffer[] = [method, text(' '), target, text(' HTTP/1.1\r\n')];
  for (const [name, value] of headers) lines.push(name, text(': '), value, crlf);
  lines.push(crlf, body);
  return Buffer.concat(lines);
}

async function healthz(port: number): Promise<number | null> {
  return (await rawRequest(port, requestBytes(text('GET'), text('/healthz'), [[text('Host'), text('127.0.0.1')], [text('Connection'), text('close')]]))).status;
}

describe('requests that used to stop the process', () => {
  it('answers GET /as/%zz/ with a coded 400 and keeps serving', async () => {
    for (const server of servers) {
      const answer = await rawRequest(server.port, text('GET /as/%zz/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'));
      expect(answer.status, server.name).toBe(400);
      expect(answer.head).toContain('"error":"INVALID_URL"');
      expect(await healthz(server.port), server.name).toBe(200);
    }
  });

  // {token}: a token the server knows, so a request gets as far as reading its body.
  it.each([
    ['a bad percent-escape', 'GET /admin/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 400, '"error":"INVALID_URL"'],
    ['bad UTF-8 in a path parameter', 'GET /trainer/drills/%C0%80 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 400, '"error":"INVALID_URL"'],
    ['a bad escape on a Kubernetes path', 'GET /api/v1/namespaces/%ff/pods HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 400, '"kind":"Status"'],
    ['an over-long name', `GET /api/v1/namespaces/${'n'.repeat(300)}/pods HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`, 414, '"kind":"Status"'],
    ['oversized headers', `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\nConnection: close\r\n\r\n`, 431, '"error":"HEADERS_TOO_LARGE"'],
    ['a header name with a space', 'GET /healthz HTTP/1.1\r\nHost: x\r\nBad Name: 1\r\nConnection: close\r\n\r\n', 400, '"error":"MALFORMED_REQUEST"'],
    ['an unknown method', 'BREW /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 400, '"field":"method"'],
    ['a method the API does not route', 'PROPFIND /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 404, '"error":"NOT_FOUND"'],
    ['a CONNECT tunnel', 'CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n', 405, '"error":"METHOD_NOT_ALLOWED"'],
    ['an Upgrade to anything but the live view', 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n', 400, '"field":"Upgrade"'],
    ['a bad chunk size', 'POST /admin/config HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n', 400, '"error":"MALFORMED_REQUEST"'],
    ['two Content-Lengths', 'POST /admin/config HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\nConnection: close\r\n\r\n{}', 400, '"error":"MALFORMED_REQUEST"'],
    ['bad UTF-8 in a header value', 'GET /healthz HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \xff\xfe\r\nConnection: close\r\n\r\n', 200, '"status":"ok"'],
    ['bad UTF-8 in a token header on a read', 'GET /trainer/state HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \xc0\x80\r\nConnection: close\r\n\r\n', 401, '"error":"UNAUTHORIZED"'],
  ])('answers %s with a coded status, and keeps serving', async (_what, request, status, body) => {
    for (const server of servers) {
      const answer = await rawRequest(server.port, Buffer.from(request.replace('{token}', server.tokens[0]!), 'latin1'));
      expect(answer.status, `${server.name}: ${answer.head}`).toBe(status);
      expect(answer.head, server.name).toContain(body);
      expect(await healthz(server.port), server.name).toBe(200);
    }
  });

  it('reads an absolute-form or percent-encoded path as the path it is, for the guards as for the router', async () => {
    for (const server of servers) {
      for (const target of ['http://127.0.0.1/api/v1/namespaces/production/pods', '/ap%69/v1/namespaces/production/pods', '/%61dmin/config']) {
        const answer = await rawRequest(server.port, text(`GET ${target} HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\nConnection: close\r\n\r\n`));
        expect(answer.status, `${server.name} ${target}`).toBe(401);
      }
    }
  });
});

describe('random raw requests (property)', () => {
  const knownSegments = ['admin', 'config', 'status', 'api', 'apis', 'v1', 'apps', 'namespaces', 'production', 'pods', 'deployments', 'proof-worker', 'scale', 'log', 'trainer', 'state', 'debrief', 'drills', 'series', 'me', 'leaderboard', 'scenarios', '_sim', 'journal', 'gameday', 'join', 'sessions', 'healthz', 'metrics', 'socket.io', 'docs', 'json', 'assets', 'as', '..', '.', ''];
  const percentSequences = ['%', '%z', '%zz', '%ff', '%FF%FE', '%C0%80', '%E2%82', '%ED%A0%80', '%00', '%0A', '%2F', '%2e%2e', '%61dmin', '%25', '%u0041', '%%', '%20'];
  /** A path segment as raw bytes: routes' own words, % sequences, unicode, control characters, invalid UTF-8, very long runs. */
  const segment = fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...knownSegments).map(text) },
    { weight: 3, arbitrary: fc.constantFrom(...percentSequences).map(text) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }).map(text) },
    { weight: 1, arbitrary: fc.string({ unit: fc.integer({ min: 0, max: 31 }).map((code) => String.fromCharCode(code)), minLength: 1, maxLength: 3 }).map(text) },
    { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 4 }).map((bytes) => Buffer.from(bytes.map((byte) => byte | 0x80))) },
    { weight: 1, arbitrary: fc.integer({ min: 90, max: 20_000 }).map((length) => text('a'.repeat(length))) },
    { weight: 1, arbitrary: fc.constantFrom(' ', '?', '#', '\\', ';', '@', '*').map(text) },
  );
  const query = fc.oneof(
    fc.constant(Buffer.alloc(0)),
    fc.constantFrom('?', '?%zz=%ff', '?labelSelector=%ff', '?labelSelector=component%3Dspeculation', '?watch=true', '?since=-1', '?format=csv', '?limit=abc', '?a[b]=1&a[c]=2', '?__proto__[x]=1', '?a=1&a=2').map(text),
    fc.string({ unit: 'grapheme', maxLength: 20 }).map((value) => text(`?${value}`)),
  );

  const routes = ['/healthz', '/metrics', '/docs/json', '/', '/trainer/scenarios', '/trainer/leaderboard?format=csv', '/trainer/state', '/trainer/me', '/trainer/series?since=-1', '/trainer/debrief', '/trainer/acknowledge', '/trainer/terminal', '/api', '/apis/apps/v1', '/api/v1/namespaces/production/pods?labelSelector=component%3Dspeculation', '/apis/apps/v1/namespaces/production/deployments/proof-worker/scale', '/admin/config', '/admin/status', '/_sim/state', '/gameday/join/ABCDEF', '/gameday/sessions', '/socket.io/?EIO=4&transport=polling'];

  /** Each server's own tokens, and tokens of no one, as `/as/<token>` prefixes and Bearer headers. */
  const requestFor = (tokens: string[]) => {
    const token = fc.oneof(fc.constantFrom(...tokens), fc.constantFrom('', 'nope', 'x.y', '%zz', '%ff%fe'), fc.string({ maxLength: 30 }));
    const prefix = fc.oneof(
      { weight: 3, arbitrary: fc.constant(Buffer.alloc(0)) },
      { weight: 2, arbitrary: token.map((value) => text(`/as/${value}`)) },
      { weight: 1, arbitrary: fc.constantFrom('/as', 'http://127.0.0.1', 'http://evil.example:1', '//', '*').map(text) },
    );
    const randomPath = fc.tuple(prefix, fc.array(segment, { maxLength: 6 }), query).map(([head, segments, search]) => {
      const parts: Buffer[] = [head];
      for (const part of segments) parts.push(text('/'), part);
      if (segments.length === 0) parts.push(text('/'));
      parts.push(search);
      return Buffer.concat(parts);
    });
    // The routes themselves, as they are, behind a token prefix, or with a random segment put in.
    const route = fc.constantFrom(...routes).map(text);
    const target = fc.oneof(
      { weight: 3, arbitrary: route },
      { weight: 2, arbitrary: fc.tuple(prefix, route).map(([head, path]) => Buffer.concat([head, path])) },
      { weight: 1, arbitrary: fc.tuple(route, segment, fc.nat()).map(([path, part, at]) => {
        const cut = 1 + (at % path.length);
        return Buffer.concat([path.subarray(0, cut), part, path.subarray(cut)]);
      }) },
      { weight: 3, arbitrary: randomPath },
    );
    const method = fc.oneof(
      { weight: 10, arbitrary: fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS') },
      { weight: 2, arbitrary: fc.constantFrom('TRACE', 'PROPFIND', 'MKCOL', 'SEARCH', 'QUERY', 'PURGE', 'M-SEARCH', 'CONNECT', 'get', 'BREW', 'G\u00c9T', '') },
      { weight: 1, arbitrary: fc.stringMatching(/^[A-Z]{1,12}$/) },
    );
    const headerName = fc.oneof(
      { weight: 12, arbitrary: fc.constantFrom('Authorization', 'Content-Type', 'Accept', 'Accept-Version', 'Accept-Encoding', 'kubectl-session', 'kubectl-command', 'X-Agenc-Command', 'Expect', 'Cookie', 'Origin', 'X-Forwarded-For', 'Content-Encoding', 'Range', 'If-None-Match', 'Upgrade', 'Sec-WebSocket-Key', 'Sec-WebSocket-Version') },
      { weight: 3, arbitrary: fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,20}$/) },
      { weight: 1, arbitrary: fc.constantFrom('Bad Name', 'x:y', '', 'é', 'X\u0001') },
    );
    const headerValue = fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...tokens.map((value) => `Bearer ${value}`), 'Bearer', 'Bearer ', 'Basic YTpi', 'bearer nope', 'application/json', 'application/json; charset=utf-8', 'text/plain;;;', 'multipart/form-data; boundary=', 'application/json;as=Table;v=v1;g=meta.k8s.io', '100-continue', 'websocket', 'h2c', '13', '*', '') },
      { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
      { weight: 1, arbitrary: fc.string({ unit: fc.integer({ min: 0, max: 31 }).map((code) => String.fromCharCode(code)), maxLength: 3 }) },
      { weight: 1, arbitrary: fc.integer({ min: 1000, max: 20_000 }).map((length) => 'v'.repeat(length)) },
    ).map(text);
    const rawValue = fc.uint8Array({ minLength: 1, maxLength: 6 }).map((bytes) => Buffer.from(bytes.map((byte) => byte | 0x80)));
    const header = fc.tuple(headerName.map(text), fc.oneof({ weight: 10, arbitrary: headerValue }, { weight: 1, arbitrary: rawValue }));
    const body = fc.oneof(
      fc.constant(''),
      fc.json({ maxDepth: 2 }),
      fc.constantFrom('{', '{"speculation.enabled": fal', '{"spec":{"replicas":0}}', '\uFEFF{}', 'null', '[]'),
      fc.string({ unit: 'grapheme', maxLength: 100 }),
      fc.integer({ min: 60_000, max: 80_000 }).map((size) => `{"x":"${'a'.repeat(size)}"}`),
    ).map(text);
    // How the body is framed: well (so the server has all of it), or broken in ways the parser sees at once.
    const framing = fc.oneof({ weight: 6, arbitrary: fc.constantFrom('length', 'none', 'chunked') }, { weight: 1, arbitrary: fc.constantFrom('bad-length', 'two-lengths', 'bad-chunk') });
    const connection = fc.oneof({ weight: 6, arbitrary: fc.constant('close') }, { weight: 1, arbitrary: fc.constantFrom('Upgrade', 'keep-alive, Upgrade') });
    const host = fc.oneof({ weight: 6, arbitrary: fc.constant('127.0.0.1') }, { weight: 1, arbitrary: fc.constantFrom(null, '', 'evil.example', '[::1]:1', '\u00e9') });
    return fc.record({ method, target, headers: fc.array(header, { maxLength: 4 }), body, framing, connection, host }).map((request) => {
      const headers: Array<[Buffer, Buffer]> = [];
      if (request.host !== null) headers.push([text('Host'), text(request.host)]);
      headers.push(...request.headers);
      let payload = Buffer.alloc(0);
      switch (request.framing) {
        case 'length':
          headers.push([text('Content-Length'), text(String(request.body.length))]);
          payload = request.body;
          break;
        case 'chunked':
          headers.push([text('Transfer-Encoding'), text('chunked')]);
          payload = Buffer.concat([...(request.body.length > 0 ? [text(`${request.body.length.toString(16)}\r\n`), request.body, crlf] : []), text('0\r\n\r\n')]);
          break;
        case 'bad-length':
          headers.push([text('Content-Length'), text('12abc')]);
          break;
        case 'two-lengths':
          headers.push([text('Content-Length'), text('0')], [text('Content-Length'), text('2')]);
          break;
        case 'bad-chunk':
          headers.push([text('Transfer-Encoding'), text('chunked')]);
          payload = text('zz\r\n');
          break;
        case 'none':
          break;
      }
      headers.push([text('Connection'), text(request.connection)]);
      if (request.connection !== 'close') headers.push([text('Upgrade'), text('websocket')]);
      return { bytes: requestBytes(text(request.method), request.target, headers, payload), shown: `${request.method} ${request.target.toString('latin1').slice(0, 120)} (${request.framing}, ${request.connection})` };
    });
  };

  it.each([0, 1])('answers every request with a status below 500 and keeps serving /healthz (server %i)', { timeout: 150_000 }, async (index) => {
    const server = servers[index]!;
    const seen = new Map<number, number>();
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(requestFor(server.tokens), async (request) => {
        runs++;
        const answer = await rawRequest(server.port, request.bytes);
        // A status always comes back: Node's parser's refusals (400, 431) are answered too.
        expect(answer.status, `${server.name}: ${request.shown} got ${answer.error ?? 'nothing'}: ${answer.head}`).not.toBeNull();
        const status = answer.status!;
        seen.set(status, (seen.get(status) ?? 0) + 1);
        expect(status < 500 && (status >= 200 || status === 101), `${server.name}: ${request.shown} got ${answer.head}`).toBe(true);
        expect(await healthz(server.port), `${server.name}: /healthz after ${request.shown}`).toBe(200);
      }),
      { numRuns: 300, seed: 13_0 + index, interruptAfterTimeLimit: 120_000, markInterruptAsFailure: false },
    );
    expect(runs).toBeGreaterThanOrEqual(100);
    // The requests reached past the parser too: refused for a token, not found, accepted, malformed.
    for (const status of [200, 400, 401, 404]) expect(seen.get(status) ?? 0, `${status} in ${JSON.stringify([...seen])}`).toBeGreaterThan(0);
  });
});
