import { describe, expect, it } from 'vitest';
import { adminAuth, useTestServer, worldFingerprint } from '../test-server';

const t = useTestServer();

const post = (payload: string, headers: Record<string, string> = { ...adminAuth, 'content-type': 'application/x-www-form-urlencoded' }) =>
  t.server.inject({ method: 'POST', url: '/admin/config', headers, payload });

describe('POST /admin/config', () => {
  it("accepts the runbook's curl body, which curl labels application/x-www-form-urlencoded", async () => {
    const response = await post('{"speculation.enabled": false}');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ applied: { 'speculation.enabled': false }, previous: { 'speculation.enabled': true } });
    expect(t.drill.world.config['speculation.enabled']).toBe(false);
  });

  it('applies several keys at once, as Option B does', async () => {
    const response = await post('{"speculation.max_depth": 1, "speculation.features.rollout_percentage": 1}', { ...adminAuth, 'content-type': 'application/json' });
    expect(response.statusCode).toBe(200);
    expect(t.drill.world.config['speculation.max_depth']).toBe(1);
    expect(t.drill.world.config['speculation.features.rollout_percentage']).toBe(1);
  });

  it('records the change in the journal with its source and values', async () => {
    await post('{"speculation.max_depth": 2}');
    const entry = t.drill.journal.list().find((candidate) => candidate.action === 'POST /admin/config');
    expect(entry).toMatchObject({ source: 'admin', outcome: 'accepted', status: 200, detail: { changes: { 'speculation.max_depth': 2 } } });
  });

  const rejections: Array<[string, () => Promise<{ statusCode: number; json(): unknown }>, number, Record<string, unknown>]> = [
    ['no Authorization header', () => post('{"speculation.enabled": false}', { 'content-type': 'application/json' }), 401, { error: 'UNAUTHORIZED', message: expect.stringContaining('no Authorization header') }],
    ['a wrong token', () => post('{"speculation.enabled": false}', { authorization: 'Bearer nope', 'content-type': 'application/json' }), 401, { error: 'UNAUTHORIZED', message: expect.stringContaining('invalid token') }],
    ['a non-Bearer scheme', () => post('{"speculation.enabled": false}', { authorization: 'Basic abc', 'content-type': 'application/json' }), 401, { error: 'UNAUTHORIZED', message: expect.stringContaining('Bearer') }],
    ['a typo in a key', () => post('{"speculation.enabeld": false}'), 400, { error: 'UNKNOWN_CONFIG_KEY', field: 'speculation.enabeld', message: expect.stringContaining('did you mean "speculation.enabled"?') }],
    ['a string for a boolean', () => post('{"speculation.enabled": "false"}'), 400, { error: 'INVALID_CONFIG_VALUE', field: 'speculation.enabled', message: expect.stringContaining('expected true or false') }],
    ['a depth out of range', () => post('{"speculation.max_depth": 0}'), 400, { error: 'INVALID_CONFIG_VALUE', message: expect.stringContaining('an integer from 1 to 16') }],
    ['a fractional depth', () => post('{"speculation.max_depth": 1.5}'), 400, { error: 'INVALID_CONFIG_VALUE' }],
    ['a rollout above 100', () => post('{"speculation.features.rollout_percentage": 101}'), 400, { error: 'INVALID_CONFIG_VALUE', message: expect.stringContaining('0 to 100') }],
    ['malformed JSON', () => post('{"speculation.enabled": fal'), 400, { error: 'MALFORMED_JSON' }],
    ['an array body', () => post('[1,2]'), 400, { error: 'INVALID_BODY' }],
    ['an empty object', () => post('{}'), 400, { error: 'INVALID_BODY', message: expect.stringContaining('sets no config keys') }],
    ['a body over 64 KiB', () => post(`{"x": "${'a'.repeat(70_000)}"}`), 413, { error: 'BODY_TOO_LARGE' }],
    ['an unsupported media type', () => post('{"speculation.enabled": false}', { ...adminAuth, 'content-type': 'application/xml' }), 415, { error: 'UNSUPPORTED_MEDIA_TYPE' }],
    ['one bad key among good ones', () => post('{"speculation.enabled": false, "speculation.max_depth": 99}'), 400, { error: 'INVALID_CONFIG_VALUE' }],
  ];

  it.each(rejections)('rejects %s with a coded error and changes nothing', async (_name, send, status, body) => {
    const before = worldFingerprint(t.drill);
    const response = await send();
    expect(response.statusCode).toBe(status);
    expect(response.json()).toMatchObject(body);
    expect(worldFingerprint(t.drill)).toBe(before);
    const entry = t.drill.journal.list().at(-1);
    expect(entry).toMatchObject({ outcome: 'rejected', status });
  });
});

describe('GET /admin/config', () => {
  it('reads back the config and documents every key', async () => {
    await post('{"speculation.max_depth": 3}');
    const response = await t.server.inject({ method: 'GET', url: '/admin/config', headers: adminAuth });
    expect(response.statusCode).toBe(200);
    const body = response.json<{ config: Record<string, unknown>; keys: Array<{ key: string; allowed: string }> }>();
    expect(body.config['speculation.max_depth']).toBe(3);
    expect(body.keys.map((key) => key.key)).toContain('speculation.features.rollout_percentage');
    expect(body.keys.every((key) => key.allowed.length > 0)).toBe(true);
  });

  it('requires the admin token', async () => {
    const response = await t.server.inject({ method: 'GET', url: '/admin/config' });
    expect(response.statusCode).toBe(401);
  });
});
