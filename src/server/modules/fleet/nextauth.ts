import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Ctx } from '../../context.js';
import { AppError } from '../../errors.js';
import { SESSION_COOKIE } from '../../plugins/auth.js';
import { login, logout } from '../auth/service.js';
import { unauthorizedBecause } from './http.js';

/**
 * NextAuth's credential flow, so scripts written for the LabelFleet admin app work unchanged:
 * GET /api/auth/csrf → {csrfToken} (+ the csrf cookie); POST /api/auth/callback/credentials with a form
 * (email, password, csrfToken) sets the session cookie the whole API accepts (`sessionid`).
 * The token is signed by this instance, so it verifies without its cookie (curl -c without -b);
 * when the cookie comes along it must match, as NextAuth's double-submit check wants.
 */
const CSRF_COOKIE = 'next-auth.csrf-token';

const sign = (key: Uint8Array, nonce: string) => createHmac('sha256', key).update(`csrf:${nonce}`).digest('hex').slice(0, 32);

export function newCsrfToken(key: Uint8Array): string {
  const nonce = randomBytes(16).toString('hex');
  return nonce + sign(key, nonce);
}

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export function csrfTokenValid(key: Uint8Array, token: string | undefined, cookie: string | undefined): boolean {
  if (!token || !/^[0-9a-f]{64}$/.test(token)) return false;
  if (!same(sign(key, token.slice(0, 32)), token.slice(32))) return false;
  if (cookie === undefined) return true;
  return same(cookie.split('|')[0] ?? '', token);
}

const cookieValue = (key: Uint8Array, token: string) => `${token}|${createHash('sha256').update(token).update(Buffer.from(key)).digest('hex')}`;

/** Only paths on this site: "//host" or "/\host" would send the browser elsewhere. */
const localPath = (url: string | undefined) => {
  if (!url) return '/';
  try {
    const u = new URL(url, 'http://local.invalid');
    return u.origin === 'http://local.invalid' && /^\/(?!\/)[^\\\x00-\x1f]*$/.test(u.pathname) ? `${u.pathname}${u.search}` : '/';
  } catch {
    return '/';
  }
};

const Credentials = z.looseObject({
  email: z.string().min(1),
  password: z.string().min(1),
  csrfToken: z.string().optional(),
  callbackUrl: z.string().optional(),
  json: z.string().optional(),
});

function requireCsrf(ctx: Ctx, req: FastifyRequest, token: string | undefined): void {
  if (!csrfTokenValid(ctx.jwtKey, token, req.cookies[CSRF_COOKIE])) throw new AppError('forbidden', 'Invalid or missing CSRF token: GET /api/auth/csrf first');
}

export function nextAuthRoutes(app: FastifyInstance, ctx: Ctx): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const pub = { public: true } as const;
  const tags = ['fleet: auth'];

  r.get('/api/auth/csrf', { config: pub, schema: { tags } }, async (_req, reply) => {
    const token = newCsrfToken(ctx.jwtKey);
    reply.setCookie(CSRF_COOKIE, cookieValue(ctx.jwtKey, token), { path: '/', httpOnly: true, sameSite: 'lax' });
    return { csrfToken: token };
  });

  r.get('/api/auth/providers', { config: pub, schema: { tags } }, async () => ({
    credentials: { id: 'credentials', name: 'Credentials', type: 'credentials', signinUrl: '/api/auth/signin/credentials', callbackUrl: '/api/auth/callback/credentials' },
  }));

  r.post('/api/auth/callback/credentials', { config: pub, schema: { tags, body: Credentials } }, async (req, reply) => {
    requireCsrf(ctx, req, req.body.csrfToken);
    const session = await login(ctx, req.body.email, req.body.password).catch(() => {
      throw unauthorizedBecause('Invalid email or password');
    });
    reply.setCookie(SESSION_COOKIE, session.sessionId, { path: '/', httpOnly: true, sameSite: 'lax', expires: session.expiresAt });
    const url = localPath(req.body.callbackUrl);
    // next-auth/react posts json=true and reads {url}; a plain form post is redirected, as NextAuth does
    if (req.body.json === 'true') return { url };
    return reply.redirect(url, 302);
  });

  r.get('/api/auth/session', { config: pub, schema: { tags } }, async (req) => {
    const a = req.actor;
    return a ? { user: { id: a.id, email: a.email, name: a.email, role: a.role } } : {};
  });

  r.post('/api/auth/signout', { config: pub, schema: { tags, body: z.looseObject({ csrfToken: z.string().optional() }).optional() } }, async (req, reply) => {
    requireCsrf(ctx, req, req.body?.csrfToken);
    const sid = req.cookies[SESSION_COOKIE];
    if (sid) await logout(ctx, sid);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { url: '/' };
  });
}
