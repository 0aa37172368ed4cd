import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { choice, makeProject, startTestServer, type TestServer } from '../../testing/harness.js';
import { insertOrganization } from '../users/service.js';
import { importInto, importFiles, tasksOf, projectOf, expectTexts, expectInvalid, listening, postOverSocket } from './import-fixtures.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => s?.close());

describe('importing JSON', () => {
  it('imports a list of flat tasks with 201 and the Label Studio summary', async () => {
    const { id } = await makeProject(s);
    const res = await importInto(s, id, [{ text: 'first' }, { text: 'second', extra: 7 }]);
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toEqual({
      task_count: 2,
      annotation_count: 0,
      prediction_count: 0,
      predictions_count: 0,
      duration: expect.any(Number),
      file_upload_ids: [],
      could_be_tasks_list: false,
      found_formats: expect.any(Array),
      data_columns: expect.arrayContaining(['text', 'extra']),
    });
    expect(body.data_columns).toHaveLength(2);
    expect(body.duration).toBeGreaterThanOrEqual(0);
    const tasks = await tasksOf(s, id);
    expect(tasks.map((t) => t.data).sort((a, b) => String(a.text).localeCompare(String(b.text)))).toEqual([{ text: 'first' }, { text: 'second', extra: 7 }]);
    expect((await projectOf(s, id)).task_number).toBe(2);
  });

  it('imports a single task object', async () => {
    const { id } = await makeProject(s);
    const res = await importInto(s, id, { text: 'only one' });
    expect(res.statusCode).toBe(201);
    expect(res.json().task_count).toBe(1);
    await expectTexts(s, id, ['only one']);
  });

  it('imports {data, meta} items and keeps meta apart from data', async () => {
    const { id } = await makeProject(s);
    const res = await importInto(s, id, [{ data: { text: 'wrapped' }, meta: { source: 'crawl' } }]);
    expect(res.statusCode).toBe(201);
    const [task] = await tasksOf(s, id);
    expect(task.data).toEqual({ text: 'wrapped' });
    expect(task.meta).toEqual({ source: 'crawl' });
  });

  it('imports annotations and predictions with their tasks and updates the project counters', async () => {
    const { id } = await makeProject(s, { tasks: 1 });
    const res = await importInto(s, id, [
      { data: { text: 'a' }, annotations: [{ result: [choice('positive')] }], predictions: [{ result: [choice('negative')], score: 0.5, model_version: 'v1' }] },
      { data: { text: 'b' }, annotations: [{ result: [choice('negative')] }, { result: [choice('positive')] }] },
      { data: { text: 'c' }, predictions: [{ result: [choice('positive')] }] },
    ]);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ task_count: 3, annotation_count: 3, prediction_count: 2, predictions_count: 2 });
    expect(await projectOf(s, id)).toMatchObject({ task_number: 4, total_annotations_number: 3, total_predictions_number: 2, num_tasks_with_annotations: 2 });
    const a = (await tasksOf(s, id)).find((t) => t.data.text === 'a')!;
    const detail = (await s.request({ method: 'GET', url: `/api/tasks/${a.id}` })).json();
    expect(detail.annotations[0].result[0].value).toEqual({ choices: ['positive'] });
    expect(detail.predictions[0]).toMatchObject({ score: 0.5, model_version: 'v1' });
  });

  it('returns task_ids for return_task_ids=1, true and True, and omits them otherwise', async () => {
    const { id } = await makeProject(s);
    const returned: number[] = [];
    for (const flag of ['1', 'true', 'True']) {
      const res = await importInto(s, id, [{ text: `${flag}-a` }, { text: `${flag}-b` }], { query: `?return_task_ids=${flag}` });
      expect(res.statusCode, flag).toBe(201);
      expect(res.json().task_ids, flag).toHaveLength(2);
      returned.push(...res.json().task_ids);
    }
    const plain = await importInto(s, id, [{ text: 'no ids' }]);
    expect(plain.json()).not.toHaveProperty('task_ids');
    const stored = (await tasksOf(s, id)).filter((t) => t.data.text !== 'no ids').map((t) => t.id);
    expect(returned.sort()).toEqual(stored.sort());
  });

  it('accepts the import URL with a trailing slash', async () => {
    const { id } = await makeProject(s);
    const res = await s.request({ method: 'POST', url: `/api/projects/${id}/import/`, payload: [{ text: 'slash' }] });
    expect(res.statusCode).toBe(201);
  });

  it('imports several thousand tasks in one request, in order', async () => {
    const { id } = await makeProject(s);
    const items = Array.from({ length: 4500 }, (_, i) => ({ text: `t${i}` }));
    const res = await importInto(s, id, items, { query: '?return_task_ids=true' });
    expect(res.statusCode).toBe(201);
    expect(res.json().task_count).toBe(4500);
    const ids = res.json().task_ids as number[];
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    const first = (await s.request({ method: 'GET', url: `/api/tasks/${ids[0]}` })).json();
    const last = (await s.request({ method: 'GET', url: `/api/tasks/${ids[4499]}` })).json();
    expect([first.data.text, last.data.text]).toEqual(['t0', 't4499']);
  });
});

