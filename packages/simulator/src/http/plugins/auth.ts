/**
 * Bearer-token guards: `requireAdmin` for the service's admin API and Kubernetes API (the
 * trainee's `$ADMIN_TOKEN`), `requireFacilitator` for simulation control. Tokens are compared
 * in constant time, by hashing both sides to equal length first.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import { GamedayError } from '../errors';

declare module 'fastify' {
  interface FastifyInstance {
    requireAdmin: (request: FastifyRequest) => Promise<void>;
    requireFacilitator: (request: FastifyRequest) => Promise<void>;
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Constant-time string equality. */
export function tokensEqual(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** Checks an Authorization header against a token; throws a 401 saying what was wrong. */
export function checkBearer(header: string | undefined, expected: string, tokenName: string): void {
  if (header === undefined || header === '') {
    throw new GamedayError('UNAUTHORIZED', `no Authorization header; send "Authorization: Bearer $${tokenName}"`, { field: 'Authorization' });
  }
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  if (!match) {
    throw new GamedayError('UNAUTHORIZED', `the Authorization header must be "Bearer <token>" (got scheme "${header.trim().split(/\s+/)[0]}")`, { field: 'Authorization' });
  }
  if (!tokensEqual(match[1]!.trim(), expected)) {
    throw new GamedayError('UNAUTHORIZED', `invalid token; use the $${tokenName} printed by \`gameday serve\` (or \`eval "$(gameday env)"\`)`, { field: 'Authorization' });
  }
}

export default fp(
  (fastify, _options, done) => {
    fastify.decorate('requireAdmin', async (request: FastifyRequest) => {
      checkBearer(request.headers.authorization, fastify.tokens.admin, 'ADMIN_TOKEN');
    });
    fastify.decorate('requireFacilitator', async (request: FastifyRequest) => {
      checkBearer(request.headers.authorization, fastify.tokens.facilitator, 'FACILITATOR_TOKEN');
    });
    done();
  },
  { name: 'auth', dependencies: ['drill-context'], fastify: '5.x' },
);
