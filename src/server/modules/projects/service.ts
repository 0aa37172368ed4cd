import type { Queryable } from '../../db/connection.js';
import { AppError, notFound, validationError } from '../../errors.js';
import { emit } from '../../events.js';
import { idList, isoTime } from '../../wire.js';
import { taskVisibility, visibleProjectIds } from '../fleet/visibility.js';
import { findOrphanedAnnotations, findRemovedLabels } from '../labelconfig/config-change.js';
import { parseLabelConfig, type LabelConfig } from '../labelconfig/parse.js';
import { toDataTypes, toParsedLabelConfig } from '../labelconfig/parsed-config.js';
import { type Actor, requireManager } from '../users/service.js';
import * as q from './queries.js';
import type { ProjectRow } from './queries.js';
import { SETTING_DEFAULTS, SETTING_KEYS, type ProjectInput, type ProjectListQuery } from './schemas.js';

export type { ProjectRow } from './queries.js';
export { lockProject } from './queries.js';

const DEFAULT_CONFIG = '<View></View>';

/** A project the actor may see; another organization's project answers exactly like a missing one. */
export async function getProject(db: Queryable, actor: Actor, id: number): Promise<ProjectRow> {
  const p = await q.findProject(db, id);
  if (!p || p.organization_id !== actor.orgId) throw notFound();
  if (!(await taskVisibility(db, actor, p.id))) throw notFound();
  return p;
}

export async function getManagedProject(db: Queryable, actor: Actor, id: number): Promise<ProjectRow> {
  const p = await getProject(db, actor, id);
  requireManager(actor);
  return p;
}

export function projectConfig(p: Pick<ProjectRow, 'label_config'>): LabelConfig {
  return parseLabelConfig(p.label_config);
}

function controlWeights(cfg: LabelConfig) {
  return Object.fromEntries(
    cfg.controls.map((c) => [c.name, { type: c.tag, labels: Object.fromEntries(c.labels.map((l) => [l.value, 1.0])), overall: 1.0 }]),
  );
}

function settingsFrom(input: ProjectInput, base: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const key of SETTING_KEYS) if (input[key] !== undefined) out[key] = input[key];
  return out;
}


export async function createProject(db: Queryable, actor: Actor, input: ProjectInput): Promise<ProjectRow> {
  requireManager(actor);
  const labelConfig = input.label_config?.trim() ? input.label_config : DEFAULT_CONFIG;
  const cfg = parseLabelConfig(labelConfig);
  const id = await q.insertProject(db, actor.orgId, actor.id, {
    title: input.title ?? '',
    description: input.description ?? '',
    label_config: labelConfig,
    parsed_label_config: toParsedLabelConfig(cfg),
    data_types: toDataTypes(cfg),
    maximum_annotations: input.maximum_annotations ?? 1,
    settings: settingsFrom(input, {}),
    pinned_at: input.pinned_at ?? null,
  });
  const created = (await q.findProject(db, id))!;
  await emit(db, { type: 'project.created', orgId: actor.orgId, project: created });
  return created;
}

/** Refuses a config that would orphan existing annotations (Label Studio's rule); strict also checks removed labels. */
export async function checkConfigChange(db: Queryable, project: ProjectRow, newCfg: LabelConfig, strict: boolean): Promise<void> {
  if (project.task_number === 0) return;
  const orphaned = findOrphanedAnnotations(newCfg, await q.annotationUsage(db, project.id));
  if (orphaned) throw validationError('label_config', orphaned);
  if (strict) {
    const removed = findRemovedLabels(newCfg, await q.labelUsage(db, project.id));
    if (removed) throw validationError('label_config', removed);
  }
}

export async function updateProject(db: Queryable, actor: Actor, id: number, input: ProjectInput): Promise<ProjectRow> {
  const p = await getManagedProject(db, actor, id);
  let labelConfig = p.label_config;
  let parsed: unknown = p.parsed_label_config;
  let dataTypes: unknown = p.data_types;
  if (input.label_config !== undefined && input.label_config !== null && input.label_config !== p.label_config) {
    const cfg = parseLabelConfig(input.label_config);
    await checkConfigChange(db, p, cfg, false);
    labelConfig = input.label_config;
    parsed = toParsedLabelConfig(cfg);
    dataTypes = toDataTypes(cfg);
  }
  const maximumAnnotations = input.maximum_annotations ?? p.maximum_annotations;
  await q.updateProject(db, id, {
    title: input.title ?? p.title,
    description: input.description ?? p.description,
    label_config: labelConfig,
    parsed_label_config: parsed,
    data_types: dataTypes,
    maximum_annotations: maximumAnnotations,
    settings: settingsFrom(input, p.settings),
    pinned_at: input.pinned_at === undefined ? (p.pinned_at?.toISOString() ?? null) : input.pinned_at,
  });
  const skipQueueChanged = input.skip_queue != null && input.skip_queue !== (p.settings as { skip_queue?: string }).skip_queue;
  if (maximumAnnotations !== p.maximum_annotations || skipQueueChanged) await relabelAfterQueueChange(db, id);
  const updated = (await q.findProject(db, id))!;
  await emit(db, { type: 'project.updated', orgId: actor.orgId, project: updated });
  return updated;
}

