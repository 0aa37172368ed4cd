import type { ParsedLabelConfig } from '../labelconfig/parsed-config.js';

export type Category = {
  id: number;
  name: string;
  supercategory?: string;
  keypoints?: string[];
  skeleton?: never[];
};

/** Category list (in the converter's list order) and name → id; results may add labels the config lacks. */
export interface Categories {
  list: Category[];
  ids: Map<string, number>;
}

/** Python's int() of an attribute: surrounding blanks allowed, an optional sign, digits and underscores between them. */
function pyInt(raw: string): number | null {
  const s = raw.trim();
  return /^[+-]?\d+(?:_\d+)*$/.test(s) ? Number(s.replace(/_/g, '')) : null;
}

/**
 * Label Studio's `_get_labels`: labels with a `category` attribute take that id, in config order; the
 * rest of every control's labels (choices too), sorted, take the smallest ids still free from 0.
 */
export function configCategories(config: ParsedLabelConfig): Categories {
  const labels = new Set<string>();
  const list: Category[] = [];
  const ids = new Map<string, number>();
  for (const c of Object.values(config)) {
    for (const l of c.labels) labels.add(l);
    // labels, not Object.entries: a label like "1" must keep its place in the config
    for (const label of c.labels) {
      const attrs = c.labels_attrs[label] ?? {};
      if (attrs.category === undefined) continue;
      const id = pyInt(attrs.category);
      if (id === null) continue;
      list.push({ id, name: label });
      ids.set(label, id);
    }
  }
  const used = new Set(ids.values());
  let next = 0;
  for (const label of [...labels].filter((l) => !ids.has(l)).sort()) {
    while (used.has(next)) next++;
    list.push({ id: next, name: label });
    ids.set(label, next);
    next++;
  }
  return { list, ids };
}

const keypointLabels = (config: ParsedLabelConfig) => [...new Set(Object.values(config).flatMap((c) => (c.type === 'KeyPointLabels' ? c.labels : [])))];

export const hasKeypoints = (config: ParsedLabelConfig) => Object.values(config).some((c) => c.type === 'KeyPointLabels');

/** COCO with keypoints: their labels leave the list and become one "default" category listing them. */
export function withKeypointCategory(cats: Categories, config: ParsedLabelConfig): Categories {
  const kps = keypointLabels(config);
  if (kps.length === 0) return cats;
  const list = cats.list.filter((c) => !kps.includes(c.name));
  const ids = new Map(list.map((c) => [c.name, c.id]));
  const merged = list.length ? Math.max(...list.map((c) => c.id)) + 1 : 0;
  list.push({ id: merged, name: 'default', supercategory: 'default', keypoints: kps, skeleton: [] });
  for (const k of kps) ids.set(k, merged);
  return { list, ids };
}

/** YOLO-pose: one class per RectangleLabels label, in config order, each listing every keypoint label. */
export function poseCategories(config: ParsedLabelConfig): Categories {
  const kps = keypointLabels(config);
  const rects = [...new Set(Object.values(config).flatMap((c) => (c.type === 'RectangleLabels' ? c.labels : [])))];
  const list = rects.map((name, id) => ({ id, name, keypoints: kps }));
  return { list, ids: new Map(list.map((c) => [c.name, c.id])) };
}

/** Keypoint labels ordered by their `model_index` attribute; labels without one are left out. */
export function keypointOrder(config: ParsedLabelConfig): string[] {
  const attrs = new Map<string, Record<string, string>>();
  for (const c of Object.values(config)) if (c.type === 'KeyPointLabels') for (const l of c.labels) attrs.set(l, c.labels_attrs[l] ?? {});
  const used = new Set<number>();
  const pairs: [number, string][] = [];
  for (const [name, a] of attrs) {
    const idx = a.model_index === undefined ? null : pyInt(a.model_index);
    if (idx === null || used.has(idx)) continue;
    pairs.push([idx, name]);
    used.add(idx);
  }
  return pairs.sort((x, y) => x[0] - y[0]).map(([, name]) => name);
}

/** A label seen only in results joins the list with the next id, as the converter does. */
export function categoryId(cats: Categories, name: string): number {
  const known = cats.ids.get(name);
  if (known !== undefined) return known;
  const id = cats.list.length;
  cats.list.push({ id, name });
  cats.ids.set(name, id);
  return id;
}
