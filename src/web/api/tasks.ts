import { query, request } from './client';
import type { Annotation, ResultItem, Task, TaskPage } from './types';

export const TASK_PAGE_SIZE = 100;

export function fetchTaskPage(projectId: number, page: number, signal?: AbortSignal): Promise<TaskPage> {
  return request<TaskPage>(`/api/tasks${query({ project: projectId, page, page_size: TASK_PAGE_SIZE, fields: 'task_only' })}`, { signal });
}

/** The next task of the labeling stream, or null when the project has none left for this user. */
export async function fetchNextTask(projectId: number): Promise<Task | null> {
  try {
    return await request<Task>(`/api/projects/${projectId}/next`);
  } catch (err) {
    if ((err as { status?: number }).status === 404) return null;
    throw err;
  }
}

export function fetchTask(taskId: number): Promise<Task> {
  return request<Task>(`/api/tasks/${taskId}`);
}

export interface AnnotationBody {
  result: ResultItem[];
  lead_time: number;
  was_cancelled?: boolean;
}

export function createAnnotation(projectId: number, taskId: number, body: AnnotationBody): Promise<Annotation> {
  return request<Annotation>(`/api/tasks/${taskId}/annotations${query({ project: projectId })}`, { method: 'POST', json: body });
}

export function updateAnnotation(annotationId: number, body: AnnotationBody): Promise<Annotation> {
  return request<Annotation>(`/api/annotations/${annotationId}`, { method: 'PATCH', json: body });
}
