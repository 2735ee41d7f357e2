// Route parents kept across translate calls. What routeParents computes for a route depends on the compiled
// route, on what route attachment reads from each Gateway its parentRefs name (listener names, ports,
// hostnames, supported kinds, allowedRoutes), on namespace labels (allowedRoutes Selector) and on the
// controller name. Each Gateway gets a token that stays the same object while that part of it stays the
// same, and so does the list of Namespaces; a route's parents are reused while its compiled route and every
// one of those tokens are the same. A one-route change at 10,000 routes then works out one route's parents,
// and a change to one Gateway only the parents of the routes that name it.
//
// Like cache.ts, this keeps translate a pure function: a token is only reused when its inputs compare equal,
// so a hit returns what a fresh computation would.
import type { Namespace } from '../api/types.ts';
import { sameElements } from './cache.ts';
import type { GatewayState } from './gateway.ts';
import type { CompiledRoute } from './httproute.ts';
import { parentGatewayKeys, routeParents, type RouteParents } from './routestatus.ts';
import type { ObjectStatus } from './types.ts';

/** A route's parents and its status object (null when no parentRef names one of our Gateways). */
export interface RouteParentsResult {
  parents: RouteParents;
  status: ObjectStatus | null;
}

interface GatewayView {
  /** What route attachment reads from the Gateway, as text; null when it could not be written out. */
  signature: string | null;
  token: object;
}

/** Each Gateway's view from the last call, by `namespace/name`: only the Gateways of that call are kept. */
let lastViews = new Map<string, GatewayView>();

/** JSON that tells `undefined` apart from `null` (attach compares with ===). */
function signatureText(value: unknown): string | null {
  try {
    return JSON.stringify(value, (_key, v: unknown) => (v === undefined ? '\u0000undefined' : v));
  } catch {
    return null;
  }
}

/** The fields of a Gateway's listeners that attach() and routeParents() read, in listener order. */
function attachmentSignature(s: GatewayState): string | null {
  return signatureText([
    s.key,
    s.listeners.map((l) => [
      l.key,
      l.listener.name,
      l.listener.port,
      l.hostname,
      l.supportedKinds,
      l.listener.allowedRoutes?.namespaces,
      l.gateway.metadata.namespace,
    ]),
  ]);
}

/** A token per Gateway, the same object as last call's while what attachment reads from it is the same. */
export function gatewayTokens(gateways: ReadonlyMap<string, GatewayState>): Map<string, object> {
  const views = new Map<string, GatewayView>();
  const tokens = new Map<string, object>();
  for (const [key, state] of gateways) {
    const signature = attachmentSignature(state);
    const previous = lastViews.get(key);
    const view = previous && signature !== null && previous.signature === signature ? previous : { signature, token: {} };
    views.set(key, view);
    tokens.set(key, view.token);
  }
  lastViews = views;
  return tokens;
}

/** The Namespaces of the last call (a copy of the list, so that the snapshot itself is not kept alive). */
let lastNamespaces: { namespaces: Namespace[]; token: object } | null = null;

/** A token that stays the same object while every Namespace is the same object (cache.ts sameObject), in the same order. */
export function namespacesToken(namespaces: readonly Namespace[]): object {
  const last = lastNamespaces;
  if (last && sameElements(last.namespaces, namespaces)) return last.token;
  lastNamespaces = { namespaces: [...namespaces], token: {} };
  return lastNamespaces.token;
}

interface CachedParents {
  /** The Gateway keys the route's parentRefs name, and each one's token when the result was computed. */
  gateways: readonly string[];
  tokens: readonly (object | undefined)[];
  namespaces: object;
  controllerName: string;
  result: RouteParentsResult;
}

const cached = new WeakMap<CompiledRoute, CachedParents>();

export interface ParentsContext {
  gateways: ReadonlyMap<string, GatewayState>;
  tokens: ReadonlyMap<string, object>;
  namespaces: object;
  labelsOf: (ns: string) => Record<string, string>;
  controllerName: string;
}

function stillValid(hit: CachedParents, c: ParentsContext): boolean {
  if (hit.namespaces !== c.namespaces || hit.controllerName !== c.controllerName) return false;
  for (let i = 0; i < hit.gateways.length; i++) if (c.tokens.get(hit.gateways[i]) !== hit.tokens[i]) return false;
  return true;
}

/** routeParents and the route's status, reused while nothing they depend on changed. */
export function cachedRouteParents(compiled: CompiledRoute, c: ParentsContext): RouteParentsResult {
  const hit = cached.get(compiled);
  if (hit && stillValid(hit, c)) return hit.result;
  const parents = routeParents(compiled, c.gateways, c.labelsOf, c.controllerName);
  const route = compiled.route;
  const status: ObjectStatus | null =
    parents.parents.length === 0
      ? null
      : {
          apiVersion: route.apiVersion,
          kind: 'HTTPRoute',
          name: route.metadata.name,
          namespace: route.metadata.namespace ?? 'default',
          generation: route.metadata.generation ?? 1,
          status: { parents: parents.parents },
        };
  const gateways = parentGatewayKeys(route);
  const result = { parents, status };
  cached.set(compiled, { gateways, tokens: gateways.map((k) => c.tokens.get(k)), namespaces: c.namespaces, controllerName: c.controllerName, result });
  return result;
}
