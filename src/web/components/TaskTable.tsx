import { useQueries, useQuery, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useRef, type MouseEvent } from 'react';
import { DM_PAGE_SIZE, fetchDmPage, type DmPage, type DmQuery, type DmTask } from '../api/dm';
import { ID_COLUMN, type Column } from '../dm/columns';
import { EVERYTHING, isSelected, NOTHING, selectedCount, toggle, type Selection } from '../dm/selection';
import { useDebounced } from '../lib/use-debounced';

const ROW_HEIGHT = 36;

/** How long the visible pages must stay the same before they are fetched: a fast scroll past a page never asks for it. */
const SETTLE_MS = 120;

type Fields = 'all' | 'task_only';
const pageKey = (projectId: number, q: string, fields: Fields, page: number): QueryKey => ['tasks', projectId, 'dm', q, fields, page];

export interface TaskTableProps {
  projectId: number;
  columns: Column[];
  query: DmQuery;
  selection: Selection;
  onSelectionChange: (s: Selection) => void;
  onSort: (columnId: string) => void;
  onOpen: (task: DmTask) => void;
  onPreview: (task: DmTask) => void;
  previewId?: number | null;
  /** the first page's answer: how many tasks match, and a sample of them */
  onFirstPage?: (page: DmPage) => void;
}

/** `120px` → 120, `minmax(200px, 1fr)` → 200 */
const minPixels = (width: string) => Number(/(\d+)px/.exec(width)?.[1] ?? 0);

function sortState(ordering: string[], columnId: string): 'ascending' | 'descending' | undefined {
  const first = ordering[0];
  if (first === columnId) return 'ascending';
  if (first === `-${columnId}`) return 'descending';
  return undefined;
}

/**
 * The Data Manager's task table under a query (filters and ordering): only the rows on screen exist in the
 * DOM, and a page of 100 tasks is fetched once its rows stay in view for a moment. Each page request costs
 * the server a query, so a fling through 100,000 rows must not turn into a thousand of them.
 */
export function TaskTable({ projectId, columns, query, selection, onSelectionChange, onSort, onOpen, onPreview, previewId, onFirstPage }: TaskTableProps) {
  const qc = useQueryClient();
  const q = JSON.stringify(query);
  const fields: Fields = columns.some((c) => c.needsDetails) ? 'all' : 'task_only';
  const first = useQuery({
    queryKey: pageKey(projectId, q, fields, 1),
    queryFn: ({ signal }) => fetchDmPage(projectId, query, 1, fields, signal),
    placeholderData: (previous) => previous,
  });
  const settled = !first.isPlaceholderData && first.isSuccess;
  const total = first.data?.total ?? 0;
  useEffect(() => {
    if (settled && first.data) onFirstPage?.(first.data);
  }, [settled, first.data, onFirstPage]);
  const template = columns.map((c) => c.width).join(' ');
  // every row is at least as wide as all columns at their narrowest, so the columns line up when they overflow
  const minWidth = columns.reduce((sum, c) => sum + minPixels(c.width), 0);

  const scroller = useRef<HTMLDivElement>(null);
  // the header row sits in the scroller above the rows (sticky), so it scrolls sideways with them
  const virtualizer = useVirtualizer({ count: total, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 15, scrollMargin: ROW_HEIGHT });
  // a new query starts at its first row
  useEffect(() => {
    scroller.current?.scrollTo({ top: 0 });
  }, [q]);
  const rows = virtualizer.getVirtualItems();
  const visiblePages = [...new Set(rows.map((r) => Math.floor(r.index / DM_PAGE_SIZE) + 1))].join(',');
  const settledPages = useDebounced(visiblePages, SETTLE_MS);
  useQueries({
    queries: (settledPages ? settledPages.split(',').map(Number) : []).map((page) => ({
      queryKey: pageKey(projectId, q, fields, page),
      queryFn: ({ signal }: { signal: AbortSignal }) => fetchDmPage(projectId, query, page, fields, signal),
      staleTime: 30_000,
      enabled: settled,
    })),
  });
  // pages already in the cache show at once, even mid-scroll; this component renders on every scroll frame
  const taskAt = (index: number) =>
    settled ? qc.getQueryData<DmPage>(pageKey(projectId, q, fields, Math.floor(index / DM_PAGE_SIZE) + 1))?.tasks[index % DM_PAGE_SIZE] : undefined;

  // the rows get handlers that never change, so a memoized row re-renders only when its own task or state does
  const latest = useRef({ selection, onSelectionChange, onOpen, onPreview });
  latest.current = { selection, onSelectionChange, onOpen, onPreview };
  const toggleTask = useCallback((id: number) => latest.current.onSelectionChange(toggle(latest.current.selection, id)), []);
  const openTask = useCallback((task: DmTask) => latest.current.onOpen(task), []);
  const previewTask = useCallback((task: DmTask) => latest.current.onPreview(task), []);
  // rows are keyed by slot (index modulo the number of rows shown), not by index: a row scrolled out is the one
  // that comes in, and a jump far down reuses every row already in the DOM (new text and offset) instead of
  // building them all again; consecutive indices never share a slot
  const slots = rows.length;

  const count = selectedCount(selection, total);
  const allTicked = total > 0 && count === total;
  const headBox = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (headBox.current) headBox.current.indeterminate = count > 0 && !allTicked;
  }, [count, allTicked]);
  if (first.isError) {
    return (
      <p className="error" role="alert">
        {first.error.message}
      </p>
    );
  }
  return (
    <div className="task-table" role="table" aria-label="Tasks" aria-rowcount={total + 1} aria-busy={!settled} data-total={settled ? total : undefined}>
      <div ref={scroller} className="task-scroll" data-testid="task-scroll">
        <div className="task-row task-head" role="row" style={{ gridTemplateColumns: template, minWidth }}>
          {columns.map((c) => (
            <div key={c.id} role="columnheader" className="cell" aria-sort={sortState(query.ordering, c.id)} data-column={c.id}>
              {c.id === ID_COLUMN && (
                <input
                  ref={headBox}
                  type="checkbox"
                  className="dm-check"
                  aria-label="Select all tasks"
                  checked={allTicked}
                  onChange={() => onSelectionChange(count > 0 ? NOTHING : EVERYTHING)}
                />
              )}
              {c.sortable ? (
                <button type="button" className="dm-sort" onClick={() => onSort(c.id)} title={`Order by ${c.title}`}>
                  {c.title}
                </button>
              ) : (
                c.title
              )}
            </div>
          ))}
        </div>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {rows.map((r) => {
            const task = taskAt(r.index);
            return (
              <TaskRow
                key={r.index % slots}
                index={r.index}
                top={r.start - ROW_HEIGHT}
                task={task}
                ticked={task ? isSelected(selection, task.id) : false}
                previewed={task !== undefined && task.id === previewId}
                columns={columns}
                template={template}
                minWidth={minWidth}
                onToggle={toggleTask}
                onOpen={openTask}
                onPreview={previewTask}
              />
            );
          })}
        </div>
      </div>
    </div>
  );
}

