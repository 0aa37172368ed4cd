import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Ctx } from '../../context.js';
import { actorOf, SESSION_COOKIE } from '../../plugins/auth.js';
import { loginPage } from './login-page.js';
import * as auth from './service.js';

/** Browsers read a backslash as a slash and drop tabs and newlines: "/\host" or "/<tab>/host" would leave the site like "//host". */
const localPath = (next: string | undefined) => (next && /^\/(?!\/)[^\\\x00-\x1f]*$/.test(next) ? next : '/');

const RefreshBody = z.object({ refresh: z.string({ error: 'This field is required.' }).min(1) });

export function authRoutes(app: FastifyInstance, ctx: Ctx): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['auth'];

  r.post('/api/token/refresh', { config: { public: true }, schema: { tags, body: RefreshBody } }, async (req) => auth.refreshAccessToken(ctx, req.body.refresh));
  r.get('/api/token', { schema: { tags } }, async (req) => auth.listPersonalTokens(ctx, actorOf(req).id));
  r.post('/api/token', { schema: { tags } }, async (req, reply) => reply.status(201).send(await auth.createPersonalToken(ctx, actorOf(req).id)));
  r.post('/api/token/blacklist', { schema: { tags, body: RefreshBody } }, async (req, reply) => {
    await auth.blacklistPersonalToken(ctx, actorOf(req).id, req.body.refresh);
    return reply.status(204).send();
  });
  r.post('/api/token/rotate', { schema: { tags, body: RefreshBody } }, async (req) => auth.rotatePersonalToken(ctx, actorOf(req).id, req.body.refresh));
  r.get('/api/current-user/token', { schema: { tags } }, async (req) => ({ token: await auth.legacyKeyOf(ctx, actorOf(req).id) }));
  r.post('/api/current-user/reset-token', { schema: { tags } }, async (req) => ({ token: await auth.resetLegacyKey(ctx, actorOf(req).id) }));

  const csrf = () => Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString('hex');
  r.get('/user/login', { config: { public: true }, schema: { hide: true } }, async (req, reply) => {
    const token = req.cookies.csrftoken ?? csrf();
    reply.setCookie('csrftoken', token, { path: '/', sameSite: 'lax' });
    return reply.type('text/html').send(loginPage(token));
  });
  r.post(
    '/user/login',
    { config: { public: true }, schema: { hide: true, body: z.object({ email: z.string(), password: z.string(), csrfmiddlewaretoken: z.string().optional(), next: z.string().optional() }) } },
    async (req, reply) => {
      const cookieToken = req.cookies.csrftoken;
      if (cookieToken && req.body.csrfmiddlewaretoken && cookieToken !== req.body.csrfmiddlewaretoken) {
        return reply.status(403).type('text/html').send(loginPage(cookieToken, 'CSRF token mismatch: reload the page and try again.'));
      }
      try {
        const { sessionId, expiresAt } = await auth.login(ctx, req.body.email, req.body.password);
        reply.setCookie(SESSION_COOKIE, sessionId, { path: '/', httpOnly: true, sameSite: 'lax', expires: expiresAt });
        return reply.redirect(localPath(req.body.next), 302);
      } catch {
        return reply.status(401).type('text/html').send(loginPage(cookieToken ?? csrf(), 'The email and password you entered do not match.'));
      }
    },
  );
  r.get('/user/logout', { config: { public: true }, schema: { hide: true } }, async (req, reply) => {
    const sid = req.cookies[SESSION_COOKIE];
    if (sid) await auth.logout(ctx, sid);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/user/login', 302);
  });
}
