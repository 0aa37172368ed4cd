import { randomUUID } from 'node:crypto';
import { AppError } from '../../errors.js';
import type { ParsedLabelConfig } from '../labelconfig/parsed-config.js';

/** A task to import: its image URL under the config's data key, and the file's shapes as one prediction. */
export interface ImportedTask {
  data: Record<string, string>;
  predictions: { model_version?: string; result: Region[] }[];
}

export type Region = Record<string, unknown> & { id: string; type: string; from_name: string; to_name: string; value: Record<string, unknown> };

export interface ImportOptions {
  /** where the images will be served from; the file's image names are joined to it (Label Studio's image_root_url) */
  imageRootUrl?: string;
  modelVersion?: string;
  /** size of imported keypoints, in % of the image width */
  pointWidth?: number;
}

export const DEFAULT_IMAGE_ROOT = '/data/local-files/?d=';

/** The controls shapes go to, found in the project's config by type. */
export interface ShapeTargets {
  dataKey: string;
  rectangles: { from_name: string; to_name: string } | null;
  polygons: { from_name: string; to_name: string } | null;
  keypoints: { from_name: string; to_name: string } | null;
}

export function shapeTargets(config: ParsedLabelConfig): ShapeTargets {
  let dataKey: string | null = null;
  const find = (type: string) => {
    for (const [name, c] of Object.entries(config)) {
      const image = c.inputs.findIndex((i) => i.type === 'Image' && i.value);
      if (c.type !== type || image < 0) continue;
      dataKey ??= c.inputs[image].value!;
      return { from_name: name, to_name: c.to_name[image] };
    }
    return null;
  };
  const targets = { rectangles: find('RectangleLabels'), polygons: find('PolygonLabels'), keypoints: find('KeyPointLabels') };
  if (!dataKey) throw new AppError('invalid', 'The labeling config has no RectangleLabels, PolygonLabels or KeyPointLabels on an Image to import shapes into');
  return { dataKey, ...targets };
}

/** Python's urllib quote(s, safe="/"). */
const quote = (s: string) => encodeURIComponent(s).replace(/%2F/g, '/').replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Label Studio's join_input_url: a file under a URL prefix, or inside a local-files `?d=` path. */
export function joinInputUrl(root: string, file: string): string {
  const rel = file.replace(/\\/g, '/').replace(/^\/+|\/+$/g, '');
  const local = /^(.*\/data\/local-files\/?\?(?:.*&)?d=)([^&#]*)(.*)$/.exec(root);
  if (local) return `${local[1]}${local[2] ? `${local[2].replace(/\/+$/, '')}/` : ''}${quote(rel)}${local[3]}`;
  return `${root.replace(/\/+$/, '')}/${quote(rel)}`;
}

export const regionId = () => randomUUID().replace(/-/g, '').slice(0, 10);

/** A region in Label Studio's result shape; the image size only when the file tells it. */
export function region(target: { from_name: string; to_name: string }, type: string, value: Record<string, unknown>, size: { width: number; height: number } | null, score?: number): Region {
  const r: Region = { id: regionId(), type, value, to_name: target.to_name, from_name: target.from_name, image_rotation: 0 };
  if (size) {
    r.original_width = size.width;
    r.original_height = size.height;
  }
  if (score !== undefined) r.score = score;
  return r;
}

export function prediction(result: Region[], opts: ImportOptions): ImportedTask['predictions'][number] {
  return opts.modelVersion === undefined ? { result } : { model_version: opts.modelVersion, result };
}
