import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { createView, deleteView, patchView, patchViewOnExit, useViews, viewsKey, type View, type ViewData } from '../api/dm';

const lastTabKey = (projectId: number) => `labelfleet.dm.tab.${projectId}`;

/** How long a change waits for the next before it is saved: typing a filter value is one save, not one per key. */
export const TYPING_MS = 400;

/**
 * The project's saved views as tabs: the selected one (in the URL, remembered per project), and edits that
 * show at once and are saved to /api/dm/views in the background.
 */
export function useViewTabs(projectId: number) {
  const qc = useQueryClient();
  const views = useViews(projectId);
  const [params, setParams] = useSearchParams();
  const [error, setError] = useState<string | null>(null);
  // edits show from React state in the same event (a controlled input must see its new value at once); the
  // query cache, which notifies a tick later, takes over when it has them
  const [overlay, setOverlay] = useState<{ base: View[] | undefined; list: View[] } | null>(null);
  const list = (overlay && overlay.base === views.data ? overlay.list : views.data) ?? [];
  const asked = Number(params.get('tab') ?? localStorage.getItem(lastTabKey(projectId)));
  const current = list.find((v) => v.id === asked) ?? list[0];

  const select = useCallback(
    (id: number) => {
      localStorage.setItem(lastTabKey(projectId), String(id));
      setParams(
        (p) => {
          p.set('tab', String(id));
          return p;
        },
        { replace: true },
      );
    },
    [projectId, setParams],
  );

  const base = views.data;
  const setList = useCallback(
    (change: (list: View[]) => View[]) => {
      setOverlay((o) => ({ base, list: change((o && o.base === base ? o.list : base) ?? []) }));
      qc.setQueryData<View[]>(viewsKey(projectId), (old) => change(old ?? []));
    },
    [qc, projectId, base],
  );

  // unsaved changes per view, sent together once the view stops changing
  const pending = useRef(new Map<number, { data: Partial<ViewData>; timer: ReturnType<typeof setTimeout> }>());
  const flush = useCallback(
    (id: number) => {
      const p = pending.current.get(id);
      if (!p) return;
      clearTimeout(p.timer);
      pending.current.delete(id);
      patchView(id, p.data).then(
        () => setError(null),
        (err: Error) => setError(`The tab could not be saved: ${err.message}`),
      );
    },
    [],
  );
  useEffect(() => {
    const all = pending.current;
    // a reload right after typing must not lose the change
    const onExit = () => {
      for (const [id, p] of all) {
        clearTimeout(p.timer);
        patchViewOnExit(id, p.data);
      }
      all.clear();
    };
    window.addEventListener('pagehide', onExit);
    return () => {
      window.removeEventListener('pagehide', onExit);
      for (const id of [...all.keys()]) flush(id);
    };
  }, [flush]);

  const update = useCallback(
    (id: number, change: Partial<ViewData>, delay = 0) => {
      setList((l) => l.map((v) => (v.id === id ? { ...v, data: { ...v.data, ...change } } : v)));
      const p = pending.current.get(id);
      if (p) clearTimeout(p.timer);
      pending.current.set(id, { data: { ...p?.data, ...change }, timer: setTimeout(() => flush(id), delay) });
    },
    [setList, flush],
  );

  const add = useCallback(
    async (data: ViewData) => {
      try {
        const created = await createView(projectId, data);
        setList((l) => [...l, created]);
        select(created.id);
      } catch (err) {
        setError((err as Error).message);
      }
    },
    [projectId, setList, select],
  );

  const remove = useCallback(
    async (view: View) => {
      const rest = list.filter((v) => v.id !== view.id);
      if (rest.length === 0) return;
      try {
        flush(view.id);
        await deleteView(view.id);
        setList((l) => l.filter((v) => v.id !== view.id));
        if (current?.id === view.id) select(rest[Math.max(0, list.indexOf(view) - 1)].id);
      } catch (err) {
        setError((err as Error).message);
      }
    },
    [list, current, flush, setList, select],
  );

  const reload = useCallback(() => qc.invalidateQueries({ queryKey: viewsKey(projectId) }), [qc, projectId]);

  return { views: list, current, isPending: views.isPending, loadError: views.error, error, select, update, add, remove, reload };
}
