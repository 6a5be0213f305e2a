/**
 * On a game-day session's own server: who is calling kubectl, and whether anything may change
 * the world now. kubectl's requests carry the participant's token in the path (see
 * rewriteActorPath), so their calls are theirs in the journal and an observer's are refused;
 * and while the session waits to start, is paused by the facilitator, or has ended, requests
 * that would change the drill are refused (reads go on).
 */
import fp from 'fastify-plugin';
import { GamedayError } from '../errors';
import { requireRole } from '../../gameday/session-roles';
import { isKubePath } from './error-handler';

/** Whether a request changes the drill (reads, control and terminal lines, whose own requests are checked, do not). */
function isAction(method: string, path: string): boolean {
  return method !== 'GET' && method !== 'HEAD' && !path.startsWith('/_sim/') && path !== '/trainer/terminal';
}

/** What kubectl reads to learn the API (`/api`, `/apis/apps/v1`, `/version`), before any resource. */
function isDiscoveryPath(path: string): boolean {
  return /^\/(version|api(\/v1)?|apis(\/[^/]+(\/[^/]+)?)?)\/?$/.test(path);
}

export default fp(
  (fastify, _options, done) => {
    const session = fastify.session;
    if (!session) {
      done();
      return;
    }
    fastify.addHook('onRequest', (request, _reply, next) => {
      try {
        const pathToken = (request.raw as { gamedayToken?: string }).gamedayToken;
        const path = request.url.split('?', 1)[0]!;
        if (pathToken !== undefined) {
          const participant = session.authenticate(pathToken);
          if (!participant) throw new GamedayError('UNAUTHORIZED', 'this kubeconfig belongs to no one in this game-day; join again and use the new one');
          request.actor = participant;
          // Discovery stays open, so kubectl gets as far as the real request and prints the refusal.
          if (isKubePath(path) && !isDiscoveryPath(path)) requireRole(participant.role, 'command');
        }
        const status = session.status;
        if (status !== 'running' && isAction(request.method, path)) {
          throw new GamedayError(
            'CONFLICT',
            status === 'open'
              ? `game-day ${session.code} has not started yet; the facilitator starts it`
              : status === 'paused'
                ? `game-day ${session.code} is paused by the facilitator; wait for it to resume`
                : `game-day ${session.code} has ended`,
          );
        }
        next();
      } catch (error) {
        next(error as Error);
      }
    });
    done();
  },
  { name: 'session-guard', dependencies: ['auth', 'journal-hook'], fastify: '5.x' },
);
