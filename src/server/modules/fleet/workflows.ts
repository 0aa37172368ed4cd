import { z } from 'zod';
import type { Queryable } from '../../db/connection.js';
import type { Actor } from '../users/service.js';
import { fleetNotFound, Id, invalid, iso, issue } from './http.js';
import { checkLabelingConfigId } from './labeling-configs.js';
import { checkRoleId, roleSummary } from './roles.js';

export type RejectionMode = 'none' | 'archive' | 'route_to_workflow';

/** What a workflow does with work its review stage rejects. */
export interface RejectionSettings {
  rejection_mode: RejectionMode;
  rejection_archive_bucket: string | null;
  rejection_route_workflow_id: number | null;
  rejection_return_to_original: boolean;
  rejection_flag_annotator: boolean;
  max_rework_iterations: number | null;
}

export interface WorkflowRow extends RejectionSettings {
  id: number;
  organization_id: number;
  name: string;
  role_id: number | null;
  labeling_config_id: number | null;
  previous_workflow_id: number | null;
  s3_source_path: string;
  s3_export_path: string;
  images_per_project: number;
  max_projects: number | null;
  estimated_time_minutes: number | null;
  auto_assign: boolean;
  gold_standard_rate: number;
  shuffle_images: boolean;
  is_active: boolean;
  total_images_available: number;
  total_images_assigned: number;
  created_by: number | null;
  created_at: Date;
  role_name: string | null;
  role_color: string | null;
  config_name: string | null;
}

export const WORKFLOW_SELECT = `SELECT w.*, r.name AS role_name, r.color AS role_color, c.name AS config_name
  FROM workflows w LEFT JOIN fleet_roles r ON r.id = w.role_id LEFT JOIN labeling_configs c ON c.id = w.labeling_config_id`;

export function serializeWorkflow(w: WorkflowRow) {
  return {
    id: w.id,
    name: w.name,
    roleId: w.role_id,
    labelingConfigId: w.labeling_config_id,
    previousWorkflowId: w.previous_workflow_id,
    s3SourcePath: w.s3_source_path,
    s3ExportPath: w.s3_export_path,
    imagesPerProject: w.images_per_project,
    maxProjects: w.max_projects,
    estimatedTimeMinutes: w.estimated_time_minutes,
    autoAssign: w.auto_assign,
    goldStandardRate: w.gold_standard_rate,
    shuffleImages: w.shuffle_images,
    isActive: w.is_active,
    totalImagesAvailable: w.total_images_available,
    totalImagesAssigned: w.total_images_assigned,
    rejectionMode: w.rejection_mode,
    rejectionArchiveBucket: w.rejection_archive_bucket,
    rejectionRouteWorkflowId: w.rejection_route_workflow_id,
    rejectionReturnToOriginal: w.rejection_return_to_original,
    rejectionFlagAnnotator: w.rejection_flag_annotator,
    maxReworkIterations: w.max_rework_iterations,
    createdAt: iso(w.created_at),
    role: roleSummary(w.role_id, w.role_name, w.role_color),
    labelingConfig: w.labeling_config_id === null ? null : { id: w.labeling_config_id, name: w.config_name },
  };
}

const WorkflowBase = z.object({
  name: z.string().trim().min(1).max(255),
  roleId: Id.nullish(),
  labelingConfigId: Id.nullish(),
  previousWorkflowId: Id.nullish(),
  s3SourcePath: z.string().min(1).max(1024),
  s3ExportPath: z.string().min(1).max(1024),
  imagesPerProject: z.number().int().min(1).max(10_000),
  maxProjects: z.number().int().min(1).nullish(),
  estimatedTimeMinutes: z.number().int().min(0).nullish(),
  autoAssign: z.boolean(),
  goldStandardRate: z.number().min(0).max(1),
  shuffleImages: z.boolean(),
  rejectionMode: z.enum(['none', 'archive', 'route_to_workflow']),
  // a prefix in the s3.bucket bucket, or s3://<bucket>/<prefix> for another bucket (see rejection-archive.ts)
  rejectionArchiveBucket: z
    .string()
    .min(1)
    .max(1024)
    .refine((v) => !v.startsWith('s3://') || /^s3:\/\/[a-zA-Z0-9][a-zA-Z0-9._-]{0,62}(\/|$)/.test(v), { message: 'an s3:// path needs a valid bucket name' })
    .nullish(),
  rejectionRouteWorkflowId: Id.nullish(),
  rejectionReturnToOriginal: z.boolean(),
  rejectionFlagAnnotator: z.boolean(),
  maxReworkIterations: z.number().int().min(0).nullish(),
});

const routeNeedsTarget = (v: { rejectionMode?: string; rejectionRouteWorkflowId?: number | null }) =>
  v.rejectionMode !== 'route_to_workflow' || (v.rejectionRouteWorkflowId !== undefined && v.rejectionRouteWorkflowId !== null);
const ROUTE_RULE = { message: 'rejectionRouteWorkflowId is required when rejectionMode is "route_to_workflow"', path: ['rejectionRouteWorkflowId'] };

export const WorkflowCreate = WorkflowBase.partial()
  .required({ name: true, s3SourcePath: true, s3ExportPath: true })
  .refine(routeNeedsTarget, ROUTE_RULE);
export type WorkflowCreateInput = z.infer<typeof WorkflowCreate>;

export const WorkflowUpdate = WorkflowBase.extend({ isActive: z.boolean() })
  .partial()
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: 'At least one field is required' });
export type WorkflowUpdateInput = z.infer<typeof WorkflowUpdate>;

