import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, startTestServer, type TestServer } from '../../testing/harness.js';
import type { ParsedLabelConfig } from '../labelconfig/parsed-config.js';
import { annotate, getJson, importTasks } from '../tasks/task-fixtures.js';
import { cocoToTasks } from './coco-import.js';
import { BOXES_CONFIG, download, rect, shape, unzip, VGA } from './export-fixtures.js';
import { yoloToTasks } from './yolo-import.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => s?.close());

type Json = Record<string, unknown>;
/** Numbers compared to 9 decimals: pixels and back again are not always the same double. */
const near = (v: unknown): unknown => (typeof v === 'number' ? expect.closeTo(v, 9) : Array.isArray(v) ? v.map(near) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, near(x)])) : v);
const withoutIds = (result: Json[]) => result.map(({ id: _id, ...rest }) => rest);

const ROAD = shape('p1', 'poly', 'polygonlabels', VGA, { points: [[0, 100], [50, 50], [100, 100]], polygonlabels: ['Road'] });

/** A project of BOXES_CONFIG with `results` as one annotation per task, and its parsed config. */
async function boxesProject(images: string[], results: Json[][]) {
  const { id } = await makeProject(s, { config: BOXES_CONFIG });
  const t = await importTasks(s, id, images.map((image) => ({ image })));
  for (const [i, result] of results.entries()) if (result.length) await annotate(s, t[i], { result });
  const config = (await getJson<{ parsed_label_config: ParsedLabelConfig }>(s, `/api/projects/${id}`)).parsed_label_config;
  return { id, config };
}

/** Imports the converted tasks into a fresh project and returns what its JSON export holds. */
async function reimport(tasks: unknown[]): Promise<{ data: Json; predictions: { model_version: string; result: Json[] }[] }[]> {
  const { id } = await makeProject(s, { config: BOXES_CONFIG });
  await importTasks(s, id, tasks);
  return JSON.parse((await download(s, `/api/projects/${id}/export?exportType=JSON&download_all_tasks=true`)).toString());
}

const noSize = ({ original_width: _ow, original_height: _oh, ...rest }: Json) => rest;

describe('COCO import', () => {
  it('brings an exported project back as predictions: boxes in %, polygons from their segmentation', async () => {
    const boxes = [rect('r1', VGA, 'Car', 10, 20, 25, 50), rect('r2', VGA, 'Person', 50, 50, 10, 20), ROAD];
    const { id, config } = await boxesProject(['https://example.com/photos/1.jpg', 'https://example.com/photos/3.jpg'], [boxes, []]);
    const coco = JSON.parse(unzip(await download(s, `/api/projects/${id}/export?exportType=COCO&download_all_tasks=true`))['result.json'].toString());
    const tasks = cocoToTasks(coco, config, { imageRootUrl: 'https://cdn.example.com/set', modelVersion: 'coco-1' });
    const back = await reimport(tasks);
    expect(back.map((t) => t.data)).toEqual([{ image: 'https://cdn.example.com/set/images/d8e94bf2__1.jpg' }, { image: 'https://cdn.example.com/set/images/27b6f4e2__3.jpg' }]);
    expect(back.map((t) => t.predictions.map((p) => p.model_version))).toEqual([['coco-1'], ['coco-1']]);
    expect(withoutIds(back[0].predictions[0].result)).toEqual(near(boxes.map(({ id: _id, ...r }) => r)));
    expect(back[1].predictions[0].result).toEqual([]);
  });

  it('rejects a file that is not COCO, and categories the file does not list', () => {
    const config = { label: { type: 'RectangleLabels', to_name: ['image'], inputs: [{ type: 'Image', value: 'image' }], labels: ['Car'], labels_attrs: { Car: { value: 'Car' } } } } as ParsedLabelConfig;
    expect(() => cocoToTasks({ images: 'no' }, config)).toThrow(/Not a COCO file/);
    const coco = { images: [{ id: 1, file_name: 'a.jpg', width: 10, height: 10 }], categories: [], annotations: [{ image_id: 1, category_id: 3, bbox: [0, 0, 1, 1] }] };
    expect(() => cocoToTasks(coco, config)).toThrow('COCO annotation refers to category 3, which the file does not list');
  });
});

describe('YOLO import', () => {
  it('brings an exported project back: the oldest annotation of each photo, classes by their notes.json ids', async () => {
    const boxes = [rect('r1', VGA, 'Car', 10, 20, 25, 50), rect('r2', VGA, 'Person', 50, 50, 10, 20), ROAD];
    const { id, config } = await boxesProject(['https://example.com/photos/1.jpg', 'https://example.com/photos/3.jpg'], [boxes, []]);
    const zip = await download(s, `/api/projects/${id}/export?exportType=YOLO&download_all_tasks=true`);
    const back = await reimport(yoloToTasks(zip, config, { imageRootUrl: 'https://cdn.example.com/set/', modelVersion: 'yolo-1' }));
    expect(back.map((t) => t.data)).toEqual([{ image: 'https://cdn.example.com/set/27b6f4e2__3.jpg' }, { image: 'https://cdn.example.com/set/d8e94bf2__1.jpg' }]);
    // the zip has no images, so the sizes are unknown and left out; the shapes themselves are in %
    expect(withoutIds(back[1].predictions[0].result)).toEqual(near(boxes.map(({ id: _id, ...r }) => noSize(r))));
    expect(back[0].predictions[0].result).toEqual([]);
  });

  it('turns YOLO OBB corners back into the rotated box, given the image size', async () => {
    const turned = rect('r4', [200, 100], 'Car', 50, 10, 20, 40, 90);
    const { id, config } = await boxesProject(['https://example.com/photos/2.png'], [[turned]]);
    const zip = await download(s, `/api/projects/${id}/export?exportType=YOLO_OBB`);
    expect(() => yoloToTasks(zip, config, { obb: true })).toThrow('YOLO OBB import needs the image sizes: put the images in the zip or give imageDims');
    const [task] = await reimport(yoloToTasks(zip, config, { obb: true, imageDims: { width: 200, height: 100 } }));
    const { id: _id, ...expected } = turned;
    expect(withoutIds(task.predictions[0].result)).toEqual(near([expected]));
  });

  it('rejects a zip without classes and a line with a class it does not list', () => {
    const config = { label: { type: 'RectangleLabels', to_name: ['image'], inputs: [{ type: 'Image', value: 'image' }], labels: ['Car'], labels_attrs: { Car: { value: 'Car' } } } } as ParsedLabelConfig;
    expect(() => yoloToTasks(new Uint8Array([1, 2, 3]), config)).toThrow('Not a zip file');
    const line = strToU8('3 0.5 0.5 0.1 0.1\n');
    expect(() => yoloToTasks(zipSync({ 'labels/a.txt': line }), config)).toThrow('Not a YOLO zip: it has neither classes.txt nor notes.json');
    expect(() => yoloToTasks(zipSync({ 'classes.txt': strToU8('Car\n'), 'labels/a.txt': line }), config)).toThrow('labels/a.txt uses class 3, which classes.txt does not list');
  });
});
