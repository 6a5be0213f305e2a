/**
 * Issue 13 (7): a runbook action is credited by what the request did (its route, parameters
 * and effect), whichever client sent it; what a header claims never earns anything, and
 * neither does a request the service refused.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { matchesAction, scenarios, type ActionMatcher } from '@gameday/scenarios';
import { scoreJournal } from './drill-scorer';
import { isPaged, openDrill, runUntil, type Call, type OpenDrill } from './test-drill-play';

const opened: OpenDrill[] = [];
afterEach(async () => {
  for (const open of opened.splice(0)) await open.close();
});

/** A memory-exhaustion drill that has paged: Force GC is its first required action. */
async function pagedMemoryDrill(): Promise<OpenDrill> {
  const open = await openDrill('memory-exhaustion');
  opened.push(open);
  runUntil(open.drill, isPaged(open.drill), 60 * 60_000);
  expect(isPaged(open.drill)()).toBe(true);
  return open;
}

const forceGcDone = (open: OpenDrill) => scoreJournal(open.drill.journal.facts()).actions.find((action) => action.id === 'force-gc')!.doneAtMs !== null;

/** What curl sends for `curl -X POST localhost:9090/admin/gc -H "Authorization: …" -d '…'`. */
const curlHeaders = { 'user-agent': 'curl/8.14.1', accept: '*/*', 'content-type': 'application/x-www-form-urlencoded' };
const agencGcLabel = 'agenc admin gc --component speculation --force';

