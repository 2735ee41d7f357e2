// Turns translate's statuses (which have no clock) into the status a controller would write: every condition
// gets a lastTransitionTime, kept while the condition's status stays the same and set to now when it changes
// (metav1.Condition: "the last time the condition transitioned from one status to another"). It also shapes
// GatewayClasses, Gateways and HTTPRoutes the way `kubectl get -o yaml` prints them, for the admin API and
// `onramp check`.
//
// A reconcile at 10,000 HTTPRoutes must stay cheap, so recording a result copies nothing: translate's
// statuses are fresh data each time and nobody mutates them, so they are kept as they are, next to the
// transition times of their conditions. An object whose conditions kept their types and statuses shares its
// times with the previous reconcile (one array, no per-condition work). The stamped `List` is built only when
// someone asks for it, and kept until the next reconcile.
import { objectKey } from '../api/snapshot.ts';
import type { Condition, KubeObject, ParentReference, Snapshot } from '../api/types.ts';
import type {
  GatewayStatus,
  ObjectStatus,
  RouteStatus,
  StatusCondition,
  TranslateResult,
} from '../translate/types.ts';

/** An object as the status API shows it (the shape of one item of `kubectl get -o yaml`). */
export interface StatusItem {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; generation: number };
  spec: unknown;
  status: Record<string, unknown>;
}

/** A Kubernetes `List`, as `kubectl get -o yaml` prints several kinds at once. */
export interface StatusList {
  apiVersion: 'v1';
  kind: 'List';
  items: StatusItem[];
}

/**
 * One object's status as translate wrote it, and the lastTransitionTime of each of its conditions in the
 * order `eachCondition` visits them.
 */
export interface RecordedStatus {
  readonly status: ObjectStatus['status'];
  readonly times: readonly string[];
}

/** The kinds the status API lists, in the order it lists them. */
const LISTED_KINDS = ['GatewayClass', 'Gateway', 'HTTPRoute'] as const;

function parentRefKey(ref: ParentReference): string {
  return [ref.group ?? '', ref.kind ?? '', ref.namespace ?? '', ref.name, ref.sectionName ?? '', ref.port ?? ''].join('/');
}

function sameParentRef(a: ParentReference, b: ParentReference): boolean {
  return (
    a.name === b.name &&
    a.namespace === b.namespace &&
    a.sectionName === b.sectionName &&
    a.port === b.port &&
    a.kind === b.kind &&
    a.group === b.group
  );
}

/** Calls `visit` with every condition list inside one object's status, in a fixed order. */
function eachConditionList(status: ObjectStatus['status'], visit: (list: readonly StatusCondition[], index: number) => void): void {
  if ('conditions' in status && Array.isArray(status.conditions)) visit(status.conditions, -1);
  const listeners = (status as Partial<GatewayStatus>).listeners;
  if (Array.isArray(listeners)) for (let i = 0; i < listeners.length; i++) visit(listeners[i].conditions, i);
  const parents = (status as Partial<RouteStatus>).parents;
  if (Array.isArray(parents)) for (let i = 0; i < parents.length; i++) visit(parents[i].conditions, i);
}

/**
 * True when `next` has the same condition lists as `prev` with the same types and statuses in the same
 * places, so every condition keeps its time. Compares in place and allocates nothing; one branch per kind
 * keeps the property reads on one object shape each (10,000 HTTPRoutes pass here per reconcile).
 */
function sameTransitions(kind: string, prev: ObjectStatus['status'], next: ObjectStatus['status']): boolean {
  if (kind === 'HTTPRoute') return sameParents((prev as RouteStatus).parents, (next as RouteStatus).parents);
  const a = prev as Partial<GatewayStatus>;
  const b = next as Partial<GatewayStatus>;
  if (!sameConditions(a.conditions, b.conditions)) return false;
  if (kind !== 'Gateway') return true;
  return sameListeners(a.listeners, b.listeners);
}

function sameParents(a: RouteStatus['parents'] | undefined, b: RouteStatus['parents'] | undefined): boolean {
  if (!Array.isArray(a) || !Array.isArray(b)) return Array.isArray(a) === Array.isArray(b);
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const p = a[i];
    const q = b[i];
    if (p.controllerName !== q.controllerName || !sameParentRef(p.parentRef, q.parentRef)) return false;
    if (!sameConditions(p.conditions, q.conditions)) return false;
  }
  return true;
}

