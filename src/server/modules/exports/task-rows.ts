import type { Queryable } from '../../db/connection.js';

export type OnlyOrExclude = 'only' | 'exclude' | null;

/** Which annotations a snapshot keeps (Label Studio's annotation_filter_options); none set keeps them all. */
export interface AnnotationFilter {
  usual?: boolean | null;
  ground_truth?: boolean | null;
  skipped?: boolean | null;
}

export interface TaskFilter {
  projectId: number;
  /** false: only tasks with at least one annotation, skipped ones included (Label Studio's download_all_tasks=false) */
  allTasks: boolean;
  ids?: number[] | null;
  /** has a submitted annotation / is labeled / has a skipped one */
  annotated?: OnlyOrExclude;
  finished?: OnlyOrExclude;
  skipped?: OnlyOrExclude;
  annotations?: AnnotationFilter | null;
}

/** A page of the export: `body` is the comma-joined JSON of `count` tasks, ready to send. */
export interface ExportPage {
  count: number;
  body: string;
}

// millisecond precision, padded to Label Studio's six digits: the same instant the API reports for the row
const TS = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"000Z"')`;

interface TaskText {
  id: number;
  inner_id: number;
  data: string;
  meta: string;
  created_at: string;
  updated_at: string;
  total_annotations: number;
  cancelled_annotations: number;
  total_predictions: number;
  project_id: number;
  updated_by: number | null;
  file_upload: string | null;
}


interface PredictionText {
  task_id: number;
  id: number;
  model_version: string;
  result: string;
  score: number | null;
  cluster: number | null;
  neighbors: string | null;
  mislabeling: number;
  created_at: string;
  updated_at: string;
  project_id: number;
}

const str = (v: string | null) => (v === null ? 'null' : JSON.stringify(v));
const num = (v: number | null) => (v === null || v === undefined ? 'null' : String(v));

// JSONB columns travel as text and are pasted in unparsed: the server never rebuilds the user's data.
/**
 * One annotation as export JSON, written by Postgres: a page's annotations reach Node as one text per
 * task instead of twenty columns per annotation, which is most of the export's CPU in Node.
 */
const jnum = (e: string) => `coalesce((${e})::text, 'null')`;
const jstr = (e: string) => `coalesce(to_json(${e})::text, 'null')`;
const jts = (e: string) => `coalesce('"' || ${TS(e)} || '"', 'null')`;
const ANNOTATION_SQL = `concat('{"id":', a.id, ',"completed_by":', ${jnum('a.completed_by')}, ',"result":', a.result::text,
  ',"was_cancelled":', a.was_cancelled::text, ',"ground_truth":', a.ground_truth::text, ',"created_at":', ${jts('a.created_at')},
  ',"updated_at":', ${jts('a.updated_at')}, ',"draft_created_at":', ${jts('a.draft_created_at')}, ',"lead_time":', ${jnum('a.lead_time')},
  ',"prediction":{},"result_count":', jsonb_array_length(CASE WHEN jsonb_typeof(a.result) = 'array' THEN a.result ELSE '[]'::jsonb END),
  ',"unique_id":', ${jstr('a.unique_id')}, ',"import_id":', ${jnum('a.import_id')}, ',"last_action":', ${jstr('a.last_action')},
  ',"bulk_created":', a.bulk_created::text, ',"task":', a.task_id, ',"project":', a.project_id, ',"updated_by":', ${jnum('a.updated_by')},
  ',"parent_prediction":', ${jnum('a.parent_prediction')}, ',"parent_annotation":', ${jnum('a.parent_annotation')}, ',"last_created_by":null}')`;

const predictionJson = (p: PredictionText) =>
  `{"id":${p.id},"model_version":${str(p.model_version)},"created_ago":"","result":${p.result},"score":${num(p.score)},"cluster":${num(p.cluster)},` +
  `"neighbors":${p.neighbors ?? 'null'},"mislabeling":${num(p.mislabeling)},"created_at":${str(p.created_at)},"updated_at":${str(p.updated_at)},` +
  `"model":null,"model_run":null,"task":${p.task_id},"project":${p.project_id}}`;

/** One task as Label Studio's JSON export writes it, keys in its order. */
const taskJson = (t: TaskText, annotations: string[], predictions: string[]) =>
  `{"id":${t.id},"annotations":[${annotations.join(',')}],"file_upload":${str(t.file_upload)},"drafts":[],"predictions":[${predictions.join(',')}],` +
  `"data":${t.data},"meta":${t.meta},"created_at":${str(t.created_at)},"updated_at":${str(t.updated_at)},"inner_id":${t.inner_id},` +
  `"total_annotations":${t.total_annotations},"cancelled_annotations":${t.cancelled_annotations},"total_predictions":${t.total_predictions},` +
  `"comment_count":0,"unresolved_comment_count":0,"last_comment_updated_at":null,"project":${t.project_id},"updated_by":${num(t.updated_by)},"comment_authors":[]}`;

function groupByTask<T extends { task_id: number }>(rows: T[], render: (r: T) => string): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const r of rows) {
    const list = out.get(r.task_id);
    if (list) list.push(render(r));
    else out.set(r.task_id, [render(r)]);
  }
  return out;
}

