import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import { canManageProjects, type Actor } from '../users/service.js';

/**
 * The LabelFleet admin API's conventions, which differ from the Label Studio API beside it:
 * errors are `{error, details?}`, lists are `{data, pagination}`.
 */

export interface Issue {
  code: string;
  path: (string | number)[];
  message: string;
}

export const issue = (path: string, message: string, code = 'custom'): Issue => ({ code, path: path ? path.split('.') : [], message });

/** A 400 whose details list what is wrong, field by field. */
export const invalid = (message: string, details: Issue[] = []) => new AppError('invalid', message, undefined, { details });

export const fleetNotFound = (what: string) => new AppError('not_found', `${what} not found`);

export const conflict = (message: string) => new AppError('conflict', message);

/** A 401 that says why (failed sign-in), unlike the plain "Unauthorized" of a missing session. */
export const unauthorizedBecause = (message: string) => new AppError('unauthorized', message, undefined, { keepMessage: true });

interface FastifyIssue {
  keyword?: string;
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** fastify-type-provider-zod hands zod's issues over in Ajv's shape; give them back their zod shape. */
function zodIssues(err: FastifyError): Issue[] {
  const where = err.validationContext;
  return ((err.validation ?? []) as unknown as FastifyIssue[]).map((i) => {
    const path = (i.instancePath ?? '').split('/').filter((p) => p !== '').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
    return { code: i.keyword ?? 'invalid', path, message: i.message ?? 'Invalid value', ...(where ? { in: where } : {}), ...(i.params ?? {}) };
  });
}

function send(reply: FastifyReply, status: number, error: string, details?: unknown) {
  return reply.status(status).type('application/json').send(details === undefined ? { error } : { error, details });
}

const isUniqueViolation = (err: unknown) => (err as { code?: unknown } | null)?.code === '23505';

/** Maps errors of the routes in this scope to `{error, details}`; a missing session is `{error: "Unauthorized"}`. */
export function registerFleetErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof AppError) {
      if (err.kind === 'unauthorized') return send(reply, 401, err.extra?.keepMessage ? err.message : 'Unauthorized');
      const extra = err.extra?.details;
      const fromFields = err.validationErrors ? Object.entries(err.validationErrors).flatMap(([field, msgs]) => msgs.map((m) => issue(field, m))) : undefined;
      return send(reply, err.status, err.validationErrors && err.message === 'Validation error' ? (fromFields?.[0]?.message ?? err.message) : err.message, extra ?? fromFields);
    }
    if (err.validation) return send(reply, 400, 'Validation failed', zodIssues(err));
    if (isUniqueViolation(err)) return send(reply, 409, 'Conflict: the resource already exists');
    const status = err.statusCode ?? 500;
    if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError) return send(reply, 400, `Invalid JSON body: ${err.message}`);
    if (status >= 400 && status < 500) return send(reply, status, err.message);
    req.log.error({ err }, 'unhandled error');
    return send(reply, 500, 'Internal server error');
  });
}

/** Every admin route needs a manager (owner, admin or manager); annotators and reviewers label, they do not administer. */
export function registerManagerGuard(app: FastifyInstance): void {
  app.addHook('onRequest', async (req) => {
    if (req.routeOptions.config?.public === true) return;
    if (!req.actor) throw new AppError('unauthorized', 'Unauthorized');
    if (!canManageProjects(req.actor)) throw new AppError('forbidden', 'Forbidden: the LabelFleet admin API needs a manager');
  });
}

export function managerOf(req: FastifyRequest): Actor {
  if (!req.actor) throw new AppError('unauthorized', 'Unauthorized');
  return req.actor;
}

export const Pagination = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});
export type Page = z.infer<typeof Pagination>;

export function envelope<T>(data: T[], total: number, page: Page) {
  return { data, pagination: { total, limit: page.limit, offset: page.offset, hasMore: page.offset + data.length < total } };
}

export const Id = z.coerce.number().int().positive();
export const IdParams = z.object({ id: Id });

export const iso = (d: Date | string | null | undefined): string | null => (d === null || d === undefined ? null : new Date(d).toISOString());

/** "At least one field required" for PUT bodies whose fields are all optional. */
export const nonEmpty = <T extends z.ZodObject>(schema: T) =>
  schema.refine((v) => Object.values(v).some((x) => x !== undefined), { message: 'At least one field is required' });
