import type { Queryable } from '../../db/connection.js';

export async function insertFileUpload(q: Queryable, u: { projectId: number; userId: number; file: string; size: number }): Promise<number> {
  const rows = await q.query<{ id: number }>('INSERT INTO file_uploads (project_id, user_id, file, size) VALUES ($1, $2, $3, $4) RETURNING id', [u.projectId, u.userId, u.file, u.size]);
  return rows[0].id;
}