function sameListeners(a: GatewayStatus['listeners'] | undefined, b: GatewayStatus['listeners'] | undefined): boolean {
  if (!Array.isArray(a) || !Array.isArray(b)) return Array.isArray(a) === Array.isArray(b);
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i].name !== b[i].name || !sameConditions(a[i].conditions, b[i].conditions)) return false;
  }
  return true;
}

function sameConditions(a: readonly StatusCondition[] | undefined, b: readonly StatusCondition[] | undefined): boolean {
  if (!Array.isArray(a) || !Array.isArray(b)) return Array.isArray(a) === Array.isArray(b);
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i].type !== b[i].type || a[i].status !== b[i].status) return false;
  return true;
}

/** `where#type` → status and time of every condition of one recorded status: the slow path's lookup. */
function keyedTimes(recorded: RecordedStatus): Map<string, { status: string; time: string }> {
  const out = new Map<string, { status: string; time: string }>();
  let n = 0;
  forEachKeyedCondition(recorded.status, (key, c) => out.set(key, { status: c.status, time: recorded.times[n++] }));
  return out;
}

/** Visits every condition with a key that names where it sits (listener name, parent), in `eachConditionList` order. */
function forEachKeyedCondition(status: ObjectStatus['status'], visit: (key: string, c: StatusCondition) => void): void {
  const listeners = (status as Partial<GatewayStatus>).listeners;
  const parents = (status as Partial<RouteStatus>).parents;
  eachConditionList(status, (list, index) => {
    let where = '';
    if (index >= 0 && listeners) where = `listener/${listeners[index].name}`;
    else if (index >= 0 && parents) where = `parent/${parents[index].controllerName}/${parentRefKey(parents[index].parentRef)}`;
    for (const c of list) visit(`${where}#${c.type}`, c);
  });
}

/** The times for `status`: each condition keeps its previous time while its status stays, else takes `now`. */
export function transitionTimes(
  kind: string,
  status: ObjectStatus['status'],
  previous: RecordedStatus | undefined,
  now: string,
): readonly string[] {
  if (previous && sameTransitions(kind, previous.status, status)) return previous.times;
  if (!previous) {
    // A new object: every condition transitions now.
    let count = 0;
    eachConditionList(status, (list) => (count += list.length));
    return new Array<string>(count).fill(now);
  }
  const before = keyedTimes(previous);
  const times: string[] = [];
  forEachKeyedCondition(status, (key, c) => {
    const b = before.get(key);
    times.push(b && b.status === c.status ? b.time : now);
  });
  return times;
}

/** The key of the recorded map: the object's key (objectKey()). */
function statusKey(s: ObjectStatus): string {
  return s.namespace ? `${s.kind}/${s.namespace}/${s.name}` : `${s.kind}/${s.name}`;
}

/** One object's entry in the recorded map; updated in place each reconcile. */
interface RecordedEntry extends RecordedStatus {
  status: ObjectStatus['status'];
  times: readonly string[];
  /** The record() call that last saw the object; older entries belong to objects that are gone. */
  seen: number;
}

/**
 * Records `statuses` into `recorded`, in place: each object's entry takes the new status and its transition
 * times. Entries of objects that are gone are deleted, so their conditions are forgotten. Updating in place
 * rather than building a new map keeps 10,000 long-lived entries from being allocated (and promoted by the
 * collector) on every reconcile.
 */
export function recordStatuses(statuses: readonly ObjectStatus[], recorded: Map<string, RecordedEntry>, now: string, seen: number): void {
  let distinct = 0;
  for (const s of statuses) {
    const key = statusKey(s);
    const entry = recorded.get(key);
    if (entry === undefined) {
      recorded.set(key, { status: s.status, times: transitionTimes(s.kind, s.status, undefined, now), seen });
      distinct += 1;
      continue;
    }
    if (entry.seen !== seen) distinct += 1;
    // translate hands out the very same status object for an object whose status did not change: its times stay.
    if (entry.status !== s.status) entry.times = transitionTimes(s.kind, s.status, entry, now);
    entry.status = s.status;
    entry.seen = seen;
  }
  // Every entry seen this time means nothing is stale; otherwise sweep the ones that were not.
  if (recorded.size === distinct) return;
  for (const [key, entry] of recorded) if (entry.seen !== seen) recorded.delete(key);
}

/** A deep copy of one recorded status with lastTransitionTime on every condition. */
function stamped(recorded: RecordedStatus): Record<string, unknown> {
  // A structured clone, so that the list never aliases translate's result (nor shares objects between items,
  // which a YAML printer would turn into anchors).
  const copy = structuredClone(recorded.status) as ObjectStatus['status'];
  let n = 0;
  eachConditionList(copy, (list) => {
    const conditions = list as (StatusCondition & Partial<Condition>)[];
    for (let i = 0; i < conditions.length; i++) conditions[i] = { ...conditions[i], lastTransitionTime: recorded.times[n++] };
  });
  return copy as unknown as Record<string, unknown>;
}

