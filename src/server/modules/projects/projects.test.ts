import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { choice, makeProject, startTestServer, TEXT_CONFIG, type TestServer } from '../../testing/harness.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => s?.close());

describe('projects', () => {
  it('creates a project with 201 and returns parsed_label_config and zero counters', async () => {
    const res = await s.request({ method: 'POST', url: '/api/projects/', payload: { title: 'Sentiment', label_config: TEXT_CONFIG } });
    expect(res.statusCode).toBe(201);
    const p = res.json();
    expect(p.title).toBe('Sentiment');
    expect(p.parsed_label_config).toEqual({
      sentiment: { type: 'Choices', to_name: ['text'], inputs: [{ type: 'Text', value: 'text' }], labels: ['positive', 'negative'], labels_attrs: { positive: { value: 'positive' }, negative: { value: 'negative' } } },
    });
    expect(p).toMatchObject({ task_number: 0, num_tasks_with_annotations: 0, total_annotations_number: 0, total_predictions_number: 0 });
  });

  it('lists projects with DRF pagination, unbounded page_size and search', async () => {
    await makeProject(s, { title: 'Alpha cats' });
    await makeProject(s, { title: 'Beta dogs' });
    const all = (await s.request({ method: 'GET', url: '/api/projects?page_size=10000000' })).json();
    expect(all.count).toBeGreaterThanOrEqual(2);
    expect(all.results.length).toBe(all.count);
    const found = (await s.request({ method: 'GET', url: '/api/projects?search=cats' })).json();
    expect(found.results.map((p: { title: string }) => p.title)).toEqual(['Alpha cats']);
    const page = (await s.request({ method: 'GET', url: '/api/projects?page=1&page_size=1' })).json();
    expect(page.results).toHaveLength(1);
    expect(page.next).toContain('page=2');
  });

  it('accepts a trailing slash or none on the same route, without redirects', async () => {
    const { id } = await makeProject(s);
    for (const url of [`/api/projects/${id}`, `/api/projects/${id}/`]) {
      const res = await s.request({ method: 'GET', url });
      expect(res.statusCode).toBe(200);
      expect(res.json().id).toBe(id);
    }
  });

  it('patches settings and keeps counters maintained on write', async () => {
    const { id, taskIds } = await makeProject(s, { tasks: 3 });
    const patched = await s.request({ method: 'PATCH', url: `/api/projects/${id}`, payload: { show_skip_button: 'False', maximum_annotations: 2 } });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ show_skip_button: false, maximum_annotations: 2, task_number: 3 });
    await s.request({ method: 'POST', url: `/api/tasks/${taskIds[0]}/annotations`, payload: { result: [choice('positive')] } });
    await s.request({ method: 'POST', url: `/api/tasks/${taskIds[1]}/annotations`, payload: { result: [], was_cancelled: true } });
    const p = (await s.request({ method: 'GET', url: `/api/projects/${id}` })).json();
    expect(p).toMatchObject({ task_number: 3, num_tasks_with_annotations: 1, total_annotations_number: 1, skipped_annotations_number: 1, finished_task_number: 0 });
  });

  it('recounts finished tasks when skips start to count (IGNORE_SKIPPED) and when the overlap changes', async () => {
    const { id, taskIds } = await makeProject(s, { tasks: 2 });
    await s.request({ method: 'POST', url: `/api/tasks/${taskIds[0]}/annotations`, payload: { result: [], was_cancelled: true } });
    await s.request({ method: 'POST', url: `/api/tasks/${taskIds[1]}/annotations`, payload: { result: [choice('negative')] } });
    const finished = async () => (await s.request({ method: 'GET', url: `/api/projects/${id}` })).json().finished_task_number;
    expect(await finished()).toBe(1);
    await s.request({ method: 'PATCH', url: `/api/projects/${id}`, payload: { skip_queue: 'IGNORE_SKIPPED' } });
    expect(await finished()).toBe(2);
    expect((await s.request({ method: 'GET', url: `/api/tasks/${taskIds[0]}` })).json().is_labeled).toBe(true);
    await s.request({ method: 'PATCH', url: `/api/projects/${id}`, payload: { maximum_annotations: 2 } });
    expect(await finished()).toBe(0);
  });

  it('deletes a project with 204 and then answers 404 in Label Studio error shape', async () => {
    const { id } = await makeProject(s, { tasks: 2 });
    expect((await s.request({ method: 'DELETE', url: `/api/projects/${id}/` })).statusCode).toBe(204);
    const res = await s.request({ method: 'GET', url: `/api/projects/${id}` });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ status_code: 404, detail: expect.any(String), exc_info: null, version: expect.any(String) });
    expect(res.json().id).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('label config validation', () => {
  const validate = (label_config: string) => s.request({ method: 'POST', url: '/api/projects/validate', payload: { label_config } });

  it('answers 204 for a valid config', async () => {
    expect((await validate(TEXT_CONFIG)).statusCode).toBe(204);
  });

  it('rejects malformed XML with the parser position', async () => {
    const res = await validate('<View><Text name="t" value="$t"></View>');
    expect(res.statusCode).toBe(400);
    expect(res.json().validation_errors.label_config[0]).toMatch(/line \d+/);
  });

  it('rejects an unknown tag and names it', async () => {
    const res = await validate('<View><Text name="t" value="$t"/><Foo name="x" toName="t"/></View>');
    expect(res.statusCode).toBe(400);
    expect(res.json().validation_errors.label_config[0]).toContain('Foo');
  });

  it('rejects a toName pointing nowhere, as Label Studio words it', async () => {
    const res = await s.request({ method: 'POST', url: '/api/projects', payload: { title: 'Bad', label_config: '<View><Text name="text" value="$text"/><Choices name="c" toName="img"><Choice value="a"/></Choices></View>' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().validation_errors.label_config[0]).toBe(`toName="img" not found in names: ['c', 'text']`);
  });

  it('refuses a config change that would orphan existing annotations', async () => {
    const { id, taskIds } = await makeProject(s, { tasks: 1 });
    await s.request({ method: 'POST', url: `/api/tasks/${taskIds[0]}/annotations`, payload: { result: [choice('positive')] } });
    const other = '<View><Text name="text" value="$text"/><Choices name="topic" toName="text"><Choice value="a"/></Choices></View>';
    const res = await s.request({ method: 'PATCH', url: `/api/projects/${id}`, payload: { label_config: other } });
    expect(res.statusCode).toBe(400);
    expect(res.json().validation_errors.label_config[0]).toContain('from_name=sentiment');
    const kept = (await s.request({ method: 'GET', url: `/api/projects/${id}` })).json();
    expect(kept.label_config).toBe(TEXT_CONFIG);
  });

  it('reports whether essential config data changed on the project validate endpoint', async () => {
    const { id } = await makeProject(s);
    const same = await s.request({ method: 'POST', url: `/api/projects/${id}/validate`, payload: { label_config: TEXT_CONFIG } });
    expect(same.json()).toEqual({ config_essential_data_has_changed: false });
    const more = TEXT_CONFIG.replace('<Choice value="negative"/>', '<Choice value="negative"/><Choice value="neutral"/>');
    const changed = await s.request({ method: 'POST', url: `/api/projects/${id}/validate`, payload: { label_config: more } });
    expect(changed.json()).toEqual({ config_essential_data_has_changed: true });
  });
});