describe('importing CSV, TSV and TXT bodies', () => {
  it('imports a CSV body: the header row names the data keys', async () => {
    const { id } = await makeProject(s);
    const res = await importInto(s, id, 'text,author\n"hello, world",ann\nbye,bob\n', { type: 'text/csv' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ task_count: 2, data_columns: ['text', 'author'] });
    expect((await tasksOf(s, id)).map((t) => t.data).sort((a, b) => String(a.text).localeCompare(String(b.text)))).toEqual([
      { text: 'bye', author: 'bob' },
      { text: 'hello, world', author: 'ann' },
    ]);
  });

  it('imports a TSV body', async () => {
    const { id } = await makeProject(s);
    const res = await importInto(s, id, 'text\tlang\nbonjour\tfr\nhallo\tde\n', { type: 'text/tab-separated-values' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ task_count: 2, data_columns: ['text', 'lang'] });
    await expectTexts(s, id, ['bonjour', 'hallo']);
  });

  it("imports a TXT body one task per line, under the config's data key, skipping blank lines", async () => {
    const { id } = await makeProject(s);
    const res = await importInto(s, id, 'line one\n\nline two\r\nline three', { type: 'text/plain' });
    expect(res.statusCode).toBe(201);
    expect(res.json().task_count).toBe(3);
    const tasks = await tasksOf(s, id);
    expect(tasks.map((t) => t.data).sort((a, b) => String(a.text).localeCompare(String(b.text)))).toEqual([{ text: 'line one' }, { text: 'line three' }, { text: 'line two' }]);
  });
});

describe('importing from a URL', () => {
  let files: http.Server;
  let base: string;
  beforeAll(async () => {
    const bodies: Record<string, [string, string]> = {
      '/tasks.json': ['application/json', JSON.stringify([{ text: 'remote 1' }, { text: 'remote 2' }])],
      '/export?fmt=csv': ['text/csv', 'text\nremote csv\n'],
    };
    files = http.createServer((req, res) => {
      const hit = bodies[req.url ?? ''];
      if (!hit) return res.writeHead(404).end('missing');
      res.writeHead(200, { 'content-type': hit[0] }).end(hit[1]);
    });
    await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => files.close(() => resolve())));

  const importUrl = (project: number, url: string) => importInto(s, project, `url=${encodeURIComponent(url)}`, { type: 'application/x-www-form-urlencoded' });

  it('downloads a JSON task file and imports it', async () => {
    const { id } = await makeProject(s);
    const res = await importUrl(id, `${base}/tasks.json`);
    expect(res.statusCode).toBe(201);
    expect(res.json().task_count).toBe(2);
    await expectTexts(s, id, ['remote 1', 'remote 2']);
  });

  it('reads the format from the content type when the path has no extension', async () => {
    const { id } = await makeProject(s);
    const res = await importUrl(id, `${base}/export?fmt=csv`);
    expect(res.statusCode).toBe(201);
    await expectTexts(s, id, ['remote csv']);
  });

  it('imports a task list given inline in the url field', async () => {
    const { id } = await makeProject(s);
    const res = await importUrl(id, JSON.stringify([{ text: 'inline 1' }, { text: 'inline 2' }]));
    expect(res.statusCode).toBe(201);
    await expectTexts(s, id, ['inline 1', 'inline 2']);
  });

  it('answers 400 for a missing url, a failed download or a non-http scheme, and stores nothing', async () => {
    const { id } = await makeProject(s, { tasks: 1 });
    expectInvalid(await importInto(s, id, 'other=1', { type: 'application/x-www-form-urlencoded' }), /"url" is not found in request data/);
    expectInvalid(await importUrl(id, `${base}/nothing.json`), /HTTP 404/);
    expectInvalid(await importUrl(id, 'file:///etc/passwd'), /Only http and https/);
    expectInvalid(await importUrl(id, 'not a url'), /not a valid URL/);
    await expectTexts(s, id, ['task number 1']);
  });
});