/**
 * is_labeled depends on maximum_annotations and on whether skips count (IGNORE_SKIPPED); a change of either
 * rewrites the flag from the task counters, and the project's finished counter with it.
 */
async function relabelAfterQueueChange(db: Queryable, projectId: number): Promise<void> {
  await db.query(
    `WITH rule AS (SELECT maximum_annotations AS m, coalesce(settings->>'skip_queue', '') = 'IGNORE_SKIPPED' AS skips FROM projects WHERE id = $1),
     target AS (SELECT t.id, (t.total_annotations + CASE WHEN rule.skips THEN t.cancelled_annotations ELSE 0 END) >= rule.m AS labeled
                FROM tasks t, rule WHERE t.project_id = $1),
     changed AS (
       UPDATE tasks t SET is_labeled = target.labeled, completed_at = CASE WHEN target.labeled THEN coalesce(t.completed_at, now()) ELSE NULL END
       FROM target WHERE t.id = target.id AND t.is_labeled <> target.labeled RETURNING t.is_labeled)
     UPDATE projects SET finished_task_number = finished_task_number + (SELECT coalesce(sum(CASE WHEN is_labeled THEN 1 ELSE -1 END), 0) FROM changed),
       stream_cursor = 0 WHERE id = $1`,
    [projectId],
  );
}

export async function deleteProject(db: Queryable, actor: Actor, id: number): Promise<void> {
  const project = await getManagedProject(db, actor, id);
  await q.deleteProject(db, id);
  await emit(db, { type: 'project.deleted', orgId: actor.orgId, project });
}

export async function listProjects(db: Queryable, actor: Actor, query: ProjectListQuery) {
  const asked = query.ids ? idList(query.ids) : null;
  const visible = await visibleProjectIds(db, actor);
  const ids = visible === null ? asked : asked === null ? visible : asked.filter((id) => visible.includes(id));
  return q.listProjects(db, actor.orgId, query, ids);
}

/** The project as Label Studio serializes it, counters included. */
export function serializeProject(p: ProjectRow) {
  const settings = { ...SETTING_DEFAULTS, ...p.settings } as Record<string, unknown>;
  if (!settings.control_weights) {
    try {
      settings.control_weights = controlWeights(parseLabelConfig(p.label_config));
    } catch {
      settings.control_weights = {};
    }
  }
  const parsed = p.parsed_label_config ?? {};
  return {
    id: p.id,
    title: p.title,
    description: p.description,
    label_config: p.label_config,
    ...settings,
    organization: p.organization_id,
    maximum_annotations: p.maximum_annotations,
    created_by: p.created_by
      ? { id: p.created_by, first_name: p.creator_first_name ?? '', last_name: p.creator_last_name ?? '', email: p.creator_email ?? '', avatar: null, username: p.creator_username ?? '' }
      : null,
    created_at: isoTime(p.created_at),
    updated_at: isoTime(p.updated_at),
    pinned_at: isoTime(p.pinned_at),
    task_number: p.task_number,
    num_tasks_with_annotations: p.num_tasks_with_annotations,
    useful_annotation_number: p.total_annotations_number,
    ground_truth_number: p.ground_truth_number,
    skipped_annotations_number: p.skipped_annotations_number,
    total_annotations_number: p.total_annotations_number,
    total_predictions_number: p.total_predictions_number,
    finished_task_number: p.finished_task_number,
    queue_total: p.task_number,
    queue_done: p.finished_task_number,
    parsed_label_config: parsed,
    data_types: p.data_types,
    config_has_control_tags: Object.keys(parsed).length > 0,
    config_suitable_for_bulk_annotation: false,
  };
}

/** JSON with object keys sorted: JSONB does not keep key order, so compare canonical forms. */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

export const essentialConfigChanged = (p: ProjectRow, cfg: LabelConfig) => canonicalJson(toParsedLabelConfig(cfg)) !== canonicalJson(p.parsed_label_config);

export function requireConfigText(xml: string | undefined): string {
  if (!xml || !xml.trim()) throw new AppError('invalid', 'Label config is not set or is empty');
  return xml;
}
