import type { Ctx } from '../../context.js';
import { AppError } from '../../errors.js';
import { findUserByEmail } from '../users/queries.js';
import type { UserRow } from '../users/queries.js';
import { hashPassword, verifyPassword } from './passwords.js';
import * as q from './queries.js';
import { ACCESS_TOKEN_TTL_SECONDS, PERSONAL_TOKEN_TTL_DAYS, newLegacyKey, newSessionId, signToken, verifyToken } from './tokens.js';

const SESSION_TTL_MS = 14 * 24 * 3600 * 1000;

// An unknown email costs one hash too, so the response time does not tell which emails have accounts.
const DECOY_HASH = hashPassword('decoy-password');

export async function login(ctx: Ctx, email: string, password: string): Promise<{ user: UserRow; sessionId: string; expiresAt: Date }> {
  const user = await findUserByEmail(ctx.db, email);
  const matches = await verifyPassword(password, user?.password_hash ?? (await DECOY_HASH));
  if (!user || !user.is_active || !matches) {
    throw new AppError('unauthorized', 'The email and password you entered do not match.');
  }
  const sessionId = newSessionId();
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  await q.insertSession(ctx.db, sessionId, user.id, expiresAt);
  return { user, sessionId, expiresAt };
}

export const logout = (ctx: Ctx, sessionId: string) => q.deleteSession(ctx.db, sessionId);

export async function legacyKeyOf(ctx: Ctx, userId: number): Promise<string> {
  const key = await q.findLegacyKey(ctx.db, userId);
  if (key) return key;
  const fresh = newLegacyKey();
  await q.replaceLegacyKey(ctx.db, userId, fresh);
  return fresh;
}

export async function resetLegacyKey(ctx: Ctx, userId: number): Promise<string> {
  const key = newLegacyKey();
  await q.replaceLegacyKey(ctx.db, userId, key);
  return key;
}

const iso = (d: Date) => d.toISOString();

export async function createPersonalToken(ctx: Ctx, userId: number) {
  if ((await q.listLivePersonalTokens(ctx.db, userId)).length > 0) {
    throw new AppError('conflict', 'You already have a valid token. Please revoke it before creating a new one.');
  }
  const { token, jti, exp } = await signToken(ctx.jwtKey, userId, 'refresh', PERSONAL_TOKEN_TTL_DAYS * 86400);
  const expiresAt = new Date(exp * 1000);
  await q.insertPersonalToken(ctx.db, { jti, userId, preview: token.split('.').slice(0, 2).join('.'), expiresAt });
  return { token, created_at: iso(new Date()), expires_at: iso(expiresAt) };
}

export async function listPersonalTokens(ctx: Ctx, userId: number) {
  return (await q.listLivePersonalTokens(ctx.db, userId)).map((t) => ({ token: t.preview, created_at: iso(t.created_at), expires_at: iso(t.expires_at) }));
}

async function liveRefreshClaims(ctx: Ctx, refresh: string) {
  const claims = await verifyToken(ctx.jwtKey, refresh);
  if (!claims || claims.type !== 'refresh') return null;
  const row = await q.findPersonalToken(ctx.db, claims.jti);
  if (!row || row.revoked_at || row.expires_at <= new Date()) return null;
  return claims;
}

const invalidToken = () => new AppError('unauthorized', 'Token is invalid or expired', undefined, { code: 'token_not_valid' });

/** PAT → short-lived Bearer access token. */
export async function refreshAccessToken(ctx: Ctx, refresh: string): Promise<{ access: string }> {
  const claims = await liveRefreshClaims(ctx, refresh);
  if (!claims) throw invalidToken();
  const { token } = await signToken(ctx.jwtKey, claims.userId, 'access', ACCESS_TOKEN_TTL_SECONDS);
  return { access: token };
}

export async function blacklistPersonalToken(ctx: Ctx, userId: number, refresh: string): Promise<void> {
  const claims = await liveRefreshClaims(ctx, refresh);
  if (!claims || claims.userId !== userId || !(await q.revokePersonalToken(ctx.db, claims.jti))) {
    throw new AppError('not_found', 'Token is invalid or already blacklisted.');
  }
}

export async function rotatePersonalToken(ctx: Ctx, userId: number, refresh: string): Promise<{ refresh: string }> {
  const claims = await liveRefreshClaims(ctx, refresh);
  if (!claims || claims.userId !== userId) throw new AppError('invalid', 'Token is invalid or expired');
  await q.revokePersonalToken(ctx.db, claims.jti);
  const { token } = await createPersonalToken(ctx, userId);
  return { refresh: token };
}
