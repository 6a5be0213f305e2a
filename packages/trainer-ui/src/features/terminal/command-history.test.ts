import { describe, expect, it } from 'vitest';
import { storable } from './command-history';

describe('storable: which terminal lines may be kept in the browser', () => {
  it('keeps the runbook’s lines, which name the token by its variable', () => {
    for (const line of [
      'curl -X POST http://localhost:9090/admin/config -H "Authorization: Bearer $ADMIN_TOKEN" -d \'{"speculation.enabled": false}\'',
      "curl -H 'Authorization: Bearer ${ADMIN_TOKEN}' http://localhost:9090/admin/status",
      'curl -H Authorization:\\ Bearer\\ $ADMIN_TOKEN http://localhost:9090/',
      'kubectl get pods -n production',
      'echo $ADMIN_TOKEN',
    ])
      expect(storable(line), line).toBe(true);
  });

  it('leaves out a literal bearer token and any *TOKEN= assignment', () => {
    for (const line of [
      'curl -H "Authorization: Bearer 3f9c2a7be1d04c55a8f1" http://localhost:9090/admin/status',
      'curl -H "authorization: bearer eyJhbGciOiJIUzI1NiJ9.e30.abc" http://localhost:9090/',
      'export ADMIN_TOKEN=3f9c2a7be1d04c55a8f1',
      'TOKEN=abc curl http://localhost:9090/',
      'gh_token=abc ./script',
    ])
      expect(storable(line), line).toBe(false);
  });
});
