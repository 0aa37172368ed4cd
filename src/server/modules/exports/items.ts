import type { ParsedLabelConfig } from '../labelconfig/parsed-config.js';
import type { MediaResolver } from './media.js';
import type { ExportPage } from './task-rows.js';

/** A region's value as the converter sees it: the result's value plus its control type and image size. */
export interface OutputValue extends Record<string, unknown> {
  type: string;
  original_width?: number;
  original_height?: number;
  /** the region id and its parent, which YOLO-pose uses to join keypoints to their box */
  id?: unknown;
  parentID?: unknown;
}

/** One annotation of one task, as Label Studio's converter iterates them. */
export interface ConversionItem {
  id: number;
  input: Record<string, unknown>;
  /** control name → its regions, in the order the result lists them */
  output: Map<string, OutputValue[]>;
  completed_by: unknown;
  annotation_id: number | null;
}

interface ExportAnnotation {
  id: number;
  completed_by?: unknown;
  result?: Record<string, unknown>[] | null;
  was_cancelled?: boolean;
  skipped?: boolean;
  created_at?: string;
}

interface ExportTaskJson {
  id: number;
  data: Record<string, unknown>;
  annotations?: ExportAnnotation[];
}

/** The config's control a from_name belongs to: its own name, or a Repeater pattern it matches. */
export function controlMatcher(config: ParsedLabelConfig): (fromName: string) => string | null {
  const patterns = Object.entries(config).flatMap(([name, c]) => {
    if (!c.regex) return [];
    let source = name;
    for (const [variable, rx] of Object.entries(c.regex)) source = source.split(variable).join(rx);
    try {
      return [{ name, length: source.length, rx: new RegExp(`^(?:${source})`) }];
    } catch {
      return [];
    }
  });
  return (fromName) => {
    if (Object.hasOwn(config, fromName)) return fromName;
    let best: { name: string; length: number } | null = null;
    for (const p of patterns) if (p.rx.test(fromName) && (!best || p.length > best.length)) best = p;
    return best?.name ?? null;
  };
}

/**
 * The converter's items of one task: a task without annotations gives one item with no output; otherwise
 * each annotation that was not skipped gives one, newest first. Results of unknown controls are dropped.
 */
export function taskItems(task: ExportTaskJson, config: ParsedLabelConfig, match = controlMatcher(config)): ConversionItem[] {
  const all = task.annotations ?? [];
  const base = { id: task.id, input: task.data ?? {} };
  if (all.length === 0) return [{ ...base, output: new Map(), completed_by: {}, annotation_id: null }];
  const kept = all.filter((a) => !(a.skipped || a.was_cancelled));
  const newestFirst = kept.map((a, i) => ({ a, i })).sort((x, y) => {
    const cx = x.a.created_at ?? '';
    const cy = y.a.created_at ?? '';
    return cx < cy ? 1 : cx > cy ? -1 : x.i - y.i;
  });
  return newestFirst.map(({ a }) => {
    const output = new Map<string, OutputValue[]>();
    for (const r of a.result ?? []) {
      const fromName = typeof r.from_name === 'string' && r.from_name ? r.from_name : null;
      const control = fromName ? match(fromName) : null;
      if (!fromName || !control) continue;
      const v: OutputValue = { ...(r.value as Record<string, unknown>), type: config[control].type };
      if ('original_width' in r) v.original_width = r.original_width as number;
      if ('original_height' in r) v.original_height = r.original_height as number;
      v.id = r.id;
      v.parentID = r.parentID;
      const list = output.get(fromName);
      if (list) list.push(v);
      else output.set(fromName, [v]);
    }
    return { ...base, output, completed_by: a.completed_by ?? {}, annotation_id: a.id ?? null };
  });
}

/** Pages of tasks as pages of items, each page's items grouped by task in task order. */
export async function* itemPages(pages: AsyncIterable<ExportPage>, config: ParsedLabelConfig): AsyncGenerator<ConversionItem[][]> {
  const match = controlMatcher(config);
  for await (const page of pages) {
    if (page.count === 0) continue;
    yield (JSON.parse(`[${page.body}]`) as ExportTaskJson[]).map((t) => taskItems(t, config, match));
  }
}

/** All regions of an item, control after control (the converter's "concatenate results over all tag names"). */
export const regionsOf = (item: ConversionItem): OutputValue[] => [...item.output.values()].flat();

/** The converter's get_annotator(): an email when completed_by is expanded, else the id as text. */
export function annotatorOf(item: ConversionItem, fallback: string): string {
  const by = item.completed_by;
  if (by !== null && typeof by === 'object') {
    const email = (by as Record<string, unknown>).email;
    return email === undefined ? fallback : String(email);
  }
  return by === null || by === undefined ? 'None' : String(by);
}

/** Label Studio's data keys: every value/valueList the controls' inputs read. */
export function dataKeysOfConfig(config: ParsedLabelConfig): string[] {
  const keys = new Set<string>();
  for (const c of Object.values(config)) {
    for (const input of c.inputs) {
      if (input.value) keys.add(input.value);
      if (input.valueList) keys.add(input.valueList);
    }
  }
  return [...keys];
}

/** What every converter needs besides the items. */
export interface ConvertContext {
  config: ParsedLabelConfig;
  media: MediaResolver;
  /** put the media files stored here into the zip (the *_WITH_IMAGES formats, VOC and ASR with download_resources) */
  includeMedia: boolean;
  now: Date;
}

/** The item's media URL under the config's one data key; for a list, the last one (as YOLO picks it). */
export function mediaUrlOf(item: ConversionItem, config: ParsedLabelConfig): string {
  const v = item.input[dataKeysOfConfig(config)[0]];
  if (Array.isArray(v)) return String(v[v.length - 1] ?? '');
  return typeof v === 'string' ? v : String(v ?? '');
}
