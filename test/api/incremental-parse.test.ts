// Parsing with a ParseCache: an edited file gives exactly the result a fresh parse gives, documents that did
// not change are not parsed again (their objects are the very same), and the document split never cuts a
// block scalar or a stream with directives in the wrong place.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseManifests, ParseCache } from '../../src/api/parse.ts';

const route = (i: number, prefix = `/r${i}`) =>
  [
    'apiVersion: gateway.networking.k8s.io/v1',
    'kind: HTTPRoute',
    'metadata:',
    `  name: r${i}`,
    'spec:',
    '  parentRefs:',
    '  - name: g',
    '  rules:',
    '  - matches:',
    '    - path:',
    '        type: PathPrefix',
    `        value: ${prefix}`,
    '    backendRefs:',
    '    - name: s',
    '      port: 80',
    '',
  ].join('\n');

const routes = (n: number, edit?: { i: number; prefix: string }) =>
  Array.from({ length: n }, (_, i) => route(i, edit?.i === i ? edit.prefix : undefined)).join('---\n');

const prefixOf = (o: unknown): unknown => (o as { spec: { rules: { matches: { path: { value: string } }[] }[] } }).spec.rules[0].matches[0].path.value;

test('an edit to one document of many gives the snapshot a fresh parse gives, reusing the other documents', () => {
  const cache = new ParseCache();
  const before = parseManifests(routes(200), 'routes.yaml', cache);
  assert.equal(before.objects.length, 200);
  const after = parseManifests(routes(200, { i: 120, prefix: '/changed' }), 'routes.yaml', cache);
  assert.deepEqual(after, parseManifests(routes(200, { i: 120, prefix: '/changed' }), 'routes.yaml'));
  assert.equal(prefixOf(after.objects[120]), '/changed');
  assert.equal(after.objects[120].origin?.line, before.objects[120].origin?.line);
  // Unchanged documents were not parsed again.
  assert.equal(after.objects[119], before.objects[119]);
  assert.equal(after.objects[121], before.objects[121]);
  assert.notEqual(after.objects[120], before.objects[120]);
});

test('edits far apart (one route changed, another restored) parse only those two documents again', () => {
  const cache = new ParseCache();
  const first = parseManifests(routes(300, { i: 20, prefix: '/old' }), 'routes.yaml', cache);
  const text = routes(300, { i: 280, prefix: '/new' });
  const second = parseManifests(text, 'routes.yaml', cache);
  assert.deepEqual(second, parseManifests(text, 'routes.yaml'));
  const reparsed = second.objects.map((o, i) => (o === first.objects[i] ? null : o.metadata.name)).filter((n) => n !== null);
  assert.deepEqual(reparsed, ['r20', 'r280']);
});

test('documents moved below a removed one keep their objects, with their new lines', () => {
  const cache = new ParseCache();
  const first = parseManifests(routes(30), 'routes.yaml', cache);
  const text = routes(30).split('---\n').filter((_, i) => i !== 3).join('---\n');
  const second = parseManifests(text, 'routes.yaml', cache);
  assert.deepEqual(second, parseManifests(text, 'routes.yaml'));
  assert.equal(second.objects.length, 29);
  assert.equal(second.objects[2], first.objects[2]);
  assert.deepEqual(second.objects[3].origin, { file: 'routes.yaml', line: first.objects[3].origin!.line });
  assert.equal(second.objects[3].metadata.name, 'r4');
});

test('lines inserted above shift the origin of every document below, as a fresh parse would', () => {
  const cache = new ParseCache();
  parseManifests(routes(50), 'routes.yaml', cache);
  const text = `# a comment\n# and another\n${routes(50)}`;
  const after = parseManifests(text, 'routes.yaml', cache);
  assert.deepEqual(after, parseManifests(text, 'routes.yaml'));
  assert.equal(after.objects[0].origin?.line, 3);
});

