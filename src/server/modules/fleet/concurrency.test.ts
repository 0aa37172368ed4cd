import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../testing/harness.js';
import { IMAGE_CHOICES, numbered, seedFiles, signIn, waitFor, withCookie, type Call } from './fleet-fixtures.js';

let s: TestServer;
let admin: Call;
let configId: number;
let annotators: { id: number }[];

beforeAll(async () => {
  s = await startTestServer();
  admin = withCookie(s, await signIn(s));
  configId = (await admin('POST', '/api/labeling-configs', { name: 'Pets', configXml: IMAGE_CHOICES })).json().id;
  const bulk = await admin('POST', '/api/annotators/bulk', { annotators: Array.from({ length: 20 }, (_, i) => ({ name: `Annotator ${i + 1}`, email: `a${i + 1}@example.com` })) });
  annotators = bulk.json().annotators;
});
afterAll(async () => s?.close());

/** Every item key handed out in a workflow, one entry per assignment task. */
async function handedOut(workflowId: number): Promise<{ keys: string[]; perAnnotator: Map<number, number> }> {
  const list = (await admin('GET', `/api/assignments?workflowId=${workflowId}&limit=500`)).json().data;
  const keys: string[] = [];
  const perAnnotator = new Map<number, number>();
  for (const a of list) {
    const detail = (await admin('GET', `/api/assignments/${a.id}`)).json();
    keys.push(...detail.tasks.map((t: { imageKey: string }) => t.imageKey));
    perAnnotator.set(a.annotatorId, (perAnnotator.get(a.annotatorId) ?? 0) + 1);
  }
  return { keys, perAnnotator };
}

describe('concurrent assignment', () => {
  it('gives 20 annotators starting at once 50 items in batches of 3, never one item to two of them', async () => {
    seedFiles(s, 'images/rush', numbered(50));
    const wf = (await admin('POST', '/api/workflows', { name: 'Rush', labelingConfigId: configId, s3SourcePath: 'images/rush', s3ExportPath: 'out/rush', imagesPerProject: 3 })).json();
    const starts = await Promise.all(annotators.map((a) => admin('POST', `/api/annotators/${a.id}/start`)));
    expect(starts.map((r) => r.statusCode)).toEqual(Array(20).fill(200));
    await waitFor(async () => (await admin('GET', `/api/workflows/${wf.id}`)).json().totalImagesAssigned === 50, 'all 50 items handed out');
    await waitFor(async () => (await admin('GET', '/api/events?type=container&limit=500')).json().data.filter((e: { toStatus: string }) => e.toStatus === 'active').length === 20, 'all workspaces active');

    const { keys, perAnnotator } = await handedOut(wf.id);
    expect(keys).toHaveLength(50);
    expect(new Set(keys).size).toBe(50);
    expect(perAnnotator.size).toBe(17);
    expect([...perAnnotator.values()].every((n) => n === 1)).toBe(true);
    expect((await admin('GET', `/api/assignments?workflowId=${wf.id}`)).json().pagination.total).toBe(17);
  });

  it('answers 20 simultaneous manual assignments with distinct batches and 409 once the items run out', async () => {
    seedFiles(s, 'images/manual', numbered(30));
    const wf = (await admin('POST', '/api/workflows', { name: 'Manual', labelingConfigId: configId, s3SourcePath: 'images/manual', s3ExportPath: 'out/manual', imagesPerProject: 2, autoAssign: false })).json();
    const results = await Promise.all(annotators.map((a) => admin('POST', `/api/workflows/${wf.id}/assign`, { annotatorId: a.id })));
    const statuses = results.map((r) => r.statusCode).sort();
    expect(statuses).toEqual([...Array(15).fill(200), ...Array(5).fill(409)]);
    for (const r of results.filter((x) => x.statusCode === 409)) expect(r.json()).toEqual({ error: 'No images available for assignment' });
    const { keys } = await handedOut(wf.id);
    expect(keys).toHaveLength(30);
    expect(new Set(keys).size).toBe(30);
  });
});
