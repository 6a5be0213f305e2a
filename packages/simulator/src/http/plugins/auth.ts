/**
 * Bearer-token guards: `requireAdmin` for the service's admin API (the trainee's
 * `$ADMIN_TOKEN`), `requireFacilitator` for simulation control. Tokens are compared in
 * constant time with `timingSafeEqual` on their bytes.
 */
import { timingSafeEqual } from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { GamedayError } from '../errors';
import { requireRole, type Permission } from '../../gameday/session-roles';
import type { Participant } from '../../gameday/game-day-session';

/** An onRequest hook; callback style, since the async form measured slower on this hot path. */
type AuthHook = (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => void;

declare module 'fastify' {
  interface FastifyInstance {
    requireAdmin: AuthHook;
    requireFacilitator: AuthHook;
    /** The admin token, or (on a game-day session's server) a participant whose role allows `permission`. */
    requirePermission: (permission: Permission | 'view') => AuthHook;
  }
  interface FastifyRequest {
    /** The game-day participant who made the request, when one did. */
    actor: Participant | null;
  }
}

/** Where a participant's kubeconfig carries their token: `/as/<token>/api/...` (see writeParticipantKubeconfig). */
export const actorPathPrefix = '/as/';

/** Strips `/as/<token>` from a request's URL before routing, keeping the token on the request. */
export function rewriteActorPath(raw: { url?: string | undefined; gamedayToken?: string }): string {
  const url = raw.url ?? '/';
  if (!url.startsWith(actorPathPrefix)) return url;
  const end = url.indexOf('/', actorPathPrefix.length);
  raw.gamedayToken = decodeURIComponent(url.slice(actorPathPrefix.length, end < 0 ? undefined : end));
  return end < 0 ? '/' : url.slice(end);
}

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

/** The token of a Bearer Authorization header; throws a 401 saying what was wrong. */
export function bearerToken(header: string | undefined, tokenName: string): string {
  if (header === undefined || header === '') {
    throw new GamedayError('UNAUTHORIZED', `no Authorization header; send "Authorization: Bearer $${tokenName}"`, { field: 'Authorization' });
  }
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  if (!match) {
    throw new GamedayError('UNAUTHORIZED', `the Authorization header must be "Bearer <token>" (got scheme "${header.trim().split(/\s+/)[0]}")`, { field: 'Authorization' });
  }
  return match[1]!.trim();
}

export function invalidToken(tokenName: string): GamedayError {
  return new GamedayError('UNAUTHORIZED', `invalid token; use the $${tokenName} printed by \`gameday serve\` (or \`eval "$(gameday env)"\`)`, { field: 'Authorization' });
}

/** Whether an Authorization header carries this token (no error: for answers that differ by caller). */
export function isBearer(header: string | undefined, expected: string): boolean {
  try {
    return tokensEqual(bearerToken(header, ''), expected);
  } catch {
    return false;
  }
}

/** Checks an Authorization header against a token; throws a 401 saying what was wrong. */
export function checkBearer(header: string | undefined, expected: string, tokenName: string): void {
  if (!tokensEqual(bearerToken(header, tokenName), expected)) throw invalidToken(tokenName);
}

export default fp(
  (fastify, _options, done) => {
    const guard =
      (token: () => string, tokenName: string): AuthHook =>
      (request, _reply, done) => {
        try {
          checkBearer(request.headers.authorization, token(), tokenName);
          done();
        } catch (error) {
          done(error as Error);
        }
      };
    fastify.decorate('requireFacilitator', guard(() => fastify.tokens.facilitator, 'FACILITATOR_TOKEN'));
    fastify.decorateRequest('actor', null);
    const session = fastify.session;
    if (!session) {
      // A solo drill: one token, no roles (and nothing extra on the admin API's hot path).
      const admin = guard(() => fastify.tokens.admin, 'ADMIN_TOKEN');
      fastify.decorate('requireAdmin', admin);
      fastify.decorate('requirePermission', () => admin);
      done();
      return;
    }
    // A game-day session's server: the session's admin token, or a participant's own token,
    // whose role decides what they may do.
    const permitted =
      (permission: Permission | 'view'): AuthHook =>
      (request, _reply, done) => {
        try {
          const token = bearerToken(request.headers.authorization, 'ADMIN_TOKEN');
          if (!tokensEqual(token, fastify.tokens.admin)) {
            const participant = session.authenticate(token);
            if (!participant) throw invalidToken('ADMIN_TOKEN');
            request.actor = participant;
            // 'view': anyone in the session, observers included.
            if (permission !== 'view') requireRole(participant.role, permission);
          }
          done();
        } catch (error) {
          done(error as Error);
        }
      };
    fastify.decorate('requireAdmin', permitted('command'));
    fastify.decorate('requirePermission', permitted);
    done();
  },
  { name: 'auth', dependencies: ['drill-context'], fastify: '5.x' },
);
