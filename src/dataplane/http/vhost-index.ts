// A virtual host's compiled rules, indexed by the IR rules they were compiled from, so that the next apply
// compiles only the rules that changed. A rule is unchanged when it is the same IR object (translate hands
// out the same objects for unchanged routes) or equal data (a config that crossed a process boundary as
// JSON, as in `onramp run --workers N`, is all new objects). A virtual host whose rules are all unchanged
// is reused whole, rule index included.
import type { RouteRuleConfig, VirtualHostConfig } from '../../config/types.ts';
import type { CompiledRule, CompiledVirtualHost } from '../compile.ts';
import { compileHost } from '../hostname.ts';
import { buildRuleIndex } from './rule-index.ts';

/** A compiled virtual host with the IR rules it was made from. */
export interface VirtualHostBuild {
  /** The IR rules, in the config's order. */
  source: readonly RouteRuleConfig[];
  /** `source[i]` compiled, or null when it does not compile. */
  compiled: readonly (CompiledRule | null)[];
  vhost: CompiledVirtualHost;
  /** The pool keys of every endpoint its rules name. */
  pools: readonly string[];
}

/** What a build needs from the compiler. */
export interface RuleCompiler {
  /** Compiles one rule, adding its endpoints' pool keys to `keys`; null when it does not compile. */
  compile(rule: RouteRuleConfig, keys: Set<string>): CompiledRule | null;
  /** Adds the pool keys a compiled rule holds to `keys`. */
  addPools(rule: CompiledRule, keys: Set<string>): void;
}

/** Whether two values of JSON data are equal (objects compared by their own enumerable keys). */
export function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bs = b as unknown[];
    if (a.length !== bs.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameData(a[i], bs[i])) return false;
    return true;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  let count = 0;
  for (const key in ao) {
    if (!Object.hasOwn(bo, key) || !sameData(ao[key], bo[key])) return false;
    count++;
  }
  for (const key in bo) if (Object.hasOwn(bo, key)) count--;
  return count === 0;
}

/** The previous build's rule positions by route, made only when a rule is not found at its own position. */
function positionsByRoute(previous: VirtualHostBuild): Map<string, number[]> {
  const byRoute = new Map<string, number[]>();
  for (let i = 0; i < previous.source.length; i++) {
    const route = previous.source[i].route;
    const list = byRoute.get(route);
    if (list === undefined) byRoute.set(route, [i]);
    else list.push(i);
  }
  return byRoute;
}

/**
 * Compiles a virtual host, reusing what `previous` (the build of the same virtual host in the serving
 * config, whose endpoint pools are all open) has for unchanged rules.
 */
export function buildVirtualHost(vh: VirtualHostConfig, previous: VirtualHostBuild | undefined, compiler: RuleCompiler): VirtualHostBuild {
  const source = vh.rules;
  if (previous !== undefined && sameData(previous.source, source)) return previous;
  const keys = new Set<string>();
  const compiled = new Array<CompiledRule | null>(source.length);
  let byRoute: Map<string, number[]> | null = null;
  for (let i = 0; i < source.length; i++) {
    const r = source[i];
    let at = -1;
    if (previous !== undefined) {
      if (i < previous.source.length && sameData(previous.source[i], r)) at = i;
      else {
        byRoute ??= positionsByRoute(previous);
        for (const j of byRoute.get(r.route) ?? []) {
          if (sameData(previous.source[j], r)) {
            at = j;
            break;
          }
        }
      }
    }
    if (at >= 0) {
      const rule = previous!.compiled[at];
      if (rule !== null) compiler.addPools(rule, keys);
      compiled[i] = rule;
    } else compiled[i] = compiler.compile(r, keys);
  }
  const rules: CompiledRule[] = [];
  for (const rule of compiled) if (rule !== null) rules.push(rule);
  const vhost: CompiledVirtualHost = { host: compileHost(vh.hostname), rules, index: buildRuleIndex(rules) };
  return { source, compiled, vhost, pools: [...keys] };
}
