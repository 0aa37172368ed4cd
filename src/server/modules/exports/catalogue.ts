import { AppError } from '../../errors.js';
import type { ParsedLabelConfig } from '../labelconfig/parsed-config.js';
import { hasKeypoints, keypointOrder } from './categories.js';
import { dataKeysOfConfig } from './items.js';

interface FormatInfo {
  title: string;
  description: string;
  link: string;
  tags: string[];
  ext: string;
  contentType: string;
}

const GUIDE = 'https://labelstud.io/guide/export.html';
const ZIP = { ext: 'zip', contentType: 'application/zip' } as const;
const IMAGE_TAGS = ['image segmentation', 'object detection', 'keypoints'];

/** The formats LabelFleet writes, in Label Studio's order, with its titles and descriptions. */
export const EXPORT_FORMATS = {
  JSON: { title: 'JSON', ext: 'json', contentType: 'application/json', link: `${GUIDE}#JSON`, tags: [], description: "List of items in raw JSON format stored in one JSON file. Use to export both the data and the annotations for a dataset. It's Label Studio Common Format" },
  JSON_MIN: { title: 'JSON-MIN', ext: 'json', contentType: 'application/json', link: `${GUIDE}#JSON-MIN`, tags: [], description: 'List of items where only "from_name", "to_name" values from the raw JSON format are exported.' },
  CSV: { title: 'CSV', ext: 'csv', contentType: 'text/csv', link: `${GUIDE}#CSV`, tags: [], description: 'Results are stored as comma-separated values with the column names specified by the values of the "from_name" and "to_name" fields.' },
  TSV: { title: 'TSV', ext: 'tsv', contentType: 'text/tab-separated-values', link: `${GUIDE}#TSV`, tags: [], description: 'Results are stored in tab-separated tabular file with column names specified by "from_name" "to_name" values' },
  CONLL2003: { title: 'CONLL2003', ext: 'conll', contentType: 'text/plain; charset=utf-8', link: `${GUIDE}#CONLL2003`, tags: ['sequence labeling', 'text tagging', 'named entity recognition'], description: 'Popular format used for the CoNLL-2003 named entity recognition challenge.' },
  COCO: { title: 'COCO', ...ZIP, link: `${GUIDE}#COCO`, tags: IMAGE_TAGS, description: 'Popular machine learning format used by the COCO dataset for object detection and image segmentation tasks with polygons and rectangles.' },
  VOC: { title: 'Pascal VOC XML', ...ZIP, link: `${GUIDE}#Pascal-VOC-XML`, tags: ['image segmentation', 'object detection'], description: 'Popular XML format used for object detection and polygon image segmentation tasks.' },
  BRUSH_TO_NUMPY: { title: 'Brush labels to NumPy', ...ZIP, link: `${GUIDE}#Brush-labels-to-NumPy-amp-PNG`, tags: ['image segmentation'], description: 'Export your brush labels as NumPy 2d arrays. Each label outputs as one image.' },
  BRUSH_TO_PNG: { title: 'Brush labels to PNG', ...ZIP, link: `${GUIDE}#Brush-labels-to-NumPy-amp-PNG`, tags: ['image segmentation'], description: 'Export your brush labels as PNG images. Each label outputs as one image.' },
  ASR_MANIFEST: { title: 'ASR Manifest', ...ZIP, link: `${GUIDE}#ASR-MANIFEST`, tags: ['speech recognition'], description: 'Export audio transcription labels for automatic speech recognition as the JSON manifest format expected by NVIDIA NeMo models.' },
  YOLO: { title: 'YOLO', ...ZIP, link: `${GUIDE}#YOLO`, tags: IMAGE_TAGS, description: 'Popular TXT format is created for each image file. Each txt file contains annotations for the corresponding image file, that is object class, object coordinates, height & width.' },
  YOLO_OBB: { title: 'YOLOv8 OBB', ...ZIP, link: `${GUIDE}#YOLO`, tags: ['image segmentation', 'object detection'], description: 'Popular TXT format is created for each image file. Each txt file contains annotations for the corresponding image file. The YOLO OBB format designates bounding boxes by their four corner points with coordinates normalized between 0 and 1, so it is possible to export rotated objects.' },
  YOLO_WITH_IMAGES: { title: 'YOLO with Images', ...ZIP, link: `${GUIDE}#YOLO`, tags: IMAGE_TAGS, description: 'YOLO format with images downloaded.' },
  COCO_WITH_IMAGES: { title: 'COCO with Images', ...ZIP, link: `${GUIDE}#COCO`, tags: IMAGE_TAGS, description: 'COCO format with images downloaded.' },
  YOLO_OBB_WITH_IMAGES: { title: 'YOLOv8 OBB with Images', ...ZIP, link: `${GUIDE}#YOLO`, tags: ['image segmentation', 'object detection'], description: 'YOLOv8 OBB format with images downloaded.' },
} satisfies Record<string, FormatInfo>;

