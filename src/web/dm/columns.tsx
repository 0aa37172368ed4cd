import type { ReactNode } from 'react';
import type { DmTask, FilterType } from '../api/dm';

/** A Data Manager column: its Label Studio id (`tasks:<name>`), how it filters and how a cell shows. */
export interface Column {
  id: string;
  title: string;
  width: string;
  type: FilterType;
  /** hidden until the column picker shows it */
  hiddenByDefault?: boolean;
  /** can be ordered by on the server */
  sortable: boolean;
  /** needs the task's annotations (`fields=all`) */
  needsDetails?: boolean;
  cell: (t: DmTask) => ReactNode;
}

export const ID_COLUMN = 'tasks:id';

function shortText(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 300 ? `${s.slice(0, 300)}…` : s;
}

const dateText = (v: string | null | undefined) => (v ? new Date(v).toLocaleString() : '');

/** Number when every value seen is a number, Boolean when every one is a boolean, else String. */
export function inferDataType(values: unknown[]): FilterType {
  const seen = values.filter((v) => v !== null && v !== undefined);
  if (seen.length && seen.every((v) => typeof v === 'number')) return 'Number';
  if (seen.length && seen.every((v) => typeof v === 'boolean')) return 'Boolean';
  return 'String';
}

const MEDIA = new Set(['Image']);

function dataCell(key: string, objectTag: string | undefined) {
  if (objectTag && MEDIA.has(objectTag)) {
    return (t: DmTask) => {
      const v = t.data[key];
      return typeof v === 'string' && v ? <img className="dm-thumb" src={v} alt="" loading="lazy" /> : shortText(v);
    };
  }
  return (t: DmTask) => shortText(t.data[key]);
}

const annotatorIds = (t: DmTask) => (t.annotators ?? []).map((a) => (typeof a === 'number' ? a : a.user_id));

/**
 * Columns from the data keys plus the task fields, in Label Studio's order. `dataTypes` maps data keys to the
 * object tag reading them (from the project), `sampleTypes` the filter type guessed from the tasks on screen.
 */
export function columnsOf(dataKeys: string[], dataTypes: Record<string, string>, sampleTypes: Record<string, FilterType>, userName: (id: number) => string = (id) => `#${id}`): Column[] {
  return [
    { id: ID_COLUMN, title: 'ID', width: '110px', type: 'Number', sortable: true, cell: (t) => String(t.id) },
    { id: 'tasks:inner_id', title: 'Inner ID', width: '90px', type: 'Number', sortable: true, hiddenByDefault: true, cell: (t) => String(t.inner_id) },
    ...dataKeys.map<Column>((k) => ({
      id: `tasks:data.${k}`,
      title: `$${k}`,
      width: 'minmax(200px, 1fr)',
      type: sampleTypes[k] ?? 'String',
      sortable: true,
      cell: dataCell(k, dataTypes[k]),
    })),
    { id: 'tasks:total_annotations', title: 'Annotations', width: '120px', type: 'Number', sortable: true, cell: (t) => String(t.total_annotations) },
    { id: 'tasks:cancelled_annotations', title: 'Skipped', width: '90px', type: 'Number', sortable: true, cell: (t) => String(t.cancelled_annotations) },
    { id: 'tasks:total_predictions', title: 'Predictions', width: '110px', type: 'Number', sortable: true, cell: (t) => String(t.total_predictions) },
    { id: 'tasks:completed_at', title: 'Completed', width: '190px', type: 'Datetime', sortable: true, cell: (t) => dateText(t.completed_at) },
    { id: 'tasks:annotators', title: 'Annotated by', width: '180px', type: 'Number', sortable: false, needsDetails: true, hiddenByDefault: true, cell: (t) => annotatorIds(t).map(userName).join(', ') },
    { id: 'tasks:ground_truth', title: 'Ground truth', width: '125px', type: 'Boolean', sortable: false, hiddenByDefault: true, cell: (t) => (t.ground_truth ? 'yes' : '') },
    { id: 'tasks:created_at', title: 'Created', width: '190px', type: 'Datetime', sortable: true, hiddenByDefault: true, cell: (t) => dateText(t.created_at) },
    { id: 'tasks:updated_at', title: 'Updated', width: '190px', type: 'Datetime', sortable: true, hiddenByDefault: true, cell: (t) => dateText(t.updated_at) },
  ];
}

/** Columns that filter but have no cell: what the results and scores of a task hold. */
export const FILTER_ONLY_COLUMNS: Pick<Column, 'id' | 'title' | 'type'>[] = [
  { id: 'tasks:annotations_results', title: 'Annotation results', type: 'String' },
  { id: 'tasks:predictions_results', title: 'Prediction results', type: 'String' },
  { id: 'tasks:predictions_score', title: 'Prediction score', type: 'Number' },
  { id: 'tasks:predictions_model_versions', title: 'Model versions', type: 'String' },
];

/** A view's hidden columns, or the defaults when it never chose. */
export function hiddenOf(columns: Column[], saved: string[] | undefined): Set<string> {
  return new Set(saved ?? columns.filter((c) => c.hiddenByDefault).map((c) => c.id));
}
