import { categoryId, configCategories, keypointOrder, withKeypointCategory, type Categories } from './categories.js';
import { mediaUrlOf, regionsOf, type ConvertContext, type ConversionItem, type OutputValue } from './items.js';
import { imageFileInfo } from './media.js';
import { float, pyNow, roundHalfEven, ujsonDumps, type PyJson } from './py-json.js';
import { diskFile, folder, withSpools, type Spool, type ZipEntry } from './zip-stream.js';

/** Label Studio's rotated_rectangle(): the axis-aligned bounds (in %) of a box turned about its top-left corner. */
export function rotatedBounds(label: OutputValue): [number, number, number, number] | null {
  const { x, y, width: w, height: h } = label as Record<string, number>;
  if (!('x' in label && 'y' in label && 'width' in label && 'height' in label)) return null;
  const r = typeof label.rotation === 'number' ? label.rotation : 0;
  if (Math.abs(r) === 0) return [x, y, w, h];
  const alpha = Math.atan(h / w);
  const beta = Math.PI * (r / 180);
  const radius = Math.sqrt((w / 2) ** 2 + (h / 2) ** 2);
  const x0 = x - radius * (Math.cos(Math.PI - alpha - beta) - Math.cos(Math.PI - alpha)) + w / 2;
  const y0 = y + radius * (Math.sin(Math.PI - alpha - beta) - Math.sin(Math.PI - alpha)) + h / 2;
  const thetas = [alpha + beta, Math.PI - alpha + beta, Math.PI + alpha + beta, 2 * Math.PI - alpha + beta];
  const xs = thetas.map((t) => x0 + radius * Math.cos(t));
  const ys = thetas.map((t) => y0 + radius * Math.sin(t));
  const left = Math.min(...xs);
  const top = Math.min(...ys);
  return [left, top, Math.max(...xs) - left, Math.max(...ys) - top];
}

/** Shoelace area as the converter computes it: 0.5 * |x·roll(y) − y·roll(x)|. */
function polygonArea(xs: number[], ys: number[]): number {
  let a = 0;
  let b = 0;
  for (let i = 0; i < xs.length; i++) {
    const prev = (i + xs.length - 1) % xs.length;
    a += xs[i] * ys[prev];
    b += ys[i] * xs[prev];
  }
  return 0.5 * Math.abs(a - b);
}

const labelOf = (v: OutputValue, keys: string[]) => {
  for (const k of keys) {
    const list = v[k];
    if (Array.isArray(list) && list.length > 0) return String(list[0]);
  }
  return null;
};

/** The converter's one COCO annotation for all keypoints of an image, in model_index order. */
function keypointAnnotation(kps: OutputValue[], order: string[], id: number, imageId: number, cats: Categories): PyJson {
  const points = new Array<number>(order.length * 3).fill(0);
  for (const kp of kps) {
    const x = ((kp.x as number) / 100) * (kp.original_width as number);
    const y = ((kp.y as number) / 100) * (kp.original_height as number);
    const labels = Array.isArray(kp.keypointlabels) ? (kp.keypointlabels as string[]) : [];
    for (const label of labels) {
      const i = order.indexOf(label);
      if (i < 0) continue;
      points[3 * i] = roundHalfEven(x);
      points[3 * i + 1] = roundHalfEven(y);
      points[3 * i + 2] = 2;
    }
  }
  const seen = order.map((_, i) => i).filter((i) => points[3 * i + 2] > 0);
  let bbox = [0, 0, 0, 0];
  if (seen.length) {
    const xs = seen.map((i) => points[3 * i]);
    const ys = seen.map((i) => points[3 * i + 1]);
    bbox = [Math.min(...xs), Math.min(...ys), Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)];
  }
  return { id, image_id: imageId, category_id: cats.ids.get(order[0]) ?? 0, keypoints: points, num_keypoints: seen.length, bbox, iscrowd: 0 };
}

interface CocoState {
  cats: Categories;
  images: number;
  annotations: number;
  kpOrder: string[];
}

