import { describe, expect, it } from 'vitest';
import { GamedayError } from '../../core/gameday-error';
import { canonicalUrl, checkBearer, rewriteActorPath } from './auth';

describe('checkBearer', () => {
  it.each([
    [undefined, 'no Authorization header'],
    ['Basic abc', 'must be "Bearer <token>"'],
    ['Bearer nope', 'invalid token'],
  ])('rejects %j saying %s', (header, message) => {
    expect(() => checkBearer(header, 'right', 'ADMIN_TOKEN')).toThrow(GamedayError);
    expect(() => checkBearer(header, 'right', 'ADMIN_TOKEN')).toThrow(message);
  });

  it('accepts the right token, with any case of "bearer"', () => {
    expect(() => checkBearer('bearer right', 'right', 'ADMIN_TOKEN')).not.toThrow();
  });
});

describe('rewriteActorPath (issue 13)', () => {
  const rewrite = (url: string) => {
    const raw: { url: string; gamedayToken?: string; gamedayTokenError?: string } = { url };
    const rewritten = rewriteActorPath(raw);
    return { rewritten, token: raw.gamedayToken, error: raw.gamedayTokenError };
  };

  it.each([
    ['/as/tok/api/v1/pods?limit=1', '/api/v1/pods?limit=1', 'tok'],
    ['/as/tok', '/', 'tok'],
    ['/as/tok/', '/', 'tok'],
    ['/as/tok?x=1', '/?x=1', 'tok'],
    ['/as/a%2Fb.c/api', '/api', 'a/b.c'],
    ['/%61s/tok/api', '/api', 'tok'],
    ['/as//api', '/api', ''],
    ['/admin/config', '/admin/config', undefined],
  ])('takes %s to %s with token %j', (url, rewritten, token) => {
    expect(rewrite(url)).toEqual({ rewritten, token, error: undefined });
  });

  it.each(['/as/%zz/', '/as/%ff/api', '/as/%C0%80', '/as/%E2%82/x', '/as/%/x'])('never throws on %s: it notes why the token cannot be read', (url) => {
    const { token, error } = rewrite(url);
    expect(token).toBeUndefined();
    expect(error).toMatch(/not valid percent-encoded UTF-8/);
  });
});

describe('canonicalUrl (issue 13)', () => {
  it.each([
    ['/ap%69/v1/namespaces/production/pods', '/api/v1/namespaces/production/pods'],
    ['/%61dmin/%63onfig?x=%61', '/admin/config?x=%61'],
    ['/trainer/drills/a%2Fb', '/trainer/drills/a%2Fb'],
    ['/x%zz', '/x%zz'],
    ['http://127.0.0.1:9090/admin/config?a=1', '/admin/config?a=1'],
    ['HTTP://host', '/'],
    ['http://host?x', '/?x'],
    ['*', '*'],
  ])('reads %s as %s', (url, canonical) => {
    expect(canonicalUrl(url)).toBe(canonical);
  });
});
