/**
 * What a drill's score is made of, said once: the scorer (and the post-mortem) read the
 * journal through these predicates, and the journal files every entry they accept in its fact
 * log, which the ring's eviction never touches. An entry no predicate accepts cannot change a
 * score, so it may go.
 */
import { matchesAction, redHerringAlertRules, routeOf, scenarios, type ActionMatcher } from '@gameday/scenarios';
import type { JournalEntry } from './journal';

/** Events only the drill itself records (source `sim`): its start, reset, finish, injected faults. */
export type DrillEventAction = 'drill.started' | 'drill.reset' | 'drill.finished' | 'fault.injected';
/**
 * Events only the world records (source `world`): the pager, the incident's phases, its resolved
 * condition met or lost, and the severity engine's assessment when it changes.
 */
export type WorldEventAction = 'alert.firing' | 'phase' | 'incident.resolved' | 'incident.relapsed' | 'severity.assessed';

const drillEvents: ReadonlySet<string> = new Set<DrillEventAction>(['drill.started', 'drill.reset', 'drill.finished', 'fault.injected']);
const worldEvents: ReadonlySet<string> = new Set<WorldEventAction>(['alert.firing', 'phase', 'incident.resolved', 'incident.relapsed', 'severity.assessed']);

/** The trainee's declarations the score reads, by the route that takes them. */
export const declarationRoutes = ['/trainer/acknowledge', '/trainer/bridge', '/trainer/severity', '/trainer/declare', '/trainer/comms', '/trainer/escalations'] as const;
export type DeclarationRoute = (typeof declarationRoutes)[number];
const declarationRouteSet: ReadonlySet<string> = new Set(declarationRoutes);

/**
 * An event of the drill or the world. The source is checked as well as the name: a request's
 * action is its method and path (or a client's label that starts with the client's name), so no
 * request can pose as one, and journals stored before that rule are read the same way.
 */
export function isDrillEvent(entry: JournalEntry, action: DrillEventAction | WorldEventAction): boolean {
  return entry.action === action && entry.source === (drillEvents.has(action) ? 'sim' : 'world');
}

/** Alerts no incident pages with (the platform's warnings the red herrings fire): acknowledging one is not acknowledging the page. */
const notPages: ReadonlySet<string> = new Set(redHerringAlertRules.map((rule) => rule.name));

/** Whether `alert` is one of the platform's own warnings, never an incident's page. */
export const isPlatformAlert = (alert: string): boolean => notPages.has(alert);

/** A declaration (acknowledge, severity, comms…) the service accepted. */
export function isDeclaration(entry: JournalEntry, route: DeclarationRoute): boolean {
  if (entry.source !== 'ui' || entry.outcome !== 'accepted' || routeOf(entry.detail) !== route) return false;
  return route !== '/trainer/acknowledge' || !isPlatformAlert(String(entry.detail?.alert));
}

/** A request someone sent to the service (the admin API, Kubernetes, agenc, the UI), not an event. */
export function isRequest(entry: JournalEntry): boolean {
  return entry.source !== 'world' && entry.source !== 'sim';
}

/** A change the service applied: a config change, or a scale of a deployment. */
export function isChange(entry: JournalEntry): boolean {
  if (entry.outcome !== 'accepted' || !isRequest(entry)) return false;
  const detail = entry.detail;
  return (detail?.method === 'POST' && routeOf(detail) === '/admin/config') || (entry.source === 'kube' && detail?.deployment !== undefined);
}

const writeMethods: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** A request that changed the service (any accepted write to the admin or Kubernetes API): the post-mortem's "mitigation applied". */
export function isServiceWrite(entry: JournalEntry): boolean {
  return entry.outcome === 'accepted' && (entry.source === 'admin' || entry.source === 'agenc' || entry.source === 'kube') && writeMethods.has(String(entry.detail?.method));
}

/**
 * Every required action and recovery step of every scenario, as a fact kind: any scenario can
 * be injected into a running drill, and the scorer then asks for its actions too.
 */
