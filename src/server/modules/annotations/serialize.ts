import { isoTime } from '../../wire.js';
import type { AnnotationRow } from './queries.js';

export function serializeAnnotation(a: AnnotationRow) {
  return {
    id: a.id,
    result: a.result,
    created_username: a.created_username ? `${a.created_username}, ${a.completed_by}` : '',
    created_ago: '',
    completed_by: a.completed_by,
    was_cancelled: a.was_cancelled,
    ground_truth: a.ground_truth,
    created_at: isoTime(a.created_at),
    updated_at: isoTime(a.updated_at),
    draft_created_at: isoTime(a.draft_created_at),
    lead_time: a.lead_time,
    import_id: a.import_id,
    last_action: a.last_action,
    bulk_created: a.bulk_created,
    task: a.task_id,
    project: a.project_id,
    updated_by: a.updated_by,
    parent_prediction: a.parent_prediction,
    parent_annotation: a.parent_annotation,
    last_created_by: null,
    unique_id: a.unique_id,
    result_count: Array.isArray(a.result) ? a.result.length : 0,
  };
}
