// Turns translate's statuses (which have no clock) into the status a controller would write: every condition
// gets a lastTransitionTime, kept while the condition's status stays the same and set to now when it changes
// (metav1.Condition: "the last time the condition transitioned from one status to another"). It also shapes
// GatewayClasses, Gateways and HTTPRoutes the way `kubectl get -o yaml` prints them, for the admin API and
// `onramp check`.
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

/** When each condition last changed status, by `objectKey#where#type`. */
export type TransitionTimes = ReadonlyMap<string, { status: string; time: string }>;

/** The kinds the status API lists, in the order it lists them. */
const LISTED_KINDS = ['GatewayClass', 'Gateway', 'HTTPRoute'] as const;

function parentRefKey(ref: ParentReference): string {
  return [ref.group ?? '', ref.kind ?? '', ref.namespace ?? '', ref.name, ref.sectionName ?? '', ref.port ?? ''].join('/');
}

/** Calls `visit` with a stable key for every condition list inside one object's status. */
function conditionLists(status: ObjectStatus['status'], visit: (where: string, list: StatusCondition[]) => void): void {
  if ('conditions' in status && Array.isArray(status.conditions)) visit('', status.conditions);
  const listeners = (status as Partial<GatewayStatus>).listeners;
  if (Array.isArray(listeners)) for (const l of listeners) visit(`listener/${l.name}`, l.conditions);
  const parents = (status as Partial<RouteStatus>).parents;
  if (Array.isArray(parents)) for (const p of parents) visit(`parent/${p.controllerName}/${parentRefKey(p.parentRef)}`, p.conditions);
}

function stampList(
  list: StatusCondition[],
  prefix: string,
  previous: TransitionTimes,
  next: Map<string, { status: string; time: string }>,
  now: string,
): Condition[] {
  return list.map((c) => {
    const key = `${prefix}#${c.type}`;
    const before = previous.get(key);
    const time = before && before.status === c.status ? before.time : now;
    next.set(key, { status: c.status, time });
    return { ...c, lastTransitionTime: time };
  });
}

/**
 * Stamps lastTransitionTime on every condition of `statuses`. Pure: `previous` is what the last call returned
 * as `times`; conditions of objects that are gone are forgotten.
 */
export function stampStatuses(
  statuses: readonly ObjectStatus[],
  previous: TransitionTimes,
  now: string,
): { statuses: Map<string, Record<string, unknown>>; times: TransitionTimes } {
  const times = new Map<string, { status: string; time: string }>();
  const out = new Map<string, Record<string, unknown>>();
  for (const s of statuses) {
    const key = objectKey({ kind: s.kind, metadata: { name: s.name, namespace: s.namespace } });
    // A structured clone, so that the stamped copy never aliases translate's result.
    const copy = structuredClone(s.status) as ObjectStatus['status'];
    conditionLists(copy, (where, list) => {
      const stamped = stampList(list, `${key}#${where}`, previous, times, now);
      list.splice(0, list.length, ...(stamped as StatusCondition[]));
    });
    out.set(key, copy as unknown as Record<string, unknown>);
  }
  return { statuses: out, times };
}

function specOf(o: KubeObject): unknown {
  return (o as KubeObject & { spec?: unknown }).spec ?? {};
}

/**
 * Every GatewayClass, Gateway and HTTPRoute of the snapshot with its stamped status (an empty status for
 * objects translate wrote none for, e.g. a Gateway of another controller's class).
 */
export function statusList(snapshot: Snapshot, stamped: ReadonlyMap<string, Record<string, unknown>>): StatusList {
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
      items.push({
        apiVersion: o.apiVersion,
        kind: o.kind,
        metadata,
        spec: specOf(o),
        status: stamped.get(objectKey(o)) ?? {},
      });
    }
  }
  return { apiVersion: 'v1', kind: 'List', items };
}

/**
 * Keeps the latest status list for the admin API; each update stamps conditions against the previous one so
 * that lastTransitionTime only moves when a condition's status changes.
 */
export class StatusStore {
  #times: TransitionTimes = new Map();
  #list: StatusList = { apiVersion: 'v1', kind: 'List', items: [] };
  readonly #clock: () => Date;

  constructor(clock: () => Date = () => new Date()) {
    this.#clock = clock;
  }

  update(snapshot: Snapshot, result: TranslateResult): StatusList {
    const { statuses, times } = stampStatuses(result.statuses, this.#times, this.#clock().toISOString().replace(/\.\d{3}Z$/, 'Z'));
    this.#times = times;
    this.#list = statusList(snapshot, statuses);
    return this.#list;
  }

  list(): StatusList {
    return this.#list;
  }
}
