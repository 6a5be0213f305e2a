/**
 * On a game-day session's own server: whether anything may change the world now. While the
 * session waits to start, is paused by the facilitator, or has ended, requests that would
 * change the drill are refused (reads go on). Who may call what is the guards' (auth.ts).
 */
import fp from 'fastify-plugin';
import { GamedayError } from '../../core/gameday-error';

/** Whether a request changes the drill (reads, control and terminal lines, whose own requests are checked, do not). */
function isAction(method: string, path: string): boolean {
  return method !== 'GET' && method !== 'HEAD' && !path.startsWith('/_sim/') && path !== '/trainer/terminal';
}

export default fp(
  (fastify, _options, done) => {
    const session = fastify.session;
    if (!session) {
      done();
      return;
    }
    // After the guards (onRequest), before the body is read: a caller without a valid token is
    // refused as such, and learns nothing of the session's state.
    fastify.addHook('preParsing', (request, _reply, payload, next) => {
      try {
        const path = request.url.split('?', 1)[0]!;
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
        next(null, payload);
      } catch (error) {
        next(error as Error);
      }
    });
    done();
  },
  { name: 'session-guard', dependencies: ['auth', 'journal-hook'], fastify: '5.x' },
);
