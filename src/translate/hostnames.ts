// Hostname matching and intersection (spec: HTTPRoute spec.hostnames and Listener hostname docs).
// A wildcard `*.example.com` is a suffix match on whole labels: it matches `a.example.com` and
// `a.b.example.com` but not `example.com`.

/** True when `host` (exact or wildcard) is matched by `pattern` (exact or wildcard). */
export function hostnameMatches(pattern: string, host: string): boolean {
  if (!pattern.startsWith('*.')) return pattern === host;
  const suffix = pattern.slice(1); // ".example.com"
  if (host.startsWith('*.')) return host.slice(1).endsWith(suffix);
  return host.length > suffix.length && host.endsWith(suffix);
}

/**
 * The hostnames a route serves on a listener: spec "If both the Listener and HTTPRoute have specified
 * hostnames, any HTTPRoute hostnames that do not match the Listener hostname MUST be ignored"; a wildcard
 * route hostname wider than the listener's narrows to the listener's. `*` stands for "any host the listener
 * accepts". Returns [] when there is no intersection (the route is then not accepted by this listener).
 */
export function intersectHostnames(listenerHostname: string | null, routeHostnames: readonly string[]): string[] {
  if (routeHostnames.length === 0) return [listenerHostname ?? '*'];
  if (listenerHostname === null) return dedupe(routeHostnames);
  const out: string[] = [];
  for (const route of routeHostnames) {
    if (hostnameMatches(listenerHostname, route)) out.push(route);
    else if (hostnameMatches(route, listenerHostname)) out.push(listenerHostname);
  }
  return dedupe(out);
}

function dedupe(hostnames: readonly string[]): string[] {
  return [...new Set(hostnames)];
}

/**
 * Orders hostnames most specific first: exact names, then wildcards with more labels after the `*`
 * (spec: "the higher the number of dots in the hostname to the right of the wildcard character, the higher
 * the precedence"), then the catch-all (`*` or null). Ties break alphabetically so the order is stable.
 */
export function compareHostnameSpecificity(a: string | null, b: string | null): number {
  const rank = (h: string | null): number => (h === null || h === '*' ? 2 : h.startsWith('*.') ? 1 : 0);
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 1) {
    const da = dots(a as string);
    const db = dots(b as string);
    if (da !== db) return db - da;
    if (a!.length !== b!.length) return b!.length - a!.length;
  }
  const sa = a ?? '';
  const sb = b ?? '';
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

function dots(h: string): number {
  let n = 0;
  for (const c of h) if (c === '.') n++;
  return n;
}
