import type { Queryable } from '../../db/connection.js';

export interface UserRow {
  id: number;
  email: string;
  username: string;
  first_name: string;
  last_name: string;
  phone: string;
  password_hash: string | null;
  role: string;
  is_active: boolean;
  allow_newsletters: boolean | null;
  active_organization: number;
  date_joined: Date;
  last_activity: Date;
}

export const findUserById = async (q: Queryable, id: number) => (await q.query<UserRow>('SELECT * FROM users WHERE id = $1', [id]))[0];

export const findUserByEmail = async (q: Queryable, email: string) =>
  (await q.query<UserRow>('SELECT * FROM users WHERE lower(email) = lower($1)', [email]))[0];

export const listUsersOfOrg = (q: Queryable, orgId: number) =>
  q.query<UserRow>('SELECT * FROM users WHERE active_organization = $1 ORDER BY id', [orgId]);

export const countUsers = async (q: Queryable) => Number((await q.query<{ n: number }>('SELECT count(*)::int AS n FROM users'))[0].n);

export async function insertUser(
  q: Queryable,
  u: { email: string; username: string; firstName: string; lastName: string; phone: string; passwordHash: string | null; role: string; orgId: number; allowNewsletters: boolean | null },
): Promise<UserRow> {
  const rows = await q.query<UserRow>(
    `INSERT INTO users (email, username, first_name, last_name, phone, password_hash, role, active_organization, allow_newsletters)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
    [u.email, u.username, u.firstName, u.lastName, u.phone, u.passwordHash, u.role, u.orgId, u.allowNewsletters],
  );
  return rows[0];
}

const PATCHABLE = ['username', 'first_name', 'last_name', 'phone', 'allow_newsletters', 'email'] as const;
export type UserPatch = Partial<Record<(typeof PATCHABLE)[number], unknown>>;

export async function updateUser(q: Queryable, id: number, patch: UserPatch): Promise<UserRow | undefined> {
  const cols = PATCHABLE.filter((c) => patch[c] !== undefined);
  if (cols.length === 0) return findUserById(q, id);
  const sets = cols.map((c, i) => `${c} = $${i + 2}`).join(', ');
  return (await q.query<UserRow>(`UPDATE users SET ${sets} WHERE id = $1 RETURNING *`, [id, ...cols.map((c) => patch[c])]))[0];
}

export const deleteUser = (q: Queryable, id: number) => q.query('DELETE FROM users WHERE id = $1', [id]);

export const setPasswordHash = (q: Queryable, id: number, hash: string) => q.query('UPDATE users SET password_hash = $2 WHERE id = $1', [id, hash]);

export async function ensureDefaultOrganization(q: Queryable): Promise<number> {
  const existing = await q.query<{ id: number }>('SELECT id FROM organizations ORDER BY id LIMIT 1');
  if (existing[0]) return existing[0].id;
  return (await q.query<{ id: number }>(`INSERT INTO organizations (title) VALUES ('LabelFleet') RETURNING id`))[0].id;
}

export async function insertOrganization(q: Queryable, title: string): Promise<number> {
  return (await q.query<{ id: number }>('INSERT INTO organizations (title) VALUES ($1) RETURNING id', [title]))[0].id;
}

export const organization = async (q: Queryable, id: number) =>
  (await q.query<{ id: number; title: string; created_at: Date }>('SELECT * FROM organizations WHERE id = $1', [id]))[0];
