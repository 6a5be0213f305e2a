import { describe, expect, it } from 'vitest';
import { matchesAction, routeOf, type ActionMatcher, type ActionRecord } from './scenario-spec';
import { scenarios } from './scenario-registry';
import { readings } from './test-readings';

/** A journaled request as the simulator records it. */
const request = (method: string, route: string, detail: Record<string, unknown> = {}, outcome = 'accepted', source = 'admin', action = `${method} ${route}`): ActionRecord => ({
  source,
  action,
  outcome,
  detail: { method, path: route, route, ...detail },
});

const forceGc: ActionMatcher = { kind: 'request', method: 'POST', route: '/admin/gc', detail: { force: true } };

describe('matchesAction', () => {
  it('credits a request by its method, route and what the handler noted, whichever client sent it', () => {
    expect(matchesAction(forceGc, request('POST', '/admin/gc', { force: true }))).toBe(true);
    expect(matchesAction(forceGc, request('POST', '/admin/gc', { force: true }, 'accepted', 'agenc', 'agenc admin gc --force'))).toBe(true);
    expect(matchesAction(forceGc, request('POST', '/admin/gc', { force: false }))).toBe(false);
    expect(matchesAction(forceGc, request('GET', '/admin/gc', { force: true }))).toBe(false);
  });

  it('never credits by the label a client sent (issue 13: a GET labelled as the GC earned it)', () => {
    expect(matchesAction(forceGc, request('GET', '/admin/status', {}, 'accepted', 'agenc', 'agenc admin gc --component speculation --force'))).toBe(false);
  });

  it('never credits a request the service refused', () => {
    expect(matchesAction(forceGc, request('POST', '/admin/gc', { force: true }, 'rejected'))).toBe(false);
    expect(matchesAction({ kind: 'config', key: 'speculation.enabled', value: false }, request('POST', '/admin/config', { changes: { 'speculation.enabled': false } }, 'rejected'))).toBe(false);
  });

  it("matches a route's parameters, and any of several methods", () => {
    const scale: ActionMatcher = { kind: 'request', method: ['PATCH', 'PUT'], route: '/apis/apps/v1/namespaces/:namespace/deployments/:name/scale', params: { name: 'proof-worker' } };
    const at = (method: string, name: string) => request(method, '/apis/apps/v1/namespaces/:namespace/deployments/:name/scale', { params: { namespace: 'production', name } }, 'accepted', 'kube', 'kubectl scale');
    expect([at('PATCH', 'proof-worker'), at('PUT', 'proof-worker'), at('GET', 'proof-worker'), at('PATCH', 'redis')].map((record) => matchesAction(scale, record))).toEqual([true, true, false, false]);
  });

  it('reads the path as the route for entries written before routes were recorded', () => {
    expect(routeOf({ path: '/admin/speculation/drain' })).toBe('/admin/speculation/drain');
    expect(routeOf({ path: '/admin/%67c', route: '/admin/gc' })).toBe('/admin/gc');
    expect(matchesAction({ kind: 'request', method: 'POST', route: '/admin/speculation/drain' }, { source: 'admin', action: 'POST /admin/speculation/drain', outcome: 'accepted', detail: { method: 'POST', path: '/admin/speculation/drain' } })).toBe(true);
  });
});

describe('alert rule thresholds (issue 16: charts draw the rules’ own lines)', () => {
  const rules = scenarios.flatMap((scenario) => scenario.spec?.alertRules ?? []);
  it('declares a threshold for every rule that charts one reading over a line, and the line is the rule’s own', () => {
    expect(rules.filter((rule) => rule.threshold).map((rule) => rule.name)).toEqual(
      expect.arrayContaining(['SpeculationRollbackStorm', 'SpeculationRollbackRateElevated', 'SpeculationMemoryExhaustion', 'ProofQueueSaturated', 'SpeculationStateCorruption']),
    );
    for (const rule of rules) {
      if (!rule.threshold) continue;
      const { reading, above } = rule.threshold;
      const step = above === 0 ? 1 : 0.001;
      expect(rule.holds(readings({ [reading]: above })), rule.name).toBe(false);
      expect(rule.holds(readings({ [reading]: above + step })), rule.name).toBe(true);
      expect(rule.expr, rule.name).toContain(`> ${above}`);
    }
  });
});
