/**
 * The router on a main server, with a real owner on loopback: a request for a drill another
 * server runs goes there whole (method, raw URL, body and answer streamed, upgrades piped), and
 * is refused plainly when it would loop, when the owner does not answer, or when the drill has
 * no owner right now.
 */
import { createHash } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { Server as SocketServer } from 'socket.io';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Drill } from '../../drill/drill';
import { DrillLocator, type RouteTable } from '../../gameday/drill-locator';
import { tokenHash } from '../../gameday/lease-keeper';
import { createServer } from '../server';
import { testTokens } from '../test-server';
import { DrillSlot } from './drill-context';
import { clientAddress } from './drill-router';

const routedToken = 'participant.secret-of-ada';
const slot = 'session:ABC234';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
}

let owner: FastifyInstance;
let ownerUrl: string;
let ownerIo: SocketServer;
let main: FastifyInstance;
let mainUrl: string;
let drill: Drill;
let deadPort: number;
const seen: Seen[] = [];
let release: () => void = () => undefined;
const leases = new Map<string, { slot: string; owner: string; address: string; expiresAt: number }>();
const table: RouteTable = {
  routeOf: (hash) => (hash === tokenHash(routedToken) ? slot : hash === tokenHash('dead-token') ? 'session:DEAD22' : hash === tokenHash(testTokens.admin) ? 'solo:main' : undefined),
  lease: (name) => leases.get(name),
  expiredLeases: () => [],
};

