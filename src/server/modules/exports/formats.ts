import type { ParsedLabelConfig } from '../labelconfig/parsed-config.js';
import { asrEntries } from './asr.js';
import { brushEntries } from './brush.js';
import { EXPORT_FORMATS, type ExportFormat } from './catalogue.js';
import { cocoEntries } from './coco.js';
import { conllText } from './conll.js';
import { ANNOTATION_COLUMNS, csvHeader, csvLine } from './csv.js';
import { itemPages, type ConvertContext, type ConversionItem } from './items.js';
import { minRecords, type ControlTypes, type ExportTask } from './json-min.js';
import type { MediaResolver } from './media.js';
import type { ExportPage } from './task-rows.js';
import { vocEntries } from './voc.js';
import { yoloEntries } from './yolo.js';
import { zipStream, type ZipEntry } from './zip-stream.js';

export { EXPORT_FORMATS, exportFormat, formatFor, formatList, type ExportFormat } from './catalogue.js';

export interface ExportSource {
  /** Pages of task JSON (Label Studio's export shape); may be called more than once. */
  pages: () => AsyncIterable<ExportPage>;
  /** Every data key the selected tasks use, for the CSV header. */
  dataKeys: () => Promise<string[]>;
  controls: ControlTypes;
  config: ParsedLabelConfig;
  media: MediaResolver;
  /** Label Studio's download_resources: VOC and ASR_MANIFEST put the media stored here into the zip */
  downloadResources: boolean;
}

type Items = AsyncIterable<ConversionItem[][]>;

/** The zip members of a multi-file format. */
function zipEntries(format: ExportFormat, items: Items, ctx: ConvertContext): AsyncIterable<ZipEntry> | null {
  switch (format) {
    case 'COCO':
    case 'COCO_WITH_IMAGES':
      return cocoEntries(items, ctx);
    case 'YOLO':
    case 'YOLO_WITH_IMAGES':
      return yoloEntries(items, ctx, false);
    case 'YOLO_OBB':
    case 'YOLO_OBB_WITH_IMAGES':
      return yoloEntries(items, ctx, true);
    case 'VOC':
      return vocEntries(items, ctx);
    case 'BRUSH_TO_NUMPY':
      return brushEntries(items, ctx, 'numpy');
    case 'BRUSH_TO_PNG':
      return brushEntries(items, ctx, 'png');
    case 'ASR_MANIFEST':
      return asrEntries(items, ctx);
    default:
      return null;
  }
}

const WITH_MEDIA: ExportFormat[] = ['COCO_WITH_IMAGES', 'YOLO_WITH_IMAGES', 'YOLO_OBB_WITH_IMAGES'];

/** The converter formats, from pages of tasks through Label Studio's per-annotation items. */
function renderConverted(format: ExportFormat, src: ExportSource): AsyncIterable<string | Uint8Array> | null {
  const ctx: ConvertContext = {
    config: src.config,
    media: src.media,
    includeMedia: WITH_MEDIA.includes(format) || ((format === 'VOC' || format === 'ASR_MANIFEST') && src.downloadResources),
    now: new Date(),
  };
  const items = itemPages(src.pages(), src.config);
  if (format === 'CONLL2003') return conllText(items, ctx);
  const entries = zipEntries(format, items, ctx);
  return entries && zipStream(entries);
}

/** Renders the export as a stream of text pieces; memory holds one page at a time. */
export async function* renderExport(format: ExportFormat, src: ExportSource): AsyncGenerator<string | Uint8Array> {
  const converted = renderConverted(format, src);
  if (converted) {
    yield* converted;
    return;
  }
  if (format === 'JSON') {
    yield '[';
    let first = true;
    for await (const page of src.pages()) {
      if (page.count === 0) continue;
      yield (first ? '' : ',') + page.body;
      first = false;
    }
    yield ']';
    return;
  }
  const records = async function* () {
    for await (const page of src.pages()) yield (JSON.parse(`[${page.body}]`) as ExportTask[]).flatMap((task) => minRecords(task, src.controls));
  };
  if (format === 'JSON_MIN') {
    yield '[';
    let first = true;
    for await (const batch of records()) {
      if (batch.length === 0) continue;
      yield (first ? '' : ',') + batch.map((r) => JSON.stringify(r)).join(',');
      first = false;
    }
    yield ']';
    return;
  }
  const sep = format === 'TSV' ? '\t' : ',';
  const columns = [...new Set([...(await src.dataKeys()), ...Object.keys(src.controls), ...ANNOTATION_COLUMNS])].sort();
  yield csvHeader(columns, sep);
  for await (const batch of records()) yield batch.map((r) => csvLine(columns, r, sep)).join('');
}

export function exportFilename(projectId: number, format: ExportFormat, at = new Date()): string {
  const stamp = at.toISOString().slice(0, 16).replace('T', '-').replace(':', '-');
  const tag = Math.random().toString(16).slice(2, 10).padEnd(8, '0');
  return `project-${projectId}-at-${stamp}-${tag}.${EXPORT_FORMATS[format].ext}`;
}
