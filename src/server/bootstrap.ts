import { randomBytes } from 'node:crypto';
import type { Ctx } from './context.js';
import { instanceSecret, replaceLegacyKey } from './modules/auth/queries.js';
import { legacyKeyOf } from './modules/auth/service.js';
import { countUsers, createUser, ensureDefaultOrganization, findUserByEmail } from './modules/users/service.js';

export interface FirstAdmin {
  email: string;
  password: string | null;
  token: string;
  created: boolean;
}

export async function jwtKeyOf(db: Ctx['db']): Promise<Uint8Array> {
  return Buffer.from(await instanceSecret(db, 'jwt_signing_key', () => randomBytes(32).toString('hex')), 'hex');
}

/** The first start creates the organization and its owner; later starts honour a configured token. */
export async function ensureFirstAdmin(ctx: Ctx): Promise<FirstAdmin | null> {
  const orgId = await ensureDefaultOrganization(ctx.db);
  const { adminEmail, adminPassword, adminToken } = ctx.config;
  if ((await countUsers(ctx.db)) === 0) {
    const email = adminEmail ?? 'admin@labelfleet.local';
    const password = adminPassword ?? randomBytes(9).toString('base64url');
    const user = await createUser(ctx.db, { email, password, role: 'owner', orgId, token: adminToken, firstName: 'Admin' });
    return { email, password: adminPassword ? null : password, token: await legacyKeyOf(ctx, user.id), created: true };
  }
  if (adminEmail) {
    const user = await findUserByEmail(ctx.db, adminEmail);
    if (user && adminToken) await replaceLegacyKey(ctx.db, user.id, adminToken);
    if (user) return { email: adminEmail, password: null, token: await legacyKeyOf(ctx, user.id), created: false };
  }
  return null;
}
