import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../testing/harness.js';
import { catOrDog, IMAGE_CHOICES, numbered, seedFiles, signIn, startAnnotator, waitFor, withCookie, type Call } from './fleet-fixtures.js';

let s: TestServer;
let admin: Call;
let roleId: number;
let configId: number;
let workflowId: number;

beforeAll(async () => {
  s = await startTestServer();
  admin = withCookie(s, await signIn(s));
  roleId = (await admin('POST', '/api/roles', { name: 'labeler' })).json().id;
  configId = (await admin('POST', '/api/labeling-configs', { name: 'Pets', configXml: IMAGE_CHOICES })).json().id;
  workflowId = (await admin('POST', '/api/workflows', { name: 'Base', roleId, labelingConfigId: configId, s3SourcePath: 'images/v/', s3ExportPath: 'out/v/', imagesPerProject: 1 })).json().id;
});
afterAll(async () => s?.close());

type Case = [method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body: unknown, status: number, detailPath?: string];

/** Every case answers its status in the `{error, details}` shape; validation details name the offending field. */
async function expectAll(cases: Case[]) {
  for (const [method, url, body, status, detailPath] of cases) {
    const res = await admin(method, url, body);
    expect({ method, url, body, status: res.statusCode }).toEqual({ method, url, body, status });
    const json = res.json();
    expect(typeof json.error).toBe('string');
    expect(Object.keys(json).every((k) => k === 'error' || k === 'details')).toBe(true);
    if (detailPath !== undefined) expect(json.details.map((d: { path: (string | number)[] }) => d.path.join('.'))).toContain(detailPath);
  }
}

const long = (n: number) => 'x'.repeat(n);