export async function findWorkflow(db: Queryable, orgId: number, id: number): Promise<WorkflowRow | undefined> {
  return (await db.query<WorkflowRow>(`${WORKFLOW_SELECT} WHERE w.id = $1 AND w.organization_id = $2`, [id, orgId]))[0];
}

export async function getWorkflow(db: Queryable, orgId: number, id: number): Promise<WorkflowRow> {
  const w = await findWorkflow(db, orgId, id);
  if (!w) throw fleetNotFound('Workflow');
  return w;
}

async function checkWorkflowId(db: Queryable, orgId: number, id: number | null | undefined, field: string): Promise<void> {
  if (id === null || id === undefined) return;
  if (!(await findWorkflow(db, orgId, id))) throw invalid(`Workflow ${id} not found`, [issue(field, `Workflow ${id} not found`)]);
}

/** Following previousWorkflowId from `start` must not come back to `self`. */
async function checkNoCycle(db: Queryable, orgId: number, self: number, start: number | null | undefined): Promise<void> {
  const seen = new Set<number>();
  for (let id = start ?? null; id !== null; ) {
    if (id === self) throw invalid('previousWorkflowId would make the chain a cycle', [issue('previousWorkflowId', 'the chain must not loop')]);
    if (seen.has(id)) return;
    seen.add(id);
    id = (await findWorkflow(db, orgId, id))?.previous_workflow_id ?? null;
  }
}

async function checkReferences(db: Queryable, orgId: number, v: Partial<WorkflowCreateInput>): Promise<void> {
  await checkRoleId(db, orgId, v.roleId);
  await checkLabelingConfigId(db, orgId, v.labelingConfigId);
  await checkWorkflowId(db, orgId, v.previousWorkflowId, 'previousWorkflowId');
  await checkWorkflowId(db, orgId, v.rejectionRouteWorkflowId, 'rejectionRouteWorkflowId');
}

const COLUMNS: [keyof WorkflowUpdateInput, string][] = [
  ['name', 'name'],
  ['roleId', 'role_id'],
  ['labelingConfigId', 'labeling_config_id'],
  ['previousWorkflowId', 'previous_workflow_id'],
  ['s3SourcePath', 's3_source_path'],
  ['s3ExportPath', 's3_export_path'],
  ['imagesPerProject', 'images_per_project'],
  ['maxProjects', 'max_projects'],
  ['estimatedTimeMinutes', 'estimated_time_minutes'],
  ['autoAssign', 'auto_assign'],
  ['goldStandardRate', 'gold_standard_rate'],
  ['shuffleImages', 'shuffle_images'],
  ['isActive', 'is_active'],
  ['rejectionMode', 'rejection_mode'],
  ['rejectionArchiveBucket', 'rejection_archive_bucket'],
  ['rejectionRouteWorkflowId', 'rejection_route_workflow_id'],
  ['rejectionReturnToOriginal', 'rejection_return_to_original'],
  ['rejectionFlagAnnotator', 'rejection_flag_annotator'],
  ['maxReworkIterations', 'max_rework_iterations'],
];

/** Inserts one workflow after checking its references; the defaults are the text's. */
export async function insertWorkflow(db: Queryable, actor: Actor, input: WorkflowCreateInput): Promise<WorkflowRow> {
  await checkReferences(db, actor.orgId, input);
  const given = COLUMNS.filter(([k]) => input[k as keyof WorkflowCreateInput] !== undefined);
  const cols = ['organization_id', 'created_by', ...given.map(([, c]) => c)];
  const values = [actor.orgId, actor.id, ...given.map(([k]) => input[k as keyof WorkflowCreateInput] ?? null)];
  const rows = await db.query<{ id: number }>(`INSERT INTO workflows (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`, values);
  return (await findWorkflow(db, actor.orgId, rows[0].id))!;
}

export async function updateWorkflow(db: Queryable, actor: Actor, id: number, patch: WorkflowUpdateInput): Promise<WorkflowRow> {
  const w = await getWorkflow(db, actor.orgId, id);
  const merged = { rejectionMode: patch.rejectionMode ?? w.rejection_mode, rejectionRouteWorkflowId: patch.rejectionRouteWorkflowId === undefined ? w.rejection_route_workflow_id : patch.rejectionRouteWorkflowId };
  if (!routeNeedsTarget(merged)) throw invalid(ROUTE_RULE.message, [issue('rejectionRouteWorkflowId', ROUTE_RULE.message)]);
  await checkReferences(db, actor.orgId, patch);
  if (patch.previousWorkflowId !== undefined) await checkNoCycle(db, actor.orgId, w.id, patch.previousWorkflowId);
  const given = COLUMNS.filter(([k]) => patch[k] !== undefined);
  const sets = given.map(([, c], i) => `${c} = $${i + 2}`);
  await db.query(`UPDATE workflows SET ${[...sets, 'updated_at = now()'].join(', ')} WHERE id = $1`, [w.id, ...given.map(([k]) => patch[k] ?? null)]);
  return (await findWorkflow(db, actor.orgId, w.id))!;
}

export async function listWorkflows(db: Queryable, orgId: number, limit: number, offset: number) {
  const rows = await db.query<WorkflowRow>(`${WORKFLOW_SELECT} WHERE w.organization_id = $1 ORDER BY w.id LIMIT $2 OFFSET $3`, [orgId, limit, offset]);
  const total = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM workflows WHERE organization_id = $1', [orgId]))[0].n;
  return { rows, total };
}

export const downstreamOf = (db: Queryable, workflowId: number) =>
  db.query<WorkflowRow>(`${WORKFLOW_SELECT} WHERE w.previous_workflow_id = $1 ORDER BY w.id`, [workflowId]);
