import type { Queryable } from '../../db/connection.js';
import { AppError, notFound, validationError } from '../../errors.js';
import { isoTime } from '../../wire.js';
import { hashPassword } from '../auth/passwords.js';
import { replaceLegacyKey } from '../auth/queries.js';
import { newLegacyKey } from '../auth/tokens.js';
import * as q from './queries.js';
import type { UserRow } from './queries.js';

export type Role = 'owner' | 'admin' | 'manager' | 'reviewer' | 'annotator';
export const ROLES: Role[] = ['owner', 'admin', 'manager', 'reviewer', 'annotator'];

/** Who is asking: every service that checks permissions takes this. */
export interface Actor {
  id: number;
  email: string;
  role: Role;
  orgId: number;
}

export const toActor = (u: UserRow): Actor => ({ id: u.id, email: u.email, role: u.role as Role, orgId: u.active_organization });

export const canManageProjects = (a: Actor) => a.role !== 'annotator' && a.role !== 'reviewer';

export function requireManager(a: Actor): void {
  if (!canManageProjects(a)) throw new AppError('forbidden', 'You do not have permission to perform this action.');
}

const outranks = (a: Role, b: Role) => ROLES.indexOf(a) < ROLES.indexOf(b);

/** Managers manage users, but never anyone whose role is above their own. */
export function requireUserManager(actor: Actor, targetRole: Role): void {
  requireManager(actor);
  if (outranks(targetRole, actor.role)) throw new AppError('forbidden', `A ${actor.role} cannot manage a user with the ${targetRole} role.`);
}

const initials = (u: UserRow) => ((u.first_name[0] ?? '') + (u.last_name[0] ?? '')).toLowerCase() || u.email.slice(0, 2).toLowerCase();

/** The user object as Label Studio serializes it. */
export function serializeUser(u: UserRow) {
  return {
    id: u.id,
    first_name: u.first_name,
    last_name: u.last_name,
    username: u.username,
    email: u.email,
    last_activity: isoTime(u.last_activity),
    avatar: null,
    initials: initials(u),
    phone: u.phone,
    active_organization: u.active_organization,
    allow_newsletters: u.allow_newsletters,
    date_joined: isoTime(u.date_joined),
    custom_hotkeys: {},
    role: u.role,
  };
}

export const serializeUserSimple = (u: Pick<UserRow, 'id' | 'first_name' | 'last_name' | 'email' | 'username'>) => ({
  id: u.id,
  first_name: u.first_name,
  last_name: u.last_name,
  email: u.email,
  avatar: null,
  username: u.username,
});

export interface NewUser {
  email: string;
  password?: string | null;
  username?: string;
  firstName?: string;
  lastName?: string;
  phone?: string;
  role?: Role;
  orgId: number;
  token?: string;
  allowNewsletters?: boolean | null;
}

const emailTaken = () => validationError('email', 'User with this email already exists');

const isUniqueViolation = (err: unknown) => (err as { code?: unknown } | null)?.code === '23505';

export async function createUser(db: Queryable, input: NewUser): Promise<UserRow> {
  if (await q.findUserByEmail(db, input.email)) throw emailTaken();
  const row = {
    email: input.email,
    username: input.username || input.email,
    firstName: input.firstName ?? '',
    lastName: input.lastName ?? '',
    phone: input.phone ?? '',
    passwordHash: input.password ? await hashPassword(input.password) : null,
    role: input.role ?? 'annotator',
    orgId: input.orgId,
    allowNewsletters: input.allowNewsletters ?? null,
  };
  // a request with the same email may have won the race since the check above
  const user = await q.insertUser(db, row).catch((err: unknown) => {
    throw isUniqueViolation(err) ? emailTaken() : err;
  });
  await replaceLegacyKey(db, user.id, input.token ?? newLegacyKey());
  return user;
}

export async function getUserInOrg(db: Queryable, actor: Actor, id: number): Promise<UserRow> {
  const u = await q.findUserById(db, id);
  if (!u || u.active_organization !== actor.orgId) throw notFound();
  return u;
}

export { findUserByEmail, findUserById, organization, listUsersOfOrg, countUsers, ensureDefaultOrganization, insertOrganization, updateUser, deleteUser } from './queries.js';
export type { UserRow } from './queries.js';