export type ExportFormat = keyof typeof EXPORT_FORMATS;
const ALL = Object.keys(EXPORT_FORMATS) as ExportFormat[];

export function exportFormat(raw: string | undefined): ExportFormat {
  const f = (raw ?? 'JSON').toUpperCase();
  if (Object.hasOwn(EXPORT_FORMATS, f)) return f as ExportFormat;
  throw new AppError('invalid', `${raw} is not supported export format. Supported: ${ALL.join(', ')}`);
}

/** Label Studio's `_get_supported_formats`: which formats this labeling config can produce. */
export function supportedFormats(config: ParsedLabelConfig): Set<ExportFormat> {
  if (dataKeysOfConfig(config).length > 1) return new Set(['JSON', 'JSON_MIN', 'CSV', 'TSV']);
  const outputs = new Set<string>();
  const inputs = new Set<string>();
  let multiImage = false;
  for (const c of Object.values(config)) {
    outputs.add(c.type);
    for (const input of c.inputs) {
      if (input.valueList) multiImage = true;
      if (input.type === 'Text' && input.valueType === 'url') continue;
      inputs.add(input.type);
    }
  }
  const has = (t: string) => outputs.has(t);
  const image = inputs.has('Image');
  const out = new Set<ExportFormat>(ALL);
  const drop = (...fs: ExportFormat[]) => fs.forEach((f) => out.delete(f));
  // keypoints are placed on boxes, so COCO and YOLO need a RectangleLabels control beside them
  if (has('KeyPointLabels') && !has('RectangleLabels')) drop('COCO', 'COCO_WITH_IMAGES', 'YOLO', 'YOLO_WITH_IMAGES');
  if (!(inputs.has('Text') && has('Labels'))) drop('CONLL2003');
  if (multiImage || !(image && (has('RectangleLabels') || (has('Rectangle') && has('Labels'))))) drop('VOC');
  const shapes = (image && (has('RectangleLabels') || has('PolygonLabels') || has('KeyPointLabels'))) || (has('Labels') && (has('Rectangle') || has('PolygonLabels') || has('KeyPointLabels')));
  if (multiImage || !shapes) drop('COCO', 'COCO_WITH_IMAGES', 'YOLO', 'YOLO_WITH_IMAGES', 'YOLO_OBB', 'YOLO_OBB_WITH_IMAGES');
  if (!(image && (has('BrushLabels') || has('brushlabels') || (has('Brush') && has('Labels'))))) drop('BRUSH_TO_NUMPY', 'BRUSH_TO_PNG');
  if (!((inputs.has('Audio') || inputs.has('AudioPlus')) && has('TextArea'))) drop('ASR_MANIFEST');
  if (inputs.has('Video') && has('TimelineLabels')) drop('YOLO_OBB', 'YOLO_OBB_WITH_IMAGES');
  return out;
}

/** GET /export/formats: every format, the ones this config cannot produce marked disabled and listed last. */
export function formatList(config: ParsedLabelConfig) {
  const supported = supportedFormats(config);
  const list = ALL.map((name) => {
    const { title, description, link, tags } = EXPORT_FORMATS[name];
    return { name, title, description, link, tags, disabled: !supported.has(name) };
  });
  return [...list.filter((f) => !f.disabled), ...list.filter((f) => f.disabled)];
}

/** The asked format, if this project's config can produce it. */
export function formatFor(config: ParsedLabelConfig, raw: string | undefined): ExportFormat {
  const format = exportFormat(raw);
  const supported = supportedFormats(config);
  if (!supported.has(format)) {
    throw new AppError('invalid', `${format} export is not available for this project's labeling config. Available: ${ALL.filter((f) => supported.has(f)).join(', ')}`);
  }
  // Label Studio fails a COCO export of keypoints without their order; say why before anything is sent
  if (format.startsWith('COCO') && hasKeypoints(config) && keypointOrder(config).length === 0) {
    throw new AppError('invalid', 'COCO export of keypoints needs a model_index attribute on each KeyPointLabels label, e.g. <Label value="nose" model_index="0"/>');
  }
  return format;
}
