import { useCallback, useState } from 'react';

/** The tasks an annotator saw in this browser session, per project, in the order they first saw them. */
function load(projectId: number): number[] {
  try {
    const saved = JSON.parse(sessionStorage.getItem(`labelfleet:label-history:${projectId}`) ?? '[]') as unknown;
    return Array.isArray(saved) ? saved.filter((id): id is number => typeof id === 'number') : [];
  } catch {
    return [];
  }
}

export interface StreamHistory {
  /** adds a task the annotator is looking at; one the stream serves again moves to the end, as in Label Studio */
  remember: (taskId: number, fromStream: boolean) => void;
  previousOf: (taskId: number) => number | null;
  nextOf: (taskId: number) => number | null;
  /** the task seen last, for going back once the stream is done */
  lastSeen: number | null;
}

/** Kept in sessionStorage, so a reload keeps Previous working. */
export function useStreamHistory(projectId: number): StreamHistory {
  const [ids, setIds] = useState(() => load(projectId));
  const remember = useCallback(
    (taskId: number, fromStream: boolean) =>
      setIds((list) => {
        if (list.includes(taskId) && (!fromStream || list.at(-1) === taskId)) return list;
        const next = [...list.filter((id) => id !== taskId), taskId];
        sessionStorage.setItem(`labelfleet:label-history:${projectId}`, JSON.stringify(next));
        return next;
      }),
    [projectId],
  );
  const at = (taskId: number, step: number) => {
    const i = ids.indexOf(taskId);
    return i < 0 ? null : (ids[i + step] ?? null);
  };
  return { remember, previousOf: (id) => at(id, -1), nextOf: (id) => at(id, 1), lastSeen: ids.at(-1) ?? null };
}
