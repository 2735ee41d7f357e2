// translate keeps work across calls by object identity and by position in the route list (many routes, a
// few changing). Each result must equal a translate of a structural clone of the same snapshot (which shares
// no object with earlier inputs), through a sequence of changes that touch each thing the kept work depends
// on. And what did not change must come back as the very same IR and status objects: the data plane
// recompiles only what is new, and the status store skips what is the same.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptySnapshot, snapshotFromObjects } from '../../src/api/snapshot.ts';
import type { KubeObject, Snapshot } from '../../src/api/types.ts';
import type { RouteRuleConfig, VirtualHostConfig } from '../../src/config/types.ts';
import { translate } from '../../src/translate/index.ts';
import type { TranslateOptions, TranslateResult } from '../../src/translate/types.ts';

const GW = 'gateway.networking.k8s.io/v1';
const CONTROLLER = 'example.com/incremental';
const options: TranslateOptions = { controllerName: CONTROLLER, addresses: {} };
const ROUTES = 240;

function route(i: number, prefix = `/r${i}`): KubeObject {
  const namespace = i % 3 === 0 ? 'team-a' : 'default';
  const parentRefs: Record<string, unknown>[] =
    namespace === 'team-a'
      ? [{ name: 'shared', namespace: 'default' }]
      : i % 5 === 0
        ? // Two parentRefs selecting the same listener: the route counts and serves once.
          [{ name: 'main' }, { name: 'main', sectionName: 'http' }]
        : [{ name: i % 2 === 0 ? 'main' : 'other' }];
  return {
    apiVersion: GW,
    kind: 'HTTPRoute',
    metadata: { name: `r${String(i).padStart(4, '0')}`, namespace, generation: 1 },
    spec: {
      parentRefs,
      hostnames: i % 4 === 0 ? [`h${i % 7}.example.com`, `x${i % 3}.example.com`] : [`h${i % 7}.example.com`],
      rules: [
        { matches: [{ path: { type: 'PathPrefix', value: prefix } }], backendRefs: [{ name: 'backend', namespace: 'default', port: 80 }] },
        ...(i % 6 === 0 ? [{ matches: [{ headers: [{ name: 'x-n', value: String(i) }] }], backendRefs: [{ name: 'other', port: 80 }] }] : []),
      ],
    },
  } as unknown as KubeObject;
}

function gateway(name: string, address: string, listeners: Record<string, unknown>[]): KubeObject {
  return {
    apiVersion: GW,
    kind: 'Gateway',
    metadata: { name, namespace: 'default', generation: 1 },
    spec: { gatewayClassName: 'incremental', addresses: [{ type: 'IPAddress', value: address }], listeners },
  } as unknown as KubeObject;
}

function service(name: string, namespace: string, address: string): KubeObject[] {
  return [
    { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { ports: [{ name: 'http', port: 80, targetPort: 8080 }] } },
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: `${name}-1`, namespace, labels: { 'kubernetes.io/service-name': name } },
      addressType: 'IPv4',
      endpoints: [{ addresses: [address], conditions: { ready: true } }],
      ports: [{ name: 'http', port: 8080 }],
    },
  ] as unknown as KubeObject[];
}

function objects(): KubeObject[] {
  const out: KubeObject[] = [
    { apiVersion: GW, kind: 'GatewayClass', metadata: { name: 'incremental', generation: 1 }, spec: { controllerName: CONTROLLER } } as unknown as KubeObject,
    gateway('main', '127.0.0.1', [{ name: 'http', port: 80, protocol: 'HTTP' }]),
    gateway('other', '127.0.0.2', [
      { name: 'h1', port: 80, protocol: 'HTTP', hostname: 'h1.example.com' },
      { name: 'any', port: 80, protocol: 'HTTP', hostname: '*.example.com' },
    ]),
    gateway('shared', '127.0.0.3', [
      { name: 'http', port: 8080, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'Selector', selector: { matchLabels: { shared: 'yes' } } } } },
    ]),
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', labels: { shared: 'yes' } } } as unknown as KubeObject,
    ...service('backend', 'default', '127.0.9.1'),
    ...service('other', 'default', '127.0.9.2'),
    ...service('other', 'team-a', '127.0.9.3'),
  ];
  for (let i = 0; i < ROUTES; i++) out.push(route(i));
  return out;
}

