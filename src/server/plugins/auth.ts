import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Ctx } from '../context.js';
import { AppError } from '../errors.js';
import { findUserByLegacyKey, findUserBySession } from '../modules/auth/queries.js';
import { looksLikeJwt, verifyToken } from '../modules/auth/tokens.js';
import { findUserById } from '../modules/users/queries.js';
import { type Actor, toActor } from '../modules/users/service.js';

export const SESSION_COOKIE = 'sessionid';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
  }
  interface FastifyContextConfig {
    /** the route answers without credentials */
    public?: boolean;
  }
}

async function resolveActor(ctx: Ctx, req: FastifyRequest): Promise<Actor | null> {
  const header = req.headers.authorization;
  if (header) {
    const [scheme, credential] = header.trim().split(/\s+/, 2);
    if (!credential) throw new AppError('unauthorized', 'Invalid token header. No credentials provided.');
    if (scheme.toLowerCase() === 'token') {
      const user = await findUserByLegacyKey(ctx.db, credential);
      if (!user || !user.is_active) throw new AppError('unauthorized', 'Invalid token.');
      return toActor(user);
    }
    if (scheme.toLowerCase() === 'bearer') {
      const claims = looksLikeJwt(credential) ? await verifyToken(ctx.jwtKey, credential) : null;
      if (!claims || claims.type !== 'access') throw new AppError('unauthorized', 'Given token not valid for any token type', undefined, { code: 'token_not_valid' });
      const user = await findUserById(ctx.db, claims.userId);
      if (!user || !user.is_active) throw new AppError('unauthorized', 'User not found', undefined, { code: 'user_not_found' });
      return toActor(user);
    }
    throw new AppError('unauthorized', `Unsupported authorization scheme "${scheme}"; use "Token <key>" or "Bearer <access token>".`);
  }
  const session = req.cookies?.[SESSION_COOKIE];
  if (session) {
    const user = await findUserBySession(ctx.db, session);
    if (user?.is_active) return toActor(user);
  }
  return null;
}

/** Every /api route needs credentials unless its config says `public: true`. */
export function registerAuth(app: FastifyInstance, ctx: Ctx): void {
  app.decorateRequest('actor', null);
  app.addHook('onRequest', async (req) => {
    const isPublic = req.routeOptions.config?.public === true;
    // the route's pattern as well as the URL as sent: "//api/..." and "/%61pi/..." reach /api routes too
    const paths = [req.routeOptions.url, req.url.split('?')[0].replace(/\/{2,}/g, '/')];
    const needsAuth = !isPublic && paths.some((p) => p?.startsWith('/api/') || p?.startsWith('/data/'));
    try {
      req.actor = await resolveActor(ctx, req);
    } catch (err) {
      if (needsAuth) throw err;
      req.actor = null;
    }
    if (needsAuth && !req.actor) throw new AppError('unauthorized', 'Authentication credentials were not provided.');
  });
}

/** The caller of an authenticated route; the onRequest hook has already refused anonymous requests. */
export function actorOf(req: FastifyRequest): Actor {
  if (!req.actor) throw new AppError('unauthorized', 'Authentication credentials were not provided.');
  return req.actor;
}
