/** Issue 14: the patches kubectl sends, applied as the API server applies them. */
import { describe, expect, it } from 'vitest';
import { PatchError, applyPatch, firstDifference, patchTypeOf } from './object-patch';

const deployment = () => ({
  metadata: { name: 'proof-worker', annotations: { 'deployment.kubernetes.io/revision': '7' } },
  spec: {
    replicas: 8,
    template: {
      spec: {
        containers: [
          { name: 'proof-worker', image: 'agenc/proof-worker:2.14.3', resources: { limits: { cpu: '2', memory: '2Gi' }, requests: { cpu: '1', memory: '1Gi' } }, env: [{ name: 'A', value: '1' }] },
          { name: 'sidecar', image: 'envoy' },
        ],
      },
    },
  },
});

describe('patchTypeOf', () => {
  it('names the three patch types from their media types and nothing else', () => {
    expect(patchTypeOf('application/merge-patch+json')).toBe('merge');
    expect(patchTypeOf('application/strategic-merge-patch+json; charset=utf-8')).toBe('strategic');
    expect(patchTypeOf('application/json-patch+json')).toBe('json');
    expect(patchTypeOf('application/apply-patch+yaml')).toBeUndefined();
    expect(patchTypeOf(undefined)).toBeUndefined();
  });
});

describe('applyPatch', () => {
  it('merge: objects merge, null deletes, lists are replaced', () => {
    const patched = applyPatch(deployment(), { spec: { replicas: 3, template: { spec: { containers: [{ name: 'only' }] } } }, metadata: { annotations: { 'deployment.kubernetes.io/revision': null } } }, 'merge') as ReturnType<typeof deployment>;
    expect(patched.spec.replicas).toBe(3);
    expect(patched.spec.template.spec.containers).toEqual([{ name: 'only' }]);
    expect(patched.metadata.annotations).toEqual({});
  });

  it('strategic: `kubectl set resources` changes one container by name and keeps the rest', () => {
    const patch = { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'proof-worker' }, { name: 'sidecar' }], containers: [{ name: 'proof-worker', resources: { limits: { memory: '3Gi' } } }] } } } };
    const patched = applyPatch(deployment(), patch, 'strategic') as ReturnType<typeof deployment>;
    const [worker, sidecar] = patched.spec.template.spec.containers;
    expect(worker!.resources).toEqual({ limits: { cpu: '2', memory: '3Gi' }, requests: { cpu: '1', memory: '1Gi' } });
    expect(worker!.env).toEqual([{ name: 'A', value: '1' }]);
    expect(sidecar).toEqual({ name: 'sidecar', image: 'envoy' });
  });

  it('strategic: merges env by name, appends new items, deletes with $patch: delete', () => {
    const patch = { spec: { template: { spec: { containers: [{ name: 'proof-worker', env: [{ name: 'B', value: '2' }] }, { name: 'sidecar', $patch: 'delete' }] } } } };
    const patched = applyPatch(deployment(), patch, 'strategic') as ReturnType<typeof deployment>;
    expect(patched.spec.template.spec.containers).toHaveLength(1);
    expect(patched.spec.template.spec.containers[0]!.env).toEqual([{ name: 'A', value: '1' }, { name: 'B', value: '2' }]);
  });

  it('json: `rollout undo` replaces the template and the annotations', () => {
    const template = { spec: { containers: [{ name: 'proof-worker', image: 'agenc/proof-worker:2.14.2' }] } };
    const patched = applyPatch(deployment(), [
      { op: 'replace', path: '/spec/template', value: template },
      { op: 'replace', path: '/metadata/annotations', value: { 'kubernetes.io/change-cause': 'deploy 2.14.2' } },
    ], 'json') as ReturnType<typeof deployment>;
    expect(patched.spec.template).toEqual(template);
    expect(patched.metadata.annotations).toEqual({ 'kubernetes.io/change-cause': 'deploy 2.14.2' });
  });

  it('json: add, remove, test, move and copy, with escaped pointers', () => {
    const patched = applyPatch({ a: { 'x/y': 1, list: [1, 2] } }, [
      { op: 'test', path: '/a/x~1y', value: 1 },
      { op: 'add', path: '/a/list/-', value: 3 },
      { op: 'add', path: '/a/list/0', value: 0 },
      { op: 'copy', from: '/a/x~1y', path: '/b' },
      { op: 'move', from: '/b', path: '/c' },
      { op: 'remove', path: '/a/x~1y' },
    ], 'json');
    expect(patched).toEqual({ a: { list: [0, 1, 2, 3] }, c: 1 });
  });

  it.each([
    ['a merge patch that is a list', [], 'merge', 'a merge patch is a JSON object'],
    ['a JSON patch that is an object', {}, 'json', 'a JSON patch is a list of operations'],
    ['an unknown operation', [{ op: 'frobnicate', path: '/a' }], 'json', '"frobnicate" is not a JSON patch operation'],
    ['a replace of nothing', [{ op: 'replace', path: '/nope', value: 1 }], 'json', 'nothing at /nope to replace'],
    ['a failed test', [{ op: 'test', path: '/spec/replicas', value: 9 }], 'json', 'is not the one tested'],
    ['a keyed item without its key', { spec: { template: { spec: { containers: [{ image: 'x' }] } } } }, 'strategic', 'needs its "name"'],
  ] as const)('refuses %s, saying why', (_name, patch, type, message) => {
    const before = deployment();
    expect(() => applyPatch(before, patch, type)).toThrow(PatchError);
    expect(() => applyPatch(before, patch, type)).toThrow(message);
    expect(before).toEqual(deployment());
  });
});

describe('firstDifference', () => {
  it('names the first differing field, and counts null and missing as the same', () => {
    expect(firstDifference({ a: 1, b: { c: [1, { d: 2 }] } }, { a: 1, b: { c: [1, { d: 3 }] } })).toBe('b.c[1].d');
    expect(firstDifference({ a: null }, {})).toBeUndefined();
    expect(firstDifference({ a: [1] }, { a: [1, 2] })).toBe('a');
    expect(firstDifference(deployment(), deployment())).toBeUndefined();
  });
});
