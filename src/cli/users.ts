import { loadConfig } from '../server/config.js';
import { openContext } from '../server/main.js';
import { legacyKeyOf, resetLegacyKey } from '../server/modules/auth/service.js';
import { createUser, ensureDefaultOrganization, findUserByEmail, ROLES, type Role } from '../server/modules/users/service.js';

async function withContext<T>(fn: (ctx: Awaited<ReturnType<typeof openContext>>['ctx']) => Promise<T>): Promise<T> {
  const { ctx, release } = await openContext(loadConfig());
  try {
    return await fn(ctx);
  } finally {
    await ctx.db.close();
    release();
  }
}

export async function createUserCommand(opts: { email: string; password?: string; role: string; token?: string }): Promise<void> {
  if (!ROLES.includes(opts.role as Role)) throw new Error(`unknown role "${opts.role}"; use one of ${ROLES.join(', ')}`);
  await withContext(async (ctx) => {
    const orgId = await ensureDefaultOrganization(ctx.db);
    const user = await createUser(ctx.db, { email: opts.email, password: opts.password, role: opts.role as Role, orgId, token: opts.token });
    console.log(`Created ${user.email} (id ${user.id}, ${user.role})`);
    console.log(`API token: ${await legacyKeyOf(ctx, user.id)}`);
  });
}

export async function tokenCommand(opts: { email: string; reset?: boolean }): Promise<void> {
  await withContext(async (ctx) => {
    const user = await findUserByEmail(ctx.db, opts.email);
    if (!user) throw new Error(`no user with email ${opts.email}`);
    console.log(opts.reset ? await resetLegacyKey(ctx, user.id) : await legacyKeyOf(ctx, user.id));
  });
}
