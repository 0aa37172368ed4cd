import type { FastifyInstance } from 'fastify';
import type { Ctx } from '../../context.js';
import { LABELFLEET_VERSION, LS_COMPAT_VERSION } from '../../version.js';
import { fleetHealth, fleetVersionFields } from '../fleet/system-status.js';

/** /api/version: Label Studio's keys, Community edition, no enterprise key (clients switch flows on it). */
export function versionBody() {
  const short = LS_COMPAT_VERSION.split('.').slice(0, 2).join('.');
  return {
    release: LS_COMPAT_VERSION,
    'label-studio-os-package': { version: LS_COMPAT_VERSION, short_version: short, latest_version_from_pypi: LS_COMPAT_VERSION, latest_version_upload_time: null, current_version_is_outdated: false },
    'label-studio-os-backend': { message: 'LabelFleet', commit: '', date: '', branch: '', version: LABELFLEET_VERSION },
    'label-studio-frontend': { message: 'LabelFleet editor', commit: '', date: '', branch: '' },
    dm2: { message: 'LabelFleet Data Manager', commit: '', date: '', branch: '' },
    'label-studio-converter': { version: LS_COMPAT_VERSION },
    edition: 'Community',
    lsf: { message: 'LabelFleet editor', commit: '', date: '', branch: '' },
    backend: { message: 'LabelFleet', commit: '', date: '', branch: '' },
    labelfleet: { version: LABELFLEET_VERSION },
    ...fleetVersionFields(),
  };
}

export function systemRoutes(app: FastifyInstance, ctx: Ctx): void {
  const pub = { config: { public: true } };
  app.get('/health', { ...pub, schema: { tags: ['system'] } }, async () => ({ status: 'UP' }));
  // the LabelFleet API's health check; Label Studio's clients use /health
  app.get('/api/health', { ...pub, schema: { tags: ['system'] } }, async (_req, reply) => {
    const { httpStatus, body } = await fleetHealth(ctx.db);
    return reply.status(httpStatus).send({ ...body, engine: ctx.db.kind });
  });
  app.get('/api/version', { ...pub, schema: { tags: ['system'] } }, async () => versionBody());
  app.get('/version', { ...pub, schema: { hide: true } }, async () => versionBody());
  app.get('/api/schema', { ...pub, schema: { hide: true } }, async () => app.swagger());
}
