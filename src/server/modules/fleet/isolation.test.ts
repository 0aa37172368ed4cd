import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, startTestServer, type TestServer } from '../../testing/harness.js';
import { catOrDog, IMAGE_CHOICES, numbered, seedFiles, signIn, startAnnotator, waitFor, withCookie, withToken, type Call } from './fleet-fixtures.js';

let s: TestServer;
let admin: Call;
let alice: Call;
let bob: Call;
let aliceId: number;
let bobId: number;
let aliceProject: number;
let bobProject: number;
let aliceTasks: { lsTaskId: number; isGold: boolean }[];
let bobTasks: { lsTaskId: number }[];
let regular: { id: number; taskIds: number[] };
const tokens = { alice: '', bob: '' };

beforeAll(async () => {
  s = await startTestServer();
  admin = withCookie(s, await signIn(s));
  seedFiles(s, 'images/iso', numbered(4, 'png'));
  seedFiles(s, 'gold', ['cat.jpg']);
  const config = (await admin('POST', '/api/labeling-configs', { name: 'Pets', configXml: IMAGE_CHOICES })).json();
  await admin('POST', '/api/gold-tasks', { name: 'Gold - Cat', s3ImageKey: 'gold/cat.jpg', expectedLabels: catOrDog('cat'), labelingConfigId: config.id });
  const wf = (await admin('POST', '/api/workflows', { name: 'Iso', labelingConfigId: config.id, s3SourcePath: 'images/iso', s3ExportPath: 'out', imagesPerProject: 2, goldStandardRate: 0.5 })).json();
  const people = (await admin('POST', '/api/annotators/bulk', { annotators: [{ name: 'Alice', email: 'alice@example.com' }, { name: 'Bob', email: 'bob@example.com' }] })).json().annotators;
  [aliceId, bobId] = people.map((p: { id: number }) => p.id);
  alice = withToken(s, people[0].apiToken);
  tokens.alice = people[0].apiToken;
  tokens.bob = people[1].apiToken;
  bob = withToken(s, people[1].apiToken);
  await startAnnotator(admin, aliceId);
  await startAnnotator(admin, bobId);
  const assignments = await waitFor(async () => {
    const list = (await admin('GET', `/api/assignments?workflowId=${wf.id}`)).json();
    return list.data.length === 2 ? list.data : null;
  }, 'two batches');
  const detail = async (annotatorId: number) => (await admin('GET', `/api/assignments/${assignments.find((a: { annotatorId: number }) => a.annotatorId === annotatorId).id}`)).json();
  const a = await detail(aliceId);
  const b = await detail(bobId);
  [aliceProject, aliceTasks, bobProject, bobTasks] = [a.lsProjectId, a.tasks, b.lsProjectId, b.tasks];
  regular = await makeProject(s, { tasks: 2 });
});
afterAll(async () => s?.close());

