import type { Actor } from '../modules/users/service.js';

/**
 * Who a background job acts as: the organization itself, with owner rights inside it and none outside.
 * Jobs run long after the request that queued them, so they do not borrow a user who may have left.
 */
export const systemActor = (orgId: number): Actor => ({ id: 0, email: 'system@labelfleet', role: 'owner', orgId });
