/**
 * A cell as Python's csv.QUOTE_NONNUMERIC writes it (Label Studio's converter): numbers and booleans
 * bare, everything else quoted — missing values as "" and structures as JSON.
 */
function cell(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  const s = v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
  return `"${s.replace(/"/g, '""')}"`;
}

/** The CSV names the annotator as text (id or email); JSON_MIN keeps the integer id. */
const annotatorText = (v: unknown) => (v === null || v === undefined ? null : String(v));

// Python's csv writer ends rows with \r\n.
export function csvLine(columns: string[], record: Record<string, unknown>, sep: string): string {
  return `${columns.map((c) => cell(c === 'annotator' ? annotatorText(record.annotator) : record[c])).join(sep)}\r\n`;
}

export function csvHeader(columns: string[], sep: string): string {
  return `${columns.map(cell).join(sep)}\r\n`;
}

export const ANNOTATION_COLUMNS = ['annotation_id', 'annotator', 'created_at', 'id', 'lead_time', 'updated_at'];