/** `s` with the object of `key` replaced by `make(clone)`, or removed when make returns null. */
function edited(s: Snapshot, list: keyof Omit<Snapshot, 'rejected'>, name: string, make: (o: KubeObject) => KubeObject | null): Snapshot {
  const items = (s[list] as readonly KubeObject[]).flatMap((o) => {
    if (o.metadata.name !== name) return [o];
    const next = make(structuredClone(o));
    return next ? [next] : [];
  });
  return { ...s, [list]: items };
}

function withRoute(s: Snapshot, extra: KubeObject): Snapshot {
  return snapshotFromObjects([...Object.values(s).flatMap((v) => (Array.isArray(v) ? v : [])).filter((o) => 'kind' in o), extra] as KubeObject[]);
}

test('translate after each change to many routes equals a fresh translate', () => {
  const first = snapshotFromObjects(objects());
  const steps: [string, (s: Snapshot) => Snapshot][] = [
    ['first translate', (x) => x],
    ['the same snapshot again', (x) => x],
    ['one route changed', (x) => edited(x, 'httpRoutes', 'r0100', () => route(100, '/changed'))],
    ['one route moved to another hostname', (x) => edited(x, 'httpRoutes', 'r0101', (r) => ((r as unknown as { spec: { hostnames: string[] } }).spec.hostnames = ['h5.example.com'], r))],
    ['one route moved to a new hostname', (x) => edited(x, 'httpRoutes', 'r0103', (r) => ((r as unknown as { spec: { hostnames: string[] } }).spec.hostnames = ['new.example.com'], r))],
    ['that route moved back', (x) => edited(x, 'httpRoutes', 'r0103', () => route(103))],
    ['a route added first in the list', (x) => withRoute(x, { ...route(7), metadata: { name: 'a-first', namespace: 'default', generation: 1 } } as KubeObject)],
    ['a route removed', (x) => edited(x, 'httpRoutes', 'r0050', () => null)],
    ['a listener hostname changed', (x) => edited(x, 'gateways', 'other', (g) => ((g as unknown as { spec: { listeners: { hostname?: string }[] } }).spec.listeners[0].hostname = 'h2.example.com', g))],
    ['a namespace no longer selected', (x) => edited(x, 'namespaces', 'team-a', (n) => ((n.metadata.labels = { shared: 'no' }), n))],
    ['a namespace selected again', (x) => edited(x, 'namespaces', 'team-a', (n) => ((n.metadata.labels = { shared: 'yes' }), n))],
    ['a Service port changed', (x) => edited(x, 'services', 'other', (svc) => ((svc as unknown as { spec: { ports: { port: number }[] } }).spec.ports[0].port = 81, svc))],
    ['an EndpointSlice changed', (x) => edited(x, 'endpointSlices', 'backend-1', (e) => (((e as unknown as { endpoints: unknown[] }).endpoints = [{ addresses: ['127.0.9.9'] }]), e))],
    ['a Gateway removed', (x) => edited(x, 'gateways', 'shared', () => null)],
    ['back to the first snapshot', () => first],
  ];
  // First every step in a row, so that each call can reuse what the one before it kept; then each snapshot
  // on its own, as a clone. Results are read-only data, so keeping them around is safe.
  const kept: [string, Snapshot, TranslateResult][] = [];
  let s = first;
  for (const [what, change] of steps) {
    s = change(s);
    kept.push([what, s, translate(s, options)]);
  }
  for (const [what, snapshot, result] of kept) assert.deepEqual(result, fresh(snapshot), what);
});

/**
 * A translate that reuses nothing: of a clone (no object in common with earlier inputs), right after a
 * translate of an empty snapshot (what translate keeps from its last call is then empty).
 */
function fresh(snapshot: Snapshot): TranslateResult {
  translate(emptySnapshot(), options);
  return translate(structuredClone(snapshot), options);
}

function rulesOf(r: TranslateResult): Map<string, VirtualHostConfig> {
  const out = new Map<string, VirtualHostConfig>();
  for (const p of r.config.ports) for (const l of p.listeners) for (const v of l.virtualHosts) out.set(`${p.key} ${l.name} ${v.hostname}`, v);
  return out;
}

