// Work kept across translate calls, keyed by object identity. A source hands out the very same object for
// every object that did not change between snapshots, so a one-route change at 10,000 routes recompiles one
// route instead of all of them.
//
// translate stays a pure function of its inputs (same inputs, same output): every cached value is computed
// only from its key objects, which are never mutated (the snapshot is read-only), so a hit returns exactly
// what a fresh computation would. Cached values are shared between results: callers treat configs and
// statuses as read-only data (DESIGN.md), which is what makes the sharing safe.
import type { EndpointSlice, HTTPRoute, ReferenceGrant, Service } from '../api/types.ts';
import { indexBackends, type BackendIndex } from './backends.ts';
import { compileRoute, type CompiledRoute } from './httproute.ts';

interface BackendInputs {
  services: readonly Service[];
  slices: readonly EndpointSlice[];
  grants: readonly ReferenceGrant[];
  index: BackendIndex;
}

/**
 * The inputs of the last backend index, as copies of the lists: the previous snapshot itself (and its
 * lists) must not be kept alive by translate, only the objects the next one shares with it.
 */
let lastBackends: BackendInputs | null = null;

function sameElements<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The backend index for these lists; the same index object as last time when every Service, EndpointSlice
 * and ReferenceGrant is the same object in the same order. A new index object invalidates every compiled
 * route below, since backends resolve through it.
 */
export function cachedBackendIndex(
  services: readonly Service[],
  slices: readonly EndpointSlice[],
  grants: readonly ReferenceGrant[],
): BackendIndex {
  const last = lastBackends;
  if (last && sameElements(last.services, services) && sameElements(last.slices, slices) && sameElements(last.grants, grants)) {
    return last.index;
  }
  const index = indexBackends(services, slices, grants);
  lastBackends = { services: [...services], slices: [...slices], grants: [...grants], index };
  return index;
}

/**
 * compileRoute depends only on the route and the backend index (not on Gateways, listeners or namespaces:
 * attachment is computed per call in routestatus.ts), so the compiled route is reused while both are the
 * same objects.
 */
const compiledRoutes = new WeakMap<HTTPRoute, { index: BackendIndex; compiled: CompiledRoute }>();

export function cachedCompileRoute(route: HTTPRoute, index: BackendIndex): CompiledRoute {
  const hit = compiledRoutes.get(route);
  if (hit && hit.index === index) return hit.compiled;
  const compiled = compileRoute(route, index);
  compiledRoutes.set(route, { index, compiled });
  return compiled;
}
