import type { Queryable } from './db/connection.js';
import type { AnnotationRow } from './modules/annotations/service.js';
import type { ProjectRow } from './modules/projects/service.js';

/**
 * Domain events: what a service wrote, announced after its transaction committed. Services `emit`;
 * integrations (webhooks, ML backends) `subscribe`. The bus is per database, because several servers
 * share one process in tests; an emit on anything else (a transaction) reaches nobody.
 */
export type DomainEvent = { orgId: number } & (
  | { type: 'project.created'; project: ProjectRow }
  | { type: 'project.updated'; project: ProjectRow }
  | { type: 'project.deleted'; project: ProjectRow }
  | { type: 'tasks.created'; projectId: number; taskIds: number[] }
  | { type: 'tasks.deleted'; projectId: number; taskIds: number[] }
  | { type: 'annotation.created'; annotation: AnnotationRow }
  | { type: 'annotation.updated'; annotation: AnnotationRow }
  /** bulk creation; `taskIds[i]` is the task of `annotationIds[i]` */
  | { type: 'annotations.created'; projectId: number; annotationIds: number[]; taskIds: number[] }
  | { type: 'annotations.deleted'; projectId: number; annotationIds: number[] }
);

export type EventType = DomainEvent['type'];
export type EventOf<T extends EventType> = Extract<DomainEvent, { type: T }>;
export type Listener<T extends EventType> = (event: EventOf<T>) => Promise<void> | void;
/** Told when a listener throws; the emitting request never sees the error. */
export type ListenerError = (err: unknown, event: DomainEvent) => void;

interface Subscription {
  listener: (event: DomainEvent) => Promise<void> | void;
  onError: ListenerError;
  late: boolean;
}

const buses = new WeakMap<object, Map<EventType, Subscription[]>>();

/**
 * Listens for one event type on this database until the returned function is called. Listeners run in
 * the order they subscribed; `late` ones after all others (work that must queue behind what the others queue).
 */
export function subscribe<T extends EventType>(db: Queryable, type: T, listener: Listener<T>, onError: ListenerError, opts: { late?: boolean } = {}): () => void {
  const bus = buses.get(db) ?? new Map<EventType, Subscription[]>();
  buses.set(db, bus);
  const sub: Subscription = { listener: listener as Subscription['listener'], onError, late: opts.late ?? false };
  const subs = [...(bus.get(type) ?? []), sub];
  bus.set(type, [...subs.filter((s) => !s.late), ...subs.filter((s) => s.late)]);
  return () => bus.set(type, (bus.get(type) ?? []).filter((s) => s !== sub));
}

/**
 * Runs the listeners one after another and waits for them, so that what they record (queued jobs) is
 * in the database when the request that caused the event answers. Never throws.
 */
export async function emit(db: Queryable, event: DomainEvent): Promise<void> {
  for (const sub of buses.get(db)?.get(event.type) ?? []) {
    try {
      await sub.listener(event);
    } catch (err) {
      sub.onError(err, event);
    }
  }
}
