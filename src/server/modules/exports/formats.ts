import { AppError } from '../../errors.js';
import { ANNOTATION_COLUMNS, csvHeader, csvLine } from './csv.js';
import { minRecords, type ControlTypes, type ExportTask } from './json-min.js';
import type { ExportPage } from './task-rows.js';

export const EXPORT_FORMATS = {
  JSON: { title: 'JSON', ext: 'json', contentType: 'application/json', description: "List of items in raw JSON format stored in one JSON file. Use to export both the data and the annotations for a dataset. It's Label Studio Common Format" },
  JSON_MIN: { title: 'JSON-MIN', ext: 'json', contentType: 'application/json', description: 'List of items where only "from_name", "to_name" values from the raw JSON format are exported.' },
  CSV: { title: 'CSV', ext: 'csv', contentType: 'text/csv', description: 'Results are stored as comma-separated values with the column names specified by the values of the "from_name" and "to_name" fields.' },
  TSV: { title: 'TSV', ext: 'tsv', contentType: 'text/tab-separated-values', description: 'Results are stored in tab-separated tabular file with column names specified by "from_name" "to_name" values' },
} as const;
export type ExportFormat = keyof typeof EXPORT_FORMATS;

export function exportFormat(raw: string | undefined): ExportFormat {
  const f = (raw ?? 'JSON').toUpperCase();
  if (f in EXPORT_FORMATS) return f as ExportFormat;
  throw new AppError('invalid', `${raw} is not supported export format. Supported: ${Object.keys(EXPORT_FORMATS).join(', ')}`);
}

export interface ExportSource {
  /** Pages of task JSON (Label Studio's export shape); may be called more than once. */
  pages: () => AsyncIterable<ExportPage>;
  /** Every data key the selected tasks use, for the CSV header. */
  dataKeys: () => Promise<string[]>;
  controls: ControlTypes;
}

/** Renders the export as a stream of text pieces; memory holds one page at a time. */
export async function* renderExport(format: ExportFormat, src: ExportSource): AsyncGenerator<string> {
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
