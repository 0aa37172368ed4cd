import type { FastifyInstance } from 'fastify';
import type { Ctx } from '../../context.js';
import { annotatorRoutes, annotatorTokenRoute } from './annotator-routes.js';
import { assignmentRoutes } from './assignments.js';
import { backgroundSettled } from './background.js';
import { eventRoutes } from './events.js';
import { goldTaskRoutes } from './gold-tasks.js';
import { registerFleetErrorHandler, registerManagerGuard } from './http.js';
import { labelingConfigRoutes } from './labeling-configs.js';
import { mediaRoutes } from './media.js';
import { monitoringRoutes } from './monitoring.js';
import { listenToNativeAnnotations } from './native-events.js';
import { nextAuthRoutes } from './nextauth.js';
import { qualityRoutes } from './quality.js';
import { reconcileRoutes } from './reconcile.js';
import { rejectionRoutes } from './rejections.js';
import { roleRoutes } from './roles.js';
import { settingRoutes } from './settings.js';
import { webhookRoutes } from './webhook.js';
import { workflowRoutes } from './workflow-routes.js';

const ADMIN_ROUTES = [
  nextAuthRoutes,
  webhookRoutes,
  annotatorTokenRoute,
  roleRoutes,
  labelingConfigRoutes,
  annotatorRoutes,
  settingRoutes,
  workflowRoutes,
  goldTaskRoutes,
  assignmentRoutes,
  rejectionRoutes,
  eventRoutes,
  monitoringRoutes,
  qualityRoutes,
  reconcileRoutes,
];

/**
 * The LabelFleet admin API beside the Label Studio API: its own error shape (`{error, details}`), managers only
 * (except NextAuth, the webhook and the token report, which prove themselves otherwise). Task media for
 * annotators lives outside that scope. Annotations saved through the Label Studio API feed the fleet.
 */
export async function fleetRoutes(app: FastifyInstance, ctx: Ctx): Promise<void> {
  const stopListening = listenToNativeAnnotations(ctx, app.log);
  app.addHook('onClose', async () => {
    stopListening();
    await backgroundSettled(ctx);
  });
  await app.register(async (admin) => {
    registerFleetErrorHandler(admin);
    registerManagerGuard(admin);
    for (const routes of ADMIN_ROUTES) routes(admin, ctx);
  });
  await app.register(async (labeling) => mediaRoutes(labeling, ctx));
}
