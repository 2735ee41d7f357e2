// Splitting a multi-document YAML stream into its documents without parsing it, so that each document can be
// parsed (and cached) on its own. A line that starts with `---` followed by a space or the end of the line is
// always a document start: YAML forbids such a line inside any scalar (spec 1.2.2, 9.1.4 "c-forbidden"), so a
// `---` in a block scalar is indented and is not taken for a separator. Streams with directives (`%YAML`) or
// document end markers (`...`) are not split: the caller parses them whole.

/** One document of a stream: its text (from its `---` line, if any), the 1-based line and offset it starts at. */
export interface DocumentText {
  text: string;
  line: number;
  start: number;
}

const MARKER = /^---(?:[ \t]|\r?$)/;
const END_OR_DIRECTIVE = /^(?:\.\.\.(?:[ \t]|\r?$)|%)/;
/** Lines that may be one of the above; found by one scan of the engine instead of a loop over every line. */
const CANDIDATE = /^(?:---|\.\.\.|%)/gm;

/** The documents of the stream, or null when it has directives or `...` lines and must be parsed whole. */
export function splitDocuments(text: string): DocumentText[] | null {
  const documents: DocumentText[] = [];
  let start = 0;
  let startLine = 1;
  // Lines are counted up to `counted`, which is on line `line`.
  let line = 1;
  let counted = 0;
  for (const m of text.matchAll(CANDIDATE)) {
    const pos = m.index;
    const eol = text.indexOf('\n', pos);
    const head = text.slice(pos, Math.min(eol < 0 ? text.length : eol, pos + 5));
    if (END_OR_DIRECTIVE.test(head)) return null;
    if (!MARKER.test(head) || pos === start) continue;
    for (let nl = text.indexOf('\n', counted); nl >= 0 && nl < pos; nl = text.indexOf('\n', nl + 1)) line++;
    counted = pos;
    documents.push({ text: text.slice(start, pos), line: startLine, start });
    start = pos;
    startLine = line;
  }
  if (start < text.length || documents.length === 0) documents.push({ text: text.slice(start), line: startLine, start });
  return documents;
}
