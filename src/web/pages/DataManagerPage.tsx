import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { useUserNames, type ActionResult, type DmAction, type DmPage, type DmQuery, type Filters, type FilterType } from '../api/dm';
import { useProject } from '../api/projects';
import { ExportDialog } from '../components/ExportDialog';
import { ImportDialog } from '../components/ImportDialog';
import { TaskTable } from '../components/TaskTable';
import { ActionsMenu } from '../dm/ActionsMenu';
import { ColumnPicker } from '../dm/ColumnPicker';
import { columnsOf, FILTER_ONLY_COLUMNS, hiddenOf, inferDataType } from '../dm/columns';
import { EMPTY_FILTERS, runnableFilters } from '../dm/filter-grammar';
import { FilterPanel } from '../dm/FilterPanel';
import { Popover } from '../dm/Popover';
import { NOTHING, selectedCount, type Selection } from '../dm/selection';
import { TaskPreview } from '../dm/TaskPreview';
import { TYPING_MS, useViewTabs } from '../dm/use-view-tabs';
import { ViewTabs } from '../dm/ViewTabs';
import '../dm/dm.css';
import { useDebounced } from '../lib/use-debounced';

const n = (count: number) => count.toLocaleString('en-US');

/** Data keys and their guessed filter types, from every first page seen: a filter never makes a column vanish. */
function useSeenData() {
  const [seen, setSeen] = useState<{ keys: string[]; types: Record<string, FilterType> }>({ keys: [], types: {} });
  const onFirstPage = useCallback((page: DmPage) => {
    setSeen((old) => {
      const keys = new Set(old.keys);
      for (const t of page.tasks) for (const k of Object.keys(t.data)) keys.add(k);
      const types = { ...old.types };
      for (const k of keys) if (!types[k] && page.tasks.length) types[k] = inferDataType(page.tasks.map((t) => t.data[k]));
      if (keys.size === old.keys.length && Object.keys(types).length === Object.keys(old.types).length) return old;
      return { keys: [...keys], types };
    });
  }, []);
  return { ...seen, onFirstPage };
}