describe('refusing bad imports, all or nothing', () => {
  it('refuses malformed JSON with 400 saying where, and stores nothing', async () => {
    const { id } = await makeProject(s, { tasks: 2 });
    expectInvalid(await importInto(s, id, '[{"text": "ok"}, {"text": }]', { type: 'application/json' }), /item 1/);
    expectInvalid(await importInto(s, id, '[{"text": "ok"},\n {"text": "unterminated"', { type: 'application/json' }), /line 2/);
    expectInvalid(await importInto(s, id, '[{"text": "a"}] trailing', { type: 'application/json' }), /after the end/);
    await expectTexts(s, id, ['task number 1', 'task number 2']);
  });

  it("refuses a task without the config's $key, naming the item index and the key", async () => {
    const { id } = await makeProject(s, { tasks: 1 });
    const res = await importInto(s, id, [{ text: 'fine' }, { body: 'no text here' }]);
    expectInvalid(res, /Error at item 1: "text" key is expected in task data/);
    expect(res.json().validation_errors).toBeDefined();
    await expectTexts(s, id, ['task number 1']);
  });

  it('refuses a value of the wrong type for its tag', async () => {
    const { id } = await makeProject(s);
    expectInvalid(await importInto(s, id, [{ text: { nested: true } }]), /expects the following types/);
    await expectTexts(s, id, []);
  });

  it('refuses items that are not task objects', async () => {
    const { id } = await makeProject(s, { tasks: 1 });
    for (const body of ['[1, 2]', '["text"]', '[{"text": "a"}, null]', '"just a string"', '42']) {
      expectInvalid(await importInto(s, id, body, { type: 'application/json' }), /task|item/);
    }
    await expectTexts(s, id, ['task number 1']);
  });

  it('refuses annotations that are not lists of results', async () => {
    const { id } = await makeProject(s);
    expectInvalid(await importInto(s, id, [{ data: { text: 'a' }, annotations: { result: [] } }]), /"annotations" must be a list/);
    expectInvalid(await importInto(s, id, [{ data: { text: 'a' }, annotations: [{ result: 'positive' }] }]), /result must be a list/);
    expectInvalid(await importInto(s, id, [{ data: { text: 'a' }, predictions: ['positive'] }]), /predictions\[0\] must be an object/);
    await expectTexts(s, id, []);
    expect(await projectOf(s, id)).toMatchObject({ total_annotations_number: 0, total_predictions_number: 0 });
  });

  it('refuses a ragged CSV with 400 naming the line', async () => {
    const { id } = await makeProject(s, { tasks: 1 });
    expectInvalid(await importInto(s, id, 'text,author\na,b\nc\n', { type: 'text/csv' }), /line 3/);
    await expectTexts(s, id, ['task number 1']);
  });

  it('refuses an empty body, an empty list, a header-only CSV and a body-less request with 400', async () => {
    const { id } = await makeProject(s, { tasks: 1 });
    expectInvalid(await importInto(s, id, '', { type: 'application/json' }), /empty|No tasks|No data/);
    expectInvalid(await importInto(s, id, '[]', { type: 'application/json' }), /No tasks/);
    expectInvalid(await importInto(s, id, 'text\n', { type: 'text/csv' }), /No tasks/);
    expectInvalid(await importInto(s, id, '\n\n', { type: 'text/plain' }), /No tasks/);
    expectInvalid(await importInto(s, id, undefined), /No data|No tasks/);
    await expectTexts(s, id, ['task number 1']);
  });

  it('rolls back batches already written when a late item is bad', async () => {
    const { id } = await makeProject(s, { tasks: 1 });
    const items: unknown[] = Array.from({ length: 4999 }, (_, i) => ({ text: `t${i}` }));
    items.push({ nope: true });
    const res = await importInto(s, id, items);
    expectInvalid(res, /Error at item 4999/);
    await expectTexts(s, id, ['task number 1']);
    const more = await importInto(s, id, [{ text: 'after' }], { query: '?return_task_ids=1' });
    expect(more.statusCode).toBe(201);
    const after = (await s.request({ method: 'GET', url: `/api/tasks/${more.json().task_ids[0]}` })).json();
    expect(after.inner_id).toBe(2);
  });

  it('delivers the error reply over a real connection to a client still sending a large body', async () => {
    const { id } = await makeProject(s, { tasks: 1 });
    const base = await listening(s);
    const rest = Buffer.alloc(32 * 1024 * 1024, 0x20);
    const reply = await postOverSocket(`${base}/api/projects/${id}/import`, { authorization: `Token ${s.adminToken}`, 'content-type': 'application/json' }, [Buffer.from('[{"nope": 1},'), rest]);
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.body).validation_errors.non_field_errors[0]).toMatch(/Error at item 0/);
    await expectTexts(s, id, ['task number 1']);
  });

  it('answers 404 for an unknown project', async () => {
    const res = await importInto(s, 999999, [{ text: 'a' }]);
    expect(res.statusCode).toBe(404);
    expect(res.json().status_code).toBe(404);
  });

  it('forbids an annotator to import, and hides the project from another organization', async () => {
    const { id } = await makeProject(s, { tasks: 1 });
    const annotator = await s.makeUser('annotator');
    expect((await importInto(s, id, [{ text: 'sneaky' }], { token: annotator.token })).statusCode).toBe(403);
    const outsider = await s.makeUser('owner', undefined, await insertOrganization(s.ctx.db, 'Outsiders'));
    expect((await importInto(s, id, [{ text: 'sneaky' }], { token: outsider.token })).statusCode).toBe(404);
    expect((await importFiles(s, id, [{ name: 't.json', content: '[{"text": "sneaky"}]' }], '', annotator.token)).statusCode).toBe(403);
    await expectTexts(s, id, ['task number 1']);
  });

  it('refuses an import without credentials', async () => {
    const { id } = await makeProject(s);
    expect((await importInto(s, id, [{ text: 'a' }], { token: null })).statusCode).toBe(401);
    await expectTexts(s, id, []);
  });
});

describe('preannotated_from_fields', () => {
  it('turns the listed columns into a prediction of the control with that name, keeping the data', async () => {
    const s = await startTestServer();
    try {
      const { id } = await makeProject(s);
      const res = await s.request({ method: 'POST', url: `/api/projects/${id}/import?return_task_ids=1&preannotated_from_fields=sentiment`, payload: [{ text: 'pre 1', sentiment: 'positive' }] });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ task_count: 1, prediction_count: 1 });
      const task = (await s.request({ method: 'GET', url: `/api/tasks/${res.json().task_ids[0]}` })).json();
      expect(task.data).toEqual({ text: 'pre 1', sentiment: 'positive' });
      expect(task.predictions[0].result).toEqual([{ from_name: 'sentiment', to_name: 'text', type: 'choices', value: { choices: ['positive'] } }]);
      const missing = await s.request({ method: 'POST', url: `/api/projects/${id}/import?preannotated_from_fields=sentiment`, payload: [{ text: 'no label' }] });
      expect(missing.statusCode).toBe(400);
      expect(JSON.stringify(missing.json())).toContain('preannotated_from_fields');
    } finally {
      await s.close();
    }
  });
});
