import { useQueries, useQuery, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef } from 'react';
import { fetchTaskPage, TASK_PAGE_SIZE } from '../api/tasks';
import type { Task, TaskPage } from '../api/types';
import { useDebounced } from '../lib/use-debounced';

const ROW_HEIGHT = 36;

interface Column {
  id: string;
  title: string;
  width: string;
  cell: (t: Task) => string;
}

function shortText(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 300 ? `${s.slice(0, 300)}…` : s;
}

function columnsOf(dataKeys: string[]): Column[] {
  return [
    { id: 'id', title: 'ID', width: '90px', cell: (t) => String(t.id) },
    ...dataKeys.map((k) => ({ id: `data.${k}`, title: `$${k}`, width: 'minmax(200px, 1fr)', cell: (t: Task) => shortText(t.data[k]) })),
    { id: 'annotations', title: 'Annotations', width: '120px', cell: (t) => String(t.total_annotations) },
    { id: 'cancelled', title: 'Skipped', width: '90px', cell: (t) => String(t.cancelled_annotations) },
    { id: 'predictions', title: 'Predictions', width: '110px', cell: (t) => String(t.total_predictions) },
    { id: 'completed', title: 'Completed', width: '190px', cell: (t) => (t.completed_at ? new Date(t.completed_at).toLocaleString() : '') },
  ];
}

/** How long the visible pages must stay the same before they are fetched: a fast scroll past a page never asks for it. */
const SETTLE_MS = 120;

const pageKey = (projectId: number, page: number): QueryKey => ['tasks', projectId, page];

/**
 * The Data Manager's task table: only the rows on screen exist in the DOM, and a page of 100 tasks is
 * fetched once its rows stay in view for a moment. Each page request costs the server a query, so a
 * fling through 100,000 rows must not turn into a thousand of them.
 */
export function TaskTable({ projectId, dataKeys, onOpen }: { projectId: number; dataKeys: string[]; onOpen: (task: Task) => void }) {
  const qc = useQueryClient();
  const first = useQuery({ queryKey: pageKey(projectId, 1), queryFn: ({ signal }) => fetchTaskPage(projectId, 1, signal) });
  const total = first.data?.total ?? 0;
  const keys = useMemo(() => {
    const seen = new Set(dataKeys);
    for (const t of first.data?.tasks ?? []) for (const k of Object.keys(t.data)) seen.add(k);
    return [...seen];
  }, [dataKeys, first.data]);
  const columns = useMemo(() => columnsOf(keys), [keys]);
  const template = columns.map((c) => c.width).join(' ');

  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: total, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 15 });
  const rows = virtualizer.getVirtualItems();
  const visiblePages = [...new Set(rows.map((r) => Math.floor(r.index / TASK_PAGE_SIZE) + 1))].join(',');
  const settledPages = useDebounced(visiblePages, SETTLE_MS);
  useQueries({
    queries: (settledPages ? settledPages.split(',').map(Number) : []).map((page) => ({
      queryKey: pageKey(projectId, page),
      queryFn: ({ signal }: { signal: AbortSignal }) => fetchTaskPage(projectId, page, signal),
      staleTime: 30_000,
    })),
  });
  // pages already in the cache show at once, even mid-scroll; this component renders on every scroll frame
  const taskAt = (index: number) => qc.getQueryData<TaskPage>(pageKey(projectId, Math.floor(index / TASK_PAGE_SIZE) + 1))?.tasks[index % TASK_PAGE_SIZE];

  if (first.isError) {
    return (
      <p className="error" role="alert">
        {first.error.message}
      </p>
    );
  }
  return (
    <div className="task-table" role="table" aria-label="Tasks" aria-rowcount={total + 1} data-total={total}>
      <div className="task-row task-head" role="row" style={{ gridTemplateColumns: template }}>
        {columns.map((c) => (
          <div key={c.id} role="columnheader" className="cell">
            {c.title}
          </div>
        ))}
      </div>
      <div ref={scroller} className="task-scroll" data-testid="task-scroll">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {rows.map((r) => {
            const task = taskAt(r.index);
            return (
              <div
                key={r.key}
                role="row"
                aria-rowindex={r.index + 2}
                className={`task-row${task ? '' : ' task-row-loading'}`}
                style={{ gridTemplateColumns: template, height: ROW_HEIGHT, transform: `translateY(${r.start}px)` }}
                data-task-id={task?.id}
                onClick={() => task && onOpen(task)}
              >
                {columns.map((c) => (
                  <div key={c.id} role="cell" className="cell">
                    {task ? c.cell(task) : c.id === 'id' ? '…' : ''}
                  </div>
                ))}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
