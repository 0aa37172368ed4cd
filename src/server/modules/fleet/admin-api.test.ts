import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../testing/harness.js';
import { IMAGE_CHOICES, numbered, seedFiles, signIn, startAnnotator, waitFor, withCookie, withToken, type Call } from './fleet-fixtures.js';
import { FLEET_FEATURES, fleetHealth, fleetVersionFields } from './system-status.js';

let s: TestServer;
let admin: Call;
beforeAll(async () => {
  s = await startTestServer();
  admin = withCookie(s, await signIn(s));
});
afterAll(async () => s?.close());

describe('roles', () => {
  it('creates, lists, reads, updates and deletes', async () => {
    const created = await admin('POST', '/api/roles', { name: 'labeler', description: 'General image labeling', color: '#3B82F6' });
    expect(created.statusCode).toBe(201);
    const role = created.json();
    expect(role).toEqual({ id: role.id, name: 'labeler', description: 'General image labeling', color: '#3B82F6', createdAt: expect.any(String) });
    await admin('POST', '/api/roles', { name: 'reviewer' });
    const list = (await admin('GET', '/api/roles?limit=1')).json();
    expect(list).toEqual({ data: [role], pagination: { total: 2, limit: 1, offset: 0, hasMore: true } });
    expect((await admin('PUT', `/api/roles/${role.id}`, { color: '#fff' })).json()).toMatchObject({ name: 'labeler', color: '#fff', description: 'General image labeling' });
    expect((await admin('DELETE', `/api/roles/${role.id}`)).json()).toEqual({ success: true });
    expect((await admin('GET', `/api/roles/${role.id}`)).statusCode).toBe(404);
  });
});

describe('annotators', () => {
  it('creates an annotator who is a LabelFleet user with their own token', async () => {
    const role = (await admin('POST', '/api/roles', { name: 'annotators-role' })).json();
    const a = (await admin('POST', '/api/annotators', { name: 'Dana Scully', email: 'dana@example.com', roleId: role.id, notes: 'night shift' })).json();
    expect(a).toEqual({
      id: a.id,
      name: 'Dana Scully',
      email: 'dana@example.com',
      roleId: role.id,
      status: 'created',
      containerId: null,
      containerIp: null,
      containerPort: null,
      subdomain: 'dana-scully',
      databaseName: null,
      apiToken: expect.stringMatching(/^[0-9a-f]{40}$/),
      lsUserId: expect.any(Number),
      notes: 'night shift',
      lastActiveAt: null,
      rejectionCount: 0,
      reviewedCount: 0,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      role: { id: role.id, name: 'annotators-role', color: null },
    });
    const me = (await withToken(s, a.apiToken)('GET', '/api/current-user/whoami')).json();
    expect(me).toMatchObject({ id: a.lsUserId, email: 'dana@example.com', role: 'annotator' });

    const twin = (await admin('POST', '/api/annotators', { name: 'Dana Scully', email: 'dana2@example.com' })).json();
    expect(twin.subdomain).toBe('dana-scully-2');

    await startAnnotator(admin, a.id);
    const detail = (await admin('GET', `/api/annotators/${a.id}`)).json();
    expect(detail).toMatchObject({ status: 'active', containerId: `labelfleet-workspace-${a.id}`, containerIp: '127.0.0.1', containerPort: 8080, assignments: [], webhookSecret: expect.stringMatching(/^[0-9a-f]{48}$/) });
    // natively: the database that holds the workspace's data is this server's
    const [{ db }] = await s.ctx.db.query<{ db: string }>('SELECT current_database() AS db');
    expect(detail.databaseName).toBe(db);
    expect(detail.lsUserId).toBe(me.id);

    const updated = (await admin('PUT', `/api/annotators/${a.id}`, { email: 'scully@example.com', notes: null })).json();
    expect(updated).toMatchObject({ email: 'scully@example.com', notes: null, name: 'Dana Scully' });
    expect((await withToken(s, a.apiToken)('GET', '/api/current-user/whoami')).json().email).toBe('scully@example.com');

    expect((await admin('DELETE', `/api/annotators/${a.id}`)).json()).toEqual({ success: true });
    expect((await admin('GET', `/api/annotators/${a.id}`)).statusCode).toBe(404);
    expect((await withToken(s, a.apiToken)('GET', '/api/current-user/whoami')).statusCode).toBe(401);
  });

  it('bulk-deletes by marking deleted: their batches are cancelled and their tasks hidden', async () => {
    seedFiles(s, 'images/bulkdel', numbered(4));
    const config = (await admin('POST', '/api/labeling-configs', { name: 'Pets', configXml: IMAGE_CHOICES })).json();
    await admin('POST', '/api/workflows', { name: 'BulkDel', labelingConfigId: config.id, s3SourcePath: 'images/bulkdel', s3ExportPath: 'out', imagesPerProject: 2 });
    const [x, y] = (await admin('POST', '/api/annotators/bulk', { annotators: [{ name: 'X', email: 'x@example.com' }, { name: 'Y', email: 'y@example.com' }] })).json().annotators;
    await startAnnotator(admin, x.id);
    const batch = await waitFor(async () => (await admin('GET', `/api/assignments?annotatorId=${x.id}`)).json().data[0], 'a batch');
    const ls = withToken(s, x.apiToken);
    expect((await ls('GET', `/api/tasks?project=${batch.lsProjectId}`)).statusCode).toBe(200);

    expect((await admin('DELETE', '/api/annotators/bulk', { ids: [x.id, y.id, 999] })).json()).toEqual({ deleted: 2 });
    expect((await admin('DELETE', '/api/annotators/bulk', { ids: [x.id] })).json()).toEqual({ deleted: 0 });
    expect((await admin('GET', `/api/annotators/${x.id}`)).json()).toMatchObject({ status: 'deleted', apiToken: null });
    expect((await admin('GET', `/api/assignments/${batch.id}`)).json().status).toBe('cancelled');
    expect((await ls('GET', `/api/tasks?project=${batch.lsProjectId}`)).statusCode).toBe(404);
    expect((await admin('POST', `/api/annotators/${x.id}/start`)).statusCode).toBe(400);
    const lifecycle = (await admin('GET', `/api/events?annotatorId=${y.id}`)).json().data.map((e: { toStatus: string }) => e.toStatus);
    expect(lifecycle).toEqual(['deleted', 'created']);
  });
});

