import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../testing/harness.js';
import { catOrDog, IMAGE_CHOICES, readBucketFile, seedFiles, signIn, startAnnotator, waitFor, withCookie, withToken, type Call } from './fleet-fixtures.js';

const REVIEW_CONFIG = `<View><Image name="image" value="$image"/><Choices name="label" toName="image"><Choice value="cat"/><Choice value="dog"/></Choices>
<Choices name="review_decision" toName="image"><Choice value="accept"/><Choice value="reject"/></Choices><TextArea name="review_reason" toName="image"/></View>`;

const verdict = (decision: 'accept' | 'reject', reason?: string) => [
  { from_name: 'review_decision', to_name: 'image', type: 'choices', value: { choices: [decision] } },
  ...(reason ? [{ from_name: 'review_reason', to_name: 'image', type: 'textarea', value: { text: [reason] } }] : []),
];

let s: TestServer;
let admin: Call;
beforeAll(async () => {
  s = await startTestServer();
  admin = withCookie(s, await signIn(s));
});
afterAll(async () => s?.close());

interface Stage {
  label: { id: number };
  review: { id: number };
  labeler: { id: number; call: Call };
  reviewer: { id: number; call: Call };
}

/** A labeling workflow with one item, a review workflow chained to it, a labeler and a reviewer with their roles. */
async function pipeline(name: string, rejection: Record<string, unknown>): Promise<Stage> {
  seedFiles(s, `images/${name}`, ['item.jpg']);
  const roles = await Promise.all(['labeler', 'reviewer'].map(async (r) => (await admin('POST', '/api/roles', { name: `${name}-${r}` })).json()));
  const labelConfig = (await admin('POST', '/api/labeling-configs', { name: `${name} labels`, configXml: IMAGE_CHOICES })).json();
  const reviewConfig = (await admin('POST', '/api/labeling-configs', { name: `${name} review`, configXml: REVIEW_CONFIG })).json();
  const label = (await admin('POST', '/api/workflows', { name: `${name}: label`, roleId: roles[0].id, labelingConfigId: labelConfig.id, s3SourcePath: `images/${name}`, s3ExportPath: `out/${name}`, imagesPerProject: 5 })).json();
  const review = (await admin('POST', '/api/workflows', { name: `${name}: review`, roleId: roles[1].id, labelingConfigId: reviewConfig.id, previousWorkflowId: label.id, s3SourcePath: `images/${name}`, s3ExportPath: `reviewed/${name}` })).json();
  const put = await admin('PUT', `/api/workflows/${label.id}`, typeof rejection.rejectionRouteWorkflowId === 'string' ? { ...rejection, rejectionRouteWorkflowId: label.id } : rejection);
  expect(put.statusCode).toBe(200);
  const [labeler, reviewer] = (
    await admin('POST', '/api/annotators/bulk', {
      annotators: [
        { name: `${name} labeler`, email: `${name}-l@example.com`, roleId: roles[0].id },
        { name: `${name} reviewer`, email: `${name}-r@example.com`, roleId: roles[1].id },
      ],
    })
  ).json().annotators;
  await startAnnotator(admin, labeler.id);
  await startAnnotator(admin, reviewer.id);
  return { label, review, labeler: { id: labeler.id, call: withToken(s, labeler.apiToken) }, reviewer: { id: reviewer.id, call: withToken(s, reviewer.apiToken) } };
}

/** The annotator's open batch once auto-assignment has made it. */
const openBatch = (annotatorId: number, workflowId: number) =>
  waitFor(async () => {
    const list = (await admin('GET', `/api/assignments?annotatorId=${annotatorId}&workflowId=${workflowId}&status=pending`)).json();
    return list.data[0] ?? null;
  }, `a batch of workflow ${workflowId} for annotator ${annotatorId}`);

async function annotateOnlyTask(who: Call, projectId: number, result: unknown[]) {
  const task = (await who('GET', `/api/projects/${projectId}/next`)).json();
  const res = await who('POST', `/api/tasks/${task.id}/annotations`, { result, lead_time: 3 });
  expect(res.statusCode).toBe(201);
  return task;
}