describe('validation rules of the LabelFleet API text', () => {
  it('pagination: limit 1–500, offset ≥ 0', async () => {
    await expectAll([
      ['GET', '/api/roles?limit=0', undefined, 400, 'limit'],
      ['GET', '/api/roles?limit=501', undefined, 400, 'limit'],
      ['GET', '/api/roles?offset=-1', undefined, 400, 'offset'],
      ['GET', '/api/roles?limit=abc', undefined, 400, 'limit'],
    ]);
    const page = (await admin('GET', '/api/roles?limit=500&offset=0')).json();
    expect(page.pagination).toEqual({ total: 1, limit: 500, offset: 0, hasMore: false });
    // every list of the text pages the same way
    const lists = ['/api/annotators', '/api/workflows', '/api/labeling-configs', '/api/gold-tasks', '/api/assignments', '/api/rejections', '/api/events', '/api/settings'];
    await expectAll(lists.flatMap((url): Case[] => [
      ['GET', `${url}?limit=0`, undefined, 400, 'limit'],
      ['GET', `${url}?limit=501`, undefined, 400, 'limit'],
      ['GET', `${url}?offset=-1`, undefined, 400, 'offset'],
    ]));
    for (const url of lists) {
      const res = await admin('GET', `${url}?limit=500&offset=0`);
      expect(res.statusCode).toBe(200);
      expect(res.json().pagination).toMatchObject({ limit: 500, offset: 0, hasMore: false });
      expect((await admin('GET', url)).json().pagination.limit).toBe(100);
    }
  });

  it('roles', async () => {
    await expectAll([
      ['POST', '/api/roles', {}, 400, 'name'],
      ['POST', '/api/roles', { name: '' }, 400, 'name'],
      ['POST', '/api/roles', { name: long(101) }, 400, 'name'],
      ['POST', '/api/roles', { name: 'r', description: long(501) }, 400, 'description'],
      ['POST', '/api/roles', { name: 'r', color: 'blue' }, 400, 'color'],
      ['POST', '/api/roles', { name: 'LABELER' }, 409],
      ['GET', '/api/roles/999', undefined, 404],
      ['PUT', `/api/roles/${roleId}`, {}, 400],
      ['PUT', '/api/roles/999', { name: 'x' }, 404],
      ['DELETE', '/api/roles/999', undefined, 404],
      ['GET', '/api/roles/abc', undefined, 400, 'id'],
    ]);
  });

  it('labeling configs: well-formed XML, a View root, an object tag; locked by gold tasks', async () => {
    await expectAll([
      ['POST', '/api/labeling-configs', { name: 'x', configXml: '<View><Image name="i" value="$i"></View>' }, 400, 'configXml'],
      ['POST', '/api/labeling-configs', { name: 'x', configXml: '<Root><Image name="i" value="$i"/></Root>' }, 400, 'configXml'],
      ['POST', '/api/labeling-configs', { name: 'x', configXml: '<View><Header value="Nothing to label"/></View>' }, 400, 'configXml'],
      ['POST', '/api/labeling-configs', { name: 'x', configXml: long(50_001) }, 400, 'configXml'],
      ['POST', '/api/labeling-configs', { name: long(101), configXml: IMAGE_CHOICES }, 400, 'name'],
      ['POST', '/api/labeling-configs', { name: 'x', configXml: IMAGE_CHOICES, description: long(501) }, 400, 'description'],
      ['POST', '/api/labeling-configs', { name: 'x' }, 400, 'configXml'],
      ['GET', '/api/labeling-configs/999', undefined, 404],
      ['PUT', `/api/labeling-configs/${configId}`, { configXml: '<View>' }, 400, 'configXml'],
    ]);
    const locked = (await admin('POST', '/api/labeling-configs', { name: 'Locked', configXml: IMAGE_CHOICES })).json();
    expect((await admin('GET', `/api/labeling-configs/${locked.id}`)).json()).toMatchObject({ workflowCount: 0, goldTaskCount: 0, isLocked: false });
    await admin('POST', '/api/gold-tasks', { s3ImageKey: 'gold/a.jpg', expectedLabels: catOrDog('cat'), labelingConfigId: locked.id });
    await expectAll([
      ['PUT', `/api/labeling-configs/${locked.id}`, { configXml: IMAGE_CHOICES.replace('dog', 'bird') }, 409],
      ['DELETE', `/api/labeling-configs/${locked.id}`, undefined, 409],
      ['DELETE', `/api/labeling-configs/${configId}`, undefined, 409],
    ]);
    expect((await admin('PUT', `/api/labeling-configs/${locked.id}`, { name: 'Renamed', configXml: IMAGE_CHOICES })).json()).toMatchObject({ name: 'Renamed', isLocked: true });
    const free = (await admin('POST', '/api/labeling-configs', { name: 'Free', configXml: IMAGE_CHOICES })).json();
    expect((await admin('DELETE', `/api/labeling-configs/${free.id}`)).json()).toEqual({ success: true });
  });

  it('annotators', async () => {
    await admin('POST', '/api/annotators', { name: 'Taken', email: 'taken@example.com' });
    await expectAll([
      ['POST', '/api/annotators', { email: 'a@example.com' }, 400, 'name'],
      ['POST', '/api/annotators', { name: long(256), email: 'a@example.com' }, 400, 'name'],
      ['POST', '/api/annotators', { name: 'A', email: 'not-an-email' }, 400, 'email'],
      ['POST', '/api/annotators', { name: 'A', email: 'a@example.com', notes: long(2001) }, 400, 'notes'],
      ['POST', '/api/annotators', { name: 'A', email: 'a@example.com', roleId: 999 }, 400, 'roleId'],
      ['POST', '/api/annotators', { name: 'A', email: 'TAKEN@example.com' }, 409],
      ['POST', '/api/annotators', { name: 'A', email: 'admin@example.com' }, 409],
      ['GET', '/api/annotators/999', undefined, 404],
      ['PUT', '/api/annotators/999', { name: 'x' }, 404],
      ['POST', '/api/annotators/999/start', undefined, 404],
      ['POST', '/api/annotators/999/stop', undefined, 404],
      ['GET', '/api/annotators/999/status', undefined, 404],
      ['DELETE', '/api/annotators/999', undefined, 404],
    ]);
    const a = (await admin('POST', '/api/annotators', { name: 'Val', email: 'val@example.com' })).json();
    await expectAll([
      ['PUT', `/api/annotators/${a.id}`, {}, 400],
      ['PUT', `/api/annotators/${a.id}`, { email: 'taken@example.com' }, 409],
      ['POST', `/api/annotators/${a.id}/stop`, undefined, 400],
    ]);
    await startAnnotator(admin, a.id);
    await expectAll([['POST', `/api/annotators/${a.id}/start`, undefined, 400]]);
  });

  it('bulk endpoints are atomic: one bad item creates nothing', async () => {
    const before = (await admin('GET', '/api/annotators')).json().pagination.total;
    await expectAll([
      ['POST', '/api/annotators/bulk', { annotators: [] }, 400, 'annotators'],
      ['POST', '/api/annotators/bulk', { annotators: Array.from({ length: 101 }, (_, i) => ({ name: `n${i}`, email: `n${i}@example.com` })) }, 400, 'annotators'],
      ['POST', '/api/annotators/bulk', { annotators: [{ name: 'D1', email: 'dup@example.com' }, { name: 'D2', email: 'DUP@example.com' }] }, 409],
      ['POST', '/api/annotators/bulk', { annotators: [{ name: 'Fresh', email: 'fresh@example.com' }, { name: 'Old', email: 'taken@example.com' }] }, 409],
      ['POST', '/api/annotators/bulk', { annotators: [{ name: 'Fresh', email: 'fresh@example.com' }, { name: 'Bad', email: 'bad' }] }, 400, 'annotators.1.email'],
      ['POST', '/api/annotators/bulk', { annotators: [{ name: 'Fresh', email: 'fresh@example.com', roleId: 999 }] }, 400],
      ['DELETE', '/api/annotators/bulk', { ids: [] }, 400, 'ids'],
      ['DELETE', '/api/annotators/bulk', { ids: Array.from({ length: 101 }, (_, i) => i + 1) }, 400, 'ids'],
    ]);
    expect((await admin('GET', '/api/annotators')).json().pagination.total).toBe(before);
    expect((await admin('POST', '/api/annotators', { name: 'Fresh', email: 'fresh@example.com' })).statusCode).toBe(201);

    const wfBefore = (await admin('GET', '/api/workflows')).json().pagination.total;
    const ok = { name: 'S1', s3SourcePath: 'data/', s3ExportPath: 'out/' };
    await expectAll([
      ['POST', '/api/workflows/bulk', { workflows: [ok, { ...ok, name: 'S2', labelingConfigId: 999 }] }, 400],
      ['POST', '/api/workflows/bulk', { workflows: [ok, { ...ok, name: 'S2', previousWorkflowId: 999 }] }, 400],
      ['POST', '/api/workflows/bulk', { workflows: Array.from({ length: 51 }, () => ok) }, 400, 'workflows'],
      ['POST', '/api/workflows/bulk', { workflows: [ok, { name: 'S2' }] }, 400, 'workflows.1.s3SourcePath'],
    ]);
    expect((await admin('GET', '/api/workflows')).json().pagination.total).toBe(wfBefore);
    const bulk = await admin('POST', '/api/workflows/bulk', { workflows: [ok, { ...ok, name: 'S2', previousWorkflowId: workflowId }] });
    expect(bulk.statusCode).toBe(201);
    expect(bulk.json()).toMatchObject({ created: 2, workflows: [{ name: 'S1' }, { name: 'S2', previousWorkflowId: workflowId }] });
  });

  it('workflows', async () => {
    const ok = { name: 'W', s3SourcePath: 'a/', s3ExportPath: 'b/' };
    await expectAll([
      ['POST', '/api/workflows', { s3SourcePath: 'a/', s3ExportPath: 'b/' }, 400, 'name'],
      ['POST', '/api/workflows', { ...ok, name: long(256) }, 400, 'name'],
      ['POST', '/api/workflows', { name: 'W', s3ExportPath: 'b/' }, 400, 's3SourcePath'],
      ['POST', '/api/workflows', { name: 'W', s3SourcePath: 'a/' }, 400, 's3ExportPath'],
      ['POST', '/api/workflows', { ...ok, imagesPerProject: 0 }, 400, 'imagesPerProject'],
      ['POST', '/api/workflows', { ...ok, imagesPerProject: 10_001 }, 400, 'imagesPerProject'],
      ['POST', '/api/workflows', { ...ok, goldStandardRate: 1.5 }, 400, 'goldStandardRate'],
      ['POST', '/api/workflows', { ...ok, goldStandardRate: -0.1 }, 400, 'goldStandardRate'],
      ['POST', '/api/workflows', { ...ok, rejectionMode: 'shred' }, 400, 'rejectionMode'],
      ['POST', '/api/workflows', { ...ok, rejectionMode: 'route_to_workflow' }, 400, 'rejectionRouteWorkflowId'],
      ['POST', '/api/workflows', { ...ok, roleId: 999 }, 400, 'roleId'],
      ['POST', '/api/workflows', { ...ok, labelingConfigId: 999 }, 400, 'labelingConfigId'],
      ['POST', '/api/workflows', { ...ok, previousWorkflowId: 999 }, 400, 'previousWorkflowId'],
      ['POST', '/api/workflows', { ...ok, rejectionMode: 'route_to_workflow', rejectionRouteWorkflowId: 999 }, 400, 'rejectionRouteWorkflowId'],
      ['GET', '/api/workflows/999', undefined, 404],
      ['PUT', '/api/workflows/999', { name: 'x' }, 404],
      ['PUT', `/api/workflows/${workflowId}`, {}, 400],
      ['PUT', `/api/workflows/${workflowId}`, { rejectionMode: 'route_to_workflow' }, 400, 'rejectionRouteWorkflowId'],
      ['PUT', `/api/workflows/${workflowId}`, { previousWorkflowId: workflowId }, 400, 'previousWorkflowId'],
      ['DELETE', '/api/workflows/999', undefined, 404],
    ]);
    const routed = await admin('POST', '/api/workflows', { ...ok, rejectionMode: 'route_to_workflow', rejectionRouteWorkflowId: workflowId });
    expect(routed.statusCode).toBe(201);
    expect((await admin('PUT', `/api/workflows/${routed.json().id}`, { isActive: false })).json().isActive).toBe(false);
    expect((await admin('DELETE', `/api/workflows/${routed.json().id}`)).json()).toEqual({ success: true });
  });

  it('manual assignment: 404 workflow, 400 inactive or wrong-role annotator, 409 paused or empty', async () => {
    seedFiles(s, 'images/v', numbered(2));
    // the workflow listed its (then empty) folder when it was created; new uploads show after a sync
    expect((await admin('POST', `/api/workflows/${workflowId}/sync`)).json()).toMatchObject({ success: true, added: 2, workflow: { totalImagesAvailable: 2 } });
    const otherRole = (await admin('POST', '/api/roles', { name: 'reviewer' })).json().id;
    const [idle, wrong, ready] = (
      await admin('POST', '/api/annotators/bulk', {
        annotators: [
          { name: 'Idle', email: 'idle@example.com', roleId },
          { name: 'Wrong', email: 'wrong@example.com', roleId: otherRole },
          { name: 'Ready', email: 'ready@example.com', roleId },
        ],
      })
    ).json().annotators;
    await startAnnotator(admin, wrong.id);
    await startAnnotator(admin, ready.id);
    await waitFor(async () => (await admin('GET', `/api/assignments?annotatorId=${ready.id}`)).json().pagination.total === 1, 'the first batch');
    await expectAll([
      ['POST', '/api/workflows/999/assign', { annotatorId: ready.id }, 404],
      ['POST', `/api/workflows/${workflowId}/assign`, {}, 400, 'annotatorId'],
      ['POST', `/api/workflows/${workflowId}/assign`, { annotatorId: 999 }, 400],
      ['POST', `/api/workflows/${workflowId}/assign`, { annotatorId: idle.id }, 400],
      ['POST', `/api/workflows/${workflowId}/assign`, { annotatorId: wrong.id }, 400],
    ]);
    const second = await admin('POST', `/api/workflows/${workflowId}/assign`, { annotatorId: ready.id });
    expect(second.statusCode).toBe(200);
    expect(second.json()).toMatchObject({ success: true, assignment: { workflowId, annotatorId: ready.id, taskCount: 1, goldTaskCount: 0, status: 'pending' } });
    await expectAll([['POST', `/api/workflows/${workflowId}/assign`, { annotatorId: ready.id }, 409]]);
    await admin('PUT', `/api/workflows/${workflowId}`, { isActive: false });
    await expectAll([['POST', `/api/workflows/${workflowId}/assign`, { annotatorId: ready.id }, 409]]);
    await admin('PUT', `/api/workflows/${workflowId}`, { isActive: true });

    // maxProjects caps batches per annotator
    seedFiles(s, 'images/capped', numbered(5));
    const capped = (await admin('POST', '/api/workflows', { name: 'Capped', labelingConfigId: configId, s3SourcePath: 'images/capped', s3ExportPath: 'out', imagesPerProject: 1, maxProjects: 1, autoAssign: false })).json();
    expect((await admin('POST', `/api/workflows/${capped.id}/assign`, { annotatorId: ready.id })).statusCode).toBe(200);
    await expectAll([['POST', `/api/workflows/${capped.id}/assign`, { annotatorId: ready.id }, 409]]);

    // cancelling: open assignments only
    const open = second.json().assignment.id;
    await expectAll([
      ['DELETE', '/api/assignments/999', undefined, 404],
      ['GET', '/api/assignments/999', undefined, 404],
      ['GET', '/api/assignments?status=unknown', undefined, 400, 'status'],
    ]);
    expect((await admin('DELETE', `/api/assignments/${open}`)).json()).toEqual({ success: true });
    await expectAll([['DELETE', `/api/assignments/${open}`, undefined, 409]]);
  });

  it('gold tasks', async () => {
    const ok = { s3ImageKey: 'gold/x.jpg', expectedLabels: catOrDog('cat'), labelingConfigId: configId };
    await expectAll([
      ['POST', '/api/gold-tasks', { ...ok, s3ImageKey: undefined }, 400, 's3ImageKey'],
      ['POST', '/api/gold-tasks', { ...ok, expectedLabels: [] }, 400, 'expectedLabels'],
      ['POST', '/api/gold-tasks', { ...ok, expectedLabels: [{ nope: 1 }] }, 400, 'expectedLabels.0.from_name'],
      ['POST', '/api/gold-tasks', { ...ok, labelingConfigId: undefined }, 400, 'labelingConfigId'],
      ['POST', '/api/gold-tasks', { ...ok, labelingConfigId: 999 }, 400, 'labelingConfigId'],
      ['POST', '/api/gold-tasks', { ...ok, name: long(256) }, 400, 'name'],
      ['POST', '/api/gold-tasks', { ...ok, category: long(101) }, 400, 'category'],
      ['POST', '/api/gold-tasks', { ...ok, difficulty: 'extreme' }, 400, 'difficulty'],
      ['POST', '/api/gold-tasks', { ...ok, expectedLabels: [{ from_name: 'mood', type: 'choices', value: { choices: ['x'] } }] }, 400, 'expectedLabels.0.from_name'],
      ['GET', '/api/gold-tasks/999', undefined, 404],
    ]);
    const g = (await admin('POST', '/api/gold-tasks', { ...ok, name: 'Gold', category: 'animals', difficulty: 'hard' })).json();
    await expectAll([
      ['PUT', `/api/gold-tasks/${g.id}`, {}, 400],
      ['PUT', `/api/gold-tasks/${g.id}`, { labelingConfigId: 999 }, 400, 'labelingConfigId'],
    ]);
    expect((await admin('PUT', `/api/gold-tasks/${g.id}`, { difficulty: 'easy' })).json()).toMatchObject({ difficulty: 'easy', category: 'animals', name: 'Gold' });
    expect((await admin('GET', `/api/gold-tasks?category=animals&labelingConfigId=${configId}`)).json().data.map((x: { id: number }) => x.id)).toEqual([g.id]);
    expect((await admin('DELETE', `/api/gold-tasks/${g.id}`)).json()).toEqual({ success: true });
  });

  it('settings', async () => {
    await expectAll([
      ['PUT', '/api/settings/s3.bucket', {}, 400, 'value'],
      ['PUT', '/api/settings/s3.bucket', { value: 'b', description: long(501) }, 400, 'description'],
      ['GET', '/api/settings/missing.key', undefined, 404],
      ['GET', '/api/events?type=other', undefined, 400, 'type'],
      ['GET', '/api/rejections?actionTaken=shred', undefined, 400, 'actionTaken'],
      ['GET', '/api/monitoring/annotator/999', undefined, 404],
    ]);
  });
});
