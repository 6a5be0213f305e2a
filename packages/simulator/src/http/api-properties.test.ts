/**
 * Issue 8: property-based tests of the admin API and the Kubernetes API. Thousands of random and
 * malformed requests (keys, types, sizes, encodings, headers); every one is answered with a
 * documented status and a coded error body, and the world after a rejected request is exactly
 * the world before it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { configKeyNames } from '../world/config-schema';
import { testTokens, useTestServer, worldFingerprint } from './test-server';

const t = useTestServer();

const authHeader = fc.oneof(
  fc.constant(`Bearer ${testTokens.admin}`),
  fc.constant(`bearer ${testTokens.admin}`),
  fc.constant(undefined),
  fc.constant(''),
  fc.constant(`Bearer ${testTokens.facilitator}`),
  fc.constant(`Basic ${testTokens.admin}`),
  fc.string({ maxLength: 80 }),
);
const contentType = fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'text/plain', 'application/json; charset=utf-8', 'application/xml', 'multipart/form-data', undefined);
const configValue = fc.oneof(fc.boolean(), fc.integer({ min: -5, max: 40 }), fc.double({ noNaN: false }), fc.string({ maxLength: 12 }), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 }), fc.object({ maxDepth: 1 }));
const configKey = fc.oneof(fc.constantFrom(...configKeyNames), fc.string({ maxLength: 40 }), fc.constantFrom('speculation.enabeld', 'speculation.maxDepth', 'Speculation.enabled', '__proto__', 'constructor', 'speculation.enabled '));
const payload = fc.oneof(
  fc.dictionary(configKey, configValue, { maxKeys: 5 }).map((body) => JSON.stringify(body)),
  fc.json(),
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
  fc.constantFrom('', '{', '{"speculation.enabled": fal', '\uFEFF{"speculation.enabled": false}', `{"speculation.max_depth": ${'9'.repeat(400)}}`),
  fc.integer({ min: 60_000, max: 90_000 }).map((size) => `{"x": "${'a'.repeat(size)}"}`),
);

const documented = new Set([200, 400, 401, 413, 415]);

describe('POST /admin/config under random input', () => {
  it('answers a documented status with a coded error, and a rejection changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(authHeader, contentType, payload, async (authorization, type, body) => {
        const before = worldFingerprint(t.drill);
        const headers: Record<string, string> = {};
        if (authorization !== undefined) headers.authorization = authorization;
        if (type !== undefined) headers['content-type'] = type;
        const response = await t.server.inject({ method: 'POST', url: '/admin/config', headers, payload: body });
        expect(documented.has(response.statusCode), `status ${response.statusCode}`).toBe(true);
        if (response.statusCode === 200) return;
        const error = response.json<{ error: string; message: string }>();
        expect(error.error).toMatch(/^[A-Z_]+$/);
        expect(error.message.length).toBeGreaterThan(10);
        expect(worldFingerprint(t.drill)).toBe(before);
      }),
      { numRuns: 1500, seed: 20261128 },
    );
  });

  it('applies every well-formed change exactly as sent', async () => {
    const valid = fc.record({
      'speculation.enabled': fc.boolean(),
      'speculation.max_depth': fc.integer({ min: 1, max: 16 }),
      'speculation.features.rollout_percentage': fc.double({ min: 0, max: 100, noNaN: true }),
    }, { requiredKeys: [] }).filter((changes) => Object.keys(changes).length > 0);
    await fc.assert(
      fc.asyncProperty(valid, async (changes) => {
        const response = await t.server.inject({ method: 'POST', url: '/admin/config', headers: { authorization: `Bearer ${testTokens.admin}`, 'content-type': 'application/x-www-form-urlencoded' }, payload: JSON.stringify(changes) });
        expect(response.statusCode).toBe(200);
        for (const [key, value] of Object.entries(changes)) expect(t.drill.world.config[key as keyof typeof t.drill.world.config]).toBe(value);
      }),
      { numRuns: 500, seed: 7 },
    );
  });
});

describe('the Kubernetes API under random input', () => {
  const segment = fc.oneof(fc.constantFrom('api', 'apis', 'v1', 'apps', 'namespaces', 'production', 'default', 'pods', 'deployments', 'scale', 'proof-worker', 'agenc-worker', 'log', 'nope'), fc.stringMatching(/^[a-z0-9.-]{1,12}$/).filter((name) => name !== '.' && name !== '..'));
  const path = fc.array(segment, { minLength: 1, maxLength: 7 }).map((segments) => `/${['api', 'apis'].includes(segments[0]!) ? '' : 'apis/'}${segments.join('/')}`);
  const query = fc.oneof(fc.constant(''), fc.constantFrom('?labelSelector=component%3Dspeculation', '?labelSelector=%3D%3D', '?labelSelector=a+in+(b', '?watch=true', '?limit=-1', '?limit=abc'), fc.string({ maxLength: 20 }).map((text) => `?labelSelector=${encodeURIComponent(text)}`));
  const method = fc.constantFrom('GET', 'PATCH', 'PUT', 'POST', 'DELETE');
  const body = fc.oneof(fc.constant(undefined), fc.json(), fc.record({ spec: fc.record({ replicas: fc.oneof(fc.integer({ min: -3, max: 100 }), fc.string({ maxLength: 4 }), fc.constant(null)) }) }).map((value) => JSON.stringify(value)));

  it('answers every request with 2xx or a Status, and a rejection changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(method, path, query, body, async (verb, url, search, payload) => {
        const before = worldFingerprint(t.drill);
        const response = await t.server.inject({
          method: verb as 'GET',
          // As the drill's kubeconfig sends it: the admin token in the path.
          url: `/as/${testTokens.admin}${url}${search}`,
          headers: { accept: 'application/json', ...(payload === undefined ? {} : { 'content-type': 'application/merge-patch+json' }) },
          ...(payload === undefined ? {} : { payload }),
        });
        expect(response.statusCode).toBeLessThan(500);
        if (response.statusCode >= 400) {
          expect(response.json()).toMatchObject({ kind: 'Status', status: 'Failure', code: response.statusCode });
          expect(worldFingerprint(t.drill)).toBe(before);
        }
      }),
      { numRuns: 1500, seed: 42 },
    );
  });
});