function specOf(o: KubeObject): unknown {
  return (o as KubeObject & { spec?: unknown }).spec ?? {};
}

/**
 * Every GatewayClass, Gateway and HTTPRoute of the snapshot with its stamped status (an empty status for
 * objects translate wrote none for, e.g. a Gateway of another controller's class).
 */
export function statusList(snapshot: Snapshot, recorded: ReadonlyMap<string, RecordedStatus>): StatusList {
  const byKind: Record<(typeof LISTED_KINDS)[number], readonly KubeObject[]> = {
    GatewayClass: snapshot.gatewayClasses,
    Gateway: snapshot.gateways,
    HTTPRoute: snapshot.httpRoutes,
  };
  const items: StatusItem[] = [];
  for (const kind of LISTED_KINDS) {
    for (const o of byKind[kind]) {
      // Key order as kubectl prints it: name, namespace, generation.
      const metadata: StatusItem['metadata'] =
        o.metadata.namespace !== undefined
          ? { name: o.metadata.name, namespace: o.metadata.namespace, generation: o.metadata.generation ?? 1 }
          : { name: o.metadata.name, generation: o.metadata.generation ?? 1 };
      const r = recorded.get(objectKey(o));
      items.push({ apiVersion: o.apiVersion, kind: o.kind, metadata, spec: specOf(o), status: r ? stamped(r) : {} });
    }
  }
  return { apiVersion: 'v1', kind: 'List', items };
}

const EMPTY_LIST: StatusList = { apiVersion: 'v1', kind: 'List', items: [] };

/**
 * Keeps the latest statuses for the admin API; each reconcile records its result against the previous one so
 * that lastTransitionTime only moves when a condition's status changes.
 */
export class StatusStore {
  /** By object key (the same as objectKey()); see recordStatuses. */
  readonly #recorded = new Map<string, RecordedEntry>();
  #records = 0;
  #snapshot: Snapshot | null = null;
  /** The statuses of the latest record, to find what the next one changed. */
  #statuses: readonly ObjectStatus[] | null = null;
  /** The List of the latest record, built on the first list() after it. */
  #list: StatusList | null = null;
  readonly #clock: () => Date;

  constructor(clock: () => Date = () => new Date()) {
    this.#clock = clock;
  }

  /** Records one reconcile's result; cheap: the List is built later, if asked for. */
  record(snapshot: Snapshot, result: TranslateResult): void {
    const now = this.#clock().toISOString().replace(/\.\d{3}Z$/, 'Z');
    this.#records += 1;
    if (!this.#recordChanges(result.statuses, now)) recordStatuses(result.statuses, this.#recorded, now, this.#records);
    this.#statuses = result.statuses;
    this.#snapshot = snapshot;
    // Dropping the old List releases the previous reconcile's copies.
    this.#list = null;
  }

  /**
   * The common reconcile: the same objects as last time, in the same order, most with the very same status
   * object (translate reuses them). Only the statuses that are new objects are looked at; false (nothing
   * recorded yet) when objects came, went or moved, for recordStatuses to do the whole list.
   */
  #recordChanges(statuses: readonly ObjectStatus[], now: string): boolean {
    const last = this.#statuses;
    if (last === null || last.length !== statuses.length) return false;
    const changed: ObjectStatus[] = [];
    for (let i = 0; i < statuses.length; i++) {
      const s = statuses[i];
      const before = last[i];
      if (s === before) continue;
      if (s.kind !== before.kind || s.name !== before.name || s.namespace !== before.namespace) return false;
      changed.push(s);
    }
    const entries = changed.map((s) => this.#recorded.get(statusKey(s)));
    if (entries.some((e) => e === undefined)) return false;
    for (let i = 0; i < changed.length; i++) {
      const entry = entries[i]!;
      const s = changed[i];
      if (entry.status !== s.status) entry.times = transitionTimes(s.kind, s.status, entry, now);
      entry.status = s.status;
    }
    return true;
  }

  /** Records and returns the List at once (for `onramp check`, which prints it). */
  update(snapshot: Snapshot, result: TranslateResult): StatusList {
    this.record(snapshot, result);
    return this.list();
  }

  list(): StatusList {
    if (this.#snapshot === null) return EMPTY_LIST;
    this.#list ??= statusList(this.#snapshot, this.#recorded);
    return this.#list;
  }
}
