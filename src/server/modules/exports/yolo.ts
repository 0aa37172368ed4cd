import { categoryId, configCategories, hasKeypoints, keypointOrder, poseCategories, type Categories } from './categories.js';
import { mediaUrlOf, regionsOf, type ConvertContext, type ConversionItem, type OutputValue } from './items.js';
import { stem } from './media.js';
import { pyNumber, ujsonDumps, type PyFloat } from './py-json.js';
import { diskFile, folder, textFile, type ZipEntry } from './zip-stream.js';

type Value = number | PyFloat;
const line = (values: Value[]) => values.map(pyNumber).join(' ');
const f = (n: number): PyFloat => ({ pyFloat: n });
const num = (v: unknown): v is number => typeof v === 'number';

/** The four corners (TL, TR, BR, BL) of a box turned about its top-left corner, normalized to 0..1. */
export function obbCorners(label: OutputValue): [number, number][] | null {
  const { x, y, width, height, rotation, original_width: W, original_height: H } = label;
  if (!num(x) || !num(y) || !num(width) || !num(height) || !('rotation' in label) || !num(W) || !num(H)) return null;
  const px = (x / 100) * W;
  const py = (y / 100) * H;
  const w = (width / 100) * W;
  const h = (height / 100) * H;
  const r = (num(rotation) ? rotation : 0) * (Math.PI / 180);
  const cos = Math.cos(r);
  const sin = Math.sin(r);
  const corners: [number, number][] = [
    [px, py],
    [px + w * cos, py + w * sin],
    [px + w * cos - h * sin, py + w * sin + h * cos],
    [px - h * sin, py + h * cos],
  ];
  return corners.map(([cx, cy]) => [cx / W, cy / H]);
}

/** The converter's label file for one annotation: a line per label of each box or polygon. */
function shapeLines(labels: OutputValue[], cats: Categories, obb: boolean): string {
  let out = '';
  for (const label of labels) {
    const names = ['rectanglelabels', 'polygonlabels', 'labels'].flatMap((k) => (Array.isArray(label[k]) ? (label[k] as unknown[]).map(String) : []));
    for (const name of names) {
      const id = categoryId(cats, name);
      let values: Value[];
      if ('rectanglelabels' in label || 'rectangle' in label || 'labels' in label) {
        if (obb) {
          const corners = obbCorners(label);
          if (!corners) continue;
          values = [id, ...corners.flat().map(f)];
        } else {
          const { x, y, width: w, height: h } = label;
          if (!num(x) || !num(y) || !num(w) || !num(h)) continue;
          values = [id, f((x + w / 2) / 100), f((y + h / 2) / 100), f(w / 100), f(h / 100)];
        }
      } else {
        if (!Array.isArray(label.points)) continue;
        values = [id, ...(label.points as [number, number][]).flatMap(([px, py]) => [f(px / 100), f(py / 100)])];
      }
      out += `${line(values)}\n`;
    }
  }
  return out;
}

/** YOLO-pose: a line per box, its keypoints (joined by parentID) in model_index order, missing ones as 0.0 0.0 0. */
function poseLines(labels: OutputValue[], cats: Categories, order: string[]): string {
  const boxes = new Map<unknown, { base: Value[]; kps: Map<string, Value[]> }>();
  for (const item of labels) {
    if (item.type.toLowerCase() !== 'rectanglelabels') continue;
    const names = Array.isArray(item.rectanglelabels) ? (item.rectanglelabels as string[]) : [];
    const cls = names.length ? cats.ids.get(names[0]) : undefined;
    if (cls === undefined) continue;
    const x = (item.x as number) / 100;
    const y = (item.y as number) / 100;
    const w = (item.width as number) / 100;
    const h = (item.height as number) / 100;
    boxes.set(item.id, { base: [cls, f(x + w / 2), f(y + h / 2), f(w), f(h)], kps: new Map() });
  }
  for (const item of labels) {
    if (item.type.toLowerCase() !== 'keypointlabels') continue;
    const box = boxes.get(item.parentID);
    const names = Array.isArray(item.keypointlabels) ? (item.keypointlabels as string[]) : [];
    if (!box || names.length === 0) continue;
    box.kps.set(names[0], [f((item.x as number) / 100), f((item.y as number) / 100), 2]);
  }
  return [...boxes.values()].map((b) => line([...b.base, ...order.flatMap((k) => b.kps.get(k) ?? [f(0), f(0), 0])])).join('\n');
}

/** Python's filename[0:251]: counted in characters, not UTF-16 units. */
const first251 = (s: string) => Array.from(s).slice(0, 251).join('');

/**
 * YOLO, YOLO-pose and YOLO OBB as Label Studio writes them: labels/<image>.txt per task, classes.txt,
 * notes.json and images/. Each annotation rewrites the task's label file, so the oldest one is kept.
 */
export async function* yoloEntries(pages: AsyncIterable<ConversionItem[][]>, ctx: ConvertContext, obb: boolean): AsyncGenerator<ZipEntry> {
  const pose = hasKeypoints(ctx.config);
  const cats = pose ? poseCategories(ctx.config) : configCategories(ctx.config);
  const order = pose ? keypointOrder(ctx.config) : [];
  yield folder('images/');
  yield folder('labels/');
  for await (const page of pages) {
    for (const taskItems of page) {
      if (taskItems.length === 0) continue;
      const ref = ctx.media(mediaUrlOf(taskItems[0], ctx.config));
      let content: string | null = null;
      for (const item of taskItems) {
        const labels = regionsOf(item);
        if (labels.length === 0) content ??= '';
        else content = pose ? poseLines(labels, cats, order) : shapeLines(labels, cats, obb);
      }
      yield textFile(`labels/${first251(stem(ref.fileName))}.txt`, content ?? '');
      if (ctx.includeMedia && ref.localPath) yield diskFile(`images/${ref.fileName}`, ref.localPath);
    }
  }
  yield textFile('classes.txt', cats.list.map((c) => `${c.name}\n`).join(''));
  const notes = { categories: cats.list, info: { year: ctx.now.getFullYear(), version: '1.0', contributor: 'Label Studio' } };
  yield textFile('notes.json', ujsonDumps(notes));
}
