/**
 * Issue 16, item 9: the trainer UI is served compressed (the build's .br and .gz copies, by the
 * request's Accept-Encoding), hashed assets cached for a year, index.html never.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Drill } from '../../drill/drill';
import { createServer } from '../server';
import { testTokens } from '../test-server';

const script = `console.log(${JSON.stringify('gameday '.repeat(500))});\n`;
const page = '<!doctype html><title>gameday</title><script src="/assets/index-abc123.js"></script>\n';
let dir: string;
let server: FastifyInstance;
let drill: Drill;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gameday-ui-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), page);
  writeFileSync(join(dir, 'index.html.gz'), gzipSync(page));
  writeFileSync(join(dir, 'assets', 'index-abc123.js'), script);
  writeFileSync(join(dir, 'assets', 'index-abc123.js.gz'), gzipSync(script));
  writeFileSync(join(dir, 'assets', 'index-abc123.js.br'), brotliCompressSync(script));
  writeFileSync(join(dir, 'assets', 'logo-abc123.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  drill = new Drill({ scenario: 'baseline', seed: 1, clock: 'virtual', speed: 1, difficulty: 'normal' });
  server = await createServer({ drill, tokens: testTokens, uiDir: dir });
});
afterAll(async () => {
  await server.close();
  drill.stop();
  rmSync(dir, { recursive: true, force: true });
});

const get = (url: string, acceptEncoding?: string) => server.inject({ method: 'GET', url, headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding } });

describe('the trainer UI files', () => {
  it('sends brotli to a browser that takes it, gzip to one that takes only gzip, and plain bytes otherwise', async () => {
    const br = await get('/assets/index-abc123.js', 'gzip, deflate, br, zstd');
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(script);
    expect(br.rawPayload.length).toBeLessThan(script.length / 10);
    const gz = await get('/assets/index-abc123.js', 'gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString()).toBe(script);
    const plain = await get('/assets/index-abc123.js');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(script);
    for (const response of [br, gz, plain]) {
      expect(response.headers.vary).toBe('accept-encoding');
      expect(response.headers['content-type']).toBe('text/javascript; charset=utf-8');
    }
  });

  it('honours an encoding refused with q=0', async () => {
    expect((await get('/assets/index-abc123.js', 'br;q=0, gzip')).headers['content-encoding']).toBe('gzip');
    expect((await get('/assets/index-abc123.js', 'br;q=0, gzip;q=0.0')).headers['content-encoding']).toBeUndefined();
    expect((await get('/assets/index-abc123.js', '*')).headers['content-encoding']).toBe('br');
  });

  it('caches hashed assets for a year and never caches index.html', async () => {
    expect((await get('/assets/index-abc123.js', 'br')).headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const index = await get('/', 'br, gzip');
    expect(index.headers['cache-control']).toBe('no-cache');
    expect(index.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(index.rawPayload).toString()).toBe(page);
  });

  it('serves a file the build did not compress as it is, and no .gz or .br copy as a file of its own', async () => {
    const png = await get('/assets/logo-abc123.png', 'br, gzip');
    expect(png.headers['content-encoding']).toBeUndefined();
    expect(png.headers.vary).toBeUndefined();
    expect((await get('/assets/index-abc123.js.gz')).statusCode).toBe(404);
  });
});
