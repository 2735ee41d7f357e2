// `onramp check`: the same pipeline as `onramp run` (source → translate → status) without opening a socket,
// printing the status a controller would write. The exit code makes it usable in CI before an apply.
import { stringify } from 'yaml';
import type { ParentReference, Snapshot } from '../api/types.ts';
import { ourGateways } from '../runtime/reconciler.ts';
import { hostAddresses } from '../runtime/host.ts';
import { StatusStore } from '../runtime/status-store.ts';
import type { StatusItem, StatusList } from '../runtime/status-store.ts';
import { loadSnapshot } from '../sources/file.ts';
import { addressPool, assignAddresses } from '../translate/addresses.ts';
import { translate } from '../translate/index.ts';
import type { CheckOptions } from './args.ts';
import { UsageError } from './args.ts';

const GATEWAY_GROUP = 'gateway.networking.k8s.io';

export interface CheckOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

interface Cond {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

function accepted(conditions: unknown): Cond | undefined {
  return Array.isArray(conditions) ? (conditions as Cond[]).find((c) => c.type === 'Accepted') : undefined;
}

function describe(c: Cond | undefined): string {
  if (!c) return 'no Accepted condition';
  return `Accepted=${c.status} (${c.reason ?? ''})${c.message ? `: ${c.message}` : ''}`;
}

function itemKey(item: StatusItem): string {
  return item.metadata.namespace ? `${item.kind} ${item.metadata.namespace}/${item.metadata.name}` : `${item.kind} ${item.metadata.name}`;
}

interface ParentStatus {
  parentRef: ParentReference;
  controllerName: string;
  conditions: unknown;
}

function sameParent(ref: ParentReference, status: ParentReference, routeNamespace: string): boolean {
  return (
    ref.name === status.name &&
    (ref.namespace ?? routeNamespace) === (status.namespace ?? routeNamespace) &&
    (ref.sectionName ?? '') === (status.sectionName ?? '') &&
    (ref.port ?? 0) === (status.port ?? 0)
  );
}

/**
 * Problems that make `check` fail besides rejected objects: one of our Gateways not Accepted, or a route
 * parentRef that is not Accepted: its status from our controller says so, or it names a Gateway that does
 * not exist (no controller would ever accept it). Parents that are another controller's Gateways are not
 * ours to judge.
 */
export function statusProblems(list: StatusList, snapshot: Snapshot, controllerName: string): string[] {
  const key = (ns: string | undefined, name: string) => `${ns ?? 'default'}/${name}`;
  const ours = new Set(ourGateways(snapshot, controllerName).map((g) => key(g.metadata.namespace, g.metadata.name)));
  const all = new Set(snapshot.gateways.map((g) => key(g.metadata.namespace, g.metadata.name)));
  const problems: string[] = [];
  for (const item of list.items) {
    if (item.kind === 'Gateway' && ours.has(key(item.metadata.namespace, item.metadata.name))) {
      const c = accepted(item.status.conditions);
      if (c?.status !== 'True') problems.push(`${itemKey(item)}: ${describe(c)}`);
    }
  }
  const statuses = new Map(list.items.map((i) => [itemKey(i), i]));
  for (const route of snapshot.httpRoutes) {
    const namespace = route.metadata.namespace ?? 'default';
    const item = statuses.get(itemKey({ kind: route.kind, metadata: { name: route.metadata.name, namespace, generation: 0 } } as StatusItem));
    const parents = (Array.isArray(item?.status.parents) ? item.status.parents : []) as ParentStatus[];
    for (const ref of route.spec?.parentRefs ?? []) {
      if ((ref.group ?? GATEWAY_GROUP) !== GATEWAY_GROUP || (ref.kind ?? 'Gateway') !== 'Gateway') continue;
      const gateway = key(ref.namespace ?? namespace, ref.name);
      const where = `HTTPRoute ${namespace}/${route.metadata.name}: parent ${gateway}${ref.sectionName ? `/${ref.sectionName}` : ''}`;
      const status = parents.find((p) => p.controllerName === controllerName && sameParent(ref, p.parentRef, namespace));
      if (status) {
        const c = accepted(status.conditions);
        if (c?.status !== 'True') problems.push(`${where}: ${describe(c)}`);
      } else if (!all.has(gateway)) {
        problems.push(`${where}: Gateway not found`);
      } else if (ours.has(gateway)) {
        problems.push(`${where}: no status written for this parent`);
      }
    }
  }
  return problems;
}

/** Runs `onramp check`; returns the exit code. */
export async function runCheck(options: CheckOptions, out: CheckOutput): Promise<number> {
  let pool: string[];
  try {
    pool = addressPool(options.addressPool);
  } catch (err) {
    throw new UsageError(`--address-pool: ${(err as Error).message}`, 'check');
  }
  const snapshot = await loadSnapshot(options.paths);
  const addresses = assignAddresses(ourGateways(snapshot, options.controllerName), {}, pool);
  const result = translate(snapshot, { controllerName: options.controllerName, addresses, localAddresses: hostAddresses() });
  const list = new StatusStore().update(snapshot, result);

  out.stdout(options.output === 'json' ? `${JSON.stringify(list, null, 2)}\n` : stringify(list, { lineWidth: 0 }));
  for (const r of snapshot.rejected) out.stderr(`${r.where}: ${r.reason}\n`);
  const problems = statusProblems(list, snapshot, options.controllerName);
  for (const p of problems) out.stderr(`${p}\n`);
  return snapshot.rejected.length > 0 || problems.length > 0 ? 1 : 0;
}
