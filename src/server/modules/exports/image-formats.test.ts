import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, startTestServer, type TestServer } from '../../testing/harness.js';
import { annotate, getJson, importTasks } from '../tasks/task-fixtures.js';
import { BOXES_CONFIG, download, expectZipLike, rect, shape, unzip, VGA } from './export-fixtures.js';

let s: TestServer;
let admin: number;
beforeAll(async () => {
  s = await startTestServer();
  admin = (await getJson<{ id: number }>(s, '/api/current-user/whoami')).id;
});
afterAll(async () => s?.close());

/**
 * Three photos: the first annotated twice (an older annotation with two boxes and a polygon, a newer one
 * with one box), the second with a box turned 90°, the third not annotated.
 */
describe('image export formats', () => {
  let project: number;
  let vars: Record<string, string | number>;
  const exportUrl = (type: string) => `/api/projects/${project}/export?exportType=${type}&download_all_tasks=true`;
  /** The year and creation time the converter stamps in; checked for shape, then taken as they are. */
  const stamps = (text: string) => {
    const date = /"date_created": "([^"]*)"/.exec(text)?.[1];
    if (date !== undefined) expect(date).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{6})?$/);
    return { year: new Date().getFullYear(), date_created: date ?? '' };
  };

  beforeAll(async () => {
    ({ id: project } = await makeProject(s, { config: BOXES_CONFIG }));
    const t = await importTasks(s, project, [{ image: 'https://example.com/photos/1.jpg' }, { image: 'https://example.com/photos/2.png' }, { image: 'https://example.com/photos/3.jpg' }]);
    const road = shape('p1', 'poly', 'polygonlabels', VGA, { points: [[0, 100], [50, 50], [100, 100]], polygonlabels: ['Road'] });
    await annotate(s, t[0], { result: [rect('r1', VGA, 'Car', 10, 20, 25, 50), rect('r2', VGA, 'Person', 50, 50, 10, 20), road] });
    await annotate(s, t[0], { result: [rect('r3', VGA, 'Person', 0, 0, 50, 50)] });
    await annotate(s, t[1], { result: [rect('r4', [200, 100], 'Car', 50, 10, 20, 40, 90)] });
    vars = { admin };
  });

  it('writes COCO: pixel boxes and polygons, explicit category ids first, an image per annotation', async () => {
    const res = await s.request({ method: 'GET', url: exportUrl('COCO') });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    expect(res.headers['content-disposition']).toMatch(new RegExp(`^attachment; filename="project-${project}-at-.*\\.zip"$`));
    const zip = unzip(res.rawPayload);
    expectZipLike(zip, 'boxes-coco', { ...vars, ...stamps(zip['result.json'].toString()) }, ['images/']);
  });

  it('writes YOLO: normalized centres, polygons, an empty file for the unlabeled photo, classes in list order', async () => {
    const zip = unzip(await download(s, exportUrl('YOLO')));
    expectZipLike(zip, 'boxes-yolo', stamps(''), ['images/', 'labels/']);
  });

  it('writes YOLO OBB: the four corners of each box, turned boxes included', async () => {
    const zip = unzip(await download(s, exportUrl('YOLO_OBB')));
    expectZipLike(zip, 'boxes-yolo-obb', stamps(''), ['images/', 'labels/']);
  });

  it('writes Pascal VOC: one XML per photo from its oldest annotation, integer pixel boxes', async () => {
    const zip = unzip(await download(s, exportUrl('VOC')));
    expectZipLike(zip, 'boxes-voc', vars, ['images/', 'Annotations/']);
  });

  it('converts a snapshot to COCO and YOLO and downloads them like the live export', async () => {
    const snap = (await s.request({ method: 'POST', url: `/api/projects/${project}/exports`, payload: {} })).json() as { id: number };
    const base = `/api/projects/${project}/exports/${snap.id}`;
    for (const type of ['COCO', 'YOLO']) {
      const conv = await s.request({ method: 'POST', url: `${base}/convert`, payload: { export_type: type } });
      expect(conv.statusCode).toBe(200);
    }
    const coco = unzip(await download(s, `${base}/download?exportType=COCO`));
    expectZipLike(coco, 'boxes-coco', { ...vars, ...stamps(coco['result.json'].toString()) }, ['images/']);
    expectZipLike(unzip(await download(s, `${base}/download?exportType=YOLO`)), 'boxes-yolo', stamps(''), ['images/', 'labels/']);
  });

  it('refuses formats the config cannot produce, live and for snapshots, naming the ones it can', async () => {
    const res = await s.request({ method: 'GET', url: exportUrl('CONLL2003') });
    expect(res.statusCode).toBe(400);
    expect(res.json().detail).toBe(
      "CONLL2003 export is not available for this project's labeling config. Available: JSON, JSON_MIN, CSV, TSV, COCO, VOC, YOLO, YOLO_OBB, YOLO_WITH_IMAGES, COCO_WITH_IMAGES, YOLO_OBB_WITH_IMAGES",
    );
    const snap = (await s.request({ method: 'POST', url: `/api/projects/${project}/exports`, payload: {} })).json() as { id: number };
    const conv = await s.request({ method: 'POST', url: `/api/projects/${project}/exports/${snap.id}/convert`, payload: { export_type: 'BRUSH_TO_PNG' } });
    expect(conv.statusCode).toBe(400);
  });
});