describe('runbook credit', () => {
  it('a plain curl sending the request `agenc admin gc --force` sends earns Force GC', async () => {
    const open = await pagedMemoryDrill();
    expect(forceGcDone(open)).toBe(false);
    const response = await open.send({ method: 'POST', url: '/admin/gc', body: { component: 'speculation', force: true }, headers: curlHeaders });
    expect(response.statusCode).toBe(200);
    expect(forceGcDone(open)).toBe(true);
    expect(open.drill.journal.list().at(-1)).toMatchObject({ source: 'admin', action: 'POST /admin/gc', detail: { route: '/admin/gc', force: true } });
  });

  it('the route counts, not the spelling of the path: POST /admin/%67c is the same GC', async () => {
    const open = await pagedMemoryDrill();
    expect((await open.send({ method: 'POST', url: '/admin/%67c', body: { component: 'speculation', force: true }, headers: curlHeaders })).statusCode).toBe(200);
    expect(forceGcDone(open)).toBe(true);
  });

  it('a GET carrying `X-Agenc-Command: agenc admin gc --force` earns nothing; the label only names the timeline entry', async () => {
    const open = await pagedMemoryDrill();
    expect((await open.send({ method: 'GET', url: '/admin/gc', headers: { 'x-agenc-command': agencGcLabel } })).statusCode).toBe(404);
    expect((await open.send({ method: 'GET', url: '/admin/status?component=speculation', headers: { 'x-agenc-command': agencGcLabel } })).statusCode).toBe(200);
    expect(open.drill.journal.list().at(-1)).toMatchObject({ source: 'agenc', action: agencGcLabel, outcome: 'accepted' });
    expect(forceGcDone(open)).toBe(false);
  });

  it('a GC without force earns nothing, whatever its label claims', async () => {
    const open = await pagedMemoryDrill();
    expect((await open.send({ method: 'POST', url: '/admin/gc', body: { component: 'speculation', force: false }, headers: { 'x-agenc-command': agencGcLabel } })).statusCode).toBe(200);
    expect(forceGcDone(open)).toBe(false);
  });

  it.each<[string, Call, number]>([
    ['without the admin token', { method: 'POST', url: '/admin/gc', body: { component: 'speculation', force: true }, headers: { authorization: 'Bearer wrong' } }, 401],
    ['with a body the route refuses', { method: 'POST', url: '/admin/gc', body: { component: 'speculation', force: 'very' } }, 400],
    ['with an unknown component', { method: 'POST', url: '/admin/gc', body: { component: 'ledger', force: true } }, 400],
    ['at a path no route serves', { method: 'POST', url: '/admin/gc/', body: { component: 'speculation', force: true } }, 404],
  ])('a request that failed (%s) earns nothing', async (_why, call, status) => {
    const open = await pagedMemoryDrill();
    expect((await open.send({ ...call, headers: { 'x-agenc-command': agencGcLabel, ...call.headers } })).statusCode).toBe(status);
    expect(open.drill.journal.list().at(-1)).toMatchObject({ outcome: 'rejected', status });
    expect(forceGcDone(open)).toBe(false);
  });

  it("kubectl's get, logs and scale are named by their requests: the pod list, a pod's log, a PATCH or PUT of the scale", async () => {
    const open = await openDrill('proof-backlog');
    opened.push(open);
    const get: ActionMatcher = { kind: 'request', method: 'GET', route: '/api/v1/namespaces/:namespace/pods', params: { namespace: 'production' } };
    const logs: ActionMatcher = { kind: 'request', method: 'GET', route: '/api/v1/namespaces/:namespace/pods/:name/log', params: { namespace: 'production' } };
    const scale: ActionMatcher = { kind: 'request', method: ['PATCH', 'PUT'], route: '/apis/apps/v1/namespaces/:namespace/deployments/:name/scale', params: { name: 'proof-worker' } };
    const last = () => open.drill.journal.list().at(-1)!;
    const pod = open.drill.world.cluster.pods.find((candidate) => candidate.namespace === 'production')!.name;

    await open.send({ method: 'GET', url: '/api/v1/namespaces/production/pods?labelSelector=app%3Dproof-worker' });
    expect([get, logs, scale].map((matcher) => matchesAction(matcher, last()))).toEqual([true, false, false]);
    await open.send({ method: 'GET', url: `/api/v1/namespaces/production/pods/${pod}/log?tailLines=10` });
    expect([get, logs, scale].map((matcher) => matchesAction(matcher, last()))).toEqual([false, true, false]);
    for (const method of ['PATCH', 'PUT'] as const) {
      expect((await open.send({ method, url: '/apis/apps/v1/namespaces/production/deployments/proof-worker/scale', body: { spec: { replicas: 12 } }, headers: { 'content-type': 'application/json' } })).statusCode).toBe(200);
      expect([get, logs, scale].map((matcher) => matchesAction(matcher, last()))).toEqual([false, false, true]);
    }
    // A read of the scale, labelled `kubectl scale`, changed nothing and earns nothing.
    await open.send({ method: 'GET', url: '/apis/apps/v1/namespaces/production/deployments/proof-worker/scale', headers: { 'kubectl-command': 'kubectl scale' } });
    expect(matchesAction(scale, last())).toBe(false);
    await open.send({ method: 'GET', url: '/api/v1/namespaces/production/pods/no-such-pod/log' });
    expect(last()).toMatchObject({ outcome: 'rejected', status: 404 });
    expect(matchesAction(logs, last())).toBe(false);
  });

  it('every request matcher in a scenario file names a route the service serves, with that method', async () => {
    const open = await openDrill('baseline');
    opened.push(open);
    const matchers = scenarios.flatMap((scenario) => (scenario.spec?.requiredActions ?? []).flatMap((action) => action.anyOf.map((matcher) => ({ scenario: scenario.id, action: action.id, matcher }))));
    const requests = matchers.filter(({ matcher }) => matcher.kind === 'request');
    expect(requests.length).toBeGreaterThanOrEqual(9);
    for (const { scenario, action, matcher } of requests) {
      if (matcher.kind !== 'request') continue;
      for (const method of typeof matcher.method === 'string' ? [matcher.method] : matcher.method) {
        expect(open.server.hasRoute({ method, url: matcher.route }), `${scenario} ${action}: ${method} ${matcher.route}`).toBe(true);
      }
    }
  });
});
