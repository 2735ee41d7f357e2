// Host → listener → virtual host → first matching rule, by the lookups compile.ts builds (host-index.ts,
// rule-index.ts). `findRuleByWalk` is the plain walk over the same tables that the lookups must agree with.
import type { CompiledPort, CompiledRule } from '../compile.ts';
import { hostMatches } from '../hostname.ts';
import { lookupHost } from './host-index.ts';
import { matches } from './match.ts';
import type { RequestView } from './match.ts';
import { firstMatchingRule } from './rule-index.ts';

/**
 * The rule that serves a request, or null (404). Spec (listener isolation): only the first listener whose
 * hostname matches the Host serves it, even when that listener has no route for it; the same holds for
 * virtual hosts inside a listener.
 */
export function findRule(port: CompiledPort, host: string, req: RequestView): CompiledRule | null {
  const l = lookupHost(port.hosts, host);
  if (l < 0) return null;
  const listener = port.listeners[l];
  const v = lookupHost(listener.hosts, host);
  if (v < 0) return null;
  const vh = listener.virtualHosts[v];
  const rules = vh.rules;
  if (vh.index !== null) return firstMatchingRule(rules, vh.index, req);
  for (let k = 0; k < rules.length; k++) if (matches(rules[k].match, req)) return rules[k];
  return null;
}

/** What findRule computes, by testing every listener, virtual host and rule in order (the reference). */
export function findRuleByWalk(port: CompiledPort, host: string, req: RequestView): CompiledRule | null {
  for (const l of port.listeners) {
    if (!hostMatches(l.host, host)) continue;
    for (const vh of l.virtualHosts) {
      if (!hostMatches(vh.host, host)) continue;
      for (const r of vh.rules) if (matches(r.match, req)) return r;
      return null;
    }
    return null;
  }
  return null;
}

/** The index of the listener a host selects on this port, or -1. */
export function listenerIndex(port: CompiledPort, host: string): number {
  return lookupHost(port.hosts, host);
}

/** Splits `req.url` into path and query; absolute-form targets (`http://host/p`) keep only path and query. */
export function splitTarget(url: string): { path: string; query: string | null } | null {
  let target = url;
  if (target.charCodeAt(0) !== 47) {
    if (!/^https?:\/\//i.test(target)) return null;
    const slash = target.indexOf('/', target.indexOf('//') + 2);
    target = slash < 0 ? '/' : target.slice(slash);
  }
  const q = target.indexOf('?');
  if (q < 0) return { path: target, query: null };
  return { path: target.slice(0, q), query: target.slice(q + 1) };
}
