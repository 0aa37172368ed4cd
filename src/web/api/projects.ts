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
  return useQuery({ queryKey: ['projects', id], queryFn: () => request<Project>(`/api/projects/${id}`) });
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
