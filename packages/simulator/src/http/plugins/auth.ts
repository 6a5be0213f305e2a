/**
 * Token guards. Every route that reads or changes a drill names who may call it:
 * `requireAdmin` for the service's admin API (the trainee's `$ADMIN_TOKEN`, or on a game-day
 * session's server a participant whose role may run commands), `requirePermission` for the
 * trainee's actions and reads, `requireFacilitator` for simulation control. A token comes in an
 * `Authorization: Bearer` header, or in the path as `/as/<token>/...`, which is how kubectl
 * carries it (client-go sends no token over plain http). Tokens are compared in constant time.
 * Each guard also marks the route in the OpenAPI document with the token it takes.
 */
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction, RouteOptions } from 'fastify';
import { GamedayError } from '../../core/gameday-error';
import { tokensEqual } from '../../core/token-compare';
import { requireRole, type Permission } from '../../gameday/session-roles';
import type { Participant } from '../../gameday/game-day-session';

/** An onRequest hook; callback style, since the async form measured slower on this hot path. */
type AuthHook = (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => void;

/** The OpenAPI security requirement a guard stands for (see the schemes in app.ts). */
export type SecurityRequirement = Array<Record<string, string[]>>;

/** A guard, carrying the security requirement it enforces, so the route's documentation says it. */
export type Guard = AuthHook & { security: SecurityRequirement };

/** Whose token a request carries: the server's admin token, the facilitator's, or a participant's (then `actor`). */
export type TokenOwner = 'admin' | 'facilitator' | 'participant';

declare module 'fastify' {
  interface FastifyInstance {
    requireAdmin: Guard;
    requireFacilitator: Guard;
    /** The admin token, or (on a game-day session's server) a participant whose role allows `permission`; 'view': anyone in the session. */
    requirePermission: (permission: Permission | 'view') => Guard;
  }
  interface FastifyRequest {
    /** The game-day participant who made the request, when one did. */
    actor: Participant | null;
    /** Whose token this request was let in with, once a guard (or the path) checked it. The journal names it. */
    tokenOwner: TokenOwner | null;
  }
}

/** Where a kubeconfig carries its token: `/as/<token>/api/...` (see writeParticipantKubeconfig). */
export const actorPathPrefix = '/as/';

/** What the raw request carries from the URL rewrite to the guards. */
interface RawWithToken {
  url?: string | undefined;
  /** The token from `/as/<token>`, decoded. */
  gamedayToken?: string;
  /** Why the `/as/<token>` segment could not be read, when it could not. */
  gamedayTokenError?: string;
}

/** RFC 3986's unreserved characters: percent-encoding one of them changes nothing about the URL. */
function isUnreserved(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || code === 0x2d || code === 0x2e || code === 0x5f || code === 0x7e;
}

/**
 * The URL every hook and route sees: origin-form (`/path?query`), with percent-encoded
 * unreserved characters decoded, so `/%61dmin/config` and `http://host/admin/config` are
 * `/admin/config` to a check that reads the path as well as to the router. Never throws:
 * anything it cannot read is left for the router, which answers it with a 400.
 */
export function canonicalUrl(url: string): string {
  let canonical = url;
  // Absolute-form (`GET http://host/path`), which a proxy would send: routed by its path.
  if (canonical.charCodeAt(0) !== 0x2f) {
    const origin = /^[A-Za-z][A-Za-z\d+.-]*:\/\/[^/?#]*/.exec(canonical);
    if (origin) canonical = canonical.slice(origin[0].length) || '/';
    if (canonical.charCodeAt(0) === 0x3f) canonical = `/${canonical}`;
  }
  const query = canonical.indexOf('?');
  const percent = canonical.indexOf('%');
  if (percent < 0 || (query >= 0 && percent > query)) return canonical;
  const path = query < 0 ? canonical : canonical.slice(0, query);
  const decoded = path.replace(/%([0-9A-Fa-f]{2})/g, (escape, hex: string) => {
    const code = parseInt(hex, 16);
    return isUnreserved(code) ? String.fromCharCode(code) : escape;
  });
  return query < 0 ? decoded : decoded + canonical.slice(query);
}

/**
 * The URL rewrite (Fastify's `rewriteUrl`): the canonical URL, with `/as/<token>` taken off and
 * the token kept on the raw request for the guards. Runs outside any error handling, so it
 * never throws: a token segment that is not valid percent-encoded UTF-8 is noted, and the
 * request is refused with a 400 once it is a request (see the auth plugin's onRequest hook).
 */
export function rewriteActorPath(raw: RawWithToken): string {
  const url = canonicalUrl(raw.url ?? '/');
  if (!url.startsWith(actorPathPrefix)) return url;
  const rest = url.slice(actorPathPrefix.length);
  const end = rest.search(/[/?]/);
  const segment = end < 0 ? rest : rest.slice(0, end);
  try {
    raw.gamedayToken = decodeURIComponent(segment);
  } catch {
    raw.gamedayTokenError = 'the token in the path (/as/<token>/...) is not valid percent-encoded UTF-8; use the kubeconfig gameday wrote, unedited';
  }
  if (end < 0) return '/';
  return rest.charCodeAt(end) === 0x3f ? `/${rest.slice(end)}` : rest.slice(end);
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

/**
 * The token a request presents: the one in its path (`/as/<token>`), else its Bearer header.
 * Throws a 401 when there is none, or when the two disagree (a request is one person's).
 */
export function presentedToken(request: FastifyRequest, tokenName: string): string {
  const raw = request.raw as RawWithToken;
  const inPath = raw.gamedayToken;
  if (inPath === undefined) return bearerToken(request.headers.authorization, tokenName);
  const header = request.headers.authorization;
  if (header !== undefined && header !== '' && !tokensEqual(bearerToken(header, tokenName), inPath)) {
    throw new GamedayError('UNAUTHORIZED', 'the token in the path (/as/<token>) and the Authorization header differ; send one of them', { field: 'Authorization' });
  }
  return inPath;
}

/** The security requirements the OpenAPI document names (schemes declared in app.ts). */
export const adminSecurity: SecurityRequirement = [{ adminToken: [] }];
export const facilitatorSecurity: SecurityRequirement = [{ facilitatorToken: [] }];

function asGuard(hook: AuthHook, security: SecurityRequirement): Guard {
  return Object.assign(hook, { security });
}

function isGuard(hook: unknown): hook is Guard {
  return typeof hook === 'function' && Array.isArray((hook as Partial<Guard>).security);
}

/** Writes a guard's requirement into a route's schema, where @fastify/swagger reads it. */
function documentGuard(route: RouteOptions, guard: Guard): void {
  if (!route.schema) return;
  (route.schema as { security?: SecurityRequirement }).security ??= guard.security;
}

/** Puts `guard` in front of a route's own hooks (from an onRoute hook), and documents it. */
export function guardRoute(route: RouteOptions, guard: Guard): void {
  route.onRequest = [guard, ...[route.onRequest ?? []].flat()];
  documentGuard(route, guard);
}

/**
 * Puts `guard` in front of every route registered in `instance` from now on: for a plugin whose
 * routes all take the same token (the admin operations, /_sim, the facilitator's /gameday routes).
 */
export function guardEveryRoute(instance: FastifyInstance, guard: Guard): void {
  instance.addHook('onRoute', (route) => guardRoute(route, guard));
}

export default fp(
  (fastify, _options, done) => {
    fastify.decorateRequest('actor', null);
    fastify.decorateRequest('tokenOwner', null);
    const session = fastify.session;

    /** Who a token is on this server, or undefined for a token it does not know. */
    const ownerOf = (request: FastifyRequest, token: string): TokenOwner | undefined => {
      if (tokensEqual(token, fastify.tokens.admin)) return 'admin';
      if (tokensEqual(token, fastify.tokens.facilitator)) return 'facilitator';
      const participant = session?.authenticate(token);
      if (!participant) return undefined;
      request.actor = participant;
      return 'participant';
    };

    // A token in the path is checked before anything else, whatever the route: a kubeconfig
    // that carries a wrong token is refused as such, even on routes that need none.
    fastify.addHook('onRequest', (request, _reply, next) => {
      const raw = request.raw as RawWithToken;
      if (raw.gamedayTokenError !== undefined) {
        next(new GamedayError('INVALID_URL', raw.gamedayTokenError, { field: 'path' }));
        return;
      }
      if (raw.gamedayToken === undefined) {
        next();
        return;
      }
      const owner = ownerOf(request, raw.gamedayToken);
      if (owner === undefined) {
        next(new GamedayError('UNAUTHORIZED', session ? 'the token in this address belongs to no one in this game-day; join again and use the new kubeconfig' : 'the token in this address (/as/<token>) is not this server\'s; use the kubeconfig `gameday env` points at', { field: 'path' }));
        return;
      }
      request.tokenOwner = owner;
      next();
    });

    fastify.decorate(
      'requireFacilitator',
      asGuard((request, _reply, next) => {
        try {
          if (!tokensEqual(presentedToken(request, 'FACILITATOR_TOKEN'), fastify.tokens.facilitator)) throw invalidToken('FACILITATOR_TOKEN');
          request.tokenOwner = 'facilitator';
          request.actor = null;
          next();
        } catch (error) {
          next(error as Error);
        }
      }, facilitatorSecurity),
    );

    // The admin token, or on a game-day session's server a participant's own token, whose
    // role decides what they may do ('view': anyone in the session, observers included).
    const permitted = (permission: Permission | 'view'): Guard =>
      asGuard((request, _reply, next) => {
        try {
          const token = presentedToken(request, 'ADMIN_TOKEN');
          if (tokensEqual(token, fastify.tokens.admin)) {
            request.tokenOwner = 'admin';
            request.actor = null;
          } else {
            const participant = session?.authenticate(token);
            if (!participant) throw invalidToken('ADMIN_TOKEN');
            request.tokenOwner = 'participant';
            request.actor = participant;
            if (permission !== 'view') requireRole(participant.role, permission);
          }
          next();
        } catch (error) {
          next(error as Error);
        }
      }, adminSecurity);
    const byPermission = new Map<Permission | 'view', Guard>();
    fastify.decorate('requirePermission', (permission: Permission | 'view') => {
      let guard = byPermission.get(permission);
      if (!guard) byPermission.set(permission, (guard = permitted(permission)));
      return guard;
    });
    fastify.decorate('requireAdmin', fastify.requirePermission('command'));

    // Routes that name their guard in their own options are documented here.
    fastify.addHook('onRoute', (route) => {
      const guard = [route.onRequest ?? []].flat().find(isGuard);
      if (guard) documentGuard(route, guard);
    });
    done();
  },
  { name: 'auth', dependencies: ['drill-context', 'journal-hook'], fastify: '5.x' },
);
