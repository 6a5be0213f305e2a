/**
 * Puts every request into the drill's journal when its answer has gone out: who called
 * (admin API, kubectl, agenc, control, UI), what, the status, and what the handler noted.
 * Health checks and the UI's static files are not actions and are left out.
 */
import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import type { JournalInput, JournalSource } from '../../journal/journal';
import type { ActionJournal } from '../../drill/action-journal';
import { isKubePath } from './error-handler';

/**
 * What this request's journal entry will say beyond who, what and the status: the facts the
 * drill's action (or the error handler) noted, and whether the scenario judged it harmful.
 * Handed to the drill's actions as their `ActionJournal`.
 */
export class RequestJournal implements ActionJournal {
  readonly detail: Record<string, unknown> = {};
  effect: 'harmful' | undefined;
  /** Already recorded (or not an action): the hook writes no entry. */
  skip = false;

  noteHarm(why: string | undefined): void {
    if (why === undefined) return;
    this.effect = 'harmful';
    this.detail.harm = why;
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Facts a handler (or the error handler) wants in this request's journal entry. */
    journal: RequestJournal;
  }
}

/** The header agenc sends with its whole command line. */
export const agencCommandHeader = 'x-agenc-command';

/** Long enough for any command line the runbook has; a label past it is cut, so a header cannot bloat the journal. */
const labelMaxLength = 200;
/** Past this a path is cut in the journal: no route is this long, and 10,000 entries of 16 KB URLs would be 160 MB. */
const pathMaxLength = 1000;

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * A client's own name for what it ran (`agenc admin gc --force`, `kubectl scale`), to label
 * the timeline with. Only a label that starts with the client's name is taken, and it is only
 * ever a label: credit goes by the route, parameters and effect (scenario-spec.ts
 * `matchesAction`), never by what a header claims.
 */
function clientLabel(value: string | string[] | undefined, client: 'agenc' | 'kubectl'): string | undefined {
  if (typeof value !== 'string' || !value.startsWith(`${client} `)) return undefined;
  // The label is shown to every participant: a token given on the command line is not.
  const shown = value.replace(/(--token)(=|\s+)\S+/g, '$1$2***');
  // eslint-disable-next-line no-control-regex -- control characters are what is replaced
  return clip(shown.replace(/[\u0000-\u001f\u007f]+/g, ' '), labelMaxLength);
}

export function classifyRequest(request: FastifyRequest, path: string): { source: JournalSource; action: string } | undefined {
  if (isKubePath(path)) {
    return { source: 'kube', action: clientLabel(request.headers['kubectl-command'], 'kubectl') ?? `${request.method} ${path}` };
  }
  if (path.startsWith('/admin/')) {
    const agenc = clientLabel(request.headers[agencCommandHeader], 'agenc');
    return agenc !== undefined ? { source: 'agenc', action: agenc } : { source: 'admin', action: `${request.method} ${path}` };
  }
  if (path === '/metrics') return { source: 'metrics', action: `${request.method} ${path}` };
  // The trainee's actions in the UI (reading the view is not one).
  if (path.startsWith('/trainer/') && request.method !== 'GET') return { source: 'ui', action: `${request.method} ${path}` };
  // Game-day mode: the facilitator's controls are journaled here (and each session's own in its
  // drill); reading the console and joining (journaled in the session) are not.
  if (path.startsWith('/gameday/')) return request.method === 'GET' || path.startsWith('/gameday/join/') ? undefined : { source: 'sim', action: `${request.method} ${path}` };
  if (path.startsWith('/_sim/')) {
    // Reading state or the journal is not a control action; the journal would otherwise fill with polls.
    if (request.method === 'GET') return undefined;
    return { source: 'sim', action: `${request.method} ${path}` };
  }
  // Not actions: health checks, the UI's own files and views, its socket, the API description.
  if (path === '/healthz' || path.startsWith('/socket.io/') || (request.method === 'GET' && (path === '/' || path.startsWith('/assets/') || path.startsWith('/trainer/') || path === '/index.html' || path === '/docs/json'))) return undefined;
  // Anything else is still a request someone made (a mistyped path, a probe): it is journaled,
  // so a curl that got a 404 from a wrong path shows up as the failure it is.
  return { source: 'other', action: `${request.method} ${path}` };
}

export default fp(
  (fastify, _options, done) => {
    fastify.decorateRequest('journal', null as unknown as FastifyRequest['journal']);
    fastify.addHook('onRequest', (request, _reply, next) => {
      // Realtime: the clock is pumped every 100 ms; catching up first makes every answer (and
      // its journal entry) reflect the instant it was asked.
      fastify.drill.clock.catchUp();
      request.journal = new RequestJournal();
      next();
    });
    // And again just before the handler acts: validating a route's first request compiles its
    // schema, which can take longer than a pump interval under load, and a handler that acted
    // on a stale clock (a drain started in the past) would finish in the next pump's catch-up.
    fastify.addHook('preHandler', (_request, _reply, next) => {
      fastify.drill.clock.catchUp();
      next();
    });
    const record = (request: FastifyRequest, status: number) => {
      const query = request.url.indexOf('?');
      const path = clip(query < 0 ? request.url : request.url.slice(0, query), pathMaxLength);
      const kind = request.journal.skip ? undefined : classifyRequest(request, path);
      if (!kind) return;
      request.journal.skip = true;
      const detail = request.journal.detail;
      detail.method = request.method;
      detail.path = path;
      // The route that served it (undefined when none did: a 404), and its parameters: what
      // runbook actions are credited by, whatever the path's spelling (`/admin/%67c` is GC).
      const route = request.is404 ? undefined : request.routeOptions.url;
      if (route !== undefined) {
        detail.route = route;
        const params = request.params as Record<string, unknown> | undefined;
        if (params && Object.keys(params).length > 0) detail.params = Object.fromEntries(Object.entries(params).map(([name, value]) => [name, typeof value === 'string' ? clip(value, labelMaxLength) : value]));
      }
      const entry: JournalInput = { source: kind.source, action: kind.action, outcome: status < 400 || status === 499 ? 'accepted' : 'rejected', status, detail };
      if (request.journal.effect) entry.effect = request.journal.effect;
      // kubectl's id for one command, shared by every request that command makes: the timeline
      // shows them as one entry. Taken only in its own shape, so it is only ever an id.
      const kubectlSession = kind.source === 'kube' ? request.headers['kubectl-session'] : undefined;
      if (typeof kubectlSession === 'string' && /^[A-Za-z0-9-]{8,64}$/.test(kubectlSession)) detail.kubectlSession = kubectlSession;
      // The token's owner, never a header: a participant by name, else 'admin' or 'facilitator'.
      const actor = request.actor?.name ?? request.tokenOwner;
      if (actor) entry.actor = actor;
      fastify.drill.record(entry);
    };
    fastify.addHook('onResponse', (request, reply, next) => {
      record(request, reply.statusCode);
      next();
    });
    // A client that gives up (curl --max-time) never gets its answer, so onResponse never runs;
    // the request still happened and the service still acted on it. 499: client closed request.
    fastify.addHook('onRequestAbort', (request, next) => {
      request.journal.detail.clientGaveUp = true;
      record(request, 499);
      next();
    });
    done();
  },
  { name: 'journal-hook', dependencies: ['drill-context'], fastify: '5.x' },
);
