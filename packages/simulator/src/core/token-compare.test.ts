import { describe, expect, it } from 'vitest';
import { tokensEqual } from './token-compare';

describe('tokensEqual', () => {
  it('is true only for the same token', () => {
    expect(tokensEqual('s3cret-token', 's3cret-token')).toBe(true);
    expect(tokensEqual('s3cret-tokeN', 's3cret-token')).toBe(false);
    expect(tokensEqual('short', 's3cret-token')).toBe(false);
    expect(tokensEqual('', 's3cret-token')).toBe(false);
  });
});
