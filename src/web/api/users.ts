import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { request } from './client';
import type { User } from './types';

export function useCurrentUser() {
  return useQuery({ queryKey: ['current-user'], queryFn: () => request<User>('/api/current-user/whoami'), staleTime: 5 * 60_000 });
}

export function useApiToken() {
  return useQuery({ queryKey: ['current-user', 'token'], queryFn: () => request<{ token: string }>('/api/current-user/token') });
}

export function useResetApiToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => request<{ token: string }>('/api/current-user/reset-token', { method: 'POST' }),
    onSuccess: (data) => qc.setQueryData(['current-user', 'token'], data),
  });
}
