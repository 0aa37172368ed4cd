import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Ctx } from './context.js';
import { annotationRoutes } from './modules/annotations/routes.js';
import { authRoutes } from './modules/auth/routes.js';
import { dmRoutes } from './modules/dm/routes.js';
import { exportRoutes } from './modules/exports/routes.js';
import { fleetRoutes } from './modules/fleet/routes.js';
import { importRoutes } from './modules/imports/routes.js';
import { mlRoutes } from './modules/ml/routes.js';
import { predictionRoutes } from './modules/predictions/routes.js';
import { projectRoutes } from './modules/projects/routes.js';
import { storageRoutes } from './modules/storage/routes.js';
import { systemRoutes } from './modules/system/routes.js';
import { taskRoutes } from './modules/tasks/routes.js';
import { userRoutes } from './modules/users/routes.js';
import { webhookRoutes } from './modules/webhooks/routes.js';
import { registerAuth } from './plugins/auth.js';
import { registerErrorHandler } from './plugins/error-handler.js';
import { registerWeb } from './plugins/web.js';
import { LABELFLEET_VERSION } from './version.js';

/** Registers plugins and every module's routes; no logic. */
export async function buildApp(ctx: Ctx): Promise<FastifyInstance> {
  const app = Fastify({
    logger: ctx.config.logLevel === 'silent' ? false : { level: ctx.config.logLevel },
    bodyLimit: ctx.config.maxUploadBytes,
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 500 },
    genReqId: () => randomUUID(),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'LabelFleet API', version: LABELFLEET_VERSION, description: 'Label Studio-compatible labeling API and the LabelFleet workforce API.' },
      components: {
        securitySchemes: {
          Token: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'Token <legacy API key>' },
          Bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        },
      },
      security: [{ Token: [] }, { Bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } });
  await app.register(cookie);
  await app.register(formbody);
  await app.register(multipart, { limits: { fileSize: ctx.config.maxUploadBytes, files: 1000 } });

  registerErrorHandler(app);
  registerAuth(app, ctx);

  for (const routes of [systemRoutes, authRoutes, userRoutes, projectRoutes, importRoutes, taskRoutes, annotationRoutes, predictionRoutes, dmRoutes, exportRoutes, fleetRoutes, webhookRoutes, mlRoutes, storageRoutes]) {
    await app.register(async (scope) => routes(scope, ctx));
  }
  await registerWeb(app);
  return app;
}
