import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainJobs } from '../../jobs/worker.js';
import { deleteObject, getObjectText, listObjects, putObject } from '../../s3/client.js';
import { startTestServer, type TestServer } from '../../testing/harness.js';
import { freshBucket, requireS3, type S3TestServer } from '../../testing/s3.js';
import { catOrDog, IMAGE_CHOICES, labelAll, signIn, startAnnotator, waitFor, withCookie, withToken, type Call } from './fleet-fixtures.js';
import { sourceSyncSubject } from './source-sync.js';

/** Workflows on a real S3 server (Ceph radosgw, scripts/s3-server.sh): source, media, export and rejection archive. */

const REVIEW_CONFIG = `<View><Image name="image" value="$image"/><Choices name="label" toName="image"><Choice value="cat"/><Choice value="dog"/></Choices>
<Choices name="review_decision" toName="image"><Choice value="accept"/><Choice value="reject"/></Choices><TextArea name="review_reason" toName="image"/></View>`;

let s: TestServer;
let s3: S3TestServer;
let admin: Call;
let bucket: string;

const bytesOf = (key: string) => `JPEG bytes of ${key}`;
const upload = (b: string, keys: string[]) => Promise.all(keys.map((k) => putObject(s3.client, b, k, bytesOf(k), 'image/jpeg')));

beforeAll(async () => {
  s3 = await requireS3();
  bucket = await freshBucket('fleet');
  s = await startTestServer();
  admin = withCookie(s, await signIn(s));
  const settings: [string, unknown][] = [
    ['storage.type', 's3'],
    ['s3.bucket', bucket],
    ['s3.endpoint', s3.endpoint],
    ['s3.region', s3.region],
    ['s3.accessKeyId', s3.accessKeyId],
    ['s3.secretAccessKey', s3.secretAccessKey],
  ];
  for (const [key, value] of settings) expect((await admin('PUT', `/api/settings/${key}`, { value })).statusCode).toBe(200);
}, 240_000);
afterAll(async () => s?.close());

describe('S3 settings', () => {
  it('never shows the secret access key, and keeps it when the mask is sent back', async () => {
    expect((await admin('GET', '/api/settings/s3.secretAccessKey')).json().value).toBe('********');
    expect(JSON.stringify((await admin('GET', '/api/settings')).json())).not.toContain(s3.secretAccessKey);
    expect((await admin('PUT', '/api/settings/s3.secretAccessKey', { value: '********' })).json().value).toBe('********');
    const stored = await s.ctx.db.query<{ value: string }>(`SELECT value FROM fleet_settings WHERE key = 's3.secretAccessKey'`);
    expect(stored.map((r) => r.value)).toEqual([s3.secretAccessKey]);
  });
});

const batchOf = (annotatorId: number, workflowId: number) =>
  waitFor(async () => (await admin('GET', `/api/assignments?annotatorId=${annotatorId}&workflowId=${workflowId}&status=pending`)).json().data[0] ?? null, `a batch for annotator ${annotatorId}`);

