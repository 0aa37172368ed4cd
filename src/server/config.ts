import path from 'node:path';
import { z } from 'zod';

const ConfigSchema = z.object({
  port: z.coerce.number().int().min(0).max(65535),
  host: z.string().min(1),
  dataDir: z.string().min(1),
  databaseUrl: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// URL')
    .optional(),
  adminEmail: z.email().optional(),
  adminPassword: z.string().min(8, 'the admin password needs at least 8 characters').optional(),
  adminToken: z.string().min(8).optional(),
  maxUploadBytes: z.coerce.number().int().positive(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  secretKey: z.string().optional(),
});

export type Config = z.infer<typeof ConfigSchema>;

export type ConfigOverrides = Partial<Config>;

const pick = (env: NodeJS.ProcessEnv, ...names: string[]): string | undefined => {
  for (const name of names) {
    const v = env[name];
    if (v !== undefined && v !== '') return v;
  }
  return undefined;
};

/** Environment (Label Studio's names as aliases) and CLI flags → one validated Config. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: ConfigOverrides = {}): Config {
  const raw = {
    port: pick(env, 'PORT') ?? 8080,
    host: pick(env, 'HOST') ?? '127.0.0.1',
    dataDir: path.resolve(pick(env, 'LABELFLEET_DATA_DIR') ?? './data'),
    databaseUrl: pick(env, 'DATABASE_URL'),
    adminEmail: pick(env, 'LABELFLEET_USERNAME', 'LABEL_STUDIO_USERNAME'),
    adminPassword: pick(env, 'LABELFLEET_PASSWORD', 'LABEL_STUDIO_PASSWORD'),
    adminToken: pick(env, 'LABELFLEET_USER_TOKEN', 'LABEL_STUDIO_USER_TOKEN'),
    maxUploadBytes: pick(env, 'LABELFLEET_MAX_UPLOAD_BYTES', 'DATA_UPLOAD_MAX_MEMORY_SIZE') ?? 200 * 1024 * 1024,
    logLevel: pick(env, 'LOG_LEVEL') ?? 'info',
    secretKey: pick(env, 'LABELFLEET_SECRET_KEY', 'SECRET_KEY'),
    ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)),
  };
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
