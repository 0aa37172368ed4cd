import { z } from 'zod';
import { httpUrl, lsBool } from '../../wire.js';

/** Label Studio's webhook actions (`webhooks/models.py:WebhookAction.ACTIONS`), as `/api/webhooks/info` lists them. */
export const WEBHOOK_ACTIONS = {
  PROJECT_CREATED: { name: 'Project created', description: '', key: 'project', 'organization-only': true },
  PROJECT_UPDATED: { name: 'Project updated', description: '', key: 'project', 'organization-only': false },
  PROJECT_DELETED: { name: 'Project deleted', description: '', key: 'project', 'organization-only': true },
  TASKS_CREATED: { name: 'Task created', description: '', key: 'tasks', 'organization-only': false },
  TASKS_DELETED: { name: 'Task deleted', description: '', key: 'tasks', 'organization-only': false },
  ANNOTATION_CREATED: { name: 'Annotation created', description: '', key: 'annotation', 'organization-only': false },
  ANNOTATIONS_CREATED: { name: 'Annotations created', description: '', key: 'annotation', 'organization-only': false },
  ANNOTATION_UPDATED: { name: 'Annotation updated', description: '', key: 'annotation', 'organization-only': false },
  ANNOTATIONS_DELETED: { name: 'Annotation deleted', description: '', key: 'annotations', 'organization-only': false },
  LABEL_LINK_CREATED: { name: 'Label link created', description: '', key: 'label_link', 'organization-only': false },
  LABEL_LINK_UPDATED: { name: 'Label link updated', description: '', key: 'label_link', 'organization-only': false },
  LABEL_LINK_DELETED: { name: 'Label link deleted', description: '', key: 'label_link', 'organization-only': false },
} as const;

export type WebhookAction = keyof typeof WEBHOOK_ACTIONS;
const ACTION_NAMES = Object.keys(WEBHOOK_ACTIONS) as [WebhookAction, ...WebhookAction[]];

const HEADER_NAME = /^[a-zA-Z0-9-_]+$/;

const url = httpUrl;

const headers = z
  .record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String))
  .refine((h) => Object.keys(h).length <= 10, 'Too many headers: at most 10.')
  .refine((h) => Object.keys(h).every((k) => HEADER_NAME.test(k)), 'Header names may hold only letters, digits, "-" and "_".');

const actions = z.array(z.enum(ACTION_NAMES, { error: (i) => `"${String(i.input)}" is not a valid choice.` }));

/** `secret` is LabelFleet's: the key of the body's HMAC-SHA256 signature (generated when not given). */
const secret = z.string().min(16, 'The secret needs at least 16 characters.').max(256);

export const WebhookCreateBody = z
  .object({
    url,
    project: z.coerce.number().int().nullish(),
    send_payload: lsBool.optional(),
    send_for_all_actions: lsBool.optional(),
    headers: headers.nullish(),
    is_active: lsBool.optional(),
    actions: actions.nullish(),
    secret: secret.optional(),
  })
  .loose();
export type WebhookCreate = z.infer<typeof WebhookCreateBody>;

/** Label Studio's update serializer: the project a webhook belongs to does not change. */
export const WebhookUpdateBody = WebhookCreateBody.omit({ project: true }).partial();
export type WebhookUpdate = z.infer<typeof WebhookUpdateBody>;

export const WebhookListQuery = z.object({ project: z.string().optional() });

export const WebhookInfoQuery = z.object({ 'organization-only': lsBool.optional() });

export const DeliveryListQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) });
