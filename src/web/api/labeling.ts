// The labeling screen's calls: a task with everything the annotator sees, annotations, and drafts.
import { query, request } from './client';
import type { Annotation, Prediction, ResultItem, Task } from './types';

/** An annotation as the labeling screen reads it (the wire has more fields than the shared type names). */
export interface TaskAnnotation extends Annotation {
  /** Label Studio spells the author as "email, id" */
  created_username: string;
  parent_prediction: number | null;
}

/** One user's unsaved work on a task (`annotation` null) or on one of their annotations. */
export interface Draft {
  id: number;
  user: number;
  result: ResultItem[];
  lead_time: number | null;
  task: number;
  annotation: number | null;
  created_at: string;
  updated_at: string;
}

export interface PredictionItem extends Prediction {
  created_at: string;
}

/** GET /api/tasks/{id} and /next answer with the task's annotations, predictions and the caller's drafts. */
export interface LabelingTask extends Task {
  annotations: TaskAnnotation[];
  predictions: PredictionItem[];
  drafts: Draft[];
}

export interface SubmitBody {
  result: ResultItem[];
  lead_time: number;
  was_cancelled?: boolean;
  parent_prediction?: number | null;
  draft_id?: number | null;
}

export function createTaskAnnotation(projectId: number, taskId: number, body: SubmitBody): Promise<TaskAnnotation> {
  return request<TaskAnnotation>(`/api/tasks/${taskId}/annotations${query({ project: projectId })}`, { method: 'POST', json: body });
}

export function updateTaskAnnotation(annotationId: number, body: SubmitBody): Promise<TaskAnnotation> {
  return request<TaskAnnotation>(`/api/annotations/${annotationId}`, { method: 'PATCH', json: body });
}

export interface DraftBody {
  result: ResultItem[];
  lead_time: number;
}

/** A new draft: of the task (no annotation yet) or of one of the caller's annotations. */
export function createDraft(taskId: number, annotationId: number | null, body: DraftBody): Promise<Draft> {
  const url = annotationId === null ? `/api/tasks/${taskId}/drafts` : `/api/tasks/${taskId}/annotations/${annotationId}/drafts`;
  return request<Draft>(url, { method: 'POST', json: body });
}

export function updateDraft(draftId: number, body: DraftBody): Promise<Draft> {
  return request<Draft>(`/api/drafts/${draftId}`, { method: 'PATCH', json: body });
}

export function deleteDraft(draftId: number): Promise<void> {
  return request<void>(`/api/drafts/${draftId}`, { method: 'DELETE' });
}

/** The author's email from Label Studio's "email, id" spelling. */
export function authorOf(a: TaskAnnotation): string {
  return a.created_username.replace(/, \d+$/, '') || (a.completed_by === null ? 'unknown' : `user ${a.completed_by}`);
}

/**
 * The last save of a page being closed or reloaded: a keepalive request outlives the page,
 * where an ordinary fetch would be cancelled with it.
 */
export function sendDraftOnExit(taskId: number, annotationId: number | null, draftId: number | null, body: DraftBody): void {
  const url = draftId !== null ? `/api/drafts/${draftId}` : annotationId === null ? `/api/tasks/${taskId}/drafts` : `/api/tasks/${taskId}/annotations/${annotationId}/drafts`;
  void fetch(url, { method: draftId !== null ? 'PATCH' : 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), credentials: 'same-origin', keepalive: true }).catch(() => undefined);
}

export function fetchLabelingTask(taskId: number): Promise<LabelingTask> {
  return request<LabelingTask>(`/api/tasks/${taskId}`);
}

/** The next task of the labeling stream, or null when the project has none left for this user. */
export async function fetchNextLabelingTask(projectId: number): Promise<LabelingTask | null> {
  try {
    return await request<LabelingTask>(`/api/projects/${projectId}/next`);
  } catch (err) {
    if ((err as { status?: number }).status === 404) return null;
    throw err;
  }
}
