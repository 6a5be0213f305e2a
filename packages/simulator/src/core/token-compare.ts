/** Comparing a presented token with the one expected, without leaking more than its length. */
import { timingSafeEqual } from 'node:crypto';

/**
 * Constant-time string equality. Only the length can leak, and a token's length is no secret
 * (generated ones are always 24 characters). Hashing both sides to equal length instead cost
 * ~12 µs a request under OpenSSL 3, a third of the admin API's throughput.
 */
export function tokensEqual(given: string, expected: string): boolean {
  const givenBytes = Buffer.from(given);
  const expectedBytes = expectedBytesOf(expected);
  if (givenBytes.length !== expectedBytes.length) {
    timingSafeEqual(expectedBytes, expectedBytes);
    return false;
  }
  return timingSafeEqual(givenBytes, expectedBytes);
}

/** The bytes of the tokens a server checks against, made once (a server has a handful). */
const expectedBytesCache = new Map<string, Buffer>();
function expectedBytesOf(token: string): Buffer {
  let bytes = expectedBytesCache.get(token);
  if (bytes === undefined) {
    bytes = Buffer.from(token);
    if (expectedBytesCache.size > 1000) expectedBytesCache.clear();
    expectedBytesCache.set(token, bytes);
  }
  return bytes;
}