beforeAll(async () => {
  owner = Fastify();
  owner.addHook('onRequest', async (request) => {
    seen.push({ method: request.method, url: request.raw.url ?? '', headers: request.headers });
  });
  owner.removeAllContentTypeParsers();
  owner.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
  owner.get('/*', async (request) => ({ served: 'owner', url: request.raw.url }));
  owner.post('/*', async (request, reply) => {
    // The body as it streams in: its length and digest, read without buffering it whole.
    const digest = createHash('sha256');
    let bytes = 0;
    for await (const chunk of request.body as AsyncIterable<Buffer>) {
      digest.update(chunk);
      bytes += chunk.length;
    }
    return reply.status(201).header('x-owner', 'yes').send({ bytes, sha256: digest.digest('hex') });
  });
  owner.get('/stream', (_request, reply) => {
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'text/plain' });
    reply.raw.write('first\n');
    release = () => reply.raw.end('last\n');
  });
  await owner.listen({ port: 0, host: '127.0.0.1' });
  ownerUrl = `http://127.0.0.1:${(owner.server.address() as AddressInfo).port}`;
  ownerIo = new SocketServer(owner.server, { transports: ['websocket', 'polling'] });
  ownerIo.on('connection', (socket) => socket.emit('hello', { from: 'owner', forwarded: socket.handshake.headers['x-gameday-forwarded'] }));
  owner.server.on('upgrade', (request: IncomingMessage, socket: Socket) => {
    if (request.headers.upgrade !== 'echo') return;
    socket.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n');
    socket.pipe(socket);
  });

  const dead = Fastify();
  await dead.listen({ port: 0, host: '127.0.0.1' });
  deadPort = (dead.server.address() as AddressInfo).port;
  await dead.close();

  leases.set(slot, { slot, owner: 'b', address: ownerUrl, expiresAt: Date.now() + 3_600_000 });
  leases.set('session:DEAD22', { slot: 'session:DEAD22', owner: 'c', address: `http://127.0.0.1:${deadPort}`, expiresAt: Date.now() + 3_600_000 });
  leases.set('session:GONE22', { slot: 'session:GONE22', owner: 'c', address: ownerUrl, expiresAt: Date.now() - 1 });

  drill = new Drill({ scenario: 'baseline', seed: 1234, clock: 'virtual', speed: 1, difficulty: 'normal' });
  drill.start();
  main = await createServer({ drill, slot: new DrillSlot(drill), tokens: testTokens, router: new DrillLocator(table, { localSlot: () => 'solo:main' }) });
  await main.listen({ port: 0, host: '127.0.0.1' });
  await main.socketsReady();
  mainUrl = `http://127.0.0.1:${(main.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await main.close();
  drill.stop();
  await ownerIo.close();
  await owner.close();
});

const lastSeen = () => seen[seen.length - 1]!;

describe('the drill router on a main server', () => {
  it('forwards a kubectl GET by the token in its path, with its raw URL and where it came from', async () => {
    const before = seen.length;
    const path = `/as/${encodeURIComponent(routedToken)}/api/v1/namespaces/production/pods?limit=5`;
    // Node's client, since fetch will not send hop-by-hop headers: this hop's must not go on.
    const answered = await new Promise<{ status: number | undefined; body: string }>((resolve, reject) => {
      const sent = httpRequest(`${mainUrl}${path}`, { headers: { connection: 'keep-alive, x-this-hop', 'x-this-hop': 'x', 'keep-alive': 'timeout=5', 'x-kept': 'k' } }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode, body }));
      });
      sent.on('error', reject);
      sent.end();
    });
    expect(answered.status).toBe(200);
    expect(JSON.parse(answered.body)).toEqual({ served: 'owner', url: path });
    expect(seen.length).toBe(before + 1);
    const { headers } = lastSeen();
    expect(headers).toMatchObject({ 'x-forwarded-for': '127.0.0.1', 'x-forwarded-host': new URL(mainUrl).host, 'x-forwarded-proto': 'http', 'x-gameday-forwarded': '1', 'x-kept': 'k' });
    expect(headers['x-this-hop']).toBeUndefined();
    expect(headers['keep-alive']).toBeUndefined();
  });

  it('streams a POST body to the owner and its answer back (status and headers too), by a Bearer token', async () => {
    const body = Buffer.alloc(3 * 1024 * 1024, 7);
    const response = await fetch(`${mainUrl}/admin/config`, { method: 'POST', headers: { authorization: `Bearer ${routedToken}`, 'content-type': 'application/octet-stream' }, body });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-owner')).toBe('yes');
    expect(await response.json()).toEqual({ bytes: body.length, sha256: createHash('sha256').update(body).digest('hex') });
    expect(lastSeen()).toMatchObject({ method: 'POST', url: '/admin/config' });
  });

  it('streams an answer as the owner writes it (a kubectl watch): the first line arrives before the last is written', async () => {
    const response = await fetch(`${mainUrl}/stream`, { headers: { 'x-gameday-drill': slot } });
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe('first\n');
    release();
    let rest = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += new TextDecoder().decode(chunk.value);
    expect(rest).toBe('last\n');
  });

  it('routes a request without a token by its X-Gameday-Drill slot (curl localhost:9090/metrics from a .curlrc)', async () => {
    const response = await fetch(`${mainUrl}/metrics`, { headers: { 'x-gameday-drill': slot } });
    expect(await response.json()).toEqual({ served: 'owner', url: '/metrics' });
  });

  it("serves its own drill and what names no routed drill itself", async () => {
    const before = seen.length;
    const own = await fetch(`${mainUrl}/admin/config`, { headers: { authorization: `Bearer ${testTokens.admin}` } });
    expect(own.status).toBe(200);
    expect(await own.json()).toHaveProperty('config');
    expect((await fetch(`${mainUrl}/healthz`)).status).toBe(200);
    const stranger = await fetch(`${mainUrl}/admin/config`, { headers: { authorization: 'Bearer no-ones-token' } });
    expect(stranger.status).toBe(401);
    expect(seen.length).toBe(before);
  });

  it('pipes an Upgrade to the owner at the socket level', async () => {
    const echoed = await new Promise<string>((resolve, reject) => {
      const upgrade = httpRequest(`${mainUrl}/tunnel`, { headers: { connection: 'Upgrade', upgrade: 'echo', 'x-gameday-drill': slot } });
      upgrade.on('upgrade', (answered, socket) => {
        expect(answered.statusCode).toBe(101);
        socket.once('data', (data: Buffer) => {
          resolve(data.toString());
          socket.destroy();
        });
        socket.write('ping through the router');
      });
      upgrade.on('response', (answered) => reject(new Error(`no upgrade: ${answered.statusCode}`)));
      upgrade.on('error', reject);
      upgrade.end();
    });
    expect(echoed).toBe('ping through the router');
  });

  it.each(['polling', 'websocket'] as const)("carries socket.io's %s transport to the owner's socket server, not its own", async (transport) => {
    const client = connect(mainUrl, { transports: [transport], extraHeaders: { 'x-gameday-drill': slot }, reconnection: false, timeout: 5000 });
    try {
      const hello = await new Promise<unknown>((resolve, reject) => {
        client.once('hello', resolve);
        client.once('connect_error', reject);
      });
      expect(hello).toEqual({ from: 'owner', forwarded: '1' });
    } finally {
      client.close();
    }
  });

  it('refuses to forward a request that was forwarded already: 508 LOOP, nothing sent on', async () => {
    const before = seen.length;
    const response = await fetch(`${mainUrl}/admin/config`, { headers: { authorization: `Bearer ${routedToken}`, 'x-gameday-forwarded': '1' } });
    expect(response.status).toBe(508);
    expect(await response.json()).toMatchObject({ error: 'LOOP', message: expect.stringContaining('forwarded here already') as unknown });
    expect(seen.length).toBe(before);
  });

  it('answers 502 DRILL_UNREACHABLE naming the slot when the owner does not answer', async () => {
    const response = await fetch(`${mainUrl}/admin/config`, { headers: { authorization: 'Bearer dead-token' } });
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({ error: 'DRILL_UNREACHABLE', message: expect.stringContaining(`session:DEAD22 runs at http://127.0.0.1:${deadPort}`) as unknown });
  });

  it('answers 503 DRILL_MOVING with Retry-After while a drill has no live lease; as a Status on the Kubernetes API', async () => {
    for (const name of ['session:GONE22', 'session:NONE22']) {
      const response = await fetch(`${mainUrl}/admin/config`, { headers: { 'x-gameday-drill': name } });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('2');
      expect(await response.json()).toMatchObject({ error: 'DRILL_MOVING', message: expect.stringContaining(`the drill ${name} has no live owner`) as unknown });
    }
    const kube = await fetch(`${mainUrl}/api/v1/namespaces/production/pods`, { headers: { 'x-gameday-drill': 'session:NONE22' } });
    expect(kube.status).toBe(503);
    expect(await kube.json()).toMatchObject({ kind: 'Status', code: 503 });
    const upgraded = await new Promise<string>((resolve, reject) => {
      const upgrade = httpRequest(`${mainUrl}/tunnel`, { headers: { connection: 'Upgrade', upgrade: 'echo', 'x-gameday-drill': 'session:NONE22' } });
      upgrade.on('response', (answered) => resolve(`${answered.statusCode} ${answered.headers['retry-after']}`));
      upgrade.on('upgrade', () => reject(new Error('upgraded')));
      upgrade.on('error', reject);
      upgrade.end();
    });
    expect(upgraded).toBe('503 2');
  });

  it('refuses an X-Gameday-Drill that names no slot, saying what it takes', async () => {
    const response = await fetch(`${mainUrl}/metrics`, { headers: { 'x-gameday-drill': 'blue team' } });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'INVALID_PARAMETER', field: 'X-Gameday-Drill' });
  });
});

describe('clientAddress', () => {
  const message = (remoteAddress: string, headers: Record<string, string>) => ({ socket: { remoteAddress }, headers }) as unknown as IncomingMessage;
  it('is the client a router on this machine forwarded for, and the peer otherwise', () => {
    expect(clientAddress(message('127.0.0.1', { 'x-gameday-forwarded': '1', 'x-forwarded-for': '10.0.0.9, 192.0.2.7' }))).toBe('192.0.2.7');
    expect(clientAddress(message('127.0.0.1', { 'x-forwarded-for': '192.0.2.7' }))).toBe('127.0.0.1');
    expect(clientAddress(message('192.0.2.8', { 'x-gameday-forwarded': '1', 'x-forwarded-for': '127.0.0.1' }))).toBe('192.0.2.8');
  });
});