/** One item's image and annotation records, the converter's loop body. */
async function convertItem(item: ConversionItem, s: CocoState, fileName: string, localPath: string | null) {
  const images: PyJson[] = [];
  const annotations: PyJson[] = [];
  const imageId = s.images;
  const addImage = (width: number | null, height: number | null) => {
    images.push({ width, height, id: imageId, file_name: fileName });
    s.images++;
  };
  let width: number | null = null;
  let height: number | null = null;
  const info = localPath ? await imageFileInfo(localPath) : null;
  if (info) {
    ({ width, height } = info);
    addImage(width, height);
  }
  if (item.output.size === 0) {
    if (!width) addImage(width, height);
    return { images, annotations };
  }
  const keypoints: OutputValue[] = [];
  for (const label of regionsOf(item)) {
    const name = labelOf(label, ['rectanglelabels', 'polygonlabels', 'keypointlabels', 'labels']);
    if (name === null) continue;
    if (!height || !width) {
      if (label.original_width === undefined || label.original_height === undefined) continue;
      width = label.original_width;
      height = label.original_height;
      addImage(width, height);
    }
    const category = categoryId(s.cats, name);
    const id = s.annotations;
    if ('rectanglelabels' in label || 'labels' in label) {
      const bounds = rotatedBounds(label);
      if (!bounds || label.original_width === undefined || label.original_height === undefined) continue;
      const x = (bounds[0] * label.original_width) / 100;
      const y = (bounds[1] * label.original_height) / 100;
      const w = (bounds[2] * label.original_width) / 100;
      const h = (bounds[3] * label.original_height) / 100;
      annotations.push({ id, image_id: imageId, category_id: category, segmentation: [], bbox: [float(x), float(y), float(w), float(h)], ignore: 0, iscrowd: 0, area: float(w * h) });
      s.annotations++;
    } else if ('polygonlabels' in label) {
      const points = Array.isArray(label.points) ? (label.points as [number, number][]) : [];
      if (points.length === 0) continue;
      const xs = points.map(([px]) => (px / 100) * width!);
      const ys = points.map(([, py]) => (py / 100) * height!);
      const left = Math.min(...xs);
      const top = Math.min(...ys);
      const bbox = [left, top, Math.max(...xs) - left, Math.max(...ys) - top].map(float);
      const flat = xs.flatMap((px, i) => [float(px), float(ys[i])]);
      annotations.push({ id, image_id: imageId, category_id: category, segmentation: [flat], bbox, ignore: 0, iscrowd: 0, area: float(polygonArea(xs, ys)) });
      s.annotations++;
    } else if ('keypointlabels' in label) {
      keypoints.push(label);
    }
  }
  if (keypoints.length) {
    annotations.push(keypointAnnotation(keypoints, s.kpOrder, s.annotations, imageId, s.cats));
    s.annotations++;
  }
  return { images, annotations };
}

/** A JSON list whose elements (at depth 2) are spooled as they come: "[]" when none came. */
function spooledList(spool: Spool) {
  return {
    append: (records: PyJson[]) => spool.append(records.map((r, i) => `${spool.length || i ? ',\n' : ''}    ${ujsonDumps(r, 2)}`).join('')),
    async *read(): AsyncGenerator<string | Buffer> {
      if (spool.length === 0) return yield '[]';
      yield '[\n';
      yield* spool.read();
      yield '\n  ]';
    },
  };
}

/**
 * COCO as Label Studio writes it: result.json (images, categories, annotations, info) and images/.
 * Images and annotations are spooled to temp files page by page, so the JSON keeps Label Studio's key
 * order (categories, which results may extend, come before annotations) while memory stays flat.
 */
export function cocoEntries(pages: AsyncIterable<ConversionItem[][]>, ctx: ConvertContext): AsyncGenerator<ZipEntry> {
  return withSpools(2, async function* ([imageSpool, annotationSpool]) {
    const images = spooledList(imageSpool);
    const annotations = spooledList(annotationSpool);
    const s: CocoState = { cats: withKeypointCategory(configCategories(ctx.config), ctx.config), images: 0, annotations: 0, kpOrder: keypointOrder(ctx.config) };
    yield folder('images/');
    for await (const page of pages) {
      const pageImages: PyJson[] = [];
      const pageAnnotations: PyJson[] = [];
      const files: ZipEntry[] = [];
      for (const taskItems of page) {
        if (taskItems.length === 0) continue;
        const ref = ctx.media(mediaUrlOf(taskItems[0], ctx.config));
        for (const item of taskItems) {
          const out = await convertItem(item, s, `images/${ref.fileName}`, ref.localPath);
          pageImages.push(...out.images);
          pageAnnotations.push(...out.annotations);
        }
        if (ctx.includeMedia && ref.localPath) files.push(diskFile(`images/${ref.fileName}`, ref.localPath));
      }
      await images.append(pageImages);
      await annotations.append(pageAnnotations);
      yield* files;
    }
    const info = { year: ctx.now.getFullYear(), version: '1.0', description: '', contributor: 'Label Studio', url: '', date_created: pyNow(ctx.now) };
    yield {
      name: 'result.json',
      content: (async function* () {
        yield '{\n  "images": ';
        yield* images.read();
        yield `,\n  "categories": ${ujsonDumps(s.cats.list, 1)},\n  "annotations": `;
        yield* annotations.read();
        yield `,\n  "info": ${ujsonDumps(info, 1)}\n}`;
      })(),
    };
  });
}
