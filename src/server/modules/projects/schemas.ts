import { z } from 'zod';
import { lsBool } from '../../wire.js';

/** Project fields kept in the `settings` JSONB column, with Label Studio's defaults. */
export const SETTING_DEFAULTS = {
  expert_instruction: '',
  show_instruction: false,
  show_skip_button: true,
  enable_empty_annotation: true,
  show_annotation_history: false,
  color: '#FFFFFF',
  is_published: false,
  model_version: '',
  is_draft: false,
  min_annotations_to_start_training: 0,
  start_training_on_annotation_update: false,
  show_collab_predictions: true,
  sampling: 'Sequential sampling',
  show_ground_truth_first: false,
  show_overlap_first: false,
  overlap_cohort_percentage: 100,
  task_data_login: null as string | null,
  task_data_password: null as string | null,
  evaluate_predictions_automatically: false,
  skip_queue: 'REQUEUE_FOR_OTHERS',
  reveal_preannotations_interactively: false,
  control_weights: null as Record<string, unknown> | null,
};
export type ProjectSettings = typeof SETTING_DEFAULTS;
export const SETTING_KEYS = Object.keys(SETTING_DEFAULTS) as (keyof ProjectSettings)[];

const title = z
  .string()
  .max(50, 'Ensure this field has no more than 50 characters.')
  .refine((t) => t.length === 0 || t.length >= 3, 'Ensure this field has at least 3 characters.');

export const ProjectBody = z
  .object({
    title: title.nullish(),
    description: z.string().nullish(),
    label_config: z.string().nullish(),
    maximum_annotations: z.coerce.number().int().min(1).optional(),
    expert_instruction: z.string().nullish(),
    show_instruction: lsBool.optional(),
    show_skip_button: lsBool.optional(),
    enable_empty_annotation: lsBool.optional(),
    show_annotation_history: lsBool.optional(),
    color: z.string().max(16).nullish(),
    is_published: lsBool.optional(),
    model_version: z.string().nullish(),
    is_draft: lsBool.optional(),
    min_annotations_to_start_training: z.coerce.number().int().min(0).optional(),
    start_training_on_annotation_update: lsBool.optional(),
    show_collab_predictions: lsBool.optional(),
    sampling: z.enum(['Sequential sampling', 'Uniform sampling', 'Uncertainty sampling']).nullish(),
    show_ground_truth_first: lsBool.optional(),
    show_overlap_first: lsBool.optional(),
    overlap_cohort_percentage: z.coerce.number().int().min(0).max(100).optional(),
    task_data_login: z.string().nullish(),
    task_data_password: z.string().nullish(),
    evaluate_predictions_automatically: lsBool.optional(),
    skip_queue: z.enum(['REQUEUE_FOR_ME', 'REQUEUE_FOR_OTHERS', 'IGNORE_SKIPPED']).nullish(),
    reveal_preannotations_interactively: lsBool.optional(),
    control_weights: z.record(z.string(), z.unknown()).nullish(),
    pinned_at: z.string().nullish(),
  })
  .loose();
export type ProjectInput = z.infer<typeof ProjectBody>;

export const ProjectListQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  page_size: z.coerce.number().int().min(1).default(30),
  ordering: z.string().optional(),
  ids: z.string().optional(),
  title: z.string().optional(),
  search: z.string().optional(),
  filter: z.enum(['all', 'pinned_only', 'exclude_pinned']).optional(),
});
export type ProjectListQuery = z.infer<typeof ProjectListQuery>;

export const ValidateBody = z.object({ label_config: z.string({ error: 'This field is required.' }) });
