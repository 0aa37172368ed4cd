import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, startTestServer, type TestServer } from '../../testing/harness.js';
import { annotate, getJson, importTasks } from '../tasks/task-fixtures.js';
import { BOXES_CONFIG, download, expectZipLike, golden, pngAsPgm, rect, unzip, uploadMedia } from './export-fixtures.js';

let s: TestServer;
let admin: number;
beforeAll(async () => {
  s = await startTestServer();
  admin = (await getJson<{ id: number }>(s, '/api/current-user/whoami')).id;
});
afterAll(async () => s?.close());

const exportUrl = (project: number, type: string) => `/api/projects/${project}/export?exportType=${type}&download_all_tasks=true`;

describe('CONLL2003', () => {
  it('tags Treebank tokens B-/I- from the first Labels control, quotes kept as written, unlabeled tasks all O', async () => {
    const { id } = await makeProject(s, { config: '<View><Labels name="ner" toName="text"><Label value="PER"/><Label value="LOC"/></Labels><Text name="text" value="$text"/></View>' });
    const t = await importTasks(s, id, [{ text: 'John lives in New York.' }, { text: 'Hello, world!' }, { text: 'Mary met "Bob" in Paris' }]);
    const span = (start: number, end: number, text: string, label: string) => ({ from_name: 'ner', to_name: 'text', type: 'labels', value: { start, end, text, labels: [label] } });
    await annotate(s, t[0], { result: [span(14, 22, 'New York', 'LOC'), span(0, 4, 'John', 'PER')] });
    await annotate(s, t[2], { result: [span(0, 4, 'Mary', 'PER'), span(10, 13, 'Bob', 'PER'), span(18, 23, 'Paris', 'LOC')] });
    const res = await s.request({ method: 'GET', url: exportUrl(id, 'CONLL2003') });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toMatch(/\.conll"$/);
    expect(res.body).toBe(golden('conll/result.conll'));
  });
});

// A 3×2 brush as Label Studio's RLE of its RGBA bytes: alpha 255 at pixels 0, 4 and 5 (see golden/brush-*)
const CAT_RLE = [0, 0, 0, 24, 57, 27, 252, 64, 16, 127, 222, 0, 131, 254, 32, 8, 63, 192];
// alpha 255 at pixel 2 only
const DOG_RLE = [0, 0, 0, 24, 57, 27, 253, 160, 8, 63, 237, 128, 0];

describe('brush masks', () => {
  let project: number;
  let vars: Record<string, number>;
  beforeAll(async () => {
    ({ id: project } = await makeProject(s, { config: '<View><Image name="image" value="$image"/><BrushLabels name="tag" toName="image"><Label value="Cat"/><Label value="Dog"/></BrushLabels></View>' }));
    const [t1] = await importTasks(s, project, [{ image: 'https://example.com/b/1.png' }, { image: 'https://example.com/b/2.png' }]);
    const brush = (label: string, rle: number[]) => ({ from_name: 'tag', to_name: 'image', type: 'brushlabels', original_width: 3, original_height: 2, value: { format: 'rle', rle, brushlabels: [label] } });
    const a = await annotate(s, t1, { result: [brush('Cat', CAT_RLE), brush('Dog', DOG_RLE), brush('Cat', DOG_RLE)] });
    vars = { t1, a1: a.id as number, admin };
  });

  it('writes BRUSH_TO_NUMPY: an H×W uint8 alpha mask per brush with NumPy’s own header, repeats numbered', async () => {
    expectZipLike(unzip(await download(s, exportUrl(project, 'BRUSH_TO_NUMPY'))), 'brush-npy', vars, []);
  });

  it('writes BRUSH_TO_PNG: the same masks as 8-bit greyscale PNGs', async () => {
    const zip = unzip(await download(s, exportUrl(project, 'BRUSH_TO_PNG')));
    const names = ['Cat-0', 'Dog-0', 'Cat-1'].map((n) => `task-${vars.t1}-annotation-${vars.a1}-by-${admin}-tag-${n}.png`);
    expect(Object.keys(zip).sort()).toEqual([...names].sort());
    for (const [i, n] of ['Cat-0', 'Dog-0', 'Cat-1'].entries()) {
      expect(pngAsPgm(zip[names[i]])).toBe(golden(`brush-png/task-{{t1}}-annotation-{{a1}}-by-{{admin}}-tag-${n}.png.pgm`));
    }
  });
});

/** A PCM WAV: mono, 16-bit, 8 kHz, 4,000 frames of silence (0.5 s). */
function wav(): Buffer {
  const data = Buffer.alloc(8000);
  const head = Buffer.alloc(44);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(36 + data.length, 4);
  head.write('WAVEfmt ', 8, 'latin1');
  head.writeUInt32LE(16, 16);
  head.writeUInt16LE(1, 20);
  head.writeUInt16LE(1, 22);
  head.writeUInt32LE(8000, 24);
  head.writeUInt32LE(16000, 28);
  head.writeUInt16LE(2, 32);
  head.writeUInt16LE(16, 34);
  head.write('data', 36, 'latin1');
  head.writeUInt32LE(data.length, 40);
  return Buffer.concat([head, data]);
}

describe('ASR manifest', () => {
  it('lists each transcribed audio stored here with its duration, and zips the audio beside it', async () => {
    const { id } = await makeProject(s, { config: '<View><Audio name="audio" value="$audio"/><TextArea name="transcription" toName="audio"/></View>' });
    const audio = wav();
    const up = await uploadMedia(s, id, 'clip.wav', audio, 'audio/wav');
    const [remote] = await importTasks(s, id, [{ audio: 'https://example.com/a/remote.wav' }]);
    const text = (t: string) => ({ result: [{ from_name: 'transcription', to_name: 'audio', type: 'textarea', value: { text: [t] } }] });
    await annotate(s, up.taskId, text('hello world'));
    await annotate(s, remote, text('not stored here'));
    const zip = unzip(await download(s, exportUrl(id, 'ASR_MANIFEST')));
    expectZipLike(zip, 'asr', { wav: up.stored, admin }, ['audio/'], { [`audio/${up.stored}`]: audio });
  });
});

/** A 40×20 RGB PNG, all black. */
function png(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    return Buffer.concat([len, Buffer.from(type, 'latin1'), data, Buffer.alloc(4)]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(40, 0);
  ihdr.writeUInt32BE(20, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(20 * 121))), chunk('IEND', Buffer.alloc(0))]);
}

describe('COCO with images', () => {
  it('puts the images stored here into images/ and reads their size from the file', async () => {
    const { id } = await makeProject(s, { config: BOXES_CONFIG });
    const image = png();
    const up = await uploadMedia(s, id, 'street.png', image, 'image/png');
    await annotate(s, up.taskId, { result: [rect('r1', [40, 20], 'Car', 25, 50, 50, 25)] });
    const zip = unzip(await download(s, exportUrl(id, 'COCO_WITH_IMAGES')));
    const date = /"date_created": "([^"]*)"/.exec(zip['result.json'].toString())![1];
    expectZipLike(zip, 'coco-with-images', { png: up.stored, year: new Date().getFullYear(), date_created: date }, ['images/'], { [`images/${up.stored}`]: image });
    // plain COCO names the same file but leaves it out
    expect(Object.keys(unzip(await download(s, exportUrl(id, 'COCO')))).sort()).toEqual(['images/', 'result.json']);
  });
});