const BATCH = 1000;

const TASK_STATES = { annotated: 't.total_annotations > 0', finished: 't.is_labeled', skipped: 't.cancelled_annotations > 0' } as const;

function taskStateConds(f: TaskFilter): string[] {
  return (Object.keys(TASK_STATES) as (keyof typeof TASK_STATES)[]).flatMap((k) => {
    if (f[k] === 'only') return [TASK_STATES[k]];
    if (f[k] === 'exclude') return [`NOT ${TASK_STATES[k]}`];
    return [];
  });
}

function pageQuery(f: TaskFilter) {
  const conds = ['t.project_id = $1', 't.id > $2', ...taskStateConds(f)];
  const params: unknown[] = [f.projectId, 0];
  if (!f.allTasks) conds.push('(t.total_annotations + t.cancelled_annotations) > 0');
  if (f.ids?.length) conds.push(`t.id = ANY($${params.push(f.ids)}::bigint[])`);
  const sql = `SELECT t.id, t.inner_id, t.data::text AS data, t.meta::text AS meta, ${TS('t.created_at')} AS created_at, ${TS('t.updated_at')} AS updated_at,
      t.total_annotations, t.cancelled_annotations, t.total_predictions, t.project_id, t.updated_by, f.file AS file_upload
    FROM tasks t LEFT JOIN file_uploads f ON f.id = t.file_upload_id
    WHERE ${conds.join(' AND ')} ORDER BY t.id LIMIT ${BATCH}`;
  return (db: Queryable, after: number) => db.query<TaskText>(sql, params.map((p, i) => (i === 1 ? after : p)));
}

/** Parameters $2..$5 of the annotation query: whether to filter at all, then each kind to keep. */
function annotationFilterParams(f: AnnotationFilter | null | undefined): boolean[] {
  const keep = [f?.usual === true, f?.ground_truth === true, f?.skipped === true];
  return [keep.some(Boolean), ...keep];
}

async function renderPage(db: Queryable, tasks: TaskText[], annotationFilter: boolean[]): Promise<ExportPage> {
  const ids = tasks.map((t) => t.id);
  // counters are kept on write, so a page without annotations or predictions skips their query
  const anyAnnotations = tasks.some((t) => t.total_annotations + t.cancelled_annotations > 0);
  const anyPredictions = tasks.some((t) => t.total_predictions > 0);
  const [annotations, predictions] = await Promise.all([
    !anyAnnotations
      ? []
      : db.query<{ task_id: number; j: string }>(
          `SELECT a.task_id, string_agg(${ANNOTATION_SQL}, ',' ORDER BY a.id) AS j
           FROM annotations a WHERE a.task_id = ANY($1::bigint[])
             AND (NOT $2 OR ($3 AND NOT a.was_cancelled AND NOT a.ground_truth) OR ($4 AND a.ground_truth) OR ($5 AND a.was_cancelled))
           GROUP BY a.task_id`,
          [ids, ...annotationFilter],
        ),
    !anyPredictions
      ? []
      : db.query<PredictionText>(
          `SELECT p.task_id, p.id, p.model_version, p.result::text AS result, p.score, p.cluster, p.neighbors::text AS neighbors, p.mislabeling,
             ${TS('p.created_at')} AS created_at, ${TS('p.updated_at')} AS updated_at, p.project_id
           FROM predictions p WHERE p.task_id = ANY($1::bigint[]) ORDER BY p.task_id, p.id`,
          [ids],
        ),
  ]);
  const annotationsOf = new Map(annotations.map((a) => [a.task_id, [a.j]]));
  const predictionsOf = groupByTask(predictions, predictionJson);
  return { count: tasks.length, body: tasks.map((t) => taskJson(t, annotationsOf.get(t.id) ?? [], predictionsOf.get(t.id) ?? [])).join(',') };
}

/**
 * Streams the selected tasks' export JSON, in id order, a keyset page at a time. The next page is
 * already being read while this one is rendered and sent, so Postgres and Node work side by side.
 */
export async function* taskPages(db: Queryable, f: TaskFilter): AsyncGenerator<ExportPage> {
  const page = pageQuery(f);
  const quiet = <T>(p: Promise<T>) => {
    p.catch(() => undefined); // awaited below; this only keeps an abandoned prefetch from crashing the process
    return p;
  };
  const load = async (after: number) => {
    const tasks = await page(db, after);
    return { tasks, rendered: quiet(renderPage(db, tasks, annotationFilterParams(f.annotations))) };
  };
  let pending = quiet(load(0));
  for (;;) {
    const { tasks, rendered } = await pending;
    if (tasks.length === 0) return;
    if (tasks.length === BATCH) pending = quiet(load(tasks[tasks.length - 1].id));
    yield await rendered;
    if (tasks.length < BATCH) return;
  }
}

export async function dataKeysOf(db: Queryable, projectId: number): Promise<string[]> {
  const rows = await db.query<{ k: string }>('SELECT DISTINCT jsonb_object_keys(data) AS k FROM tasks WHERE project_id = $1', [projectId]);
  return rows.map((r) => r.k).sort();
}