/** A project's tasks under the selected tab's filters, ordering and columns, with actions, preview, import, export and the way into labeling. */
export function DataManagerPage() {
  const id = Number(useParams().projectId);
  const navigate = useNavigate();
  const qc = useQueryClient();
  const project = useProject(id);
  const tabs = useViewTabs(id);
  const view = tabs.current;
  const [params, setParams] = useSearchParams();
  const [exporting, setExporting] = useState(false);
  const [selection, setSelection] = useState<Selection>(NOTHING);
  const [previewId, setPreviewId] = useState<number | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [total, setTotal] = useState<number | null>(null);
  const seen = useSeenData();
  const importing = params.get('import') === '1';
  const closeImport = useCallback(() => setParams((p) => (p.delete('import'), p), { replace: true }), [setParams]);
  const closeExport = useCallback(() => setExporting(false), []);
  const closePreview = useCallback(() => setPreviewId(null), []);

  const p = project.data;
  const dataTypes = useMemo(() => p?.data_types ?? {}, [p?.data_types]);
  const dataKeys = useMemo(() => [...new Set([...Object.keys(dataTypes), ...seen.keys])], [dataTypes, seen.keys]);
  const names = useUserNames().data;
  const userName = useCallback((uid: number) => names?.get(uid) ?? `#${uid}`, [names]);
  const columns = useMemo(() => columnsOf(dataKeys, dataTypes, seen.types, userName), [dataKeys, dataTypes, seen.types, userName]);
  const hidden = hiddenOf(columns, view?.data.hiddenColumns?.explore);
  const visible = columns.filter((c) => !hidden.has(c.id));
  const filterColumns = useMemo(() => [...columns.filter((c) => !c.needsDetails), ...FILTER_ONLY_COLUMNS], [columns]);

  const filters = view?.data.filters ?? EMPTY_FILTERS;
  const ordering = view?.data.ordering ?? [];
  // while a value is being typed the table follows once typing pauses; every other change applies at once
  const [typingIn, setTypingIn] = useState<number | null>(null);
  const liveFilters = JSON.stringify(runnableFilters(filters));
  const debouncedFilters = useDebounced(liveFilters, TYPING_MS);
  const settledFilters = typingIn !== null && typingIn === view?.id ? debouncedFilters : liveFilters;
  const orderingKey = JSON.stringify(ordering);
  const query = useMemo<DmQuery>(() => ({ filters: JSON.parse(settledFilters) as Filters, ordering: JSON.parse(orderingKey) as string[] }), [settledFilters, orderingKey]);
  useEffect(() => setSelection(NOTHING), [settledFilters, view?.id]);
  const onSeen = seen.onFirstPage;
  const onFirstPage = useCallback((page: DmPage) => (setTotal(page.total), onSeen(page)), [onSeen]);

  const setFilters = (f: Filters, typing?: boolean) => {
    if (!view) return;
    setTypingIn(typing ? view.id : null);
    tabs.update(view.id, { filters: f }, typing ? TYPING_MS : 0);
  };
  const onSort = (columnId: string) => {
    if (!view) return;
    const cur = ordering[0];
    tabs.update(view.id, { ordering: cur === columnId ? [`-${columnId}`] : cur === `-${columnId}` ? [] : [columnId] });
  };
  const onActionDone = (action: DmAction, result: ActionResult) => {
    setNotice(result.detail ?? `${action.title}: ${n(result.processed_items)} done`);
    setSelection(NOTHING);
    setPreviewId(null);
    void qc.invalidateQueries({ queryKey: ['tasks', id] });
    void qc.invalidateQueries({ queryKey: ['projects'] });
    if (result.reload) void tabs.reload();
  };

  if (project.isError) {
    return (
      <p className="error" role="alert">
        {project.error.message}
      </p>
    );
  }
  const count = selectedCount(selection, total ?? 0);
  const activeFilters = runnableFilters(filters).items.length;
  return (
    <section className="data-manager">
      <div className="page-head">
        <nav className="crumbs" aria-label="Breadcrumb">
          <Link to="/projects">Projects</Link> / <h1>{p ? p.title || `Project ${p.id}` : '…'}</h1>
        </nav>
        {p && (
          <span className="muted" data-testid="project-counts">
            {n(p.task_number)} tasks · {n(p.num_tasks_with_annotations)} annotated · {n(p.skipped_annotations_number)} skipped · {n(p.total_predictions_number)} predictions
          </span>
        )}
        <Link className="button" to={`/projects/${id}/settings`}>
          Settings
        </Link>
        <button type="button" onClick={() => setParams((q) => (q.set('import', '1'), q))}>
          Import
        </button>
        <button type="button" onClick={() => setExporting(true)}>
          Export
        </button>
        <Link className="button primary" to={`/projects/${id}/label`}>
          Label all tasks
        </Link>
      </div>
      {p && p.task_number === 0 ? (
        <div className="empty">
          <p>This project has no tasks yet.</p>
          <button type="button" className="primary" onClick={() => setParams((q) => (q.set('import', '1'), q))}>
            Import data
          </button>
        </div>
      ) : (
        <>
          <ViewTabs
            views={tabs.views}
            currentId={view?.id}
            onSelect={tabs.select}
            onAdd={(data) => void tabs.add(data)}
            onRename={(v, title) => tabs.update(v.id, { title })}
            onDelete={(v) => void tabs.remove(v)}
          />
          <div className="dm-toolbar">
            <Popover button={activeFilters ? `Filters (${activeFilters})` : 'Filters'} label="Filters" className={activeFilters ? 'dm-active' : undefined}>
              {() => <FilterPanel columns={filterColumns} filters={filters} onChange={setFilters} />}
            </Popover>
            <Popover button="Columns" label="Columns">
              {() => <ColumnPicker columns={columns} hidden={hidden} onChange={(h) => view && tabs.update(view.id, { hiddenColumns: { ...view.data.hiddenColumns, explore: h } })} />}
            </Popover>
            {count > 0 && <ActionsMenu projectId={id} selection={selection} count={count} filters={query.filters} ordering={query.ordering} onDone={onActionDone} />}
            <span className="muted dm-total" data-testid="dm-total">
              {total === null ? '' : count > 0 ? `${n(count)} of ${n(total)} tasks selected` : `${n(total)} tasks`}
            </span>
            {notice && (
              <span className="notice" role="status">
                {notice}
              </span>
            )}
            {(tabs.error || tabs.loadError) && (
              <span className="error" role="alert">
                {tabs.error ?? tabs.loadError?.message}
              </span>
            )}
          </div>
          <div className="dm-body">
            {view && (
              <TaskTable
                projectId={id}
                columns={visible}
                query={query}
                selection={selection}
                onSelectionChange={setSelection}
                onSort={onSort}
                onOpen={(t) => navigate(`/projects/${id}/label?task=${t.id}`)}
                onPreview={(t) => setPreviewId(t.id)}
                previewId={previewId}
                onFirstPage={onFirstPage}
              />
            )}
            {previewId !== null && <TaskPreview projectId={id} taskId={previewId} dataTypes={dataTypes} userName={userName} onClose={closePreview} />}
          </div>
        </>
      )}
      {importing && <ImportDialog projectId={id} onClose={closeImport} />}
      {exporting && <ExportDialog projectId={id} onClose={closeExport} />}
    </section>
  );
}
