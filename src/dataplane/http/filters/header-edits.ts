// RequestHeaderModifier and ResponseHeaderModifier on flat header lists (name, value, name, value…).
import type { HeaderEditsConfig } from '../../../config/types.ts';

export interface HeaderEdits {
  /** [lower-case name, name as written, value]. */
  set: [string, string, string][];
  add: [string, string, string][];
  /** Lower-case names; set names are removed too before they are written again. */
  remove: Set<string>;
}

/** Characters that would end a header line: never written, whatever the config says. */
const LINE_BREAK = /[\r\n\0]/;

/** Throws on a name or value with a line break, so that the rule is left out rather than split a header. */
export function compileHeaderEdits(edits: HeaderEditsConfig | null): HeaderEdits | null {
  if (edits === null) return null;
  for (const [n, v] of [...edits.set, ...edits.add]) {
    if (LINE_BREAK.test(n) || LINE_BREAK.test(v)) throw new Error(`header ${JSON.stringify(n)} has a line break`);
  }
  if (edits.set.length === 0 && edits.add.length === 0 && edits.remove.length === 0) return null;
  const remove = new Set(edits.remove.map((n) => n.toLowerCase()));
  const set = edits.set.map(([n, v]): [string, string, string] => [n.toLowerCase(), n, v]);
  for (const [lower] of set) remove.add(lower);
  return { set, add: edits.add.map(([n, v]): [string, string, string] => [n.toLowerCase(), n, v]), remove };
}

/**
 * Applies edits in place of `headers` and returns the new list. Spec (HTTPHeaderFilter): set replaces every
 * value of the name, add appends to the existing value, remove drops the name; names are case-insensitive.
 * Add joins with `,` onto the existing line, as Envoy does, so the backend reads one combined value.
 */
export function applyHeaderEdits(edits: HeaderEdits, headers: string[]): string[] {
  let out = headers;
  if (edits.remove.size > 0) {
    out = [];
    for (let i = 0; i < headers.length; i += 2) {
      if (!edits.remove.has(headers[i].toLowerCase())) out.push(headers[i], headers[i + 1]);
    }
  }
  for (const [, name, value] of edits.set) out.push(name, value);
  for (const [lower, name, value] of edits.add) {
    let joined = false;
    // Set-Cookie lines cannot be joined with a comma (RFC 6265), so they always get their own line.
    if (lower !== 'set-cookie') {
      for (let i = 0; i < out.length; i += 2) {
        if (out[i].length === lower.length && out[i].toLowerCase() === lower) {
          out[i + 1] = `${out[i + 1]},${value}`;
          joined = true;
          break;
        }
      }
    }
    if (!joined) out.push(name, value);
  }
  return out;
}
