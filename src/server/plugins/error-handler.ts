import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type ValidationErrors } from '../errors.js';
import { LS_COMPAT_VERSION } from '../version.js';

interface LsErrorBody {
  id: string;
  status_code: number;
  version: string;
  detail: string;
  exc_info: null;
  validation_errors?: ValidationErrors;
  [extra: string]: unknown;
}

function lsBody(status: number, detail: string, validationErrors?: ValidationErrors): LsErrorBody {
  const body: LsErrorBody = { id: randomUUID(), status_code: status, version: LS_COMPAT_VERSION, detail, exc_info: null };
  if (validationErrors) body.validation_errors = validationErrors;
  return body;
}

interface ZodLikeIssue {
  path?: (string | number)[];
  instancePath?: string;
  message: string;
}

/** fastify-type-provider-zod and Fastify's own validation → Label Studio's per-field messages. */
function fieldErrors(err: FastifyError): ValidationErrors {
  const out: ValidationErrors = {};
  const issues = (err.validation ?? []) as unknown as ZodLikeIssue[];
  for (const issue of issues) {
    const field = issue.path?.length ? issue.path.join('.') : (issue.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.') || 'non_field_errors';
    (out[field] ??= []).push(issue.message);
  }
  if (Object.keys(out).length === 0) out.non_field_errors = [err.message];
  return out;
}

export function sendError(reply: FastifyReply, status: number, detail: string, validationErrors?: ValidationErrors, extra?: Record<string, unknown>) {
  return reply.status(status).type('application/json').send({ ...lsBody(status, detail, validationErrors), ...extra });
}

export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof AppError) return sendError(reply, err.status, err.message, err.validationErrors, err.extra);
    if (err.validation) return sendError(reply, 400, 'Validation error', fieldErrors(err));
    const status = err.statusCode ?? 500;
    if (status === 413 || err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || err.code === 'FST_REQ_FILE_TOO_LARGE') {
      return sendError(reply, 413, `Upload is larger than the limit of ${req.server.initialConfig.bodyLimit} bytes`);
    }
    if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError) {
      return sendError(reply, 400, `JSON parse error: ${err.message}`);
    }
    if (status >= 400 && status < 500) return sendError(reply, status, err.message);
    req.log.error({ err }, 'unhandled error');
    return sendError(reply, 500, 'Internal server error');
  });
  app.setNotFoundHandler((req, reply) => sendError(reply, 404, `Not found: ${req.method} ${req.url.split('?')[0]}`));
}