const requiredActionKinds: ReadonlyArray<{ kind: string; anyOf: readonly ActionMatcher[] }> = scenarios.flatMap((scenario) =>
  scenario.spec === null
    ? []
    : [
        ...scenario.spec.requiredActions.map((action) => ({ kind: `action:${scenario.spec!.incident}:${action.id}`, anyOf: action.anyOf })),
        ...scenario.spec.recovery.map((step) => ({ kind: `recovery:${scenario.spec!.incident}:${step.id}`, anyOf: step.anyOf })),
      ],
);

/**
 * The same matchers by the only route each can match (scale matchers under `scaled`, which no
 * route is: they match any entry that scaled), so a request is tried against its own route's
 * alone. This runs for every request: trying all of them cost ~2 µs a request, a twentieth of
 * an admin call; by route it is a fraction of a microsecond for a request no step asks for.
 */
const scaled = 'scaled';
const matchersByRoute = new Map<string, Array<{ kind: string; matcher: ActionMatcher }>>();
for (const { kind, anyOf } of requiredActionKinds) {
  for (const matcher of anyOf) {
    const key = matcher.kind === 'scale' ? scaled : matcher.kind === 'config' ? '/admin/config' : matcher.route;
    const list = matchersByRoute.get(key) ?? [];
    list.push({ kind, matcher });
    matchersByRoute.set(key, list);
  }
}

/** Adds the kinds of required action `entry` did to `kinds`. */
function addRequiredActionsDone(entry: JournalEntry, route: string | undefined, kinds: string[]): void {
  for (const key of [route, entry.detail?.deployment === undefined ? undefined : scaled]) {
    if (key === undefined) continue;
    for (const { kind, matcher } of matchersByRoute.get(key) ?? []) if (!kinds.includes(kind) && matchesAction(matcher, entry)) kinds.push(kind);
  }
}

/** The kinds of fact `entry` is, none when the score cannot use it. Each kind is from a fixed set. */
export function scoringFactKinds(entry: JournalEntry): string[] {
  const kinds: string[] = [];
  if (entry.source === 'sim') {
    if (drillEvents.has(entry.action)) kinds.push(entry.action);
  } else if (entry.source === 'world') {
    if (worldEvents.has(entry.action)) kinds.push(entry.action);
  } else if (entry.outcome === 'accepted') {
    const route = routeOf(entry.detail);
    if (entry.source === 'ui' && route !== undefined && declarationRouteSet.has(route)) kinds.push(`ui:${route}`);
    if (isChange(entry)) kinds.push('change');
    if (isServiceWrite(entry)) kinds.push('service-write');
    addRequiredActionsDone(entry, route, kinds);
  }
  if (entry.effect === 'harmful') kinds.push('harmful');
  return kinds;
}

/** How many kinds of fact there are: with the fact log's cap, the bound on what it holds. */
export const scoringFactKindCount = drillEvents.size + worldEvents.size + declarationRoutes.length + 3 + requiredActionKinds.length;

/**
 * Whether the world met its resolved condition at `simMs`: the last `incident.resolved` or
 * `incident.relapsed` the world journaled by then was `resolved`. A declaration of resolved is
 * judged by this, not by the button.
 */
export function worldResolvedAt(entries: readonly JournalEntry[], simMs: number): boolean {
  let resolved = false;
  for (const entry of entries) {
    if (entry.simMs > simMs) break;
    if (isDrillEvent(entry, 'incident.resolved')) resolved = true;
    else if (isDrillEvent(entry, 'incident.relapsed')) resolved = false;
  }
  return resolved;
}

/**
 * How many entries a kind of fact keeps: a runbook step or a Recovery step is scored by when it
 * was first done, so its first entry and the newest are all it needs (a flood of the same read,
 * say `kubectl get pods`, cannot fill the log); every other kind keeps the log's cap.
 */
export function scoringFactKindCap(kind: string): number {
  return kind.startsWith('action:') || kind.startsWith('recovery:') ? 2 : Number.POSITIVE_INFINITY;
}
