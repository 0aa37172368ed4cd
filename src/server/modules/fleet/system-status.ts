import type { Queryable } from '../../db/connection.js';
import { LABELFLEET_VERSION } from '../../version.js';

/**
 * What the LabelFleet text expects of the two paths it shares with the system module (/api/version and
 * /api/health). The system module owns those routes; it spreads these fields into its replies, so one
 * response carries what both Label Studio clients and LabelFleet clients read.
 */
export const FLEET_FEATURES = [
  'container-orchestration',
  'workflow-chaining',
  'gold-standard-quality',
  'rejection-routing',
  'bulk-operations',
  'assignment-tracking',
  'event-audit-log',
  'system-settings',
];

/** For /api/version: no key clashes with Label Studio's (release, edition, ...). */
export function fleetVersionFields() {
  return { version: LABELFLEET_VERSION, apiVersion: 'v1', features: FLEET_FEATURES, node: process.version };
}

/** For /api/health (Label Studio's own check is /health): 200 `{status: "ok", database: "connected"}`, else 503. */
export async function fleetHealth(db: Queryable): Promise<{ httpStatus: 200 | 503; body: { status: 'ok' | 'error'; database: 'connected' | 'disconnected' } }> {
  try {
    await db.query('SELECT 1');
    return { httpStatus: 200, body: { status: 'ok', database: 'connected' } };
  } catch {
    return { httpStatus: 503, body: { status: 'error', database: 'disconnected' } };
  }
}
