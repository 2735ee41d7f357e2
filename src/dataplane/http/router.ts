// Host → listener → virtual host → first matching rule, walking the compiled tables in their given order.
import type { CompiledPort, CompiledRule } from '../compile.ts';
import { hostMatches } from '../hostname.ts';
import { matches } from './match.ts';
import type { RequestView } from './match.ts';

/**
 * The rule that serves a request, or null (404). Spec (listener isolation): only the first listener whose
 * hostname matches the Host serves it, even when that listener has no route for it; the same holds for
 * virtual hosts inside a listener.
 */
export function findRule(port: CompiledPort, host: string, req: RequestView): CompiledRule | null {
  const listeners = port.listeners;
  for (let i = 0; i < listeners.length; i++) {
    const l = listeners[i];
    if (!hostMatches(l.host, host)) continue;
    const vhosts = l.virtualHosts;
    for (let j = 0; j < vhosts.length; j++) {
      const vh = vhosts[j];
      if (!hostMatches(vh.host, host)) continue;
      const rules = vh.rules;
      for (let k = 0; k < rules.length; k++) {
        if (matches(rules[k].match, req)) return rules[k];
      }
      return null;
    }
    return null;
  }
  return null;
}

/** The index of the listener a host selects on this port, or -1. */
export function listenerIndex(port: CompiledPort, host: string): number {
  const listeners = port.listeners;
  for (let i = 0; i < listeners.length; i++) if (hostMatches(listeners[i].host, host)) return i;
  return -1;
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
