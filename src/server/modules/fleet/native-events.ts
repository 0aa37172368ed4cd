import type { FastifyBaseLogger } from 'fastify';
import type { Ctx } from '../../context.js';
import { subscribe, type DomainEvent } from '../../events.js';
import type { AnnotationRow } from '../annotations/service.js';
import { ingestAnnotation } from './annotation-ingest.js';
import { findAnnotatorOfUser } from './annotators.js';

/**
 * Annotations fleet annotators save through our own Label Studio API feed the fleet as webhooks would:
 * the annotations service announces them on the domain event bus after its transaction commits.
 */
async function onSaved(ctx: Ctx, action: 'created' | 'updated', a: AnnotationRow): Promise<void> {
  if (a.completed_by === null) return;
  const annotator = await findAnnotatorOfUser(ctx.db, a.completed_by);
  if (!annotator) return;
  await ingestAnnotation(ctx, {
    annotatorId: annotator.id,
    action,
    annotationId: a.id,
    taskId: a.task_id,
    projectId: a.project_id,
    result: Array.isArray(a.result) ? a.result : [],
    leadTimeSeconds: a.lead_time,
    wasCancelled: a.was_cancelled,
    source: 'native',
  });
}

/** A deleted annotation undoes the task it completed, if it completed one. */
async function onDeleted(ctx: Ctx, projectId: number, annotationIds: number[]): Promise<void> {
  const done = await ctx.db.query<{ annotator_id: number; ls_task_id: number; ls_annotation_id: number }>(
    `SELECT s.annotator_id, t.ls_task_id, t.ls_annotation_id FROM assignment_tasks t JOIN assignments s ON s.id = t.assignment_id
     WHERE s.ls_project_id = $1 AND t.ls_annotation_id = ANY($2::bigint[])`,
    [projectId, annotationIds],
  );
  for (const d of done) {
    await ingestAnnotation(ctx, {
      annotatorId: d.annotator_id,
      action: 'deleted',
      annotationId: d.ls_annotation_id,
      taskId: d.ls_task_id,
      projectId,
      result: [],
      leadTimeSeconds: null,
      wasCancelled: false,
      source: 'native',
    });
  }
}

export function listenToNativeAnnotations(ctx: Ctx, log: FastifyBaseLogger): () => void {
  // the annotation itself is saved either way; reconcile repairs what a failure here missed
  const onError = (err: unknown, event: DomainEvent) => log.error({ err, event: event.type }, 'fleet: recording a native annotation event failed');
  const stops = [
    subscribe(ctx.db, 'annotation.created', (e) => onSaved(ctx, 'created', e.annotation), onError),
    subscribe(ctx.db, 'annotation.updated', (e) => onSaved(ctx, 'updated', e.annotation), onError),
    subscribe(ctx.db, 'annotations.deleted', (e) => onDeleted(ctx, e.projectId, e.annotationIds), onError),
  ];
  return () => stops.forEach((stop) => stop());
}
