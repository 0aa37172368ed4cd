import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../testing/harness.js';
import { catOrDog, IMAGE_CHOICES, numbered, readBucketFile, seedFiles, signIn, startAnnotator, waitFor, withCookie, withToken, type Call } from './fleet-fixtures.js';

let s: TestServer;
let admin: Call;
beforeAll(async () => {
  s = await startTestServer();
  admin = withCookie(s, await signIn(s));
});
afterAll(async () => s?.close());

interface Person {
  id: number;
  name: string;
  apiToken: string;
}

/** Labels the whole batch through the Label Studio API's label stream, with the annotator's own token. */
async function labelBatch(who: Person, projectId: number, answer: (taskId: number) => 'cat' | 'dog', leadTime: number, limit = Infinity): Promise<number> {
  const ls = withToken(s, who.apiToken);
  let done = 0;
  while (done < limit) {
    const next = await ls('GET', `/api/projects/${projectId}/next`);
    if (next.statusCode === 404) break;
    expect(next.statusCode).toBe(200);
    const task = next.json();
    const res = await ls('POST', `/api/tasks/${task.id}/annotations`, { result: catOrDog(answer(task.id)), lead_time: leadTime });
    expect(res.statusCode).toBe(201);
    done++;
  }
  return done;
}

describe('a 20-item workflow with 10% gold, two annotators, labeled through the Label Studio API', () => {
  it('assigns, labels, scores, exports and reports exact figures', async () => {
    seedFiles(s, 'images/pets', numbered(20));
    seedFiles(s, 'gold', ['cat.jpg', 'dog.jpg']);
    const role = (await admin('POST', '/api/roles', { name: 'labeler', color: '#3B82F6' })).json();
    const config = (await admin('POST', '/api/labeling-configs', { name: 'Cats and dogs', configXml: IMAGE_CHOICES })).json();
    const goldCat = (await admin('POST', '/api/gold-tasks', { name: 'Gold - Cat', s3ImageKey: 'gold/cat.jpg', expectedLabels: catOrDog('cat'), labelingConfigId: config.id, category: 'animals', difficulty: 'easy' })).json();
    const goldDog = (await admin('POST', '/api/gold-tasks', { name: 'Gold - Dog', s3ImageKey: 'gold/dog.jpg', expectedLabels: catOrDog('dog'), labelingConfigId: config.id })).json();
    const expectedOf = new Map<number, 'cat' | 'dog'>([
      [goldCat.id, 'cat'],
      [goldDog.id, 'dog'],
    ]);
    expect((await admin('GET', `/api/labeling-configs/${config.id}`)).json()).toMatchObject({ goldTaskCount: 2, isLocked: true });

    const created = await admin('POST', '/api/workflows', {
      name: 'Pets',
      roleId: role.id,
      labelingConfigId: config.id,
      s3SourcePath: 'images/pets/',
      s3ExportPath: 'exports/pets/',
      imagesPerProject: 10,
      goldStandardRate: 0.1,
    });
    expect(created.statusCode).toBe(201);
    const workflow = created.json();
    expect(workflow).toMatchObject({ totalImagesAvailable: 20, totalImagesAssigned: 0 });

    const bulk = await admin('POST', '/api/annotators/bulk', {
      annotators: [
        { name: 'Alice', email: 'alice@example.com', roleId: role.id },
        { name: 'Bob', email: 'bob@example.com', roleId: role.id },
        { name: 'Carol', email: 'carol@example.com', roleId: role.id },
      ],
    });
    expect(bulk.statusCode).toBe(201);
    const [alice, bob, carol] = bulk.json().annotators as Person[];
    await startAnnotator(admin, alice.id);
    await startAnnotator(admin, bob.id);
    await waitFor(async () => (await admin('GET', `/api/assignments?workflowId=${workflow.id}`)).json().pagination.total === 2, 'both batches');

    // each got a batch of 10 items with one gold task; together they took all 20, none twice
    const pending = (await admin('GET', `/api/assignments?workflowId=${workflow.id}&status=pending`)).json();
    expect(pending.pagination).toEqual({ total: 2, limit: 100, offset: 0, hasMore: false });
    const details = await Promise.all(pending.data.map(async (a: { id: number }) => (await admin('GET', `/api/assignments/${a.id}`)).json()));
    const byAnnotator = new Map(details.map((d) => [d.annotatorId as number, d]));
    for (const d of details) expect(d).toMatchObject({ taskCount: 10, goldTaskCount: 1, completedCount: 0, status: 'pending' });
    const itemKeys = details.flatMap((d) => d.tasks.filter((t: { isGold: boolean }) => !t.isGold).map((t: { imageKey: string }) => t.imageKey));
    expect(new Set(itemKeys).size).toBe(20);
    expect((await admin('GET', `/api/workflows/${workflow.id}`)).json()).toMatchObject({ totalImagesAvailable: 20, totalImagesAssigned: 20 });

    // nothing left for a third annotator
    await startAnnotator(admin, carol.id);
    const none = await admin('POST', `/api/workflows/${workflow.id}/assign`, { annotatorId: carol.id });
    expect(none.statusCode).toBe(409);
    expect(none.json()).toEqual({ error: 'No images available for assignment' });

    const goldAnswer = (person: Person, right: boolean) => {
      const d = byAnnotator.get(person.id);
      const gold = d.tasks.find((t: { isGold: boolean }) => t.isGold);
      const expected = expectedOf.get(gold.goldTaskId)!;
      return (taskId: number) => (taskId === gold.lsTaskId ? (right ? expected : expected === 'cat' ? 'dog' : 'cat') : 'cat');
    };

    // Alice labels half of her batch: her assignment is in progress
    const aliceProject = byAnnotator.get(alice.id).lsProjectId;
    const bobProject = byAnnotator.get(bob.id).lsProjectId;
    expect(await labelBatch(alice, aliceProject, goldAnswer(alice, true), 5, 5)).toBe(5);
    expect((await admin('GET', '/api/monitoring')).json()).toMatchObject({ todayAnnotations: 5, inProgressAssignments: 1 });

    expect(await labelBatch(alice, aliceProject, goldAnswer(alice, true), 5)).toBe(6);
    expect(await labelBatch(bob, bobProject, goldAnswer(bob, false), 20)).toBe(11);

    // both batches completed and exported as Label Studio JSON, gold tasks left out
    const completed = (await admin('GET', `/api/assignments?workflowId=${workflow.id}&status=completed`)).json();
    expect(completed.pagination.total).toBe(2);
    for (const a of completed.data) {
      expect(a).toMatchObject({ completedCount: 11, status: 'completed', exportPath: `exports/pets/assignment-${a.id}.json` });
      const exported = JSON.parse(readBucketFile(s, a.exportPath));
      expect(exported).toHaveLength(10);
      for (const task of exported) {
        expect(task.annotations).toHaveLength(1);
        expect(task.annotations[0].result[0].value.choices).toEqual(['cat']);
      }
    }

    const quality = (await admin('GET', '/api/quality')).json();
    expect(quality).toMatchObject({ overallAccuracy: 0.5, accuracyThreshold: 0.7, belowThresholdCount: 1, reworkRate: 0, recentRejections: [] });
    expect(quality.annotatorScores).toEqual([
      { annotatorId: alice.id, annotatorName: 'Alice', accuracy: 1, evaluationCount: 1, rejectionCount: 0, reviewedCount: 0, rejectionRate: 0 },
      { annotatorId: bob.id, annotatorName: 'Bob', accuracy: 0, evaluationCount: 1, rejectionCount: 0, reviewedCount: 0, rejectionRate: 0 },
    ]);
    expect(quality.recentEvaluations.map((e: { annotatorName: string; score: number }) => [e.annotatorName, e.score])).toEqual([
      ['Bob', 0],
      ['Alice', 1],
    ]);
    expect(quality.recentEvaluations.every((e: { goldTaskName: string }) => ['Gold - Cat', 'Gold - Dog'].includes(e.goldTaskName))).toBe(true);

    const monitoring = (await admin('GET', '/api/monitoring')).json();
    expect(monitoring).toMatchObject({ activeAnnotators: 3, todayAnnotations: 22, inProgressAssignments: 0 });
    expect(monitoring.annotationsPerHour.reduce((n: number, h: { count: number }) => n + h.count, 0)).toBe(22);
    expect(monitoring.annotatorSummaries).toEqual([
      { id: alice.id, name: 'Alice', todayCount: 11, avgTimeMs: 5000, completionRate: 1 },
      { id: bob.id, name: 'Bob', todayCount: 11, avgTimeMs: 20000, completionRate: 1 },
      { id: carol.id, name: 'Carol', todayCount: 0, avgTimeMs: null, completionRate: 0 },
    ]);

    const aliceStats = (await admin('GET', `/api/monitoring/annotator/${alice.id}`)).json();
    expect(aliceStats).toMatchObject({
      annotator: { id: alice.id, name: 'Alice', status: 'active' },
      todayAnnotations: 11,
      annotationsPerHour: 11,
      timeDistribution: [
        { bucket: '0-10s', count: 11 },
        { bucket: '10-30s', count: 0 },
        { bucket: '30-60s', count: 0 },
        { bucket: '60s+', count: 0 },
      ],
      assignmentStats: { total: 1, completed: 1, inProgress: 0 },
    });
    expect(aliceStats.containerUptime).toMatch(/^\d+h \d+m$/);
    expect(aliceStats.recentEvents).toHaveLength(11);
    expect(aliceStats.recentEvents[0]).toMatchObject({ eventType: 'annotation_created', timeSpentMs: 5000 });
    expect((await admin('GET', `/api/monitoring/annotator/${bob.id}`)).json().timeDistribution.map((b: { count: number }) => b.count)).toEqual([0, 11, 0, 0]);

    // events: Alice's workspace lifecycle and her eleven annotations, newest first
    const events = (await admin('GET', `/api/events?annotatorId=${alice.id}`)).json();
    expect(events.pagination.total).toBe(14);
    expect(events.data[0]).toMatchObject({ type: 'annotation', eventType: 'annotation_created', annotatorId: alice.id, source: 'native' });
    const lifecycle = (await admin('GET', `/api/events?annotatorId=${alice.id}&type=container`)).json();
    expect(lifecycle.data.map((e: { toStatus: string }) => e.toStatus)).toEqual(['active', 'starting', 'created']);
    const page = (await admin('GET', `/api/events?annotatorId=${alice.id}&limit=5&offset=10`)).json();
    expect(page.data).toHaveLength(4);
    expect(page.pagination).toEqual({ total: 14, limit: 5, offset: 10, hasMore: false });

    const graph = (await admin('GET', '/api/workflows/graph')).json();
    expect(graph.nodes[0]).toMatchObject({ id: workflow.id, type: 'workflow', roleName: 'labeler', stats: { totalAssignments: 2, completedAssignments: 2, activeAnnotators: 0, rejectionRate: 0 } });
  });
});