describe('workflows on S3 storage', () => {
  it('lists the source with ETags, serves media to the assignee only, and exports completed batches to s3ExportPath', async () => {
    const items = Array.from({ length: 8 }, (_, i) => `images/pets/img_${i + 1}.jpg`);
    await upload(bucket, [...items, 'gold/cat.jpg', 'images/petshop/not-mine.jpg', 'images/pets/.hidden.jpg']);
    await putObject(s3.client, bucket, 'images/pets/', ''); // a console-made "folder" marker is no item

    const role = (await admin('POST', '/api/roles', { name: 'labeler' })).json();
    const config = (await admin('POST', '/api/labeling-configs', { name: 'Pets', configXml: IMAGE_CHOICES })).json();
    const gold = (await admin('POST', '/api/gold-tasks', { name: 'Gold cat', s3ImageKey: 'gold/cat.jpg', expectedLabels: catOrDog('cat'), labelingConfigId: config.id })).json();
    const created = await admin('POST', '/api/workflows', {
      name: 'Pets on S3',
      roleId: role.id,
      labelingConfigId: config.id,
      s3SourcePath: 'images/pets/',
      s3ExportPath: 'exports/pets/',
      imagesPerProject: 4,
      goldStandardRate: 0.25,
      shuffleImages: false,
    });
    expect(created.statusCode).toBe(201);
    const wf = created.json();
    expect(wf).toMatchObject({ totalImagesAvailable: 8, totalImagesAssigned: 0 });

    // each item carries the ETag the listing gave
    const listed = new Map<string, string>();
    for await (const o of listObjects(s3.client, bucket, 'images/pets/')) listed.set(o.key, o.etag);
    const recorded = await s.ctx.db.query<{ item_key: string; etag: string }>('SELECT item_key, etag FROM workflow_items WHERE workflow_id = $1 ORDER BY item_key', [wf.id]);
    expect(recorded).toEqual(items.sort().map((k) => ({ item_key: k, etag: listed.get(k) })));

    const [alice, bob] = (
      await admin('POST', '/api/annotators/bulk', {
        annotators: [
          { name: 'Alice', email: 'alice@example.com', roleId: role.id },
          { name: 'Bob', email: 'bob@example.com', roleId: role.id },
        ],
      })
    ).json().annotators;
    await startAnnotator(admin, alice.id);
    await startAnnotator(admin, bob.id);
    const batches = [await batchOf(alice.id, wf.id), await batchOf(bob.id, wf.id)];
    expect((await admin('GET', `/api/workflows/${wf.id}`)).json()).toMatchObject({ totalImagesAvailable: 8, totalImagesAssigned: 8 });

    // media: through the fleet's own route, by an opaque id, with the bytes from the bucket, for the assignee only
    const aliceCall = withToken(s, alice.apiToken);
    const bobCall = withToken(s, bob.apiToken);
    const aliceTasks = (await admin('GET', `/api/assignments/${batches[0].id}`)).json().tasks as { lsTaskId: number; imageKey: string; isGold: boolean; goldTaskId: number | null }[];
    expect(aliceTasks.map((t) => t.imageKey).filter((k) => k.startsWith('images/'))).toEqual(items.slice(0, 4));
    expect(aliceTasks.filter((t) => t.isGold)).toEqual([expect.objectContaining({ imageKey: 'gold/cat.jpg', goldTaskId: gold.id })]);
    for (const t of aliceTasks) {
      const task = (await aliceCall('GET', `/api/tasks/${t.lsTaskId}`)).json();
      expect(task.data.image).toMatch(/^\/data\/fleet-media\/[\w-]{22}$/);
      const media = await aliceCall('GET', task.data.image);
      expect(media.statusCode).toBe(200);
      expect(media.headers['content-type']).toBe('image/jpeg');
      expect(media.body).toBe(bytesOf(t.imageKey));
      expect((await bobCall('GET', task.data.image)).statusCode).toBe(404);
      expect((await s.request({ method: 'GET', url: task.data.image, token: null })).statusCode).toBe(401);
    }

    // byte ranges pass through to S3, so audio and video can seek
    const first = aliceTasks[0];
    const firstUrl = (await aliceCall('GET', `/api/tasks/${first.lsTaskId}`)).json().data.image;
    const size = bytesOf(first.imageKey).length;
    const ranged = (range: string) => s.request({ method: 'GET', url: firstUrl, token: alice.apiToken, headers: { range } });
    const part = await ranged('bytes=0-3');
    expect([part.statusCode, part.body]).toEqual([206, 'JPEG']);
    expect(part.headers).toMatchObject({ 'content-range': `bytes 0-3/${size}`, 'content-length': '4', 'accept-ranges': 'bytes', 'content-type': 'image/jpeg' });
    const tail = await ranged(`bytes=-${first.imageKey.length}`);
    expect([tail.statusCode, tail.body, tail.headers['content-range']]).toEqual([206, first.imageKey, `bytes ${size - first.imageKey.length}-${size - 1}/${size}`]);
    const past = await ranged(`bytes=${size}-`);
    expect([past.statusCode, past.headers['content-range']]).toEqual([416, `bytes */${size}`]);
    expect((await ranged('bytes=0-1,3-4')).body).toBe(bytesOf(first.imageKey));

    // labeling through the Label Studio API completes both batches; each export is Label Studio JSON in the bucket
    for (const [who, batch] of [
      [aliceCall, batches[0]],
      [bobCall, batches[1]],
    ] as const) {
      expect(await labelAll(who, batch.lsProjectId, () => catOrDog('cat'))).toHaveLength(5);
    }
    for (const batch of batches) {
      const done = (await admin('GET', `/api/assignments/${batch.id}`)).json();
      expect(done).toMatchObject({ status: 'completed', completedCount: 5, exportPath: `exports/pets/assignment-${batch.id}.json` });
      const items = (done.tasks as { lsTaskId: number; isGold: boolean; position: number }[]).filter((t) => !t.isGold);
      const exported = JSON.parse(await getObjectText(s3.client, bucket, done.exportPath));
      const lsExport = (await admin('GET', `/api/projects/${batch.lsProjectId}/export?exportType=JSON`)).json() as { id: number }[];
      const byId = new Map(lsExport.map((t) => [t.id, t]));
      expect(exported).toEqual(items.map((t) => byId.get(t.lsTaskId)));
      expect(exported.map((t: { id: number }) => t.id)).toEqual(items.map((t) => t.lsTaskId));
      for (const task of exported) expect(task.annotations.map((a: { result: unknown }) => a.result)).toEqual([catOrDog('cat')]);
      expect(fs.existsSync(path.join(s.dataDir, 'storage', bucket))).toBe(false);
    }

    // a new upload shows after a sync
    await upload(bucket, ['images/pets/img_9.jpg']);
    expect((await admin('POST', `/api/workflows/${wf.id}/sync`)).json()).toMatchObject({ added: 1, workflow: { totalImagesAvailable: 9 } });
    // deleted before anyone got it (the workflow paused, so nobody is offered it): gone, no longer counted
    await admin('PUT', `/api/workflows/${wf.id}`, { isActive: false });
    await upload(bucket, ['images/pets/img_10.jpg']);
    expect((await admin('POST', `/api/workflows/${wf.id}/sync`)).json()).toMatchObject({ added: 1, workflow: { totalImagesAvailable: 10 } });
    await deleteObject(s3.client, bucket, 'images/pets/img_10.jpg');
    expect((await admin('POST', `/api/workflows/${wf.id}/sync`)).json()).toMatchObject({ added: 0, workflow: { totalImagesAvailable: 9 } });
    const [gone] = await s.ctx.db.query<{ status: string }>(`SELECT status FROM workflow_items WHERE workflow_id = $1 AND item_key = 'images/pets/img_10.jpg'`, [wf.id]);
    expect(gone.status).toBe('gone');
  });

  it('archives rejected work to rejectionArchiveBucket in S3', async () => {
    const archive = await freshBucket('fleet-archive');
    await upload(bucket, ['review/item.jpg']);
    const roles = await Promise.all(['l', 'r'].map(async (r) => (await admin('POST', '/api/roles', { name: `arch-${r}` })).json()));
    const labelConfig = (await admin('POST', '/api/labeling-configs', { name: 'Arch labels', configXml: IMAGE_CHOICES })).json();
    const reviewConfig = (await admin('POST', '/api/labeling-configs', { name: 'Arch review', configXml: REVIEW_CONFIG })).json();
    const label = (
      await admin('POST', '/api/workflows', {
        name: 'Arch: label',
        roleId: roles[0].id,
        labelingConfigId: labelConfig.id,
        s3SourcePath: 'review/',
        s3ExportPath: 'labeled/',
        rejectionMode: 'archive',
        rejectionArchiveBucket: `s3://${archive}/rejected/`,
      })
    ).json();
    const review = (await admin('POST', '/api/workflows', { name: 'Arch: review', roleId: roles[1].id, labelingConfigId: reviewConfig.id, previousWorkflowId: label.id, s3SourcePath: 'review/', s3ExportPath: 'reviewed/' })).json();
    const [labeler, reviewer] = (
      await admin('POST', '/api/annotators/bulk', {
        annotators: [
          { name: 'Labeler', email: 'labeler@example.com', roleId: roles[0].id },
          { name: 'Reviewer', email: 'reviewer@example.com', roleId: roles[1].id },
        ],
      })
    ).json().annotators;
    await startAnnotator(admin, labeler.id);
    await startAnnotator(admin, reviewer.id);

    const labeled = await batchOf(labeler.id, label.id);
    await labelAll(withToken(s, labeler.apiToken), labeled.lsProjectId, () => catOrDog('dog'));
    const reviewing = await batchOf(reviewer.id, review.id);
    const verdict = [
      { from_name: 'review_decision', to_name: 'image', type: 'choices', value: { choices: ['reject'] } },
      { from_name: 'review_reason', to_name: 'image', type: 'textarea', value: { text: ['Blurry'] } },
    ];
    const [reviewTaskId] = await labelAll(withToken(s, reviewer.apiToken), reviewing.lsProjectId, () => verdict);

    const [rejection] = (await admin('GET', `/api/rejections?annotatorId=${labeler.id}`)).json().data;
    const labeledTask = (await admin('GET', `/api/assignments/${labeled.id}`)).json().tasks[0];
    const key = `rejected/task-${labeledTask.lsTaskId}-review-${reviewTaskId}.json`;
    expect(rejection).toMatchObject({ actionTaken: 'archive', archivePath: `s3://${archive}/${key}`, reason: 'Blurry', imageKey: 'review/item.jpg' });
    expect(JSON.parse(await getObjectText(s3.client, archive, key))).toEqual({
      imageKey: 'review/item.jpg',
      annotation: catOrDog('dog'),
      reason: 'Blurry',
      originalAnnotatorId: labeler.id,
      reviewerAnnotatorId: reviewer.id,
    });
    // the review batch itself was exported to the main bucket
    expect(JSON.parse(await getObjectText(s3.client, bucket, `reviewed/assignment-${reviewing.id}.json`)).map((t: { id: number }) => t.id)).toEqual([reviewTaskId]);
  });

  it('puts the text of a text item read from the bucket into its task', async () => {
    await putObject(s3.client, bucket, 'texts/one.txt', 'Ünïcode text from S3', 'text/plain');
    const config = (await admin('POST', '/api/labeling-configs', { name: 'Texts', configXml: '<View><Text name="text" value="$text"/><Choices name="mood" toName="text"><Choice value="ok"/></Choices></View>' })).json();
    const wf = (await admin('POST', '/api/workflows', { name: 'Texts', labelingConfigId: config.id, s3SourcePath: 'texts', s3ExportPath: 'out/texts', autoAssign: false })).json();
    const reader = (await admin('POST', '/api/annotators', { name: 'Reader', email: 'reader@example.com' })).json();
    await startAnnotator(admin, reader.id);
    const assigned = (await admin('POST', `/api/workflows/${wf.id}/assign`, { annotatorId: reader.id })).json().assignment;
    const next = await withToken(s, reader.apiToken)('GET', `/api/projects/${assigned.lsProjectId}/next`);
    expect(next.json().data).toEqual({ text: 'Ünïcode text from S3' });
  });

  it('reports refused credentials in a sentence, and keeps assigning the items already listed', async () => {
    await upload(bucket, ['images/refused/a.jpg']);
    const config = (await admin('POST', '/api/labeling-configs', { name: 'Refused', configXml: IMAGE_CHOICES })).json();
    const listed = (await admin('POST', '/api/workflows', { name: 'Listed before', labelingConfigId: config.id, s3SourcePath: 'images/refused/', s3ExportPath: 'out/', autoAssign: false })).json();
    expect(listed.totalImagesAvailable).toBe(1);
    const worker = (await admin('POST', '/api/annotators', { name: 'Worker', email: 'worker@example.com' })).json();
    await startAnnotator(admin, worker.id);
    await admin('PUT', '/api/settings/s3.secretAccessKey', { value: 'not-the-secret' });
    try {
      const wf = await admin('POST', '/api/workflows', { name: 'Refused', s3SourcePath: 'images/pets/', s3ExportPath: 'out/' });
      expect(wf.statusCode).toBe(201);
      expect(wf.json().totalImagesAvailable).toBe(0);
      const sync = await admin('POST', `/api/workflows/${wf.json().id}/sync`);
      expect(sync.statusCode).toBe(400);
      expect(sync.json().error).toBe('S3 storage: the secret access key was refused by the S3 server');

      // a stale listing cannot be refreshed, yet the recorded item is handed out
      await s.ctx.db.query(`UPDATE workflows SET source_listed_at = now() - interval '1 hour' WHERE id = $1`, [listed.id]);
      const assigned = await admin('POST', `/api/workflows/${listed.id}/assign`, { annotatorId: worker.id });
      expect(assigned.statusCode).toBe(200);
      expect((await admin('GET', `/api/assignments/${assigned.json().assignment.id}`)).json().tasks.map((t: { imageKey: string }) => t.imageKey)).toEqual(['images/refused/a.jpg']);
      // the re-listing it queued fails for good with the same sentence, and is not retried
      await drainJobs(s.ctx);
      const jobs = await s.ctx.db.query<{ state: string; last_error: string }>('SELECT state, last_error FROM jobs WHERE subject = $1', [sourceSyncSubject(listed.id)]);
      expect(jobs).toEqual([{ state: 'failed', last_error: 'S3 storage: the secret access key was refused by the S3 server' }]);
    } finally {
      await admin('PUT', '/api/settings/s3.secretAccessKey', { value: s3.secretAccessKey });
    }
  });
});
