// The routes of the last translate call by position in the snapshot's list, with what was worked out for
// each. A change of one route leaves every other route at the same position as the same object, so the
// next call takes their compiled route and parents from here by index, without a lookup per route; the
// caches keyed by object (cache.ts, parents-cache.ts) serve the routes that moved. A slot is only reused
// while everything else its values depend on is the same: the backend index for the compiled route, and
// the Gateway and Namespace tokens and controller name for the parents (see parents-cache.ts).
import type { HTTPRoute } from '../api/types.ts';
import type { BackendIndex } from './backends.ts';
import type { CompiledRoute } from './httproute.ts';
import type { ParentsContext, RouteParentsResult } from './parents-cache.ts';

export interface RouteSlots {
  routes: HTTPRoute[];
  compiled: CompiledRoute[];
  parents: (RouteParentsResult | null)[];
  backends: BackendIndex;
  tokens: ReadonlyMap<string, object>;
  namespaces: object;
  controllerName: string;
}

/** The last call's slots; only translate-owned data and snapshot objects the next snapshot may share. */
let last: RouteSlots | null = null;

function sameTokens(a: ReadonlyMap<string, object>, b: ReadonlyMap<string, object>): boolean {
  if (a.size !== b.size) return false;
  for (const [key, token] of a) if (b.get(key) !== token) return false;
  return true;
}

/** The last call's slots and which of their values still hold for a call with these inputs. */
export function previousSlots(backends: BackendIndex, c: ParentsContext): { slots: RouteSlots | null; compiled: boolean; parents: boolean } {
  if (!last) return { slots: null, compiled: false, parents: false };
  const compiled = last.backends === backends;
  const parents = compiled && last.namespaces === c.namespaces && last.controllerName === c.controllerName && sameTokens(last.tokens, c.tokens);
  return { slots: last, compiled, parents };
}

export function newSlots(size: number, backends: BackendIndex, c: ParentsContext): RouteSlots {
  return {
    routes: new Array<HTTPRoute>(size),
    compiled: new Array<CompiledRoute>(size),
    parents: new Array<RouteParentsResult | null>(size),
    backends,
    tokens: c.tokens,
    namespaces: c.namespaces,
    controllerName: c.controllerName,
  };
}

export function keepSlots(slots: RouteSlots): void {
  last = slots;
}