describe('review and rejection routing', () => {
  it('routes rejected work back to its annotator until the rework cap, then escalates', async () => {
    const p = await pipeline('loop', { rejectionMode: 'route_to_workflow', rejectionRouteWorkflowId: 'self', rejectionReturnToOriginal: true, maxReworkIterations: 1 });

    const first = await openBatch(p.labeler.id, p.label.id);
    await annotateOnlyTask(p.labeler.call, first.lsProjectId, catOrDog('cat'));

    // the completed item reached the review stage, showing the labeler's answer as a prediction
    const review1 = await openBatch(p.reviewer.id, p.review.id);
    const shown = await annotateOnlyTask(p.reviewer.call, review1.lsProjectId, verdict('reject', 'Wrong animal'));
    expect(shown.predictions[0].result[0].value.choices).toEqual(['cat']);

    // rejected: back to the same labeler as a one-item rework batch
    const rework = await openBatch(p.labeler.id, p.label.id);
    expect(rework).toMatchObject({ isRework: true, taskCount: 1, goldTaskCount: 0 });
    const again = await annotateOnlyTask(p.labeler.call, rework.lsProjectId, catOrDog('dog'));
    expect(again.predictions[0].result[0].value.choices).toEqual(['cat']);

    const review2 = await openBatch(p.reviewer.id, p.review.id);
    await annotateOnlyTask(p.reviewer.call, review2.lsProjectId, verdict('reject', 'Still wrong'));

    // the cap (one rework) is reached: the item escalates instead of looping
    const rejections = (await admin('GET', `/api/rejections?annotatorId=${p.labeler.id}`)).json();
    expect(rejections.pagination.total).toBe(2);
    const [second, firstRejection] = rejections.data;
    expect(firstRejection).toMatchObject({
      workflowId: p.review.id,
      originWorkflowId: p.label.id,
      actionTaken: 'route_to_workflow',
      reason: 'Wrong animal',
      reworkIteration: 0,
      escalated: false,
      routedToWorkflowId: p.label.id,
      routedToAssignmentId: rework.id,
      imageKey: 'images/loop/item.jpg',
      originalAnnotator: { id: p.labeler.id },
      reviewerAnnotator: { id: p.reviewer.id },
    });
    expect(second).toMatchObject({ actionTaken: 'none', reason: 'Still wrong', reworkIteration: 1, escalated: true, routedToAssignmentId: null });
    const detail = (await admin('GET', `/api/rejections/${firstRejection.id}`)).json();
    expect(detail).toMatchObject({ reviewerAssignment: { id: review1.id, workflow: { id: p.review.id } }, originalAssignment: { id: first.id }, routedToAssignment: { id: rework.id, isRework: true } });
    expect((await admin('GET', `/api/rejections?actionTaken=route_to_workflow&workflowId=${p.review.id}`)).json().pagination.total).toBe(1);

    const escalations = (await admin('GET', `/api/events?annotatorId=${p.labeler.id}&type=annotation`)).json().data.filter((e: { eventType: string }) => e.eventType === 'rework_escalated');
    expect(escalations).toHaveLength(1);
    expect((await admin('GET', `/api/assignments?annotatorId=${p.labeler.id}&status=pending`)).json().pagination.total).toBe(0);

    const labeler = (await admin('GET', `/api/annotators/${p.labeler.id}`)).json();
    expect(labeler).toMatchObject({ rejectionCount: 2, reviewedCount: 2 });
    const quality = (await admin('GET', '/api/quality')).json();
    expect(quality.reworkRate).toBe(0.5);
    expect(quality.annotatorScores.find((x: { annotatorId: number }) => x.annotatorId === p.labeler.id)).toMatchObject({ accuracy: null, rejectionCount: 2, reviewedCount: 2, rejectionRate: 1 });
    expect(quality.recentRejections.map((r: { reason: string }) => r.reason)).toEqual(['Still wrong', 'Wrong animal']);

    const graph = (await admin('GET', '/api/workflows/graph')).json();
    expect(graph.edges).toEqual(
      expect.arrayContaining([
        { source: p.label.id, target: p.review.id, type: 'chain', label: 'accept' },
        { source: p.label.id, target: p.label.id, type: 'rejection', label: 'reject' },
      ]),
    );
    expect(graph.nodes.find((n: { id: number }) => n.id === p.label.id).stats.rejectionRate).toBe(1);
    const chain = (await admin('GET', `/api/workflows/${p.review.id}`)).json().chain;
    expect(chain.map((c: { id: number }) => c.id)).toEqual([p.label.id, p.review.id]);
  });

  it('archives rejected work when the origin workflow says archive, and counts accepted reviews', async () => {
    const p = await pipeline('arch', { rejectionMode: 'archive', rejectionArchiveBucket: 'archive/rejected', rejectionFlagAnnotator: false });
    const batch = await openBatch(p.labeler.id, p.label.id);
    await annotateOnlyTask(p.labeler.call, batch.lsProjectId, catOrDog('dog'));
    const review = await openBatch(p.reviewer.id, p.review.id);
    await annotateOnlyTask(p.reviewer.call, review.lsProjectId, verdict('reject', 'Blurry'));

    const [rejection] = (await admin('GET', `/api/rejections?annotatorId=${p.labeler.id}`)).json().data;
    expect(rejection).toMatchObject({ actionTaken: 'archive', archivePath: expect.stringMatching(/^archive\/rejected\/task-\d+-review-\d+\.json$/) });
    const archived = JSON.parse(readBucketFile(s, rejection.archivePath));
    expect(archived).toMatchObject({ imageKey: 'images/arch/item.jpg', reason: 'Blurry', annotation: catOrDog('dog') });
    expect((await admin('GET', `/api/annotators/${p.labeler.id}`)).json()).toMatchObject({ rejectionCount: 0, reviewedCount: 1 });
    expect((await admin('GET', '/api/workflows/graph')).json().nodes).toEqual(expect.arrayContaining([{ id: `archive-${p.label.id}`, name: 'Archive', type: 'terminal' }]));
  });

  it('records an accepted review without a rejection', async () => {
    const p = await pipeline('ok', { rejectionMode: 'none' });
    const batch = await openBatch(p.labeler.id, p.label.id);
    await annotateOnlyTask(p.labeler.call, batch.lsProjectId, catOrDog('cat'));
    const review = await openBatch(p.reviewer.id, p.review.id);
    await annotateOnlyTask(p.reviewer.call, review.lsProjectId, verdict('accept'));
    expect((await admin('GET', `/api/annotators/${p.labeler.id}`)).json()).toMatchObject({ rejectionCount: 0, reviewedCount: 1 });
    expect((await admin('GET', `/api/rejections?annotatorId=${p.labeler.id}`)).json().pagination.total).toBe(0);
    expect((await admin('GET', `/api/assignments/${review.id}`)).json()).toMatchObject({ status: 'completed', exportPath: `reviewed/ok/assignment-${review.id}.json` });
  });

  it('routes rejected work to another workflow, where anyone of its role may take it', async () => {
    const config = (await admin('POST', '/api/labeling-configs', { name: 'fix rework', configXml: IMAGE_CHOICES })).json();
    const fix = (await admin('POST', '/api/workflows', { name: 'fix: rework', labelingConfigId: config.id, s3SourcePath: 'images/fix-rework-none', s3ExportPath: 'out/fix-rework' })).json();
    const p = await pipeline('fix', { rejectionMode: 'route_to_workflow', rejectionRouteWorkflowId: fix.id });
    const batch = await openBatch(p.labeler.id, p.label.id);
    await annotateOnlyTask(p.labeler.call, batch.lsProjectId, catOrDog('cat'));
    const review = await openBatch(p.reviewer.id, p.review.id);
    await annotateOnlyTask(p.reviewer.call, review.lsProjectId, verdict('reject', 'Needs a second look'));

    const [rejection] = (await admin('GET', `/api/rejections?annotatorId=${p.labeler.id}`)).json().data;
    expect(rejection).toMatchObject({ actionTaken: 'route_to_workflow', routedToWorkflowId: fix.id, reworkIteration: 0, escalated: false, reason: 'Needs a second look' });
    // not reserved for the original annotator: auto-assignment offers it to an idle annotator of the rework workflow's role
    const routed = await waitFor(async () => (await admin('GET', `/api/assignments?workflowId=${fix.id}`)).json().data[0], 'the routed item assigned');
    const detail = (await admin('GET', `/api/assignments/${routed.id}`)).json();
    expect(detail.tasks.map((t: { imageKey: string }) => t.imageKey)).toEqual(['images/fix/item.jpg']);
    expect((await admin('GET', `/api/rejections/${rejection.id}`)).json().routedToAssignment).toMatchObject({ id: routed.id, workflowId: fix.id });
    expect((await admin('GET', '/api/workflows/graph')).json().edges).toEqual(expect.arrayContaining([{ source: p.label.id, target: fix.id, type: 'rejection', label: 'reject' }]));
  });
});
