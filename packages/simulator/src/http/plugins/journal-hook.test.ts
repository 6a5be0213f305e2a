/**
 * What goes into a request's journal entry (issue 13, 7): the route that served it and its
 * parameters (what credit goes by), a client's label only as a bounded label, and nothing a
 * client can make large.
 */
import { describe, expect, it } from 'vitest';
import { adminAuth, useTestServer } from '../test-server';

const t = useTestServer({ scenario: 'proof-backlog' });
const last = () => t.drill.journal.list().at(-1)!;

describe('journal hook', () => {
  it('records the route that served a request and its parameters; a request no route served has neither', async () => {
    await t.server.inject({ method: 'GET', url: '/apis/apps/v1/namespaces/production/deployments/proof-worker/scale', headers: { ...adminAuth, 'kubectl-command': 'kubectl get' } });
    expect(last()).toMatchObject({
      source: 'kube',
      action: 'kubectl get',
      detail: { route: '/apis/apps/v1/namespaces/:namespace/deployments/:name/scale', params: { namespace: 'production', name: 'proof-worker' }, path: '/apis/apps/v1/namespaces/production/deployments/proof-worker/scale' },
    });
    await t.server.inject({ method: 'GET', url: '/admin/nothing-here', headers: adminAuth });
    expect(last()).toMatchObject({ status: 404, detail: { path: '/admin/nothing-here' } });
    expect(last().detail).not.toHaveProperty('route');
    expect(last().detail).not.toHaveProperty('params');
  });

  it("takes a client's label only when it starts with the client's name", async () => {
    for (const label of ['drill.started', 'alert.firing', 'kubectl get', '']) {
      await t.server.inject({ method: 'GET', url: '/admin/proof-worker/status', headers: { ...adminAuth, 'x-agenc-command': label } });
      expect(last()).toMatchObject({ source: 'admin', action: 'GET /admin/proof-worker/status' });
    }
    await t.server.inject({ method: 'GET', url: '/api/v1/namespaces/production/pods', headers: { ...adminAuth, 'kubectl-command': 'agenc admin gc --force' } });
    expect(last()).toMatchObject({ source: 'kube', action: 'GET /api/v1/namespaces/production/pods' });
  });

  it('keeps a label short, on one line, and without the token agenc was given', async () => {
    await t.server.inject({ method: 'GET', url: '/admin/proof-worker/status', headers: { ...adminAuth, 'x-agenc-command': `agenc proof-worker status --token s3cret\t${'x'.repeat(5000)}` } });
    const action = last().action;
    expect(action.startsWith('agenc proof-worker status --token *** x')).toBe(true);
    expect(action).not.toContain('s3cret');
    expect(action.length).toBe(200);
    await t.server.inject({ method: 'GET', url: '/admin/proof-worker/status', headers: { ...adminAuth, 'x-agenc-command': 'agenc --token=s3cret proof-worker status' } });
    expect(last().action).toBe('agenc --token=*** proof-worker status');
  });

  it('cuts a long path, so a flood of long URLs cannot fill memory', async () => {
    await t.server.inject({ method: 'GET', url: `/${'a'.repeat(8000)}`, headers: adminAuth });
    expect(last()).toMatchObject({ source: 'other', status: 404 });
    expect(String(last().detail?.path).length).toBe(1000);
    expect(last().action.length).toBe(1004);
  });
});
