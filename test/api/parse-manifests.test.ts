// parseManifests: documents with the line each starts on, Lists expanded, YAML errors at file:line without
// losing the other documents, and the defaults the API server would fill in.
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { test } from 'node:test';
import { parseManifests } from '../../src/api/parse.ts';

const service = (name: string, extra = '') => `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n${extra}spec:\n  ports:\n  - port: 80\n`;

test('each document carries the file and the 1-based line it starts on', () => {
  const text = `# leading comment\n${service('a')}---\n\n${service('b')}`;
  const { objects, rejected } = parseManifests(text, 'm.yaml');
  assert.deepEqual(rejected, []);
  assert.deepEqual(
    objects.map((o) => [o.metadata.name, o.origin]),
    [
      ['a', { file: 'm.yaml', line: 2 }],
      ['b', { file: 'm.yaml', line: 11 }],
    ],
  );
});

test('empty documents and comment-only documents are ignored', () => {
  const { objects, rejected } = parseManifests(`---\n---\n# nothing here\n---\n${service('a')}---\n`, 'm.yaml');
  assert.deepEqual(rejected, []);
  assert.equal(objects.length, 1);
});

test('a List is expanded into its items, each with its own line', () => {
  const text = [
    'apiVersion: v1',
    'kind: List',
    'items:',
    '- apiVersion: v1',
    '  kind: Namespace',
    '  metadata: {name: one}',
    '- apiVersion: v1',
    '  kind: Namespace',
    '  metadata: {name: two}',
    '',
  ].join('\n');
  const { objects, rejected } = parseManifests(text, 'list.yaml');
  assert.deepEqual(rejected, []);
  assert.deepEqual(
    objects.map((o) => [o.kind, o.metadata.name, o.origin?.line]),
    [
      ['Namespace', 'one', 4],
      ['Namespace', 'two', 7],
    ],
  );
});

test('a typed list such as HTTPRouteList is expanded too', () => {
  const text = 'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRouteList\nitems:\n- apiVersion: gateway.networking.k8s.io/v1\n  kind: HTTPRoute\n  metadata: {name: r}\n  spec: {}\n';
  const { objects, rejected } = parseManifests(text, 'l.yaml');
  assert.deepEqual(rejected, []);
  assert.deepEqual(objects.map((o) => [o.kind, o.origin?.line]), [['HTTPRoute', 4]]);
});

test('a YAML syntax error is reported at its file:line and the other documents still load', () => {
  const text = `${service('a')}---\napiVersion: v1\nkind: Service\nmetadata:\n  name: [broken\nspec: {}\n---\n${service('c')}`;
  const { objects, rejected } = parseManifests(text, 'bad.yaml');
  assert.deepEqual(objects.map((o) => o.metadata.name), ['a', 'c']);
  assert.equal(rejected.length, 1);
  // The flow sequence opened on line 12 is found unterminated on line 13.
  assert.equal(rejected[0].where, 'bad.yaml:13');
  assert.match(rejected[0].reason, /^YAML syntax error: Flow sequence .* end with a \] \(column 1\)$/);
});

test('a duplicate key in one mapping is a YAML error', () => {
  const { objects, rejected } = parseManifests('apiVersion: v1\nkind: Namespace\nkind: Namespace\nmetadata: {name: a}\n', 'dup.yaml');
  assert.equal(objects.length, 0);
  assert.equal(rejected[0].where, 'dup.yaml:3');
  assert.match(rejected[0].reason, /Map keys must be unique/);
});

test('JSON is read as well (it is YAML)', () => {
  const { objects, rejected } = parseManifests('{"apiVersion": "v1", "kind": "Namespace",\n "metadata": {"name": "j"}}\n', 'o.json');
  assert.deepEqual(rejected, []);
  assert.equal(objects[0].metadata.name, 'j');
});

const invalid: [string, string, RegExp][] = [
  ['a scalar document', 'just text\n', /^document is a string, not a Kubernetes object/],
  ['a list document', '- a\n- b\n', /^document is a list, not a Kubernetes object/],
  ['no apiVersion', 'kind: Namespace\nmetadata: {name: a}\n', /^missing apiVersion$/],
  ['no kind', 'apiVersion: v1\nmetadata: {name: a}\n', /^missing kind$/],
  ['no metadata', 'apiVersion: v1\nkind: Namespace\n', /^missing metadata$/],
  ['no metadata.name', 'apiVersion: v1\nkind: Namespace\nmetadata: {labels: {a: b}}\n', /^missing metadata\.name$/],
  ['a name that is not a DNS subdomain', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: Bad_Name}\n', /^metadata\.name \(line 3\): Invalid value "Bad_Name"/],
];
for (const [what, text, reason] of invalid) {
  test(`rejected with a clear reason: ${what}`, () => {
    const { objects, rejected } = parseManifests(text, 'x.yaml');
    assert.equal(objects.length, 0);
    assert.equal(rejected.length, 1);
    assert.equal(rejected[0].where, 'x.yaml:1');
    assert.match(rejected[0].reason, reason);
  });
}

