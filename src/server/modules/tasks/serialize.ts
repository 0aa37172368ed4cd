import { isoTime } from '../../wire.js';
import type { TaskRow } from './queries.js';

export interface TaskExtras {
  annotations?: unknown[];
  predictions?: unknown[];
  drafts?: unknown[];
  annotators?: number[];
}

/** The Data Manager task object (`fields=all`). */
export function serializeTask(t: TaskRow, extras: TaskExtras = {}) {
  return {
    id: t.id,
    inner_id: t.inner_id,
    data: t.data,
    meta: t.meta,
    created_at: isoTime(t.created_at),
    updated_at: isoTime(t.updated_at),
    is_labeled: t.is_labeled,
    overlap: t.overlap,
    project: t.project_id,
    file_upload: t.file_upload ?? null,
    updated_by: t.updated_by ? [{ user_id: t.updated_by }] : [],
    annotations: extras.annotations ?? [],
    predictions: extras.predictions ?? [],
    drafts: extras.drafts ?? [],
    annotators: extras.annotators ?? [],
    total_annotations: t.total_annotations,
    cancelled_annotations: t.cancelled_annotations,
    total_predictions: t.total_predictions,
    completed_at: isoTime(t.completed_at),
    ground_truth: t.ground_truth_annotations > 0,
    comment_count: 0,
    unresolved_comment_count: 0,
    last_comment_updated_at: null,
    comment_authors: [],
    storage_filename: null,
  };
}
