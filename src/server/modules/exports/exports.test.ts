import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { choice, makeProject, startTestServer, type TestServer } from '../../testing/harness.js';
import { annotate, getJson, outsider, predict } from '../tasks/task-fixtures.js';

let s: TestServer;
let adminId: number;
beforeAll(async () => {
  s = await startTestServer();
  adminId = (await getJson<{ id: number }>(s, '/api/current-user/whoami')).id;
});
afterAll(async () => s?.close());

type Json = Record<string, unknown>;
const TASK_KEYS = ['annotations', 'cancelled_annotations', 'comment_authors', 'comment_count', 'created_at', 'data', 'drafts', 'file_upload', 'id', 'inner_id', 'last_comment_updated_at', 'meta', 'predictions', 'project', 'total_annotations', 'total_predictions', 'unresolved_comment_count', 'updated_at', 'updated_by'];
const ANNOTATION_KEYS = ['bulk_created', 'completed_by', 'created_at', 'draft_created_at', 'ground_truth', 'id', 'import_id', 'last_action', 'last_created_by', 'lead_time', 'parent_annotation', 'parent_prediction', 'prediction', 'project', 'result', 'result_count', 'task', 'unique_id', 'updated_at', 'updated_by', 'was_cancelled'];
const PREDICTION_KEYS = ['cluster', 'created_ago', 'created_at', 'id', 'mislabeling', 'model', 'model_run', 'model_version', 'neighbors', 'project', 'result', 'score', 'task', 'updated_at'];
const FILENAME = (projectId: number, ext: string) => new RegExp(`^attachment; filename="project-${projectId}-at-\\d{4}-\\d\\d-\\d\\d-\\d\\d-\\d\\d-[0-9a-f]{8}\\.${ext}"$`);

const download = (url: string) => s.request({ method: 'GET', url });
const exported = async (url: string): Promise<Json[]> => {
  const res = await download(url);
  if (res.statusCode !== 200) throw new Error(`export failed: ${res.statusCode} ${res.body}`);
  return res.json();
};
const idsOf = (tasks: Json[]) => tasks.map((t) => t.id);

