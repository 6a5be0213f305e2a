import { describe, expect, it } from 'vitest';
import { GamedayError } from '../errors';
import { checkBearer, tokensEqual } from './auth';

describe('tokensEqual', () => {
  it('is true only for the same token', () => {
    expect(tokensEqual('s3cret-token', 's3cret-token')).toBe(true);
    expect(tokensEqual('s3cret-tokeN', 's3cret-token')).toBe(false);
    expect(tokensEqual('short', 's3cret-token')).toBe(false);
    expect(tokensEqual('', 's3cret-token')).toBe(false);
  });
});

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