describe('settings', () => {
  it('stores JSON values by key, creating or updating', async () => {
    const put = await admin('PUT', '/api/settings/quality.accuracyThreshold', { value: 0.8, description: 'flag below' });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toEqual({ id: expect.any(Number), key: 'quality.accuracyThreshold', value: 0.8, description: 'flag below', updatedAt: expect.any(String) });
    expect((await admin('PUT', '/api/settings/quality.accuracyThreshold', { value: 0.9 })).json()).toMatchObject({ value: 0.9, description: 'flag below' });
    expect((await admin('PUT', '/api/settings/ui.columns', { value: { a: [1, 'two', null] } })).json().value).toEqual({ a: [1, 'two', null] });
    expect((await admin('PUT', '/api/settings/feature.flag', { value: null })).json().value).toBeNull();
    expect((await admin('GET', '/api/settings/ui.columns')).json().value).toEqual({ a: [1, 'two', null] });
    const list = (await admin('GET', '/api/settings')).json();
    expect(list.data.map((x: { key: string }) => x.key)).toEqual(['feature.flag', 'quality.accuracyThreshold', 'ui.columns']);
    expect((await admin('GET', '/api/quality')).json().accuracyThreshold).toBe(0.9);
  });

  it('reads workflow items from the bucket the s3.bucket setting names, under the data dir', async () => {
    await admin('PUT', '/api/settings/s3.bucket', { value: 'other-bucket' });
    const dir = path.join(s.dataDir, 'storage', 'other-bucket', 'batch');
    fs.mkdirSync(path.join(dir, 'nested'), { recursive: true });
    for (const f of ['a.jpg', 'nested/b.jpg', '.hidden']) fs.writeFileSync(path.join(dir, f), 'x');
    const config = (await admin('POST', '/api/labeling-configs', { name: 'B', configXml: IMAGE_CHOICES })).json();
    const wf = (await admin('POST', '/api/workflows', { name: 'Bucketed', labelingConfigId: config.id, s3SourcePath: 'batch/', s3ExportPath: 'out' })).json();
    expect(wf.totalImagesAvailable).toBe(2);
    await admin('PUT', '/api/settings/s3.bucket', { value: '../escape' });
    const a = (await admin('POST', '/api/annotators', { name: 'Q', email: 'q@example.com' })).json();
    await startAnnotator(admin, a.id);
    const refused = await admin('POST', `/api/workflows/${wf.id}/assign`, { annotatorId: a.id });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error).toMatch(/bucket/);
    await admin('PUT', '/api/settings/s3.bucket', { value: 'labelfleet' });
  });
});

