import type { Queryable } from '../../db/connection.js';
import type { UserRow } from '../users/queries.js';

export const findUserByLegacyKey = async (q: Queryable, key: string) =>
  (await q.query<UserRow>('SELECT u.* FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.key = $1', [key]))[0];

export const findLegacyKey = async (q: Queryable, userId: number) =>
  (await q.query<{ key: string }>('SELECT key FROM api_tokens WHERE user_id = $1', [userId]))[0]?.key;

export async function replaceLegacyKey(q: Queryable, userId: number, key: string): Promise<void> {
  await q.query(
    `INSERT INTO api_tokens (key, user_id) VALUES ($1, $2)
     ON CONFLICT (user_id) DO UPDATE SET key = EXCLUDED.key, created_at = now()`,
    [key, userId],
  );
}

export const findUserBySession = async (q: Queryable, sessionId: string) =>
  (await q.query<UserRow>('SELECT u.* FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1 AND s.expires_at > now()', [sessionId]))[0];

export const insertSession = (q: Queryable, id: string, userId: number, expiresAt: Date) =>
  q.query('INSERT INTO sessions (id, user_id, expires_at) VALUES ($1, $2, $3)', [id, userId, expiresAt]);

export const deleteSession = (q: Queryable, id: string) => q.query('DELETE FROM sessions WHERE id = $1', [id]);

export interface PersonalTokenRow {
  jti: string;
  user_id: number;
  preview: string;
  created_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
}

export const insertPersonalToken = (q: Queryable, t: { jti: string; userId: number; preview: string; expiresAt: Date }) =>
  q.query('INSERT INTO personal_tokens (jti, user_id, preview, expires_at) VALUES ($1, $2, $3, $4)', [t.jti, t.userId, t.preview, t.expiresAt]);

export const findPersonalToken = async (q: Queryable, jti: string) =>
  (await q.query<PersonalTokenRow>('SELECT * FROM personal_tokens WHERE jti = $1', [jti]))[0];

export const listLivePersonalTokens = (q: Queryable, userId: number) =>
  q.query<PersonalTokenRow>('SELECT * FROM personal_tokens WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now() ORDER BY created_at', [userId]);

export const revokePersonalToken = async (q: Queryable, jti: string) =>
  (await q.query<{ jti: string }>('UPDATE personal_tokens SET revoked_at = now() WHERE jti = $1 AND revoked_at IS NULL RETURNING jti', [jti])).length > 0;

export async function instanceSecret(q: Queryable, key: string, make: () => string): Promise<string> {
  await q.query('INSERT INTO instance_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [key, make()]);
  return (await q.query<{ value: string }>('SELECT value FROM instance_settings WHERE key = $1', [key]))[0].value;
}
