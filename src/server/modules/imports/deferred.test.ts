import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, startTestServer, type TestServer } from '../../testing/harness.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => s?.close());

const multipart = (files: { name: string; content: string }[]) => {
  const boundary = 'deferredboundary';
  const body = files.map((f) => `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${f.name}"\r\nContent-Type: application/octet-stream\r\n\r\n${f.content}\r\n`).join('') + `--${boundary}--\r\n`;
  return { payload: body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
};

describe('two-step import (commit_to_project=false, then reimport)', () => {
  it('stores the files without creating tasks, lists them, and creates their tasks on reimport', async () => {
    const { id } = await makeProject(s);
    const up = await s.request({ method: 'POST', url: `/api/projects/${id}/import?commit_to_project=false`, ...multipart([{ name: 'a.json', content: '[{"text":"one"},{"text":"two"}]' }, { name: 'b.csv', content: 'text\nthree\n' }]) });
    expect(up.statusCode).toBe(201);
    expect(up.json()).toMatchObject({ task_count: 0, annotation_count: null });
    const ids: number[] = up.json().file_upload_ids;
    expect(ids).toHaveLength(2);
    expect((await s.request({ method: 'GET', url: `/api/projects/${id}` })).json().task_number).toBe(0);
    const listed = (await s.request({ method: 'GET', url: `/api/projects/${id}/file-uploads?ids=[${ids.join(',')}]` })).json();
    expect(listed.map((f: { id: number }) => f.id)).toEqual(ids);
    const re = await s.request({ method: 'POST', url: `/api/projects/${id}/reimport`, payload: { file_upload_ids: ids, files_as_tasks_list: false } });
    expect(re.statusCode).toBe(201);
    expect(re.json().task_count).toBe(3);
    const tasks = (await s.request({ method: 'GET', url: `/api/tasks?project=${id}` })).json().tasks;
    expect(tasks.map((t: { data: { text: string } }) => t.data.text)).toEqual(['one', 'two', 'three']);
  });

  it('answers 200 with zeros for an empty reimport and deletes stored uploads', async () => {
    const { id } = await makeProject(s);
    const empty = await s.request({ method: 'POST', url: `/api/projects/${id}/reimport`, payload: { file_upload_ids: [] } });
    expect(empty.statusCode).toBe(200);
    expect(empty.json().task_count).toBe(0);
    const up = await s.request({ method: 'POST', url: `/api/projects/${id}/import?commit_to_project=false`, ...multipart([{ name: 'a.json', content: '[{"text":"x"}]' }]) });
    const del = await s.request({ method: 'DELETE', url: `/api/projects/${id}/file-uploads`, payload: { file_upload_ids: up.json().file_upload_ids } });
    expect(del.json()).toEqual({ deleted: 1 });
    const missing = await s.request({ method: 'POST', url: `/api/projects/${id}/reimport`, payload: { file_upload_ids: up.json().file_upload_ids } });
    expect(missing.statusCode).toBe(404);
  });

  it('refuses a reimport whose file is bad, creating nothing', async () => {
    const { id } = await makeProject(s);
    const up = await s.request({ method: 'POST', url: `/api/projects/${id}/import?commit_to_project=false`, ...multipart([{ name: 'a.json', content: '[{"text":"ok"},{"other":1}]' }]) });
    const re = await s.request({ method: 'POST', url: `/api/projects/${id}/reimport`, payload: { file_upload_ids: up.json().file_upload_ids } });
    expect(re.statusCode).toBe(400);
    expect(JSON.stringify(re.json())).toContain('"text\\" key is expected');
    expect((await s.request({ method: 'GET', url: `/api/projects/${id}` })).json().task_number).toBe(0);
  });
});
