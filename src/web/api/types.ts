// Wire shapes of the Label Studio API, spelled as the wire spells them; only the fields the app reads.

export interface User {
  id: number;
  email: string;
  username: string;
  first_name: string;
  last_name: string;
}

export interface Project {
  id: number;
  title: string;
  description: string | null;
  label_config: string;
  created_at: string;
  task_number: number;
  num_tasks_with_annotations: number;
  finished_task_number: number;
  skipped_annotations_number: number;
  total_annotations_number: number;
  total_predictions_number: number;
  show_skip_button: boolean;
  data_types: Record<string, string> | null;
}

export interface Page<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

/** One region or classification in an annotation's `result` (Label Studio's envelope). */
export interface ResultItem {
  id: string;
  from_name: string;
  to_name: string;
  type: string;
  value: Record<string, unknown>;
  origin: 'manual' | 'prediction' | 'prediction-changed';
  [extra: string]: unknown;
}

export interface Annotation {
  id: number;
  result: ResultItem[];
  was_cancelled: boolean;
  completed_by: number | null;
  lead_time: number | null;
  created_at: string;
  updated_at: string;
  task: number;
}

export interface Prediction {
  id: number;
  result: ResultItem[];
  score: number | null;
  model_version: string;
}

export interface Task {
  id: number;
  inner_id: number;
  data: Record<string, unknown>;
  total_annotations: number;
  cancelled_annotations: number;
  total_predictions: number;
  completed_at: string | null;
  is_labeled: boolean;
  annotations?: Annotation[];
  predictions?: Prediction[];
}

export interface TaskPage {
  tasks: Task[];
  total: number;
  total_annotations: number;
  total_predictions: number;
}

export interface ImportSummary {
  task_count: number;
  annotation_count: number | null;
  prediction_count: number | null;
  duration: number;
  data_columns: string[];
}

export interface ExportFormat {
  name: string;
  title: string;
  description: string;
  disabled: boolean;
}
