import type { Queryable } from '../../db/connection.js';
import type { Actor } from '../users/service.js';

/**
 * Annotator isolation, as a hook the project and task services call: may this actor see the tasks of
 * this project? Users who are not fleet annotators are not restricted here. A fleet annotator sees only
 * the projects of their own assignments, and only while their workspace is active — a stopped or deleted
 * workspace shows nothing, though their token still authenticates. Refusals answer like a missing project.
 */
export async function taskVisibility(db: Queryable, actor: Actor, projectId: number): Promise<boolean> {
  if (actor.role !== 'annotator') return true;
  const rows = await db.query<{ visible: boolean }>(
    `SELECT (a.status = 'active' AND EXISTS (
        SELECT 1 FROM assignments s WHERE s.annotator_id = a.id AND s.ls_project_id = $2 AND s.status IN ('pending', 'in_progress', 'completed')
      )) AS visible
     FROM annotators a WHERE a.user_id = $1`,
    [actor.id, projectId],
  );
  return rows[0]?.visible ?? true;
}

/** The projects a fleet annotator may see, for lists; null when the actor is not restricted. */
export async function visibleProjectIds(db: Queryable, actor: Actor): Promise<number[] | null> {
  if (actor.role !== 'annotator') return null;
  const rows = await db.query<{ status: string; project: number | null }>(
    `SELECT a.status, s.ls_project_id AS project FROM annotators a
     LEFT JOIN assignments s ON s.annotator_id = a.id AND s.status IN ('pending', 'in_progress', 'completed')
     WHERE a.user_id = $1`,
    [actor.id],
  );
  if (rows.length === 0) return null;
  return rows[0].status === 'active' ? rows.flatMap((r) => (r.project === null ? [] : [r.project])) : [];
}
