import { query, request } from './client';
import type { TaskPage } from './types';

export const TASK_PAGE_SIZE = 100;

export function fetchTaskPage(projectId: number, page: number, signal?: AbortSignal): Promise<TaskPage> {
  return request<TaskPage>(`/api/tasks${query({ project: projectId, page, page_size: TASK_PAGE_SIZE, fields: 'task_only' })}`, { signal });
}