interface TaskRowProps {
  index: number;
  /** offset from the first row, in pixels */
  top: number;
  /** undefined while its page is being fetched */
  task: DmTask | undefined;
  ticked: boolean;
  previewed: boolean;
  columns: Column[];
  template: string;
  minWidth: number;
  onToggle: (id: number) => void;
  onOpen: (task: DmTask) => void;
  onPreview: (task: DmTask) => void;
}

const stop = (e: MouseEvent) => e.stopPropagation();

/**
 * One row, memoized: a scroll re-renders only the rows that changed. Its size is fixed and nothing inside
 * can change it or show outside it (`contain: strict`), so laying out a row never touches another.
 */
const TaskRow = memo(function TaskRow({ index, top, task, ticked, previewed, columns, template, minWidth, onToggle, onOpen, onPreview }: TaskRowProps) {
  const classes = ['task-row', task ? '' : 'task-row-loading', ticked ? 'task-row-selected' : '', previewed ? 'task-row-previewed' : ''];
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      aria-selected={task ? ticked : undefined}
      className={classes.filter(Boolean).join(' ')}
      style={{ gridTemplateColumns: template, minWidth, height: ROW_HEIGHT, contain: 'strict', transform: `translateY(${top}px)` }}
      data-task-id={task?.id}
      onClick={() => task && onOpen(task)}
    >
      {columns.map((c) => (
        <div key={c.id} role="cell" className="cell">
          {c.id === ID_COLUMN && task ? (
            <span className="dm-id-cell">
              <input type="checkbox" className="dm-check" aria-label={`Select task ${task.id}`} checked={ticked} onClick={stop} onChange={() => onToggle(task.id)} />
              <span className="dm-id">{task.id}</span>
              <button type="button" className="dm-preview-button" aria-label={`Preview task ${task.id}`} title="Preview" onClick={(e) => (stop(e), onPreview(task))}>
                <EyeIcon />
              </button>
            </span>
          ) : task ? (
            c.cell(task)
          ) : c.id === ID_COLUMN ? (
            '…'
          ) : (
            ''
          )}
        </div>
      ))}
    </div>
  );
});

function EyeIcon() {
  return (
    <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true">
      <path d="M12 5C6.5 5 2.7 9.2 1.5 12c1.2 2.8 5 7 10.5 7s9.3-4.2 10.5-7C21.3 9.2 17.5 5 12 5zm0 11.5A4.5 4.5 0 1 1 12 7.5a4.5 4.5 0 0 1 0 9zm0-2.5a2 2 0 1 0 0-4 2 2 0 0 0 0 4z" fill="currentColor" />
    </svg>
  );
}
