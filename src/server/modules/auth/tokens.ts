import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';

export const ACCESS_TOKEN_TTL_SECONDS = 5 * 60;
export const PERSONAL_TOKEN_TTL_DAYS = 73_000;

/** Label Studio's legacy API key: 40 hex characters, sent as `Authorization: Token <key>`. */
export function newLegacyKey(): string {
  return randomBytes(20).toString('hex');
}

export function newSessionId(): string {
  return randomBytes(32).toString('base64url');
}

export interface TokenClaims {
  userId: number;
  jti: string;
  type: 'refresh' | 'access';
  exp: number;
}

export async function signToken(key: Uint8Array, userId: number, type: 'refresh' | 'access', ttlSeconds: number, jti = randomUUID()): Promise<{ token: string; jti: string; exp: number }> {
  const now = Math.floor(Date.now() / 1000);
  const exp = now + ttlSeconds;
  const token = await new SignJWT({ token_type: type, user_id: userId, jti })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(now)
    .setExpirationTime(exp)
    .sign(key);
  return { token, jti, exp };
}

/** null when the signature, expiry or shape is wrong. */
export async function verifyToken(key: Uint8Array, token: string): Promise<TokenClaims | null> {
  try {
    const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'] });
    const type = payload.token_type;
    if ((type !== 'refresh' && type !== 'access') || typeof payload.user_id !== 'number' || typeof payload.jti !== 'string' || typeof payload.exp !== 'number') return null;
    return { userId: payload.user_id, jti: payload.jti, type, exp: payload.exp };
  } catch {
    return null;
  }
}

export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);
}
