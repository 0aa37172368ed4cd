import type { Db, Queryable } from '../../db/connection.js';
import type { ProjectRow } from '../projects/service.js';
import type { Actor } from '../users/service.js';
import { findTask, type TaskRow } from './queries.js';

/** How long a task handed out by the label stream stays reserved for its annotator. */
export const TASK_LOCK_SECONDS = 600;

const CANDIDATE = `
  SELECT t.id FROM tasks t
  WHERE t.project_id = $1 AND NOT t.is_labeled AND t.id >= $3
    AND NOT EXISTS (SELECT 1 FROM annotations a WHERE a.task_id = t.id AND a.completed_by = $2)
    AND NOT EXISTS (SELECT 1 FROM task_locks l WHERE l.task_id = t.id AND l.user_id <> $2 AND l.expires_at > now())
  ORDER BY t.id LIMIT 1 FOR UPDATE OF t SKIP LOCKED`;

/**
 * Uncertainty sampling (active learning): the open task whose prediction the model was least sure of,
 * among predictions of the project's model version when one is set. Tasks without a scored prediction
 * follow in the sequential order.
 */
const LEAST_CERTAIN = `
  SELECT t.id FROM predictions p JOIN tasks t ON t.id = p.task_id
  WHERE p.project_id = $1 AND p.score IS NOT NULL AND ($3 = '' OR p.model_version = $3) AND NOT t.is_labeled
    AND NOT EXISTS (SELECT 1 FROM annotations a WHERE a.task_id = t.id AND a.completed_by = $2)
    AND NOT EXISTS (SELECT 1 FROM task_locks l WHERE l.task_id = t.id AND l.user_id <> $2 AND l.expires_at > now())
  ORDER BY p.score ASC, t.id LIMIT 1 FOR UPDATE OF t SKIP LOCKED`;

/** Tasks this user skipped come back to them last when the project requeues skips to the same annotator. */
const SKIPPED_BY_ME = `
  SELECT t.id FROM tasks t
  WHERE t.project_id = $1 AND NOT t.is_labeled
    AND EXISTS (SELECT 1 FROM annotations a WHERE a.task_id = t.id AND a.completed_by = $2 AND a.was_cancelled)
    AND NOT EXISTS (SELECT 1 FROM annotations a WHERE a.task_id = t.id AND a.completed_by = $2 AND NOT a.was_cancelled)
    AND NOT EXISTS (SELECT 1 FROM task_locks l WHERE l.task_id = t.id AND l.user_id <> $2 AND l.expires_at > now())
  ORDER BY t.id LIMIT 1 FOR UPDATE OF t SKIP LOCKED`;

/**
 * Takes the task for this user unless someone else's live lock is on it. A concurrent caller may have
 * claimed it after our candidate query read its snapshot; the upsert sees the committed lock and refuses.
 */
async function claim(tx: Queryable, taskId: number, userId: number): Promise<boolean> {
  const taken = await tx.query(
    `INSERT INTO task_locks (task_id, user_id, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))
     ON CONFLICT (task_id) DO UPDATE SET user_id = EXCLUDED.user_id, expires_at = EXCLUDED.expires_at
       WHERE task_locks.user_id = EXCLUDED.user_id OR task_locks.expires_at <= now()
     RETURNING task_id`,
    [taskId, userId, TASK_LOCK_SECONDS],
  );
  if (taken.length === 0) return false;
  await tx.query('DELETE FROM task_locks WHERE user_id = $1 AND task_id <> $2', [userId, taskId]);
  return true;
}

const CLAIM_ATTEMPTS = 3;

async function heldTask(tx: Queryable, actor: Actor, project: ProjectRow): Promise<number | null> {
  const held = await tx.query<{ task_id: number }>(
    `SELECT l.task_id FROM task_locks l JOIN tasks t ON t.id = l.task_id
     WHERE l.user_id = $1 AND t.project_id = $2 AND l.expires_at > now() AND NOT t.is_labeled
       AND NOT EXISTS (SELECT 1 FROM annotations a WHERE a.task_id = t.id AND a.completed_by = $1)`,
    [actor.id, project.id],
  );
  return held[0]?.task_id ?? null;
}

/** The lowest task id that may still be unlabeled, advancing the project's cursor to it. */
async function streamStart(tx: Queryable, project: ProjectRow): Promise<number | null> {
  const cursor = await tx.query<{ first: number | null }>('SELECT min(id) AS first FROM tasks WHERE project_id = $1 AND NOT is_labeled AND id >= $2', [project.id, project.stream_cursor]);
  const from = cursor[0].first;
  if (from !== null && from > project.stream_cursor) await tx.query('UPDATE projects SET stream_cursor = GREATEST(stream_cursor, $2) WHERE id = $1', [project.id, from]);
  return from;
}

async function candidate(tx: Queryable, actor: Actor, project: ProjectRow, from: number): Promise<number | null> {
  const { sampling, model_version: modelVersion } = project.settings as { sampling?: string; model_version?: string };
  if (sampling === 'Uncertainty sampling') {
    const uncertain = (await tx.query<{ id: number }>(LEAST_CERTAIN, [project.id, actor.id, modelVersion ?? '']))[0];
    if (uncertain) return uncertain.id;
  }
  const found = (await tx.query<{ id: number }>(CANDIDATE, [project.id, actor.id, from]))[0];
  if (found) return found.id;
  const skipQueue = (project.settings as { skip_queue?: string }).skip_queue ?? 'REQUEUE_FOR_OTHERS';
  if (skipQueue !== 'REQUEUE_FOR_ME') return null;
  return (await tx.query<{ id: number }>(SKIPPED_BY_ME, [project.id, actor.id]))[0]?.id ?? null;
}

/**
 * Label Studio's label stream, sequential sampling: the task this user already holds, else the lowest
 * unlabeled task they have not annotated and nobody else holds. The project's stream cursor (the lowest
 * unlabeled id) keeps the scan short however many tasks are done.
 */
export async function nextTask(db: Db, actor: Actor, project: ProjectRow): Promise<TaskRow | null> {
  const id = await db.transaction(async (tx) => {
    const held = await heldTask(tx, actor, project);
    if (held !== null) return held;
    const from = await streamStart(tx, project);
    if (from === null) return null;
    for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
      const found = await candidate(tx, actor, project, from);
      if (found === null) return null;
      if (await claim(tx, found, actor.id)) return found;
    }
    return null;
  });
  return id === null ? null : ((await findTask(db, id)) ?? null);
}
