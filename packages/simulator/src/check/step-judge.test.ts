import { describe, expect, it } from 'vitest';
import type { JournalEntry } from '../journal/journal';
import { judgeStep } from './step-judge';

const entry = (overrides: Partial<JournalEntry>): JournalEntry => ({ seq: 1, simMs: 0, wallMs: 0, source: 'admin', action: 'POST /admin/config', outcome: 'accepted', status: 200, ...overrides });

describe('judgeStep', () => {
  it('passes a command that exited 0 and whose requests were accepted', () => {
    expect(judgeStep(0, '', [entry({})])).toEqual({ passed: true });
  });

  it('fails a curl that exited 0 on a 401, with the first clause of the message', () => {
    const rejected = entry({ outcome: 'rejected', status: 401, detail: { message: 'no Authorization header; send "Authorization: Bearer $ADMIN_TOKEN"' } });
    expect(judgeStep(0, '', [rejected])).toEqual({ passed: false, reason: '401: no Authorization header' });
  });

  it('says which config key was mistyped and what was meant', () => {
    const rejected = entry({ outcome: 'rejected', status: 400, detail: { message: 'unknown config key "speculation.enabeld" (did you mean "speculation.enabled"?); allowed keys: a, b' } });
    expect(judgeStep(0, '', [rejected]).reason).toBe('400: unknown config key "speculation.enabeld" (did you mean "speculation.enabled"?)');
  });

  it('names a missing deployment and its namespace', () => {
    const rejected = entry({
      source: 'kube',
      action: 'kubectl scale',
      outcome: 'rejected',
      status: 404,
      detail: { message: 'deployments.apps "proof-workers" not found', path: '/apis/apps/v1/namespaces/production/deployments/proof-workers' },
    });
    expect(judgeStep(1, 'Error from server (NotFound): deployments.apps "proof-workers" not found', [rejected]).reason).toBe('deployment "proof-workers" not found in namespace production');
  });

  it('fails a list in a namespace that does not exist, though the API answered an empty list', () => {
    const empty = entry({ source: 'kube', action: 'kubectl get', detail: { missingNamespace: 'prod', path: '/api/v1/namespaces/prod/pods' } });
    expect(judgeStep(0, 'No resources found in prod namespace.', [empty]).reason).toBe('namespace "prod" not found (the list came back empty)');
  });

  it('falls back to the exit status and the last thing said on stderr', () => {
    expect(judgeStep(2, "error: unknown command 'stats'\n(Did you mean status?)\n(add --help for usage)\n", [])).toEqual({ passed: false, reason: "exit 2: error: unknown command 'stats' (Did you mean status?)" });
    expect(judgeStep(7, 'curl: (7) Failed to connect to localhost port 9999', []).reason).toBe('exit 7: curl: (7) Failed to connect to localhost port 9999');
    expect(judgeStep(null, '', []).reason).toBe('timed out');
  });
});
