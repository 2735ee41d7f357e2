// The first rule of a virtual host that matches a request, without testing every rule. Rules are bucketed by
// what their path match can match: an Exact path by its value, a PathPrefix by its value (it matches a path
// only where the path has that value up to a `/` or its end), a RegularExpression in a list that every
// request tries. A request's candidates are a few buckets; they are tried in the rules' order (a merge of
// the buckets' ascending positions), so the first candidate that matches is the first rule the walk over
// all rules would find: the precedence order translate gave the rules is kept exactly.
import type { CompiledRule } from '../compile.ts';
import { matches, PATH_EXACT, PATH_PREFIX } from './match.ts';
import type { RequestView } from './match.ts';

/** Below this many rules, testing each rule in turn costs no more than the lookups (about 80 ns at 8). */
export const MIN_INDEXED_RULES = 8;

/** Positions of rules, ascending; a lone position is kept as a number (most buckets hold one rule). */
type Positions = number | number[];

export interface RuleIndex {
  /** Exact path → positions of the rules with that Exact match. */
  exact: Map<string, Positions>;
  /** PathPrefix value without trailing slash (`` for `/`) → positions. */
  prefix: Map<string, Positions>;
  /** The distinct lengths of the keys of `prefix`, ascending: only these are looked up. */
  prefixLengths: number[];
  /** Positions of the rules every request must try (RegularExpression paths), ascending; null when none. */
  others: number[] | null;
}

function add(map: Map<string, Positions>, key: string, position: number): void {
  const found = map.get(key);
  if (found === undefined) map.set(key, position);
  else if (typeof found === 'number') map.set(key, [found, position]);
  else found.push(position);
}

/** The index of a virtual host's rules, or null when there are too few for it to pay off. */
export function buildRuleIndex(rules: readonly CompiledRule[], minRules = MIN_INDEXED_RULES): RuleIndex | null {
  if (rules.length < minRules) return null;
  const exact = new Map<string, Positions>();
  const prefix = new Map<string, Positions>();
  let others: number[] | null = null;
  for (let i = 0; i < rules.length; i++) {
    const m = rules[i].match;
    if (m.pathKind === PATH_EXACT) add(exact, m.pathValue, i);
    else if (m.pathKind === PATH_PREFIX) add(prefix, m.pathValue, i);
    else (others ??= []).push(i);
  }
  const lengths = new Set<number>();
  for (const key of prefix.keys()) lengths.add(key.length);
  return { exact, prefix, prefixLengths: [...lengths].sort((a, b) => a - b), others };
}

// Candidate lists of the request being routed, reused across requests (routing is synchronous). A lone
// position gets a one-element array of its own slot in `singles`.
const lists: number[][] = [];
const heads: number[] = [];
const singles: number[][] = [];
const NONE: number[] = [];

/** Adds the positions found for one key to the candidate lists; returns the new count. */
function push(found: Positions | undefined, n: number): number {
  if (found === undefined) return n;
  if (typeof found === 'number') {
    const single = (singles[n] ??= [0]);
    single[0] = found;
    lists[n] = single;
  } else lists[n] = found;
  return n + 1;
}

/** The first rule in `rules` that matches, using `index` (built from these very rules). */
export function firstMatchingRule(rules: readonly CompiledRule[], index: RuleIndex, req: RequestView): CompiledRule | null {
  const path = req.path;
  let n = push(index.exact.get(path), 0);
  // A prefix of length L can match only where the path has a `/` at L or ends at L (segment boundary);
  // only lengths some rule has are looked up, so a long path costs no more than the config's prefixes.
  const lengths = index.prefixLengths;
  for (let i = 0; i < lengths.length; i++) {
    const len = lengths[i];
    if (len > path.length) break;
    if (len < path.length && path.charCodeAt(len) !== 47) continue;
    n = push(index.prefix.get(len === path.length ? path : path.slice(0, len)), n);
  }
  if (index.others !== null) lists[n++] = index.others;
  if (n === 0) return null;
  if (n === 1) {
    const only = lists[0];
    lists[0] = NONE;
    for (let i = 0; i < only.length; i++) if (matches(rules[only[i]].match, req)) return rules[only[i]];
    return null;
  }
  for (let i = 0; i < n; i++) heads[i] = 0;
  let found: CompiledRule | null = null;
  for (;;) {
    // The smallest position at the head of a list is the next rule in precedence order.
    let from = -1;
    let position = rules.length;
    for (let i = 0; i < n; i++) {
      const list = lists[i];
      if (heads[i] < list.length && list[heads[i]] < position) {
        position = list[heads[i]];
        from = i;
      }
    }
    if (from < 0) break;
    heads[from]++;
    if (matches(rules[position].match, req)) {
      found = rules[position];
      break;
    }
  }
  // The lists belong to a config that a later apply may release.
  for (let i = 0; i < n; i++) lists[i] = NONE;
  return found;
}
