import { useQuery } from '@tanstack/react-query';
import { query, request } from './client';
import type { Task, TaskPage, User } from './types';

// Label Studio's Data Manager wire shapes: filters, ordering, views (tabs) and actions.

export type FilterType = 'Number' | 'String' | 'Boolean' | 'Datetime';

export interface FilterItem {
  /** `filter:tasks:<column>` */
  filter: string;
  operator: string;
  type: FilterType;
  value: unknown;
}

export interface Filters {
  conjunction: 'and' | 'or';
  items: FilterItem[];
}

export interface ViewData {
  title: string;
  filters?: Filters;
  /** one entry: `tasks:<column>` ascending, `-tasks:<column>` descending */
  ordering?: string[];
  hiddenColumns?: { explore?: string[]; labeling?: string[] };
  [extra: string]: unknown;
}

export interface View {
  id: number;
  project: number;
  order: number;
  data: ViewData;
}

export interface SelectedItems {
  all: boolean;
  included?: number[];
  excluded?: number[];
}

export interface DmQuery {
  filters: Filters;
  ordering: string[];
}

export const DM_PAGE_SIZE = 100;

/** The Data Manager task object: the fields the table shows beyond the labeling ones. */
export interface DmTask extends Task {
  created_at?: string;
  updated_at?: string;
  ground_truth?: boolean;
  annotators?: (number | { user_id: number })[];
}

export interface DmPage extends Omit<TaskPage, 'tasks'> {
  tasks: DmTask[];
}

export const viewsKey = (projectId: number) => ['dm-views', projectId] as const;

/** The project's tabs; a project without any gets a first one, as Label Studio's Data Manager does. */
export function useViews(projectId: number) {
  return useQuery({
    queryKey: viewsKey(projectId),
    queryFn: async ({ signal }) => {
      const views = await request<View[]>(`/api/dm/views${query({ project: projectId })}`, { signal });
      if (views.length > 0) return views;
      return [await createView(projectId, { title: 'Default' })];
    },
    staleTime: Infinity,
  });
}

export const createView = (projectId: number, data: ViewData) => request<View>('/api/dm/views', { method: 'POST', json: { project: projectId, data } });
export const patchView = (id: number, data: Partial<ViewData>) => request<View>(`/api/dm/views/${id}`, { method: 'PATCH', json: { data } });
/** The same PATCH, sent so that it survives the page closing or reloading (the browser finishes it for us). */
export function patchViewOnExit(id: number, data: Partial<ViewData>): void {
  void fetch(`/api/dm/views/${id}`, { method: 'PATCH', keepalive: true, credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data }) });
}
export const deleteView = (id: number) => request<void>(`/api/dm/views/${id}`, { method: 'DELETE' });

/** One page of the tasks a Data Manager query selects; `all` adds annotations, predictions and annotators. */
export function fetchDmPage(projectId: number, q: DmQuery, page: number, fields: 'all' | 'task_only', signal?: AbortSignal): Promise<DmPage> {
  const json = JSON.stringify({ filters: q.filters, ordering: q.ordering });
  return request<DmPage>(`/api/tasks${query({ project: projectId, page, page_size: DM_PAGE_SIZE, fields, query: json })}`, { signal });
}

export const fetchTaskDetails = (taskId: number, signal?: AbortSignal) => request<DmTask>(`/api/tasks/${taskId}`, { signal });

export interface DmAction {
  id: string;
  title: string;
  order: number;
  dialog?: { text: string; type: string };
}

export interface ActionResult {
  processed_items: number;
  detail?: string;
  reload?: boolean;
}

export function useActions(projectId: number) {
  return useQuery({
    queryKey: ['dm-actions', projectId],
    queryFn: ({ signal }) => request<DmAction[]>(`/api/dm/actions${query({ project: projectId })}`, { signal }),
    staleTime: Infinity,
    select: (list) => [...list].sort((a, b) => a.order - b.order),
  });
}

export function runAction(projectId: number, actionId: string, body: { selectedItems: SelectedItems; filters: Filters; ordering: string[] }): Promise<ActionResult> {
  return request<ActionResult>(`/api/dm/actions${query({ id: actionId, project: projectId })}`, { method: 'POST', json: body });
}

/** The organization's people by id, to name annotators; empty for those who may not list them. */
export function useUserNames() {
  return useQuery({
    queryKey: ['users', 'names'],
    queryFn: ({ signal }) => request<User[]>('/api/users', { signal }),
    staleTime: 5 * 60_000,
    retry: false,
    select: (list) => new Map(list.map((u) => [u.id, u.email || u.username])),
  });
}
