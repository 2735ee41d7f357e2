// "The first entry whose hostname matches this host" (listeners of a port, virtual hosts of a listener) by
// map lookups instead of a walk over every entry. The answer is the same as the walk's for any order of the
// entries: each lookup yields the smallest position among the entries that match, and the smallest of those
// is the first match.
import type { HostMatcher } from '../hostname.ts';

export interface HostIndex {
  /** Exact hostname → the smallest position of an entry with it; null when there is none. */
  exact: Map<string, number> | null;
  /** Wildcard suffix with its leading dot (`.example.com`) → the smallest position; null when none. */
  wildcard: Map<string, number> | null;
  /** The distinct lengths of the keys of `wildcard`, ascending: only these suffixes are looked up. */
  wildcardLengths: number[];
  /** The smallest position of a wildcard entry (to skip the suffix lookups when an earlier match is known). */
  firstWildcard: number;
  /** The smallest position of an entry that matches every host, or -1. */
  any: number;
}

/** Entries in their order; positions in the index are positions in `hosts`. */
export function buildHostIndex(hosts: readonly HostMatcher[]): HostIndex {
  let exact: Map<string, number> | null = null;
  let wildcard: Map<string, number> | null = null;
  let firstWildcard = -1;
  let any = -1;
  for (let i = 0; i < hosts.length; i++) {
    const h = hosts[i];
    if (h.kind === 0) {
      if (any < 0) any = i;
    } else if (h.kind === 1) {
      exact ??= new Map();
      if (!exact.has(h.value)) exact.set(h.value, i);
    } else {
      wildcard ??= new Map();
      if (!wildcard.has(h.value)) wildcard.set(h.value, i);
      if (firstWildcard < 0) firstWildcard = i;
    }
  }
  const lengths = new Set<number>();
  for (const key of wildcard?.keys() ?? []) lengths.add(key.length);
  return { exact, wildcard, wildcardLengths: [...lengths].sort((a, b) => a - b), firstWildcard, any };
}

/** `b` when it is a position before `a` (-1 meaning none), else `a`. */
function earlier(a: number, b: number | undefined): number {
  return b !== undefined && (a < 0 || b < a) ? b : a;
}

/** The position of the first entry that matches a normalised host (see normalizeHost), or -1. */
export function lookupHost(index: HostIndex, host: string): number {
  let best = index.any;
  if (best === 0) return 0;
  if (index.exact !== null) best = earlier(best, index.exact.get(host));
  const wildcard = index.wildcard;
  if (wildcard === null || (best >= 0 && best < index.firstWildcard)) return best;
  // Gateway API: `*.example.com` matches one or more labels in front of `.example.com`, never the suffix
  // alone, so a matching suffix is shorter than the host and starts at a dot. Only the suffix lengths the
  // config has are tried, so a Host with many dots costs no more than the config's wildcards.
  const lengths = index.wildcardLengths;
  for (let i = 0; i < lengths.length; i++) {
    const start = host.length - lengths[i];
    if (start < 1) break;
    if (host.charCodeAt(start) === 46 /* . */) best = earlier(best, wildcard.get(host.slice(start)));
  }
  return best;
}