test('a one-route change hands out the same IR and status objects for everything else', () => {
  const before = snapshotFromObjects(objects());
  const a = translate(before, options);
  assert.equal(translate(before, options).config, a.config, 'the same snapshot gives the same config object');

  const changedName = 'r0100';
  const after = edited(before, 'httpRoutes', changedName, () => route(100, '/changed'));
  const b = translate(after, options);

  const va = rulesOf(a);
  const vb = rulesOf(b);
  assert.deepEqual([...vb.keys()].sort(), [...va.keys()].sort());
  let reused = 0;
  for (const [key, vhost] of vb) {
    const old = va.get(key)!;
    if (old.rules.some((rule) => rule.route === `default/${changedName}`)) {
      assert.notEqual(vhost, old, `${key} holds the changed route`);
      // Its other rules are still the same objects.
      const oldRules = new Set<RouteRuleConfig>(old.rules);
      for (const rule of vhost.rules) assert.equal(oldRules.has(rule), !rule.route.endsWith(`/${changedName}`), `${key} ${rule.route}`);
    } else {
      assert.equal(vhost, old, `${key} is unchanged`);
      reused++;
    }
  }
  assert.ok(reused > 0);

  const sa = new Map(a.statuses.map((st) => [`${st.kind}/${st.namespace}/${st.name}`, st]));
  for (const st of b.statuses) {
    if (st.kind !== 'HTTPRoute') continue;
    const same = st === sa.get(`${st.kind}/${st.namespace}/${st.name}`);
    assert.equal(same, st.name !== changedName, `status of ${st.name}`);
  }
});

test('a change to one Service recompiles only the routes that use it', () => {
  const before = snapshotFromObjects(objects());
  const a = translate(before, options);
  const after = {
    ...before,
    services: before.services.map((svc) => {
      if (svc.metadata.name !== 'other' || svc.metadata.namespace !== 'team-a') return svc;
      const copy = structuredClone(svc);
      (copy as unknown as { spec: { ports: { port: number }[] } }).spec.ports[0].port = 81;
      return copy;
    }),
  };
  const b = translate(after, options);
  assert.deepEqual(b, fresh(after));
  const rules = (r: TranslateResult): Map<string, RouteRuleConfig> => {
    const out = new Map<string, RouteRuleConfig>();
    for (const v of rulesOf(r).values()) for (const rule of v.rules) out.set(`${rule.route}#${rule.ruleIndex}#${JSON.stringify(rule.match)}`, rule);
    return out;
  };
  const ra = rules(a);
  const rb = rules(translate(after, options));
  let changed = 0;
  for (const [key, rule] of rb) {
    // Routes of team-a with a second rule (every sixth) send it to team-a's Service `other`.
    const usesIt = key.startsWith('team-a/') && Number(key.slice('team-a/r'.length, 'team-a/r'.length + 4)) % 6 === 0;
    assert.equal(rule === ra.get(key), !usesIt, key);
    if (usesIt) changed++;
  }
  assert.ok(changed > 0);
});

test('objects that only moved in their files (a new origin, the same spec and metadata) keep every IR and status object', () => {
  const before = snapshotFromObjects(objects());
  const a = translate(before, options);
  // What a source hands out when lines were added above the routes: shallow copies with another origin.
  const move = <T extends KubeObject>(list: readonly T[]): T[] => list.map((o, i) => ({ ...o, origin: { file: 'all.yaml', line: 1000 + i } }));
  const after: Snapshot = {
    ...before,
    gatewayClasses: move(before.gatewayClasses),
    gateways: move(before.gateways),
    httpRoutes: move(before.httpRoutes),
    services: move(before.services),
    endpointSlices: move(before.endpointSlices),
    namespaces: move(before.namespaces),
  };
  const b = translate(after, options);
  assert.equal(b.config, a.config);
  assert.deepEqual(b.statuses, a.statuses);
  for (let i = 0; i < a.statuses.length; i++) if (a.statuses[i].kind === 'HTTPRoute') assert.equal(b.statuses[i], a.statuses[i]);
  assert.deepEqual(b, fresh(after));
});