const POSE_CONFIG = `<View>
  <Image name="image" value="$image"/>
  <RectangleLabels name="box" toName="image"><Label value="face"/></RectangleLabels>
  <KeyPointLabels name="kp" toName="image"><Label value="nose" model_index="0"/><Label value="eye" model_index="1"/></KeyPointLabels>
</View>`;

/** A face box with its nose placed on it (parentID) and its eye not placed. */
describe('keypoint export formats', () => {
  let project: number;
  beforeAll(async () => {
    ({ id: project } = await makeProject(s, { config: POSE_CONFIG }));
    const [t] = await importTasks(s, project, [{ image: 'https://example.com/k/1.jpg' }]);
    const box = shape('b1', 'box', 'rectanglelabels', [100, 50], { x: 10, y: 20, width: 50, height: 60, rotation: 0, rectanglelabels: ['face'] });
    const nose = { ...shape('k1', 'kp', 'keypointlabels', [100, 50], { x: 30, y: 40, width: 1, keypointlabels: ['nose'] }), parentID: 'b1' };
    await annotate(s, t, { result: [box, nose] });
  });

  it('writes YOLO-pose: the box, then each keypoint in model_index order, missing ones as 0.0 0.0 0', async () => {
    const zip = unzip(await download(s, `/api/projects/${project}/export?exportType=YOLO`));
    expectZipLike(zip, 'pose-yolo', { year: new Date().getFullYear() }, ['images/', 'labels/']);
  });

  it('writes COCO keypoints: one annotation per image under a merged "default" category', async () => {
    const zip = unzip(await download(s, `/api/projects/${project}/export?exportType=COCO`));
    const date = /"date_created": "([^"]*)"/.exec(zip['result.json'].toString())![1];
    expectZipLike(zip, 'pose-coco', { year: new Date().getFullYear(), date_created: date }, ['images/']);
  });
});

describe('export formats list', () => {
  const formats = async (config: string) => {
    const { id } = await makeProject(s, { config });
    return getJson<{ name: string; disabled: boolean }[]>(s, `/api/projects/${id}/export/formats`);
  };
  const enabled = (list: { name: string; disabled: boolean }[]) => list.filter((f) => !f.disabled).map((f) => f.name);

  it('marks what an image config cannot produce as disabled and lists it last', async () => {
    const list = await formats(BOXES_CONFIG);
    expect(enabled(list)).toEqual(['JSON', 'JSON_MIN', 'CSV', 'TSV', 'COCO', 'VOC', 'YOLO', 'YOLO_OBB', 'YOLO_WITH_IMAGES', 'COCO_WITH_IMAGES', 'YOLO_OBB_WITH_IMAGES']);
    expect(list.slice(-4).map((f) => [f.name, f.disabled])).toEqual([['CONLL2003', true], ['BRUSH_TO_NUMPY', true], ['BRUSH_TO_PNG', true], ['ASR_MANIFEST', true]]);
    expect(list[4]).toEqual({ name: 'COCO', title: 'COCO', description: expect.stringContaining('COCO dataset'), link: 'https://labelstud.io/guide/export.html#COCO', tags: ['image segmentation', 'object detection', 'keypoints'], disabled: false });
  });

  it('follows Label Studio’s rules for text, brush, audio, keypoint-only and two-field configs', async () => {
    expect(enabled(await formats('<View><Text name="text" value="$text"/><Labels name="ner" toName="text"><Label value="PER"/></Labels></View>'))).toEqual(['JSON', 'JSON_MIN', 'CSV', 'TSV', 'CONLL2003']);
    expect(enabled(await formats('<View><Image name="image" value="$image"/><BrushLabels name="tag" toName="image"><Label value="Cat"/></BrushLabels></View>'))).toEqual(['JSON', 'JSON_MIN', 'CSV', 'TSV', 'BRUSH_TO_NUMPY', 'BRUSH_TO_PNG']);
    expect(enabled(await formats('<View><Audio name="audio" value="$audio"/><TextArea name="t" toName="audio"/></View>'))).toEqual(['JSON', 'JSON_MIN', 'CSV', 'TSV', 'ASR_MANIFEST']);
    expect(enabled(await formats('<View><Image name="image" value="$image"/><KeyPointLabels name="kp" toName="image"><Label value="nose"/></KeyPointLabels></View>'))).toEqual(['JSON', 'JSON_MIN', 'CSV', 'TSV', 'YOLO_OBB', 'YOLO_OBB_WITH_IMAGES']);
    expect(enabled(await formats(`<View><Image name="a" value="$a"/><Image name="b" value="$b"/><RectangleLabels name="l" toName="a,b"><Label value="X"/></RectangleLabels></View>`))).toEqual(['JSON', 'JSON_MIN', 'CSV', 'TSV']);
  });

  it('answers a COCO export of keypoints without model_index with 400 and the fix', async () => {
    const { id } = await makeProject(s, { config: '<View><Image name="image" value="$image"/><RectangleLabels name="box" toName="image"><Label value="face"/></RectangleLabels><KeyPointLabels name="kp" toName="image"><Label value="nose"/></KeyPointLabels></View>' });
    const res = await s.request({ method: 'GET', url: `/api/projects/${id}/export?exportType=COCO` });
    expect(res.statusCode).toBe(400);
    expect(res.json().detail).toContain('model_index');
  });
});