/** Three tasks: the first labeled positive with a prediction, the second only skipped, the third untouched. */
describe('synchronous export', () => {
  let project: number;
  let t: number[];
  let ann: Json;
  let pred: Json;
  /** created_at/updated_at as the export writes them: PostgreSQL's microseconds, which the API's Date round trip drops */
  let stamps: { created_at: string; updated_at: string };
  beforeAll(async () => {
    ({ id: project, taskIds: t } = await makeProject(s, { tasks: 3 }));
    ann = await annotate(s, t[0], { result: [choice('positive')], lead_time: 2.5 });
    await annotate(s, t[1], { result: [], was_cancelled: true });
    pred = await predict(s, t[0], { score: 0.5, model_version: 'm1' });
    const [first] = await exported(`/api/projects/${project}/export?exportType=JSON&ids[]=${t[0]}`);
    const [{ created_at, updated_at }] = first.annotations as { created_at: string; updated_at: string }[];
    stamps = { created_at, updated_at };
  });
  const sameInstant = (a: unknown, b: unknown) => expect(Date.parse(String(a))).toBe(Date.parse(String(b)));

  it('writes every task in Label Studio’s export shape, with completed_by as an id', async () => {
    const res = await download(`/api/projects/${project}/export?exportType=JSON&download_all_tasks=true`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toMatch(FILENAME(project, 'json'));
    const tasks: Json[] = res.json();
    expect(idsOf(tasks)).toEqual(t);
    for (const task of tasks) expect(Object.keys(task).sort()).toEqual(TASK_KEYS);
    const [first] = tasks;
    expect(first).toMatchObject({ id: t[0], data: { text: 'task number 1' }, meta: {}, inner_id: 1, project, total_annotations: 1, cancelled_annotations: 0, total_predictions: 1, comment_count: 0, unresolved_comment_count: 0, last_comment_updated_at: null, comment_authors: [], drafts: [], file_upload: null });
    const [a] = first.annotations as Json[];
    expect(Object.keys(a).sort()).toEqual(ANNOTATION_KEYS);
    expect(a).toMatchObject({ id: ann.id, completed_by: adminId, result: [choice('positive')], was_cancelled: false, ground_truth: false, lead_time: 2.5, task: t[0], project, unique_id: ann.unique_id });
    sameInstant(a.created_at, ann.created_at);
    expect(a.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    const [p] = first.predictions as Json[];
    expect(Object.keys(p).sort()).toEqual(PREDICTION_KEYS);
    expect(p).toMatchObject({ id: pred.id, model_version: 'm1', score: 0.5, task: t[0], project, result: pred.result });
    sameInstant(p.created_at, pred.created_at);
    expect(tasks[2]).toMatchObject({ annotations: [], predictions: [] });
  });

  it('keeps skipped annotations in the JSON export, as Label Studio does', async () => {
    const tasks = await exported(`/api/projects/${project}/export?exportType=JSON&download_all_tasks=true`);
    expect((tasks[1].annotations as Json[]).map((a) => a.was_cancelled)).toEqual([true]);
  });

  it('accepts export_type as well as exportType, and defaults to JSON of annotated tasks', async () => {
    expect(idsOf(await exported(`/api/projects/${project}/export?export_type=JSON&download_all_tasks=true`))).toEqual(t);
    expect(idsOf(await exported(`/api/projects/${project}/export`))).toEqual([t[0], t[1]]);
  });

  it('exports only tasks with annotations unless download_all_tasks is true, True or 1', async () => {
    expect(idsOf(await exported(`/api/projects/${project}/export?exportType=JSON&download_all_tasks=false`))).toEqual([t[0], t[1]]);
    for (const v of ['true', 'True', '1']) expect(idsOf(await exported(`/api/projects/${project}/export?exportType=JSON&download_all_tasks=${v}`))).toEqual(t);
  });

  it('exports the subset named by ids[] or repeated ids', async () => {
    expect(idsOf(await exported(`/api/projects/${project}/export?download_all_tasks=true&ids[]=${t[0]}&ids[]=${t[2]}`))).toEqual([t[0], t[2]]);
    expect(idsOf(await exported(`/api/projects/${project}/export?download_all_tasks=true&ids=${t[2]}&ids=${t[1]}`))).toEqual([t[1], t[2]]);
  });

  it('writes JSON_MIN records with a single choice as a plain string', async () => {
    const res = await download(`/api/projects/${project}/export?exportType=JSON_MIN&download_all_tasks=true`);
    expect(res.headers['content-disposition']).toMatch(FILENAME(project, 'json'));
    expect(res.json()).toEqual([
      { text: 'task number 1', id: t[0], sentiment: 'positive', annotator: adminId, annotation_id: ann.id, ...stamps, lead_time: 2.5 },
      { text: 'task number 3', id: t[2], annotator: null, annotation_id: null, created_at: null, updated_at: null, lead_time: null },
    ]);
  });

  it('writes CSV with a sorted header, strings quoted and numbers bare', async () => {
    const res = await download(`/api/projects/${project}/export?exportType=CSV&download_all_tasks=true`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toMatch(FILENAME(project, 'csv'));
    expect(res.body).toBe(
      '"annotation_id","annotator","created_at","id","lead_time","sentiment","text","updated_at"\r\n' +
        `${ann.id},"${adminId}","${stamps.created_at}",${t[0]},2.5,"positive","task number 1","${stamps.updated_at}"\r\n` +
        `"","","",${t[2]},"","","task number 3",""\r\n`,
    );
  });

  it('writes TSV like CSV with tabs', async () => {
    const res = await download(`/api/projects/${project}/export?exportType=TSV`);
    expect(res.headers['content-disposition']).toMatch(FILENAME(project, 'tsv'));
    expect(res.body.split('\r\n')).toEqual([
      ['"annotation_id"', '"annotator"', '"created_at"', '"id"', '"lead_time"', '"sentiment"', '"text"', '"updated_at"'].join('\t'),
      [ann.id, `"${adminId}"`, `"${stamps.created_at}"`, t[0], 2.5, '"positive"', '"task number 1"', `"${stamps.updated_at}"`].join('\t'),
      '',
    ]);
  });

  it('rejects an unknown format with 400', async () => {
    const res = await download(`/api/projects/${project}/export?exportType=PDF`);
    expect(res.statusCode).toBe(400);
    expect(res.json().detail).toContain('PDF');
  });

  it('hides another organization’s project', async () => {
    const other = await outsider(s);
    expect((await s.request({ method: 'GET', url: `/api/projects/${project}/export`, token: other.token })).statusCode).toBe(404);
  });
});

describe('large exports', () => {
  it('exports 3,000 tasks in id order across batches, annotations included', async () => {
    const { id, taskIds } = await makeProject(s, { tasks: 3000 });
    const late = await annotate(s, taskIds[2500], { result: [choice('negative')] });
    const tasks = await exported(`/api/projects/${id}/export?exportType=JSON&download_all_tasks=true`);
    expect(tasks).toHaveLength(3000);
    expect(idsOf(tasks)).toEqual(taskIds);
    expect((tasks[2500].annotations as Json[]).map((a) => a.id)).toEqual([late.id]);
    expect(idsOf(await exported(`/api/projects/${id}/export?exportType=JSON`))).toEqual([taskIds[2500]]);
  });
});

describe('export snapshots', () => {
  let project: number;
  let t: number[];
  beforeAll(async () => {
    ({ id: project, taskIds: t } = await makeProject(s, { tasks: 3 }));
    await annotate(s, t[0], { result: [choice('positive')] });
    await annotate(s, t[1], { result: [], was_cancelled: true });
  });
  const snapshot = async (body: Json = {}) => {
    const res = await s.request({ method: 'POST', url: `/api/projects/${project}/exports`, payload: body });
    if (res.statusCode !== 201) throw new Error(`snapshot failed: ${res.statusCode} ${res.body}`);
    return res.json() as Json & { id: number };
  };
  const base = () => `/api/projects/${project}/exports`;

  it('creates a completed snapshot with 201 and its counters, then lists and gets it', async () => {
    const e = await snapshot({ title: 'First' });
    expect(e).toMatchObject({ title: 'First', status: 'completed', counters: { task_number: 3 }, created_by: { id: adminId }, converted_formats: [] });
    expect(e.md5).toMatch(/^[0-9a-f]{32}$/);
    expect(e.finished_at).toEqual(expect.any(String));
    expect((await getJson<{ id: number }[]>(s, base())).map((x) => x.id)).toContain(e.id);
    expect(await getJson(s, `${base()}/${e.id}`)).toMatchObject({ id: e.id, status: 'completed' });
  });

  it('downloads the snapshot as JSON in the export shape', async () => {
    const e = await snapshot();
    const res = await download(`${base()}/${e.id}/download?exportType=JSON`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toMatch(FILENAME(project, 'json'));
    const tasks: Json[] = res.json();
    expect(idsOf(tasks)).toEqual(t);
    expect(Object.keys(tasks[0]).sort()).toEqual(TASK_KEYS);
  });

  it('downloads CSV only after converting to it', async () => {
    const e = await snapshot();
    const early = await download(`${base()}/${e.id}/download?exportType=CSV`);
    expect(early.statusCode).toBe(404);
    expect(early.json().detail).toBe('CSV format is not converted yet');
    const conv = await s.request({ method: 'POST', url: `${base()}/${e.id}/convert`, payload: { export_type: 'CSV' } });
    expect(conv.statusCode).toBe(200);
    expect(conv.json()).toEqual({ export_type: 'CSV', converted_format: expect.any(Number) });
    expect((await getJson<{ converted_formats: Json[] }>(s, `${base()}/${e.id}`)).converted_formats).toEqual([{ id: conv.json().converted_format, status: 'completed', export_type: 'CSV', traceback: null }]);
    const csv = await download(`${base()}/${e.id}/download?exportType=CSV`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-disposition']).toMatch(FILENAME(project, 'csv'));
    const lines = csv.body.split('\r\n');
    expect(lines[0]).toBe('"annotation_id","annotator","created_at","id","lead_time","sentiment","text","updated_at"');
    // the task whose only annotation was skipped gives no row, as in Label Studio's converter
    expect(lines.slice(1, -1).map((l) => l.split(',')[3])).toEqual([String(t[0]), String(t[2])]);
  });

  it('leaves skipped annotations out of a snapshot only when its annotation filter says so', async () => {
    const all = await snapshot();
    const allTasks: Json[] = (await download(`${base()}/${all.id}/download`)).json();
    expect((allTasks[1].annotations as Json[]).length).toBe(1);
    const usual = await snapshot({ annotation_filter_options: { usual: true } });
    const usualTasks: Json[] = (await download(`${base()}/${usual.id}/download`)).json();
    expect(usualTasks.map((x) => (x.annotations as Json[]).length)).toEqual([1, 0, 0]);
  });

  it('narrows a snapshot to annotated or unfinished tasks', async () => {
    const annotated = await snapshot({ task_filter_options: { annotated: 'only' } });
    expect(annotated.counters).toEqual({ task_number: 1 });
    expect(idsOf((await download(`${base()}/${annotated.id}/download`)).json())).toEqual([t[0]]);
    const open = await snapshot({ task_filter_options: { finished: 'exclude' } });
    expect(idsOf((await download(`${base()}/${open.id}/download`)).json())).toEqual([t[1], t[2]]);
    const withAny = await snapshot({ task_filter_options: { only_with_annotations: true } });
    expect(idsOf((await download(`${base()}/${withAny.id}/download`)).json())).toEqual([t[0], t[1]]);
  });

  it('rejects converting to an unknown format', async () => {
    const e = await snapshot();
    expect((await s.request({ method: 'POST', url: `${base()}/${e.id}/convert`, payload: { export_type: 'PDF' } })).statusCode).toBe(400);
  });

  it('deletes a snapshot with 204, after which it is gone', async () => {
    const e = await snapshot();
    expect((await s.request({ method: 'DELETE', url: `${base()}/${e.id}` })).statusCode).toBe(204);
    expect((await download(`${base()}/${e.id}`)).statusCode).toBe(404);
    expect((await download(`${base()}/${e.id}/download?exportType=JSON`)).statusCode).toBe(404);
    expect((await getJson<{ id: number }[]>(s, base())).map((x) => x.id)).not.toContain(e.id);
  });

  it('hides snapshots from other organizations and other projects', async () => {
    const e = await snapshot();
    const other = await outsider(s);
    expect((await s.request({ method: 'GET', url: `${base()}/${e.id}`, token: other.token })).statusCode).toBe(404);
    const elsewhere = await makeProject(s);
    expect((await download(`/api/projects/${elsewhere.id}/exports/${e.id}`)).statusCode).toBe(404);
  });
});
