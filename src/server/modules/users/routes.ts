import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Ctx } from '../../context.js';
import { AppError } from '../../errors.js';
import { actorOf } from '../../plugins/auth.js';
import { IdParams, isoTime, lsBool } from '../../wire.js';
import * as users from './service.js';

const NewUserBody = z.object({
  email: z.email(),
  username: z.string().max(150).optional(),
  first_name: z.string().max(150).optional(),
  last_name: z.string().max(150).optional(),
  phone: z.string().max(256).optional(),
  password: z.string().min(8).optional(),
  allow_newsletters: lsBool.nullish(),
  role: z.enum(users.ROLES).optional(),
});

const UserPatch = z.object({
  username: z.string().max(150).optional(),
  first_name: z.string().max(150).optional(),
  last_name: z.string().max(150).optional(),
  phone: z.string().max(256).optional(),
  allow_newsletters: lsBool.nullish(),
});

export function userRoutes(app: FastifyInstance, ctx: Ctx): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['users'];

  r.get('/api/users', { schema: { tags } }, async (req) => (await users.listUsersOfOrg(ctx.db, actorOf(req).orgId)).map(users.serializeUser));
  r.post('/api/users', { schema: { tags, body: NewUserBody } }, async (req, reply) => {
    const actor = actorOf(req);
    const b = req.body;
    users.requireUserManager(actor, b.role ?? 'annotator');
    const user = await users.createUser(ctx.db, {
      email: b.email,
      username: b.username,
      firstName: b.first_name,
      lastName: b.last_name,
      phone: b.phone,
      password: b.password,
      role: b.role,
      orgId: actor.orgId,
      allowNewsletters: b.allow_newsletters,
    });
    return reply.status(201).send(users.serializeUser(user));
  });
  r.get('/api/users/:id', { schema: { tags, params: IdParams } }, async (req) => users.serializeUser(await users.getUserInOrg(ctx.db, actorOf(req), req.params.id)));
  r.patch('/api/users/:id', { schema: { tags, params: IdParams, body: UserPatch } }, async (req) => {
    const actor = actorOf(req);
    const target = await users.getUserInOrg(ctx.db, actor, req.params.id);
    if (actor.id !== req.params.id) users.requireUserManager(actor, target.role as users.Role);
    return users.serializeUser((await users.updateUser(ctx.db, req.params.id, req.body))!);
  });
  r.delete('/api/users/:id', { schema: { tags, params: IdParams } }, async (req, reply) => {
    const actor = actorOf(req);
    const target = await users.getUserInOrg(ctx.db, actor, req.params.id);
    users.requireUserManager(actor, target.role as users.Role);
    if (actor.id === req.params.id) throw new AppError('invalid', 'You cannot delete yourself.');
    await users.deleteUser(ctx.db, req.params.id);
    return reply.status(204).send();
  });

  const me = async (id: number) => {
    const u = await users.findUserById(ctx.db, id);
    if (!u) throw new AppError('unauthorized', 'User not found');
    return u;
  };
  r.get('/api/current-user', { schema: { tags } }, async (req) => users.serializeUser(await me(actorOf(req).id)));
  r.patch('/api/current-user', { schema: { tags, body: UserPatch } }, async (req) => users.serializeUser((await users.updateUser(ctx.db, actorOf(req).id, req.body))!));
  r.get('/api/current-user/whoami', { schema: { tags } }, async (req) => {
    const u = await me(actorOf(req).id);
    const org = await users.organization(ctx.db, u.active_organization);
    return {
      ...users.serializeUser(u),
      active_organization_meta: { title: org.title, email: '' },
      org_membership: [{ role: u.role.toUpperCase(), active: true, organization_id: org.id }],
      organization_membership: { role: u.role.toUpperCase(), active: true, organization_id: org.id },
      permissions: [],
    };
  });

  r.get('/api/organizations', { schema: { tags } }, async (req) => {
    const org = await users.organization(ctx.db, actorOf(req).orgId);
    return [{ id: org.id, title: org.title, contact_info: '', created_at: isoTime(org.created_at) }];
  });
  r.get('/api/organizations/:id', { schema: { tags, params: IdParams } }, async (req) => {
    const actor = actorOf(req);
    if (req.params.id !== actor.orgId) throw new AppError('not_found', 'Not found.');
    const org = await users.organization(ctx.db, actor.orgId);
    return { id: org.id, title: org.title, contact_info: '', created_at: isoTime(org.created_at), created_by: null };
  });
}
