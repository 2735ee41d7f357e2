// Reasons name a field by its path (`spec.rules[0].backendRefs[1].port`); in a long manifest the line of that
// field is what a user needs. This finds it in the parsed YAML and adds it to the reason.
import { isCollection, type Node as YamlNode } from 'yaml';

/** Line numbers of source offsets (the `yaml` package's LineCounter, or one shifted to a place in a file). */
export interface LinePositions {
  linePos(offset: number): { line: number };
}

/** A field path at the start of a reason, followed by ":" or " is from" (early-draft hints). */
const LEADING_PATH = /^([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])*)(?=: | is from )/;
const SEGMENT = /\.?([A-Za-z_$][\w$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g;

export function pathSegments(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of path.matchAll(SEGMENT)) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else out.push(JSON.parse(m[3]) as string);
  }
  return out;
}

/** The line of the deepest node along the path that exists (a missing field points at its parent). */
export function lineOfPath(root: YamlNode, segments: readonly (string | number)[], lines: LinePositions): number | undefined {
  let node: unknown = root;
  let line: number | undefined;
  for (const segment of segments) {
    if (!isCollection(node)) break;
    const next: unknown = node.get(segment, true);
    if (next === undefined || next === null) break;
    node = next;
    const start = (next as YamlNode).range?.[0];
    if (start !== undefined) line = lines.linePos(start).line;
  }
  return line;
}

/** `spec.x[0]: msg` → `spec.x[0] (line 14): msg` when the field is on another line than the object starts. */
export function withFieldLine(reason: string, root: YamlNode | undefined, objectLine: number, lines: LinePositions): string {
  if (!root) return reason;
  const m = LEADING_PATH.exec(reason);
  if (!m) return reason;
  const line = lineOfPath(root, pathSegments(m[1]), lines);
  if (line === undefined || line === objectLine) return reason;
  return `${m[1]} (line ${line})${reason.slice(m[1].length)}`;
}
