import { strFromU8, unzipSync } from 'fflate';
import { AppError } from '../../errors.js';
import type { ParsedLabelConfig } from '../labelconfig/parsed-config.js';
import { keypointOrder } from './categories.js';
import { joinInputUrl, prediction, region, shapeTargets, type ImportedTask, type ImportOptions, type Region, type ShapeTargets } from './import-shapes.js';
import { imageInfo, stem } from './media.js';

export interface YoloImportOptions extends ImportOptions {
  /** the zip is YOLO OBB: 9-value lines are rotated boxes (these need the image sizes) */
  obb?: boolean;
  /** the size of every image, when the zip carries no images (Label Studio's image_dims) */
  imageDims?: { width: number; height: number };
  /** the image extension for label files without an image in the zip; default .jpg */
  imageExt?: string;
}

type Size = { width: number; height: number };

/** Class id → name: notes.json's categories when present (its ids are exact), else classes.txt's line numbers. */
function classesOf(files: Record<string, Uint8Array>): Map<number, string> {
  if (files['notes.json']) {
    const notes = JSON.parse(strFromU8(files['notes.json'])) as { categories?: { id: number; name: string }[] };
    if (Array.isArray(notes.categories)) return new Map(notes.categories.map((c) => [c.id, c.name]));
  }
  if (!files['classes.txt']) throw new AppError('invalid', 'Not a YOLO zip: it has neither classes.txt nor notes.json');
  const lines = strFromU8(files['classes.txt']).split('\n').map((l) => l.trim());
  if (lines[lines.length - 1] === '') lines.pop();
  return new Map(lines.map((name, i) => [i, name]));
}

/** Label Studio's convert_yolo_obb_to_annotation, from pixel corners to a box turned about its top-left corner. */
function obbValue(px: number[], size: Size) {
  const xs = [px[0], px[2], px[4], px[6]];
  const ys = [px[1], px[3], px[5], px[7]];
  const cx = xs.reduce((a, b) => a + b, 0) / 4;
  const cy = ys.reduce((a, b) => a + b, 0) / 4;
  const width = Math.hypot(xs[0] - xs[1], ys[0] - ys[1]);
  const height = Math.hypot(xs[0] - xs[3], ys[0] - ys[3]);
  const r = (Math.atan2(ys[1] - ys[0], xs[1] - xs[0]) * 180) / Math.PI;
  const rad = (r * Math.PI) / 180;
  const left = cx - (width / 2) * Math.cos(rad) + (height / 2) * Math.sin(rad);
  const top = cy - (width / 2) * Math.sin(rad) - (height / 2) * Math.cos(rad);
  return { x: (left / size.width) * 100, y: (top / size.height) * 100, width: (width / size.width) * 100, height: (height / size.height) * 100, rotation: r };
}

/** One label-file line as regions: a box (with its pose keypoints), a polygon, or a rotated box. */
function lineRegions(values: number[], label: string, size: Size | null, t: ShapeTargets, kpOrder: string[], opts: YoloImportOptions): Region[] {
  const need = (target: ShapeTargets[keyof ShapeTargets], what: string) => {
    if (!target || typeof target === 'string') throw new AppError('invalid', `The YOLO file has ${what}, but the labeling config has no control for them`);
    return target;
  };
  const n = values.length;
  if (opts.obb && (n === 9 || n === 10)) {
    if (!size) throw new AppError('invalid', 'YOLO OBB import needs the image sizes: put the images in the zip or give imageDims');
    const px = values.slice(1, 9).map((v, i) => v * (i % 2 ? size.height : size.width));
    return [region(need(t.rectangles, 'boxes'), 'rectanglelabels', { ...obbValue(px, size), rectanglelabels: [label] }, size, n === 10 ? values[9] : undefined)];
  }
  const pose = kpOrder.length > 0 && n === 5 + 3 * kpOrder.length;
  if (n === 5 || n === 6 || pose) {
    const [, x, y, w, h] = values;
    const value = { x: (x - w / 2) * 100, y: (y - h / 2) * 100, width: w * 100, height: h * 100, rotation: 0, rectanglelabels: [label] };
    const box = region(need(t.rectangles, 'boxes'), 'rectanglelabels', value, size, n === 6 && values[5] ? values[5] : undefined);
    if (!pose) return [box];
    const kps = kpOrder.flatMap((name, i) => {
      const [kx, ky, v] = values.slice(5 + 3 * i, 8 + 3 * i);
      if (v === 0) return [];
      const kp = region(need(t.keypoints, 'keypoints'), 'keypointlabels', { x: kx * 100, y: ky * 100, width: opts.pointWidth ?? 1.0, keypointlabels: [name] }, size);
      return [{ ...kp, parentID: box.id }];
    });
    return [box, ...kps];
  }
  if (n >= 7 && n % 2 === 1) {
    const points = [];
    for (let i = 1; i < n; i += 2) points.push([values[i] * 100, values[i + 1] * 100]);
    return [region(need(t.polygons, 'polygons'), 'polygonlabels', { points, polygonlabels: [label] }, size)];
  }
  throw new AppError('invalid', `A YOLO line has ${n} values, which is no box, polygon${opts.obb ? ' or oriented box' : ''} this config can take`);
}

/**
 * A YOLO zip (classes.txt or notes.json, labels/*.txt, optional images/) as tasks to import: one per
 * image or label file, in name order, its boxes, polygons and pose keypoints as a prediction. Like Label
 * Studio's converter, box coordinates are the normalized centre and size times 100, and the image URL
 * is the image's name joined to `imageRootUrl` (default: local files under images/).
 */
export function yoloToTasks(zip: Uint8Array, config: ParsedLabelConfig, opts: YoloImportOptions = {}): ImportedTask[] {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(zip);
  } catch {
    throw new AppError('invalid', 'Not a zip file');
  }
  const classes = classesOf(files);
  const targets = shapeTargets(config);
  const kpOrder = targets.keypoints ? keypointOrder(config) : [];
  const images = new Map<string, { name: string; size: Size | null }>();
  for (const [path, bytes] of Object.entries(files)) {
    const m = /^images\/([^/]+)$/.exec(path);
    if (m) images.set(stem(m[1]), { name: m[1], size: imageInfo(Buffer.from(bytes)) });
  }
  const labels = new Map<string, string>();
  for (const [path, bytes] of Object.entries(files)) {
    const m = /^labels\/([^/]+)\.txt$/.exec(path);
    if (m) labels.set(m[1], strFromU8(bytes));
  }
  const root = opts.imageRootUrl ?? '/data/local-files/?d=images';
  const bases = [...new Set([...images.keys(), ...labels.keys()])].sort();
  return bases.map((base) => {
    const image = images.get(base);
    const size = image?.size ?? opts.imageDims ?? null;
    const result = (labels.get(base) ?? '').split('\n').flatMap((text) => {
      const values = text.trim().split(/\s+/).filter(Boolean).map(Number);
      if (values.length === 0) return [];
      const label = classes.get(values[0]);
      if (label === undefined) throw new AppError('invalid', `labels/${base}.txt uses class ${values[0]}, which classes.txt does not list`);
      return lineRegions(values, label, size, targets, kpOrder, opts);
    });
    const name = image?.name ?? `${base}${opts.imageExt ?? '.jpg'}`;
    return { data: { [targets.dataKey]: joinInputUrl(root, name) }, predictions: [prediction(result, opts)] };
  });
}
