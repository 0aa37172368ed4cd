import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../testing/harness.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => s?.close());

describe('system endpoints', () => {
  it('answers /health with status UP and no credentials', async () => {
    const res = await s.request({ method: 'GET', url: '/health', token: null });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'UP' });
  });

  it('reports the Community edition and no enterprise backend on /api/version', async () => {
    for (const url of ['/api/version', '/api/version/']) {
      const body = (await s.request({ method: 'GET', url, token: null })).json();
      expect(body.edition).toBe('Community');
      expect(body).not.toHaveProperty('label-studio-enterprise-backend');
      for (const key of ['release', 'label-studio-os-package', 'label-studio-os-backend', 'label-studio-frontend', 'dm2', 'label-studio-converter', 'lsf', 'backend']) {
        expect(body).toHaveProperty([key]);
      }
    }
  });

  it('publishes an OpenAPI 3.1 document that describes the Label Studio routes', async () => {
    const doc = (await s.request({ method: 'GET', url: '/api/schema', token: null })).json();
    expect(doc.openapi).toBe('3.1.0');
    for (const path of ['/api/projects', '/api/projects/{id}', '/api/projects/{id}/import', '/api/tasks', '/api/tasks/{id}/annotations', '/api/predictions', '/api/projects/{id}/export', '/api/token/refresh']) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    expect(doc.paths['/api/projects'].post.requestBody).toBeDefined();
  });

  it('serves the API docs page at /docs', async () => {
    const res = await s.request({ method: 'GET', url: '/docs/', token: null });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('swagger');
  });

  it('answers unknown API paths with a 404 in Label Studio error shape', async () => {
    const res = await s.request({ method: 'GET', url: '/api/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ status_code: 404, exc_info: null });
  });
});