describe('the paths shared with the system module', () => {
  it('provides the version and health fields the LabelFleet text expects', async () => {
    expect(fleetVersionFields()).toEqual({ version: '0.1.0', apiVersion: 'v1', features: FLEET_FEATURES, node: process.version });
    expect(FLEET_FEATURES).toHaveLength(8);
    expect(await fleetHealth(s.ctx.db)).toEqual({ httpStatus: 200, body: { status: 'ok', database: 'connected' } });
    const down = { query: async () => Promise.reject(new Error('connection refused')) };
    expect(await fleetHealth(down)).toEqual({ httpStatus: 503, body: { status: 'error', database: 'disconnected' } });
    // over HTTP, without credentials
    const version = await s.request({ method: 'GET', url: '/api/version', token: null });
    expect(version.statusCode).toBe(200);
    expect(version.json()).toMatchObject({ version: '0.1.0', apiVersion: 'v1', features: FLEET_FEATURES, node: process.version });
    const health = await s.request({ method: 'GET', url: '/api/health', token: null });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toMatchObject({ status: 'ok', database: 'connected' });
  });

  it('documents the LabelFleet routes in the OpenAPI document', async () => {
    const doc = (await s.request({ method: 'GET', url: '/api/schema', token: null })).json();
    for (const p of ['/api/annotators', '/api/annotators/{id}/start', '/api/workflows/graph', '/api/gold-tasks', '/api/webhook', '/api/auth/callback/credentials', '/api/settings/{key}']) {
      expect(Object.keys(doc.paths)).toContain(p);
    }
    // the Docker-derived fields say what they mean natively, and reconcile says how it guards against a second run
    for (const [p, method] of [['/api/annotators', 'get'], ['/api/annotators/{id}', 'get'], ['/api/annotators/{id}/status', 'get']]) {
      const description = doc.paths[p][method].description as string;
      for (const field of ['containerId', 'containerIp', 'containerPort', 'subdomain', 'databaseName', 'apiToken', 'lsUserId']) expect(description).toContain(field);
      expect(description).toMatch(/workspace id/);
    }
    expect(doc.paths['/api/reconcile'].post.description).toMatch(/advisory lock.*409|409.*advisory lock/s);
  });
});

describe('organizations', () => {
  it("keeps one organization's fleet invisible to another's managers", async () => {
    const [org] = await s.ctx.db.query<{ id: number }>(`INSERT INTO organizations (title) VALUES ('Other org') RETURNING id`);
    const other = withToken(s, (await s.makeUser('manager', 'other-manager@example.com', org.id)).token);
    const role = (await admin('POST', '/api/roles', { name: 'org-scoped' })).json();
    const annotator = (await admin('POST', '/api/annotators', { name: 'Mine', email: 'mine@example.com' })).json();
    const config = (await admin('POST', '/api/labeling-configs', { name: 'Mine', configXml: IMAGE_CHOICES })).json();
    const workflow = (await admin('POST', '/api/workflows', { name: 'Mine', s3SourcePath: 'a', s3ExportPath: 'b' })).json();
    for (const url of [`/api/roles/${role.id}`, `/api/annotators/${annotator.id}`, `/api/labeling-configs/${config.id}`, `/api/workflows/${workflow.id}`, `/api/monitoring/annotator/${annotator.id}`]) {
      expect((await other('GET', url)).statusCode).toBe(404);
    }
    expect((await other('GET', '/api/annotators')).json().pagination.total).toBe(0);
    expect((await other('POST', '/api/workflows', { name: 'Theirs', s3SourcePath: 'a', s3ExportPath: 'b', roleId: role.id })).statusCode).toBe(400);
    expect((await other('POST', '/api/roles', { name: 'org-scoped' })).statusCode).toBe(201);
  });
});
