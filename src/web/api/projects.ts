import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { query, request } from './client';
import type { ExportFormat, Page, Project } from './types';

export function useProjects(search: string) {
  return useQuery({
    queryKey: ['projects', 'list', search],
    queryFn: ({ signal }) => request<Page<Project>>(`/api/projects${query({ page_size: 1000, search })}`, { signal }),
    placeholderData: (previous) => previous,
  });
}

export function useProject(id: number) {
  return useQuery({ queryKey: ['projects', id], queryFn: () => request<ProjectWithSettings>(`/api/projects/${id}`) });
}

export interface NewProject {
  title: string;
  description: string;
  label_config: string;
}

export function useCreateProject() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (p: NewProject) => request<Project>('/api/projects', { method: 'POST', json: p }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['projects'] }),
  });
}

/** POST /api/projects/validate: null when the config is valid, else the server's message. */
export async function validateLabelConfig(labelConfig: string, signal?: AbortSignal): Promise<string | null> {
  try {
    await request<void>('/api/projects/validate', { method: 'POST', json: { label_config: labelConfig }, signal });
    return null;
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    return err instanceof Error ? err.message : String(err);
  }
}

export function useExportFormats(projectId: number) {
  return useQuery({ queryKey: ['projects', projectId, 'export-formats'], queryFn: () => request<ExportFormat[]>(`/api/projects/${projectId}/export/formats`) });
}

export function exportUrl(projectId: number, exportType: string, allTasks: boolean): string {
  return `/api/projects/${projectId}/export${query({ exportType, download_all_tasks: allTasks })}`;
}

/** The settings a manager edits (Label Studio's project fields). */
export interface ProjectSettings {
  title: string;
  description: string;
  label_config: string;
  expert_instruction: string;
  show_instruction: boolean;
  show_skip_button: boolean;
  enable_empty_annotation: boolean;
  show_annotation_history: boolean;
  maximum_annotations: number;
  sampling: 'Sequential sampling' | 'Uniform sampling' | 'Uncertainty sampling';
  skip_queue: 'REQUEUE_FOR_ME' | 'REQUEUE_FOR_OTHERS' | 'IGNORE_SKIPPED';
}

export type ProjectWithSettings = Project & Partial<ProjectSettings>;

export function useUpdateProject(id: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (change: Partial<ProjectSettings>) => request<ProjectWithSettings>(`/api/projects/${id}`, { method: 'PATCH', json: change }),
    onSuccess: (p) => {
      qc.setQueryData(['projects', id], p);
      void qc.invalidateQueries({ queryKey: ['projects', 'list'] });
    },
  });
}

export type DuplicateMode = 'settings' | 'settings,data';

/** POST /api/projects/{id}/duplicate: Label Studio answers with the new project's id only. */
export function useDuplicateProject() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, title, mode }: { id: number; title: string; mode: DuplicateMode }) => request<{ id: number }>(`/api/projects/${id}/duplicate`, { method: 'POST', json: { title, mode } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['projects'] }),
  });
}

export function useDeleteProject() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => request<void>(`/api/projects/${id}`, { method: 'DELETE' }),
    onSuccess: (_, id) => {
      qc.removeQueries({ queryKey: ['projects', id] });
      void qc.invalidateQueries({ queryKey: ['projects', 'list'] });
    },
  });
}
