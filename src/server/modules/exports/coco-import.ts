import { z } from 'zod';
import { AppError } from '../../errors.js';
import type { ParsedLabelConfig } from '../labelconfig/parsed-config.js';
import { DEFAULT_IMAGE_ROOT, joinInputUrl, prediction, region, shapeTargets, type ImportedTask, type ImportOptions, type Region, type ShapeTargets } from './import-shapes.js';

const CocoFile = z.object({
  images: z.array(z.object({ id: z.number(), file_name: z.string(), width: z.number().nullish(), height: z.number().nullish() }).loose()),
  categories: z.array(z.object({ id: z.number(), name: z.string(), keypoints: z.array(z.string()).optional() }).loose()),
  annotations: z.array(
    z
      .object({
        image_id: z.number(),
        category_id: z.number(),
        bbox: z.array(z.number()).length(4).optional(),
        segmentation: z.unknown().optional(),
        keypoints: z.array(z.number()).optional(),
        score: z.number().optional(),
      })
      .loose(),
  ),
});
type CocoAnnotation = z.infer<typeof CocoFile>['annotations'][number];
type Size = { width: number; height: number };

/** Flat polygon lists [x1, y1, x2, y2, ...]; RLE masks (iscrowd) are not polygons and are left out. */
const polygonsOf = (seg: unknown): number[][] => (Array.isArray(seg) ? seg.filter((p): p is number[] => Array.isArray(p) && p.length >= 6 && p.every((n) => typeof n === 'number')) : []);

/**
 * One COCO annotation as regions, with Label Studio's converter's arithmetic (pixels / size * 100).
 * A polygon segmentation wins over its bbox, which COCO derives from it; keypoints not labeled (v=0)
 * are left out and those labeled but not visible (v=1) come in hidden.
 */
function regionsOf(a: CocoAnnotation, names: Map<number, { name: string; keypoints?: string[] }>, size: Size, t: ShapeTargets, opts: ImportOptions): Region[] {
  const category = names.get(a.category_id);
  if (!category) throw new AppError('invalid', `COCO annotation refers to category ${a.category_id}, which the file does not list`);
  const { width: W, height: H } = size;
  const polygons = polygonsOf(a.segmentation);
  if (polygons.length && t.polygons) {
    return polygons.map((flat) => {
      const points = [];
      for (let i = 0; i + 1 < flat.length; i += 2) points.push([(flat[i] / W) * 100.0, (flat[i + 1] / H) * 100.0]);
      return region(t.polygons!, 'polygonlabels', { points, polygonlabels: [category.name] }, size, a.score);
    });
  }
  const out: Region[] = [];
  if (a.keypoints && t.keypoints) {
    for (let i = 0; i + 2 < a.keypoints.length; i += 3) {
      const [x, y, v] = a.keypoints.slice(i, i + 3);
      if (v === 0) continue;
      const label = category.keypoints?.[i / 3] ?? category.name;
      const value: Record<string, unknown> = { x: (x / W) * 100.0, y: (y / H) * 100.0, width: opts.pointWidth ?? 1.0, keypointlabels: [label] };
      if (v < 2) value.hidden = true;
      out.push(region(t.keypoints, 'keypointlabels', value, size, a.score));
    }
    return out;
  }
  if (a.bbox && t.rectangles) {
    const [x, y, w, h] = a.bbox;
    const value = { x: (x / W) * 100.0, y: (y / H) * 100.0, width: (w / W) * 100.0, height: (h / H) * 100.0, rotation: 0, rectanglelabels: [category.name] };
    out.push(region(t.rectangles, 'rectanglelabels', value, size, a.score));
  }
  return out;
}

/**
 * A COCO file (parsed JSON) as tasks to import, one per image in image-id order, each with the image's
 * shapes as a prediction for the project's RectangleLabels, PolygonLabels and KeyPointLabels controls.
 * The image URL is the file name joined to `imageRootUrl` (Label Studio's default: local files).
 */
export function cocoToTasks(json: unknown, config: ParsedLabelConfig, opts: ImportOptions = {}): ImportedTask[] {
  const parsed = CocoFile.safeParse(json);
  if (!parsed.success) throw new AppError('invalid', `Not a COCO file: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const coco = parsed.data;
  const targets = shapeTargets(config);
  const names = new Map(coco.categories.map((c) => [c.id, c]));
  const images = new Map(coco.images.map((i) => [i.id, i]));
  const results = new Map<number, Region[]>(coco.images.map((i) => [i.id, []]));
  for (const a of coco.annotations) {
    const image = images.get(a.image_id);
    if (!image) throw new AppError('invalid', `COCO annotation refers to image ${a.image_id}, which the file does not list`);
    if (!image.width || !image.height) throw new AppError('invalid', `COCO image ${image.id} (${image.file_name}) has annotations but no width and height`);
    results.get(image.id)!.push(...regionsOf(a, names, { width: image.width, height: image.height }, targets, opts));
  }
  const root = opts.imageRootUrl ?? DEFAULT_IMAGE_ROOT;
  return [...images.values()]
    .sort((a, b) => a.id - b.id)
    .map((image) => ({ data: { [targets.dataKey]: joinInputUrl(root, image.file_name) }, predictions: [prediction(results.get(image.id)!, opts)] }));
}
