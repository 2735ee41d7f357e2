// Work kept across translate calls, keyed by object identity. A source hands out the very same object for
// every object that did not change between snapshots (or a copy that differs only in origin, see
// sameObject), so a one-route change at 10,000 routes recompiles one route instead of all of them.
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

/**
 * Whether `b` is `a`, or a shallow copy of it that differs only in `origin` (where the source found it).
 * A source hands out such copies for objects that only moved in their file (lines added above them), and
 * translate never reads `origin`: for translate they are the same object.
 */
export function sameObject(a: object | undefined, b: object | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let count = 0;
  for (const k in x) {
    if (k === 'origin') continue;
    if (!Object.hasOwn(y, k) || x[k] !== y[k]) return false;
    count++;
  }
  for (const k in y) if (k !== 'origin') count--;
  return count === 0;
}

/** The same objects (see sameObject) in the same order. */
export function sameElements<T extends object>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameObject(a[i], b[i])) return false;
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
 * compileRoute depends only on the route and on what it looked up in the backend index (not on Gateways,
 * listeners or namespaces: attachment is parents-cache.ts), so the compiled route is reused while the route
 * is the same object and the index is the same, or gives the same answers to those lookups: the same
 * ReferenceGrants, and for each Service the route looked up, the same Service and EndpointSlice objects. A
 * change to one Service or EndpointSlice then recompiles only the routes that use it, and every other route
 * keeps its compiled route and with it the same IR objects.
 */
interface CompiledEntry {
  index: BackendIndex;
  compiled: CompiledRoute;
  /** `namespace/name` of every Service the compilation looked up (its EndpointSlices too). */
  services: string[];
}

/**
 * By the route's spec object. A source hands out a shallow copy of an unchanged object when only its origin
 * moved (lines added above it in its file): the copy shares spec and metadata with the object before, and
 * compileRoute reads nothing else but kind and apiVersion, so the compiled route (and everything made from
 * it downstream) is kept for it too.
 */
const compiledRoutes = new WeakMap<object, CompiledEntry>();

function cacheKey(route: HTTPRoute): object {
  const spec = route.spec as unknown;
  return spec !== null && typeof spec === 'object' ? spec : route;
}

function sameRoute(a: HTTPRoute, b: HTTPRoute): boolean {
  return sameObject(a, b);
}

/** The index, recording the Services looked up through it. */
function recording(index: BackendIndex, services: Set<string>): BackendIndex {
  return {
    service: (namespace, name) => {
      services.add(`${namespace}/${name}`);
      return index.service(namespace, name);
    },
    slices: (namespace, name) => {
      services.add(`${namespace}/${name}`);
      return index.slices(namespace, name);
    },
    grants: index.grants,
  };
}

/** Whether `index` answers every lookup of the entry's compilation as the entry's own index did. */
function sameAnswers(entry: CompiledEntry, index: BackendIndex): boolean {
  const old = entry.index;
  if (!sameElements(old.grants, index.grants)) return false;
  for (const key of entry.services) {
    const slash = key.indexOf('/');
    const namespace = key.slice(0, slash);
    const name = key.slice(slash + 1);
    if (!sameObject(old.service(namespace, name), index.service(namespace, name))) return false;
    if (!sameElements(old.slices(namespace, name), index.slices(namespace, name))) return false;
  }
  return true;
}

export function cachedCompileRoute(route: HTTPRoute, index: BackendIndex): CompiledRoute {
  const key = cacheKey(route);
  const hit = compiledRoutes.get(key);
  if (hit && sameRoute(hit.compiled.route, route)) {
    if (hit.index === index) return hit.compiled;
    if (sameAnswers(hit, index)) {
      hit.index = index;
      return hit.compiled;
    }
  }
  const services = new Set<string>();
  const compiled = compileRoute(route, recording(index, services));
  compiledRoutes.set(key, { index, compiled, services: [...services] });
  return compiled;
}
