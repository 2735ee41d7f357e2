// The fast block-style reader gives exactly what the `yaml` package gives, or gives up: on every document the
// specification ships, on the project's examples, and on hand-picked YAML corners.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { GATEWAY_API_DIR, REPO_ROOT, yamlFiles } from '../spec-data.ts';
import { parse, parseDocument } from 'yaml';
import { readBlockDocument } from '../../src/api/block-yaml.ts';
import { splitDocuments } from '../../src/api/documents.ts';

const SPEC_DIR = GATEWAY_API_DIR;


/** The `yaml` package's reading of one document, null for an empty one. */
const reference = (text: string): unknown => parse(text, { uniqueKeys: true }) ?? null;

test('every document of the specification and the examples reads the same as with the yaml package', () => {
  const files = [...yamlFiles(SPEC_DIR), ...yamlFiles(join(REPO_ROOT, 'examples'))];
  let fast = 0;
  let total = 0;
  for (const file of files) {
    const documents = splitDocuments(readFileSync(file, 'utf8'));
    assert.ok(documents, `${file} splits`);
    for (const d of documents) {
      total++;
      const read = readBlockDocument(d.text);
      if (read === undefined) continue;
      fast++;
      assert.deepEqual(read.value, reference(d.text), `${file}:${d.line}`);
    }
  }
  // Most manifests are plain block style: the fast reader must take most of them to be worth having.
  assert.ok(fast > total / 2, `fast reader read ${fast} of ${total} documents`);
});

const same: [string, string][] = [
  ['core schema scalars', 'a: ~\nb: null\nc: Null\nd: true\ne: False\nf: 0o17\ng: 0x1F\nh: -12\ni: +5\nj: 1.5\nk: 1e3\nl: .inf\nm: -.Inf\nn: 007\no: 1.2.3\np: yes\nq: 127.0.0.1\nr: 0.\ns: .5\n'],
  ['quoted scalars', `a: "x: y # z"\nb: 'it''s'\nc: "\\u00e9\\n\\"q\\""\nd: ''\ne: "" # empty\nf: "80"\n`],
  ['plain scalars with inner indicators', 'a: http://x/y?z=1#frag\nb: a,b]c{d}\nc: x #comment\nd: ^/r[0-9]+$\ne: -5\nf: ?x\n'],
  ['nested mappings and sequences', 'a:\n  b:\n    c: 1\n  d:\n  - x\n  - y: 1\n    z: 2\n  -\n    w: 3\n  - - not read fast\n'],
  ['indentless and indented sequences', 'a:\n- 1\n- 2\nb:\n    - 3\nc: {}\nd: []\ne:\nf: 1\n'],
  ['literal block scalars', 'a: |\n  line 1\n    indented\n\n  line 3\n\n\nb: |-\n  x\n  ---\n  y\nc: |\nd: 1\n'],
  ['literal block scalar ending in a comment at a lower indentation', 'a:\n  b: |\n    text\n  # comment\n  c: 1\n'],
  ['quoted keys and keys with dots and slashes', '"tls.crt": a\n\'x y\': b\nkubernetes.io/service-name: c\n'],
  ['comments everywhere', '# head\na: 1 # one\n# between\nb:\n  # inside\n  c: 2\n'],
  ['a document marker line with a comment', '--- # first\na: 1\n'],
  ['an empty document', '# only a comment\n'],
];
for (const [what, text] of same) {
  test(`same as the yaml package: ${what}`, () => {
    const read = readBlockDocument(text);
    if (read !== undefined) assert.deepEqual(read.value, reference(text));
  });
}

test('the fast reader reads the everyday forms itself', () => {
  for (const [what, text] of same) {
    if (what === 'nested mappings and sequences') continue; // `- - x` sends it to the full parser
    assert.ok(readBlockDocument(text) !== undefined, what);
  }
});

const fallback: [string, string][] = [
  ['an anchor and an alias', 'a: &x 1\nb: *x\n'],
  ['a tag', 'a: !!str 1\n'],
  ['a flow mapping with content', 'metadata: {name: a}\n'],
  ['a folded block scalar', 'a: >\n  x\n  y\n'],
  ['a keep-chomping block scalar', 'a: |+\n  x\n\n'],
  ['a multi-line plain scalar', 'a: one\n  two\n'],
  ['a multi-line quoted scalar', 'a: "one\n  two"\n'],
  ['a duplicate key', 'a: 1\na: 2\n'],
  ['a tab in the indentation', 'a:\n\tb: 1\n'],
  ['a key that is not a string', '1: a\n'],
  ['a merge key', 'a: 1\n<<: {b: 2}\n'],
  ['a __proto__ key', '__proto__: {polluted: true}\n'],
  ['a nested mapping on one line', 'a: b: c\n'],
  ['odd indentation', 'a:\n    b: 1\n  c: 2\n'],
  ['a scalar document', 'just text\n'],
  ['carriage returns', 'a: 1\r\nb: 2\r\n'],
  ['a comment not preceded by a space', 'a: []#c\n'],
  ['content after the document marker', '--- {a: 1}\n'],
  ['a YAML-only escape', 'a: "\\x41"\n'],
];
for (const [what, text] of fallback) {
  test(`left to the full parser: ${what}`, () => {
    assert.equal(readBlockDocument(text), undefined);
  });
}

test('the first content line of a document is reported for its line number', () => {
  assert.deepEqual(readBlockDocument('---\n# c\n\napiVersion: v1\n'), { value: { apiVersion: 'v1' }, firstLine: 3 });
});

test('random small documents from tricky pieces: whatever the fast reader reads, the yaml package reads the same, without errors', () => {
  // A deterministic generator, so that a failure can be replayed.
  let seed = 7;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const keys = ['a', 'b', 'c', '"q"', "'s'", 'x.y/z', 'true', '1', 'a b', 'k#', '-k', '?k', 'null'];
  const values = ['', ' 1', ' x', ' "v"', " 'v'", ' |', ' |-', ' >', ' {}', ' []', ' [1]', ' {a: 1}', ' # c', ' a # c', ' a#c', ' - x',
    ' x: y', ' &a x', ' *a', ' !t x', ' "a\\"b"', ' "a\\x41"', " 'it''s'", ' 0x1F', ' 1e3', ' .inf', ' ~', ' -', ' :x', ' x:',
    ' "unterminated', ' %x', ' @x', ' `x', ' ---', ' ...', ' []#c', ' "x"#c', ' "x" #c', ' 1.', ' +.5', ' 0o17', ' 0b1', ' 12:30'];
  const indents = ['', '  ', '    ', ' ', '      '];
  let read = 0;
  for (let t = 0; t < 5000; t++) {
    const lines: string[] = [];
    for (let i = 1 + random(6); i > 0; i--) {
      const indent = indents[random(indents.length)];
      const kind = random(10);
      if (kind < 6) lines.push(`${indent}${keys[random(keys.length)]}:${values[random(values.length)]}`);
      else if (kind < 8) lines.push(`${indent}-${values[random(values.length)]}`);
      else if (kind === 8) lines.push(`${indent}# comment`);
      else lines.push(`${indent}${['text', '', '---', 'more: |', '  lit'][random(5)]}`);
    }
    const text = `${lines.join('\n')}\n`;
    const fast = readBlockDocument(text);
    if (fast === undefined) continue;
    read++;
    const doc = parseDocument(text, { uniqueKeys: true });
    assert.deepEqual(doc.errors.map((e) => e.message), [], text);
    assert.deepEqual(fast.value, doc.toJS() ?? null, text);
  }
  assert.ok(read > 500, `the fast reader read ${read} documents`);
});