describe('annotator isolation through the Label Studio API', () => {
  it('shows an annotator the tasks of their own batch, gold looking like any other task', async () => {
    const res = await alice('GET', `/api/tasks?project=${aliceProject}&fields=all`);
    expect(res.statusCode).toBe(200);
    const tasks = res.json().tasks;
    expect(tasks).toHaveLength(3);
    for (const t of tasks) {
      expect(Object.keys(t.data)).toEqual(['image']);
      expect(t.data.image).toMatch(/^\/data\/fleet-media\/[A-Za-z0-9_-]{22}$/);
      expect(t.meta).toEqual({});
      expect(t.predictions).toEqual([]);
    }
    const gold = aliceTasks.find((t) => t.isGold)!;
    const goldTask = await alice('GET', `/api/tasks/${gold.lsTaskId}`);
    expect(goldTask.statusCode).toBe(200);
    expect(goldTask.body).not.toMatch(/gold|expected/i);
    const media = await alice('GET', goldTask.json().data.image);
    expect(media.statusCode).toBe(200);
    expect(media.headers['content-type']).toBe('image/jpeg');
    expect(media.body).toBe('image gold/cat.jpg');
  });

  it('serves media in byte ranges, so audio and video can seek', async () => {
    const gold = aliceTasks.find((t) => t.isGold)!;
    const url = (await alice('GET', `/api/tasks/${gold.lsTaskId}`)).json().data.image;
    const get = (range?: string) => s.request({ method: 'GET', url, token: tokens.alice, headers: range ? { range } : {} });
    const whole = await get();
    expect(whole.statusCode).toBe(200);
    expect(whole.headers).toMatchObject({ 'accept-ranges': 'bytes', 'content-length': '18' });
    const part = await get('bytes=6-9');
    expect(part.statusCode).toBe(206);
    expect(part.headers).toMatchObject({ 'content-range': 'bytes 6-9/18', 'content-length': '4', 'content-type': 'image/jpeg' });
    expect(part.body).toBe('gold');
    expect((await get('bytes=15-')).body).toBe('jpg');
    const tail = await get('bytes=-7');
    expect([tail.statusCode, tail.headers['content-range'], tail.body]).toEqual([206, 'bytes 11-17/18', 'cat.jpg']);
    const past = await get('bytes=18-');
    expect(past.statusCode).toBe(416);
    expect(past.headers['content-range']).toBe('bytes */18');
    // a range the server does not serve (several parts) gets the whole object, as HTTP allows
    expect((await get('bytes=0-1,4-5')).body).toBe('image gold/cat.jpg');
    expect((await s.request({ method: 'GET', url, token: tokens.bob, headers: { range: 'bytes=0-3' } })).statusCode).toBe(404);
  });

  it("refuses another annotator's task, project, label stream and media as if they did not exist", async () => {
    const theirs = bobTasks[0].lsTaskId;
    expect((await alice('GET', `/api/tasks/${theirs}`)).statusCode).toBe(404);
    expect((await alice('GET', `/api/tasks/${theirs}/annotations`)).statusCode).toBe(404);
    expect((await alice('POST', `/api/tasks/${theirs}/annotations`, { result: catOrDog('cat') })).statusCode).toBe(404);
    expect((await alice('GET', `/api/tasks?project=${bobProject}`)).statusCode).toBe(404);
    expect((await alice('GET', `/api/projects/${bobProject}`)).statusCode).toBe(404);
    const listed = (await alice('GET', '/api/projects?page_size=1000')).json().results.map((p: { id: number }) => p.id);
    expect(listed).toEqual([aliceProject]);
    expect((await alice('GET', `/api/projects/${bobProject}/next`)).statusCode).toBe(404);
    const bobMedia = (await bob('GET', `/api/tasks/${theirs}`)).json().data.image;
    expect((await bob('GET', bobMedia)).statusCode).toBe(200);
    expect((await alice('GET', bobMedia)).statusCode).toBe(404);
  });

  it('refuses tasks outside any assignment, while other users keep seeing them', async () => {
    expect((await alice('GET', `/api/tasks?project=${regular.id}`)).statusCode).toBe(404);
    expect((await alice('GET', `/api/tasks/${regular.taskIds[0]}`)).statusCode).toBe(404);
    expect((await alice('GET', `/api/projects/${regular.id}/export?exportType=JSON`)).statusCode).toBe(404);
    const plain = await s.makeUser('annotator');
    expect((await withToken(s, plain.token)('GET', `/api/tasks/${regular.taskIds[0]}`)).statusCode).toBe(200);
  });

  it('never gives an annotator the gold answers or the admin API', async () => {
    for (const url of ['/api/gold-tasks', '/api/assignments', `/api/annotators/${aliceId}`, '/api/quality']) {
      const res = await alice('GET', url);
      expect(res.statusCode).toBe(403);
      expect(res.body).not.toMatch(/expectedLabels/);
    }
  });

  it('hides the workspace while it is stopped and shows it again after a restart, nothing lost', async () => {
    const mine = aliceTasks[0].lsTaskId;
    expect((await alice('POST', `/api/tasks/${mine}/annotations`, { result: catOrDog('dog') })).statusCode).toBe(201);
    expect((await admin('POST', `/api/annotators/${aliceId}/stop`)).json()).toEqual({ success: true });
    expect((await admin('GET', `/api/annotators/${aliceId}/status`)).json()).toMatchObject({ status: 'stopped', url: `http://127.0.0.1:8080/projects/${aliceProject}` });
    expect((await alice('GET', `/api/tasks/${mine}`)).statusCode).toBe(404);
    expect((await alice('GET', `/api/projects/${aliceProject}/next`)).statusCode).toBe(404);
    const stopAgain = await admin('POST', `/api/annotators/${aliceId}/stop`);
    expect(stopAgain.statusCode).toBe(400);
    await startAnnotator(admin, aliceId);
    const back = await alice('GET', `/api/tasks/${mine}`);
    expect(back.statusCode).toBe(200);
    expect(back.json().annotations).toHaveLength(1);
    const lifecycle = (await admin('GET', `/api/events?annotatorId=${aliceId}&type=container`)).json().data.map((e: { toStatus: string }) => e.toStatus);
    expect(lifecycle).toEqual(['active', 'starting', 'stopped', 'stopping', 'active', 'starting', 'created']);
  });
});
