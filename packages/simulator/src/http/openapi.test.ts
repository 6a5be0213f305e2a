/** Issue 9: the admin and control APIs are described from the route schemas as valid OpenAPI. */
import SwaggerParser from '@apidevtools/swagger-parser';
import { describe, expect, it } from 'vitest';
import { useTestServer } from './test-server';

const t = useTestServer();

describe('GET /docs/json', () => {
  it('is a valid OpenAPI 3.1 document of the routes, schemas included', async () => {
    const response = await t.server.inject({ method: 'GET', url: '/docs/json' });
    expect(response.statusCode).toBe(200);
    const document = response.json<{ openapi: string; paths: Record<string, Record<string, { requestBody?: unknown; responses: Record<string, unknown> }>> }>();
    expect(document.openapi).toBe('3.1.0');
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeTruthy();
    for (const path of ['/admin/config', '/admin/speculation/drain', '/_sim/clock/advance', '/trainer/terminal', '/metrics', '/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale']) {
      expect(document.paths, path).toHaveProperty([path]);
    }
    expect(Object.keys(document.paths['/admin/config']!.post!.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '413', '415']));
    expect(Object.keys(document.paths).some((path) => path.startsWith('/assets/'))).toBe(false);
  });

  it('names the token each route takes (issue 13), and none on the open ones', async () => {
    const document = (await t.server.inject({ method: 'GET', url: '/docs/json' })).json<{ paths: Record<string, Record<string, { security?: unknown }>> }>();
    const admin = [{ adminToken: [] }];
    expect(document.paths['/trainer/state']!.get!.security).toEqual(admin);
    expect(document.paths['/trainer/drills/{id}/postmortem.md']!.get!.security).toEqual(admin);
    expect(document.paths['/admin/config']!.post!.security).toEqual(admin);
    expect(document.paths['/admin/speculation/drain']!.post!.security).toEqual(admin);
    expect(document.paths['/api/v1/namespaces/{namespace}/pods']!.get!.security).toEqual(admin);
    expect(document.paths['/api']!.get!.security).toEqual(admin);
    expect(document.paths['/_sim/state']!.get!.security).toEqual([{ facilitatorToken: [] }]);
    for (const open of ['/healthz', '/metrics', '/trainer/scenarios', '/trainer/leaderboard']) expect(document.paths[open]!.get!.security, open).toBeUndefined();
  });
});
