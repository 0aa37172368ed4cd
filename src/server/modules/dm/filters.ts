import { AppError } from '../../errors.js';

/** Label Studio's Data Manager grammar: {conjunction, items: [{filter, operator, type, value}]}. */
export interface FilterItem {
  filter: string;
  operator: string;
  type?: string;
  value?: unknown;
}
export interface Filters {
  conjunction?: 'and' | 'or';
  items?: FilterItem[];
}
export interface SelectedItems {
  all: boolean;
  included?: number[];
  excluded?: number[];
}
export interface DmQuery {
  filters?: Filters | null;
  ordering?: string[] | null;
  selectedItems?: SelectedItems | null;
}

/** Collects SQL fragments and their positional parameters. */
export class SqlParams {
  readonly values: unknown[];
  constructor(initial: unknown[] = []) {
    this.values = [...initial];
  }
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

const NUMERIC_COLUMNS: Record<string, string> = {
  id: 't.id',
  inner_id: 't.inner_id',
  total_annotations: 't.total_annotations',
  cancelled_annotations: 't.cancelled_annotations',
  total_predictions: 't.total_predictions',
  predictions_score: '(SELECT avg(p.score) FROM predictions p WHERE p.task_id = t.id)',
};
const DATE_COLUMNS: Record<string, string> = { completed_at: 't.completed_at', created_at: 't.created_at', updated_at: 't.updated_at' };
const TEXT_COLUMNS: Record<string, string> = {
  annotations_results: `(SELECT string_agg(a.result::text, ' ') FROM annotations a WHERE a.task_id = t.id)`,
  predictions_results: `(SELECT string_agg(p.result::text, ' ') FROM predictions p WHERE p.task_id = t.id)`,
  predictions_model_versions: `(SELECT string_agg(p.model_version, ',') FROM predictions p WHERE p.task_id = t.id)`,
  file_upload: `(SELECT f.file FROM file_uploads f WHERE f.id = t.file_upload_id)`,
};

function dataPath(key: string): string[] {
  const path = key.split('.').filter(Boolean);
  if (path.length === 0) throw new AppError('invalid', `Filter column "data." needs a data key`);
  return path;
}

interface Column {
  sql: string;
  kind: 'number' | 'date' | 'text' | 'bool' | 'data';
  path?: string[];
}

function resolveColumn(name: string, sql: SqlParams): Column {
  const col = name.replace(/^filter:/, '').replace(/^tasks:/, '');
  if (col.startsWith('data.')) {
    const path = dataPath(col.slice(5));
    return { sql: `t.data #> ${sql.add(path)}::text[]`, kind: 'data', path };
  }
  if (NUMERIC_COLUMNS[col]) return { sql: NUMERIC_COLUMNS[col], kind: 'number' };
  if (DATE_COLUMNS[col]) return { sql: DATE_COLUMNS[col], kind: 'date' };
  if (TEXT_COLUMNS[col]) return { sql: TEXT_COLUMNS[col], kind: 'text' };
  if (col === 'ground_truth') return { sql: '(t.ground_truth_annotations > 0)', kind: 'bool' };
  if (col === 'is_labeled') return { sql: 't.is_labeled', kind: 'bool' };
  if (col === 'annotators') return { sql: 'annotators', kind: 'number' };
  throw new AppError('invalid', `Unknown filter column "${name}"`);
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

function compareOp(op: string): string | null {
  return ({ equal: '=', not_equal: '<>', less: '<', greater: '>', less_or_equal: '<=', greater_or_equal: '>=' } as Record<string, string>)[op] ?? null;
}

function typedExpr(col: Column, type: string | undefined): { expr: string; cast: string } {
  if (col.kind === 'data') {
    if (type === 'Number') return { expr: `(CASE WHEN jsonb_typeof(${col.sql}) = 'number' THEN (${col.sql})::numeric WHEN (${col.sql} #>> '{}') ~ '^-?[0-9]+(\\.[0-9]+)?$' THEN (${col.sql} #>> '{}')::numeric END)`, cast: '::numeric' };
    if (type === 'Boolean') return { expr: `(${col.sql} #>> '{}')`, cast: '::text' };
    if (type === 'Datetime') return { expr: `(${col.sql} #>> '{}')`, cast: '::text' };
    return { expr: `(${col.sql} #>> '{}')`, cast: '::text' };
  }
  if (col.kind === 'number') return { expr: col.sql, cast: '::numeric' };
  if (col.kind === 'date') return { expr: col.sql, cast: '::timestamptz' };
  if (col.kind === 'bool') return { expr: col.sql, cast: '::boolean' };
  return { expr: col.sql, cast: '::text' };
}

function itemSql(item: FilterItem, sql: SqlParams): string {
  if (!item || typeof item.filter !== 'string' || typeof item.operator !== 'string') {
    throw new AppError('invalid', 'Each filter item needs "filter" and "operator"');
  }
  const col = resolveColumn(item.filter, sql);
  const v = item.value;
  if (col.sql === 'annotators') {
    const ids = (Array.isArray(v) ? v : [v]).map(Number).filter(Number.isFinite);
    const exists = `EXISTS (SELECT 1 FROM annotations a WHERE a.task_id = t.id AND a.completed_by = ANY(${sql.add(ids)}::int[]))`;
    return item.operator.startsWith('not') ? `NOT ${exists}` : exists;
  }
  const { expr, cast } = typedExpr(col, item.type);
  const op = item.operator;
  const cmp = compareOp(op);
  if (cmp) {
    if (v === null || v === undefined) throw new AppError('invalid', `Filter "${item.filter}" ${op} needs a value`);
    const value = col.kind === 'bool' || item.type === 'Boolean' ? String(v) : v;
    return `${expr} ${cmp} ${sql.add(value)}${cast}`;
  }
  switch (op) {
    case 'contains':
    case 'not_contains': {
      const like = `coalesce(${expr}::text, '') ILIKE ${sql.add(`%${escapeLike(String(v ?? ''))}%`)}`;
      return op === 'contains' ? like : `NOT (${like})`;
    }
    case 'starts_with':
      return `${expr}::text ILIKE ${sql.add(`${escapeLike(String(v ?? ''))}%`)}`;
    case 'ends_with':
      return `${expr}::text ILIKE ${sql.add(`%${escapeLike(String(v ?? ''))}`)}`;
    case 'regex':
      return `${expr}::text ~ ${sql.add(String(v ?? ''))}`;
    case 'in':
    case 'not_in': {
      const range = (v ?? {}) as { min?: unknown; max?: unknown };
      const inside = `(${expr} >= ${sql.add(range.min)}${cast} AND ${expr} <= ${sql.add(range.max)}${cast})`;
      return op === 'in' ? inside : `NOT ${inside}`;
    }
    case 'in_list':
    case 'not_in_list': {
      const list = (Array.isArray(v) ? v : [v]).map(String);
      const inside = `${expr}::text = ANY(${sql.add(list)}::text[])`;
      return op === 'in_list' ? inside : `NOT (${inside})`;
    }
    case 'empty': {
      const isEmpty = col.kind === 'data' ? `(${col.sql} IS NULL OR (${col.sql} #>> '{}') = '')` : col.kind === 'number' ? `coalesce(${expr}, 0) = 0` : `${expr} IS NULL`;
      const want = v === true || v === 'true' || v === 1;
      return want ? isEmpty : `NOT ${isEmpty}`;
    }
    case 'exists':
      return `${expr} IS NOT NULL`;
    case 'not_exists':
      return `${expr} IS NULL`;
    default:
      throw new AppError('invalid', `Unknown filter operator "${op}" on "${item.filter}"`);
  }
}

export function filtersSql(filters: Filters | null | undefined, sql: SqlParams): string | null {
  const items = filters?.items ?? [];
  if (items.length === 0) return null;
  const joiner = filters?.conjunction === 'or' ? ' OR ' : ' AND ';
  return `(${items.map((i) => itemSql(i, sql)).join(joiner)})`;
}

export function selectionSql(sel: SelectedItems | null | undefined, sql: SqlParams): string | null {
  if (!sel) return null;
  if (sel.all) return sel.excluded?.length ? `NOT (t.id = ANY(${sql.add(sel.excluded)}::bigint[]))` : null;
  return `t.id = ANY(${sql.add(sel.included ?? [])}::bigint[])`;
}

/** Ordering like ["-tasks:total_annotations"]; ties broken by id for stable pages. */
export function orderingSql(ordering: string[] | null | undefined, sql: SqlParams): string {
  const first = ordering?.[0];
  if (!first) return 't.id ASC';
  const desc = first.startsWith('-');
  const col = resolveColumn(first.replace(/^-/, ''), sql);
  // data fields order as jsonb, as Label Studio's JSONField does: numbers by value, before strings
  const expr = col.kind === 'data' ? `(${col.sql})` : col.sql === 'annotators' ? 't.total_annotations' : col.sql;
  return `${expr} ${desc ? 'DESC' : 'ASC'} NULLS LAST, t.id ${desc ? 'DESC' : 'ASC'}`;
}

/** Parses the `query` parameter (a JSON string) of /api/tasks. */
export function parseDmQuery(raw: string | undefined): DmQuery {
  if (!raw) return {};
  try {
    const parsed = JSON.parse(raw) as DmQuery;
    if (typeof parsed !== 'object' || parsed === null) throw new Error('not an object');
    return parsed;
  } catch (err) {
    throw new AppError('invalid', `"query" must be a JSON object with filters, ordering and selectedItems: ${(err as Error).message}`);
  }
}
