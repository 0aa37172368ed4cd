import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../testing/harness.js';
import { signIn, waitFor } from './fleet-fixtures.js';

let s: TestServer;
let cookie: string;
beforeAll(async () => {
  s = await startTestServer();
  cookie = await signIn(s);
});
afterAll(async () => s?.close());

/** `curl -b cookies.txt -X <method> $BASE<path> -H "Content-Type: application/json" -d '<body>'`, byte for byte. */
const curl = (method: 'GET' | 'POST', path: string, body?: string) =>
  s.request({ method, url: path, token: null, headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { payload: body }) });

describe('the closing curl example of the LabelFleet API text', () => {
  it('sets up a complete annotation pipeline, step by step', async () => {
    // 1. Create a role
    const role = await curl('POST', '/api/roles', '{"name": "labeler", "description": "Image labelers", "color": "#3B82F6"}');
    expect(role.statusCode).toBe(201);
    expect(role.json()).toMatchObject({ id: 1, name: 'labeler', description: 'Image labelers', color: '#3B82F6' });

    // 2. Create a labeling config
    const config = await curl(
      'POST',
      '/api/labeling-configs',
      '{"name": "Object Detection", "configXml": "<View><Image name=\\"image\\" value=\\"$image\\"/><RectangleLabels name=\\"label\\" toName=\\"image\\"><Label value=\\"car\\"/><Label value=\\"person\\"/></RectangleLabels></View>"}',
    );
    expect(config.statusCode).toBe(201);
    expect(config.json()).toMatchObject({ id: 1, name: 'Object Detection' });
    expect(config.json().configXml).toContain('<RectangleLabels name="label" toName="image">');

    // 3. Create a workflow
    const workflow = await curl(
      'POST',
      '/api/workflows',
      '{"name": "Car Detection", "roleId": 1, "labelingConfigId": 1, "s3SourcePath": "images/cars/", "s3ExportPath": "exports/cars/", "imagesPerProject": 50, "goldStandardRate": 0.1}',
    );
    expect(workflow.statusCode).toBe(201);
    expect(workflow.json()).toMatchObject({
      id: 1,
      name: 'Car Detection',
      roleId: 1,
      labelingConfigId: 1,
      previousWorkflowId: null,
      imagesPerProject: 50,
      goldStandardRate: 0.1,
      autoAssign: true,
      shuffleImages: true,
      isActive: true,
      rejectionMode: 'none',
      rejectionFlagAnnotator: true,
      rejectionReturnToOriginal: false,
      maxProjects: null,
      role: { id: 1, name: 'labeler', color: '#3B82F6' },
      labelingConfig: { id: 1, name: 'Object Detection' },
    });

    // 4. Create an annotator
    const annotator = await curl('POST', '/api/annotators', '{"name": "Alice", "email": "alice@example.com", "roleId": 1}');
    expect(annotator.statusCode).toBe(201);
    expect(annotator.json()).toMatchObject({ id: 1, name: 'Alice', email: 'alice@example.com', roleId: 1, status: 'created', rejectionCount: 0, reviewedCount: 0 });

    // 5. Start the container (async — poll status)
    const start = await curl('POST', '/api/annotators/1/start');
    expect(start.statusCode).toBe(200);
    expect(start.json()).toEqual({ success: true, status: 'starting' });
    const status = await waitFor(async () => {
      const body = (await curl('GET', '/api/annotators/1/status')).json();
      return body.status === 'active' ? body : null;
    }, 'the workspace to become active');
    expect(status).toMatchObject({ containerId: 'labelfleet-workspace-1', subdomain: 'alice' });
    expect(status.url).toMatch(/^http:\/\/.+\/projects$/);

    // 6. Monitor progress
    const monitoring = await curl('GET', '/api/monitoring');
    expect(monitoring.statusCode).toBe(200);
    expect(monitoring.json()).toMatchObject({ activeAnnotators: 1, todayAnnotations: 0, inProgressAssignments: 0 });
    expect(monitoring.json().annotationsPerHour).toHaveLength(24);
    expect(monitoring.json().annotatorSummaries).toEqual([{ id: 1, name: 'Alice', todayCount: 0, avgTimeMs: null, completionRate: 0 }]);

    // 7. Check quality
    const quality = await curl('GET', '/api/quality');
    expect(quality.statusCode).toBe(200);
    expect(quality.json()).toEqual({
      overallAccuracy: null,
      accuracyThreshold: 0.7,
      belowThresholdCount: 0,
      reworkRate: 0,
      annotatorScores: [],
      recentEvaluations: [],
      recentRejections: [],
    });
  });
});
