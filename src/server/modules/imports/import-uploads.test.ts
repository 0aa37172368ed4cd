import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, startTestServer, type TestServer } from '../../testing/harness.js';
import { insertOrganization } from '../users/service.js';
import { IMAGE_CONFIG, PNG, multipart, importInto, importFiles, tasksOf, expectTexts, fileUploadsOf, uploadedFiles, expectNothingStored, expectInvalid, listening, postOverSocket } from './import-fixtures.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => s?.close());

describe('importing uploaded files', () => {
  it('imports .json, .csv and .txt files of one multipart request together', async () => {
    const { id } = await makeProject(s);
    const res = await importFiles(
      s,
      id,
      [
        { name: 'tasks.json', content: JSON.stringify([{ text: 'from json 1' }, { text: 'from json 2' }]), type: 'application/json' },
        { name: 'tasks.csv', content: 'text\nfrom csv\n', type: 'text/csv' },
        { name: 'notes.txt', content: 'from txt 1\nfrom txt 2\n', type: 'text/plain' },
      ],
      '?return_task_ids=true',
    );
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ task_count: 5, annotation_count: 0, prediction_count: 0 });
    expect(body.found_formats.sort()).toEqual(['.csv', '.json', '.txt']);
    expect(body.file_upload_ids).toHaveLength(3);
    expect(body.task_ids).toHaveLength(5);
    expect(body.data_columns).toEqual(['text']);
    await expectTexts(s, id, ['from json 1', 'from json 2', 'from csv', 'from txt 1', 'from txt 2']);
    expect((await fileUploadsOf(s, id)).map((f) => f.file.replace(/^[0-9a-f]{8}-/, '')).sort()).toEqual(['notes.txt', 'tasks.csv', 'tasks.json']);
  });

  it('imports a .tsv file and a single-task .json file', async () => {
    const { id } = await makeProject(s);
    const res = await importFiles(s, id, [
      { name: 'a.tsv', content: 'text\nfrom tsv\n' },
      { name: 'one.json', content: JSON.stringify({ data: { text: 'from object' } }) },
    ]);
    expect(res.statusCode).toBe(201);
    await expectTexts(s, id, ['from tsv', 'from object']);
  });

  it('stores an uploaded image as a task pointing at /data/upload, downloadable with credentials only', async () => {
    const { id } = await makeProject(s, { config: IMAGE_CONFIG });
    const res = await importFiles(s, id, [{ name: 'my cat.png', content: PNG, type: 'image/png' }], '?return_task_ids=1');
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ task_count: 1, found_formats: ['.png'], file_upload_ids: [expect.any(Number)] });
    const task = (await s.request({ method: 'GET', url: `/api/tasks/${res.json().task_ids[0]}` })).json();
    const url = task.data.image as string;
    expect(url).toMatch(new RegExp(`^/data/upload/${id}/[0-9a-f]{8}-my_cat\\.png$`));
    const download = await s.request({ method: 'GET', url });
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload.equals(PNG)).toBe(true);
    expect(download.headers['content-type']).toBe('image/png');
    expect((await s.request({ method: 'GET', url, token: null })).statusCode).toBe(401);
  });

  it('serves byte ranges of an upload, as audio and video players ask for them', async () => {
    const { id } = await makeProject(s, { config: IMAGE_CONFIG });
    const res = await importFiles(s, id, [{ name: 'pic.png', content: PNG, type: 'image/png' }], '?return_task_ids=1');
    const url = (await s.request({ method: 'GET', url: `/api/tasks/${res.json().task_ids[0]}` })).json().data.image;
    const part = await s.request({ method: 'GET', url, headers: { range: 'bytes=1-3' } });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 1-3/${PNG.length}`);
    expect(part.rawPayload.equals(PNG.subarray(1, 4))).toBe(true);
    const tail = await s.request({ method: 'GET', url, headers: { range: 'bytes=-4' } });
    expect(tail.rawPayload.equals(PNG.subarray(PNG.length - 4))).toBe(true);
    const open = await s.request({ method: 'GET', url, headers: { range: 'bytes=60-' } });
    expect(open.rawPayload.equals(PNG.subarray(60))).toBe(true);
    const beyond = await s.request({ method: 'GET', url, headers: { range: `bytes=${PNG.length}-` } });
    expect(beyond.statusCode).toBe(416);
    expect(beyond.headers['content-range']).toBe(`bytes */${PNG.length}`);
  });

  it('serves an uploaded HTML file sandboxed, so it cannot run script as this site', async () => {
    const { id } = await makeProject(s, { config: '<View><HyperText name="page" value="$page"/><Choices name="c" toName="page"><Choice value="a"/></Choices></View>' });
    const res = await importFiles(s, id, [{ name: 'page.html', content: '<script>fetch("/api/users")</script>', type: 'text/html' }], '?return_task_ids=1');
    expect(res.statusCode).toBe(201);
    const url = (await s.request({ method: 'GET', url: `/api/tasks/${res.json().task_ids[0]}` })).json().data.page;
    const page = await s.request({ method: 'GET', url });
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toBe('sandbox');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
  });

  it('stores several media files as one task each', async () => {
    const { id } = await makeProject(s, { config: IMAGE_CONFIG });
    const res = await importFiles(s, id, [
      { name: 'a.png', content: PNG, type: 'image/png' },
      { name: 'b.jpg', content: PNG, type: 'image/jpeg' },
    ]);
    expect(res.statusCode).toBe(201);
    expect(res.json().task_count).toBe(2);
    expect(uploadedFiles(s, id)).toHaveLength(2);
  });

  it("hides an uploaded file from another organization's users", async () => {
    const { id } = await makeProject(s, { config: IMAGE_CONFIG });
    const res = await importFiles(s, id, [{ name: 'secret.png', content: PNG, type: 'image/png' }], '?return_task_ids=1');
    const url = (await s.request({ method: 'GET', url: `/api/tasks/${res.json().task_ids[0]}` })).json().data.image;
    const outsider = await s.makeUser('owner', undefined, await insertOrganization(s.ctx.db, 'Elsewhere'));
    expect((await s.request({ method: 'GET', url, token: outsider.token })).statusCode).toBe(404);
  });

  it('answers 404 for an upload that does not exist and never leaves the upload folder', async () => {
    const { id } = await makeProject(s, { config: IMAGE_CONFIG });
    expect((await s.request({ method: 'GET', url: `/data/upload/${id}/missing.png` })).statusCode).toBe(404);
    fs.writeFileSync(path.join(s.dataDir, 'outside.txt'), 'private');
    for (const name of ['..%2F..%2Foutside.txt', '..%5C..%5Coutside.txt']) {
      expect((await s.request({ method: 'GET', url: `/data/upload/${id}/${name}` })).statusCode, name).toBe(404);
    }
  });
});

describe('refusing bad uploads, all or nothing', () => {
  it('refuses an empty uploaded file and a multipart request without files', async () => {
    const { id } = await makeProject(s, { tasks: 1 });
    expectInvalid(await importFiles(s, id, [{ name: 'empty.json', content: '' }]), /empty|No tasks/);
    expectInvalid(await importFiles(s, id, []), /No data|No tasks/);
    await expectNothingStored(s, id, ['task number 1']);
  });

  it('stores nothing from a multipart request whose second file is bad', async () => {
    const { id } = await makeProject(s, { tasks: 1 });
    const res = await importFiles(s, id, [
      { name: 'good.json', content: JSON.stringify([{ text: 'good 1' }, { text: 'good 2' }]) },
      { name: 'bad.csv', content: 'text,x\na,b\nragged\n' },
    ]);
    expectInvalid(res, /CSV parse error at line 3/);
    await expectNothingStored(s, id, ['task number 1']);
  });

  it('stores no media file when a later file of the same request is bad', async () => {
    const { id } = await makeProject(s, { config: IMAGE_CONFIG });
    const res = await importFiles(s, id, [
      { name: 'photo.png', content: PNG, type: 'image/png' },
      { name: 'tasks.json', content: '[{"image": "/x.png"}, {"img": "missing key"}]' },
    ]);
    expectInvalid(res, /Error at item 1: "image" key is expected/);
    expect(await tasksOf(s, id)).toEqual([]);
    expect(await fileUploadsOf(s, id)).toEqual([]);
    expect(uploadedFiles(s, id)).toEqual([]);
  });

  it('delivers the error reply over a real connection when the first of several uploaded files is bad', async () => {
    const { id } = await makeProject(s, { tasks: 1 });
    const base = await listening(s);
    const { payload, headers } = multipart([
      { name: 'bad.json', content: '[{"nope": 1}]' },
      { name: 'big.txt', content: Buffer.alloc(32 * 1024 * 1024, 0x61) },
    ]);
    const reply = await postOverSocket(`${base}/api/projects/${id}/import`, { authorization: `Token ${s.adminToken}`, ...headers }, [payload]);
    expect(reply.status).toBe(400);
    await expectNothingStored(s, id, ['task number 1']);
  });
});

describe('the upload size limit', () => {
  let small: TestServer;
  beforeAll(async () => {
    small = await startTestServer({ LABELFLEET_MAX_UPLOAD_BYTES: '2000' });
  });
  afterAll(async () => small?.close());

  const big = JSON.stringify(Array.from({ length: 100 }, (_, i) => ({ text: `task text number ${i}` })));

  it('answers 413 for a JSON body over the limit and stores nothing', async () => {
    const { id } = await makeProject(small, { tasks: 1 });
    const res = await importInto(small, id, big, { type: 'application/json' });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ status_code: 413, detail: expect.stringContaining('2000') });
    await expectTexts(small, id, ['task number 1']);
  });

  /** A body sent in pieces without a Content-Length, so only counting the bytes can stop it. */
  function chunked(project: number, pieces: Buffer[], type: string) {
    return small.app.inject({
      method: 'POST',
      url: `/api/projects/${project}/import`,
      headers: { authorization: `Token ${small.adminToken}`, 'content-type': type, 'transfer-encoding': 'chunked' },
      payload: Readable.from(pieces),
    });
  }

  it('answers 413 for a chunked body that grows over the limit', async () => {
    const { id } = await makeProject(small);
    const res = await chunked(id, [Buffer.from(big.slice(0, 1500)), Buffer.from(big.slice(1500))], 'application/json');
    expect(res.statusCode).toBe(413);
    await expectTexts(small, id, []);
  });

  it('answers 413 when the files of one chunked multipart request together pass the limit', async () => {
    const { id } = await makeProject(small, { config: IMAGE_CONFIG });
    const { payload, headers } = multipart([
      { name: 'a.png', content: Buffer.alloc(1200, 1), type: 'image/png' },
      { name: 'b.png', content: Buffer.alloc(1200, 2), type: 'image/png' },
    ]);
    const res = await chunked(id, [payload.subarray(0, 1000), payload.subarray(1000)], headers['content-type']);
    expect(res.statusCode).toBe(413);
    expect(await tasksOf(small, id)).toEqual([]);
    expect(uploadedFiles(small, id)).toEqual([]);
    expect(await fileUploadsOf(small, id)).toEqual([]);
  });

  it('answers 413 for an uploaded file over the limit and stores nothing', async () => {
    const { id } = await makeProject(small, { config: IMAGE_CONFIG });
    const res = await importFiles(small, id, [{ name: 'huge.png', content: Buffer.alloc(5000, 1), type: 'image/png' }]);
    expect(res.statusCode).toBe(413);
    expect(await tasksOf(small, id)).toEqual([]);
    expect(uploadedFiles(small, id)).toEqual([]);
    expect(await fileUploadsOf(small, id)).toEqual([]);
  });

  it('delivers the 413 over a real connection while the client sends a large file', async () => {
    const { id } = await makeProject(small, { config: IMAGE_CONFIG });
    const base = await listening(small);
    const { payload, headers } = multipart([{ name: 'huge.png', content: Buffer.alloc(8 * 1024 * 1024, 1), type: 'image/png' }]);
    const reply = await postOverSocket(`${base}/api/projects/${id}/import`, { authorization: `Token ${small.adminToken}`, ...headers, 'transfer-encoding': 'chunked' }, [payload]);
    expect(reply.status).toBe(413);
    expect(uploadedFiles(small, id)).toEqual([]);
  });

  it('still imports a body under the limit', async () => {
    const { id } = await makeProject(small);
    expect((await importInto(small, id, [{ text: 'small enough' }])).statusCode).toBe(201);
  });
});