test('defaults: namespace default for namespaced kinds, none for cluster-scoped ones, generation 1', () => {
  const text = `${service('a')}---\napiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata: {name: c, namespace: ignored}\nspec: {controllerName: example.com/c}\n---\n${service('b', '  namespace: other\n  generation: 4\n')}`;
  const { objects, rejected } = parseManifests(text, 'd.yaml');
  assert.deepEqual(rejected, []);
  assert.deepEqual(
    objects.map((o) => [o.kind, o.metadata.namespace, o.metadata.generation]),
    [
      ['Service', 'default', 1],
      ['GatewayClass', undefined, 1],
      ['Service', 'other', 4],
    ],
  );
});

test('Secret stringData is folded into base64 data, winning over data for the same key', () => {
  const text = 'apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {a: b2xk, keep: a2VlcA==}\nstringData: {a: new, "tls.crt": "ünïcode"}\n';
  const { objects, rejected } = parseManifests(text, 's.yaml');
  assert.deepEqual(rejected, []);
  const secret = objects[0] as unknown as Record<string, unknown>;
  assert.equal(secret.stringData, undefined);
  assert.deepEqual(secret.data, {
    a: Buffer.from('new').toString('base64'),
    keep: 'a2VlcA==',
    'tls.crt': Buffer.from('ünïcode').toString('base64'),
  });
});

test('a kind onramp does not read parses; the snapshot is what reports it', () => {
  const { objects, rejected } = parseManifests('apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {}\n', 'k.yaml');
  assert.deepEqual(rejected, []);
  assert.equal(objects[0].kind, 'Deployment');
});

test('each reason names the line of its field when that is not the line the object starts on', () => {
  const text = [
    'apiVersion: gateway.networking.k8s.io/v1', // 1
    'kind: HTTPRoute',
    'metadata:',
    '  name: r',
    'spec:', // 5
    '  rules:',
    '  - matches:',
    '    - path: {type: Exact, value: nope}', // 8
    '    backendRefs:',
    '    - name: s', // 10
    '      port: 99999', // 11
    '',
  ].join('\n');
  const { rejected } = parseManifests(text, 'r.yaml');
  assert.equal(rejected[0].where, 'r.yaml:1');
  assert.equal(rejected[0].reason, 'spec.rules[0].backendRefs[0].port (line 11): Invalid value 99999: must be <= 65535');
  const cel = parseManifests(text.replace('99999', '80'), 'r.yaml').rejected[0];
  assert.match(cel.reason, /^spec\.rules\[0\]\.matches\[0\]\.path \(line 8\): Invalid value "nope": value must be an absolute path/);
  // A missing field is found at its parent.
  const missing = parseManifests(text.replace('99999', '80').replace('nope', '/a').replace('      port: 80\n', ''), 'r.yaml').rejected[0];
  assert.equal(missing.reason, 'spec.rules[0].backendRefs[0] (line 10): Must have port for Service reference');
});

test('Gateway API kinds are accepted under every apiVersion v1.6.1 serves', () => {
  const docs = [
    ['v1', 'GatewayClass', '{controllerName: example.com/c}'],
    ['v1beta1', 'GatewayClass', '{controllerName: example.com/c}'],
    ['v1', 'Gateway', '{gatewayClassName: c, listeners: [{name: http, port: 80, protocol: HTTP}]}'],
    ['v1beta1', 'Gateway', '{gatewayClassName: c, listeners: [{name: http, port: 80, protocol: HTTP}]}'],
    ['v1', 'HTTPRoute', '{parentRefs: [{name: g}]}'],
    ['v1beta1', 'HTTPRoute', '{parentRefs: [{name: g}]}'],
    ['v1beta1', 'ReferenceGrant', '{from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: a}], to: [{group: "", kind: Service}]}'],
    ['v1', 'ReferenceGrant', '{from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: a}], to: [{group: "", kind: Service}]}'],
  ];
  const text = docs.map(([v, kind, spec], i) => `apiVersion: gateway.networking.k8s.io/${v}\nkind: ${kind}\nmetadata: {name: o${i}}\nspec: ${spec}\n`).join('---\n');
  const { objects, rejected } = parseManifests(text, 'v.yaml');
  assert.deepEqual(rejected, []);
  assert.equal(objects.length, docs.length);
});
