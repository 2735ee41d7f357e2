// HTTPPathModifier: ReplaceFullPath and ReplacePrefixMatch, for URL rewrites and redirects.
import type { PathModifierConfig } from '../../../config/types.ts';
import { prefixMatches, trimTrailingSlash } from '../match.ts';

export interface PathModifier {
  /** ReplaceFullPath value, or null for ReplacePrefixMatch. */
  full: string | null;
  /** The rule's PathPrefix match without trailing slash, or null when the rule has no PathPrefix match. */
  matchPrefix: string | null;
  /** The replacement without trailing slash. */
  replacement: string;
}

export function compilePathModifier(m: PathModifierConfig | null, matchPrefix: string | null): PathModifier | null {
  if (m === null) return null;
  if (m.type === 'ReplaceFullPath') return { full: m.value, matchPrefix: null, replacement: '' };
  return { full: null, matchPrefix, replacement: trimTrailingSlash(m.value) };
}

/**
 * The path after the modifier. ReplacePrefixMatch follows the table in the spec's HTTPPathModifier doc:
 * the matched prefix is replaced on a segment boundary and trailing slashes of prefix and replacement are
 * ignored, so `/foo/bar` with prefix `/foo` and replacement `/xyz/` or `/xyz` gives `/xyz/bar`, `/foo/` gives
 * `/xyz/`, and an empty or `/` replacement of the whole path gives `/`.
 */
export function modifyPath(m: PathModifier, path: string): string {
  if (m.full !== null) return m.full;
  if (m.matchPrefix === null || !prefixMatches(m.matchPrefix, path)) return path;
  const out = m.replacement + path.slice(m.matchPrefix.length);
  if (out.length === 0) return '/';
  return out.charCodeAt(0) === 47 ? out : `/${out}`;
}