test('a document that becomes invalid is rejected at its line, and accepted again once fixed', () => {
  const cache = new ParseCache();
  parseManifests(routes(20), 'routes.yaml', cache);
  const broken = routes(20).replace('        value: /r7\n', '        value: /r7\n        extra: [\n');
  const bad = parseManifests(broken, 'routes.yaml', cache);
  assert.deepEqual(bad, parseManifests(broken, 'routes.yaml'));
  assert.equal(bad.objects.length, 19);
  assert.equal(bad.rejected.length, 1);
  assert.match(bad.rejected[0].where, /^routes\.yaml:\d+$/);
  const fixed = parseManifests(routes(20), 'routes.yaml', cache);
  assert.equal(fixed.objects.length, 20);
  assert.deepEqual(fixed.rejected, []);
});

test('a rejected document keeps the line of its field when lines above it move', () => {
  const cache = new ParseCache();
  const bad = route(1).replace('port: 80', 'port: 99999');
  const first = parseManifests(`${route(0)}---\n${bad}`, 'r.yaml', cache);
  const moved = parseManifests(`# new line\n${route(0)}---\n${bad}`, 'r.yaml', cache);
  assert.match(first.rejected[0].reason, /\(line 31\)/);
  assert.deepEqual(moved, parseManifests(`# new line\n${route(0)}---\n${bad}`, 'r.yaml'));
  assert.match(moved.rejected[0].reason, /\(line 32\)/);
});

test('a --- line inside a block scalar is content, not a document separator', () => {
  const text = [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: scripts',
    'data:',
    '  multi.yaml: |',
    '    a: 1',
    '    ---',
    '    b: 2',
    '---',
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: second',
    '',
  ].join('\n');
  const { objects, rejected } = parseManifests(text, 'cm.yaml', new ParseCache());
  assert.deepEqual(rejected, []);
  assert.deepEqual(
    objects.map((o) => [o.metadata.name, o.origin?.line]),
    [
      ['scripts', 1],
      ['second', 11],
    ],
  );
  assert.equal((objects[0] as unknown as { data: Record<string, string> }).data['multi.yaml'], 'a: 1\n---\nb: 2\n');
});

test('a stream with directives or ... markers is read whole, with the right lines', () => {
  const text = '%YAML 1.2\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n...\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: b}\n';
  const { objects, rejected } = parseManifests(text, 'd.yaml', new ParseCache());
  assert.deepEqual(rejected, []);
  assert.deepEqual(objects.map((o) => [o.metadata.name, o.origin?.line]), [['a', 3], ['b', 8]]);
});

test('Windows line endings split and count lines the same way', () => {
  const text = 'apiVersion: v1\r\nkind: Namespace\r\nmetadata:\r\n  name: a\r\n---\r\napiVersion: v1\r\nkind: Namespace\r\nmetadata:\r\n  name: b\r\n';
  const { objects, rejected } = parseManifests(text, 'w.yaml', new ParseCache());
  assert.deepEqual(rejected, []);
  assert.deepEqual(objects.map((o) => [o.metadata.name, o.origin?.line]), [['a', 1], ['b', 6]]);
});

test('a cache used for another file does not hand out objects with the wrong file', () => {
  const cache = new ParseCache();
  parseManifests(routes(3), 'one.yaml', cache);
  const other = parseManifests(routes(3), 'two.yaml', cache);
  assert.deepEqual(other.objects.map((o) => o.origin?.file), ['two.yaml', 'two.yaml', 'two.yaml']);
});

test('random edits of a many-document file: every cached parse equals a fresh parse', () => {
  // A small deterministic generator, so that a failure can be replayed.
  let seed = 42;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const pieces = ['---', '# comment', '', 'apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: extra', '  name: Bad_Name', 'spec: [', '---  ', '...'];
  const lines = routes(40).split('\n');
  const cache = new ParseCache();
  for (let step = 0; step < 150; step++) {
    const at = random(lines.length + 1);
    const op = random(4);
    if (op === 0) lines.splice(at, 0, pieces[random(pieces.length)]);
    else if (op === 1 && lines.length > 1) lines.splice(at, 1);
    else if (op === 2) lines.splice(at, 0, ...route(100 + step).split('\n'), '---');
    else lines[Math.min(at, lines.length - 1)] = lines[Math.min(at, lines.length - 1)].replace(/r(\d)/, 'x$1');
    const text = lines.join('\n');
    assert.deepEqual(parseManifests(text, 'f.yaml', cache), parseManifests(text, 'f.yaml'), `step ${step}`);
  }
});

