import { describe, expect, it } from 'vitest';
import { mitigationTarget } from './postmortem-draft';

describe("the post-mortem timeline's mitigations", () => {
  it('say what each changed: a rollback its revision and image, a scale its replicas, a config change nothing more', () => {
    expect(mitigationTarget({ deployment: 'agenc-gateway', fromRevision: 5, toRevision: 4, revision: 6, rolledBack: true, image: 'agenc/gateway:2.14.2' })).toBe(' (agenc-gateway back to revision 4, agenc/gateway:2.14.2)');
    expect(mitigationTarget({ deployment: 'speculation-engine', toRevision: 7, revision: 7, rolledBack: false })).toBe(' (speculation-engine to revision 7)');
    expect(mitigationTarget({ deployment: 'proof-worker', replicas: 12 })).toBe(' (proof-worker to 12 replicas)');
    expect(mitigationTarget({ changes: { 'speculation.enabled': false } })).toBe('');
  });
});
