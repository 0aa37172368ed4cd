/** Label Studio's export task shape, as far as the flat formats read it. */
export interface ExportTask {
  id: number;
  data: Record<string, unknown>;
  annotations: {
    id: number;
    completed_by: number | null;
    result: Record<string, unknown>[];
    was_cancelled: boolean;
    created_at: string;
    updated_at: string;
    lead_time: number | null;
  }[];
}

/** Control name → control tag name (e.g. "sentiment" → "Choices"), from the project's parsed config. */
export type ControlTypes = Record<string, string>;

function prettify(values: Record<string, unknown>[], tag: string): unknown {
  const out = values.map((v) => {
    if (tag === 'Choices' && Array.isArray(v.choices) && v.choices.length === 1) return v.choices[0];
    if (tag === 'TextArea' && Array.isArray(v.text) && v.text.length === 1) return v.text[0];
    return v;
  });
  return (tag === 'Choices' || tag === 'TextArea') && out.length === 1 ? out[0] : out;
}

const NO_ANNOTATION = { annotator: null, annotation_id: null, created_at: null, updated_at: null, lead_time: null };

/**
 * JSON_MIN records of one task: one per non-cancelled annotation, newest first. Like Label Studio's
 * converter, a task without annotations gives one record of its data alone, and a task whose
 * annotations were all skipped gives none.
 */
export function minRecords(task: ExportTask, controls: ControlTypes): Record<string, unknown>[] {
  if (task.annotations.length === 0) return [{ ...task.data, id: task.id, ...NO_ANNOTATION }];
  const annotations = task.annotations.filter((a) => !a.was_cancelled).sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0));
  return annotations.map((a) => {
    const record: Record<string, unknown> = { ...task.data, id: task.id };
    const byControl = new Map<string, Record<string, unknown>[]>();
    for (const r of a.result ?? []) {
      const name = r.from_name as string | undefined;
      if (!name || !controls[name] || r.type === 'relation') continue;
      const value: Record<string, unknown> = { ...(r.value as Record<string, unknown>) };
      if (r.original_width !== undefined) value.original_width = r.original_width;
      if (r.original_height !== undefined) value.original_height = r.original_height;
      const list = byControl.get(name) ?? [];
      list.push(value);
      byControl.set(name, list);
    }
    for (const [name, values] of byControl) record[name] = prettify(values, controls[name]);
    record.annotator = a.completed_by;
    record.annotation_id = a.id;
    record.created_at = a.created_at;
    record.updated_at = a.updated_at;
    record.lead_time = a.lead_time;
    return record;
  });
}
