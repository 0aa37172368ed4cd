/** A delimited-text cell as Label Studio's CSV export writes it: strings bare, structures as JSON. */
function cell(v: unknown, sep: string): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
  return s.includes(sep) || s.includes('"') || s.includes('\n') || s.includes('\r') ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(columns: string[], record: Record<string, unknown>, sep: string): string {
  return `${columns.map((c) => cell(record[c], sep)).join(sep)}\n`;
}

export function csvHeader(columns: string[], sep: string): string {
  return `${columns.map((c) => cell(c, sep)).join(sep)}\n`;
}

export const ANNOTATION_COLUMNS = ['annotation_id', 'annotator', 'created_at', 'id', 'lead_time', 'updated_at'];
