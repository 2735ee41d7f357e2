// apply() with configs that share IR objects, as translate hands them out for unchanged routes, or equal
// data (a config sent to a worker as JSON): what changed is served at once, what did not keeps serving (and
// keeps its compiled form), and endpoints that left and came back get an open pool again.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { Config, RouteRuleConfig } from '../../src/config/types.ts';
import { compileConfig } from '../../src/dataplane/compile.ts';
import type { CompileDeps } from '../../src/dataplane/compile.ts';
import { createDataPlane } from '../../src/dataplane/index.ts';
import { EndpointPools } from '../../src/dataplane/http/upstream/pools.ts';
import { sameData } from '../../src/dataplane/http/vhost-index.ts';
import { SecureContextCache } from '../../src/dataplane/tls/contexts.ts';
import { silentLogger } from '../../src/log.ts';
import { backend, config, forward, listener, port, rule, vhost } from './builder.ts';
import { freePort, request, startBackend } from './helpers.ts';
import type { Backend } from './helpers.ts';

const ADDRESS = '127.0.65.1';
const HOSTS = ['h0.example.test', 'h1.example.test', 'h2.example.test'];
/** Enough rules per virtual host for the rule index to be used. */
const RULES = 20;

describe('incremental apply', () => {
  const dp = createDataPlane({ drainTimeoutMs: 1000 });
  const backends: Backend[] = [];
  let p = 0;
  /** rules[h][i]: PathPrefix /r{i} on HOSTS[h]; h2's rules alone go to backend `c`. */
  let rules: RouteRuleConfig[][] = [];
  const to = (name: string): RouteRuleConfig['action'] => {
    const b = backends.find((x) => x.name === name)!;
    return forward(backend(name, [{ address: b.address, port: b.port }]));
  };
  const make = (hostRules: RouteRuleConfig[][]): Config =>
    config([port(ADDRESS, p, [listener('ns/gw/http', null, hostRules.map((r, h) => vhost(HOSTS[h], r)).filter((v) => v.rules.length > 0))])]);
  const get = async (host: string, path: string, agent: http.Agent | false = false): Promise<string> => {
    const a = await request({ address: ADDRESS, port: p, host, path, agent });
    return a.status === 200 ? (JSON.parse(a.body) as { backend: string }).backend : String(a.status);
  };

  before(async () => {
    for (const name of ['a', 'b', 'c']) backends.push(await startBackend(name));
    p = await freePort(ADDRESS);
    rules = HOSTS.map((_, h) => Array.from({ length: RULES }, (_v, i) => rule(to(h === 2 ? 'c' : 'a'), { path: `/r${i}`, route: `ns/h${h}-r${i}` })));
    await dp.apply(make(rules));
  });

  after(async () => {
    await dp.close();
    await Promise.all(backends.map((b) => b.close()));
  });

  it('serves a changed route at once and keeps serving the others', async () => {
    assert.equal(await get(HOSTS[1], '/r5/x'), 'a');
    const changed = rules.map((r) => [...r]);
    changed[1][5] = rule(to('b'), { path: '/changed', route: 'ns/h1-r5' });
    await dp.apply(make(changed));
    assert.equal(await get(HOSTS[1], '/changed/x'), 'b');
    assert.equal(await get(HOSTS[1], '/r5/x'), '404');
    for (const [h, i] of [[0, 5], [1, 4], [1, 19], [2, 0]]) {
      assert.equal(await get(HOSTS[h], `/r${i}`), h === 2 ? 'c' : 'a', `${HOSTS[h]} /r${i}`);
    }
    await dp.apply(make(rules));
    assert.equal(await get(HOSTS[1], '/r5/x'), 'a');
    assert.equal(await get(HOSTS[1], '/changed/x'), '404');
  });

  it('answers every request on a kept-alive connection while one route changes back and forth', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const changed = rules.map((r) => [...r]);
      changed[0][7] = rule(to('b'), { path: '/r7', route: 'ns/h0-r7' });
      const seen: string[] = [];
      for (let round = 0; round < 10; round++) {
        const applied = dp.apply(make(round % 2 === 0 ? changed : rules));
        seen.push(await get(HOSTS[0], '/r3', agent), await get(HOSTS[2], '/r3', agent));
        await applied;
        assert.equal(await get(HOSTS[0], '/r7', agent), round % 2 === 0 ? 'b' : 'a');
      }
      assert.deepEqual(new Set(seen), new Set(['a', 'c']));
    } finally {
      agent.destroy();
      await dp.apply(make(rules));
    }
  });

  it('serves a virtual host again after its only backend left the config and came back', async () => {
    assert.equal(await get(HOSTS[2], '/r1'), 'c');
    // h2 gone: nothing names backend c, its pool is closed.
    await dp.apply(make([rules[0], rules[1], []]));
    assert.equal(await get(HOSTS[2], '/r1'), '404');
    // The very same IR objects again: they must not bring back compiled rules holding the closed pool.
    await dp.apply(make(rules));
    assert.equal(await get(HOSTS[2], '/r1'), 'c');
    assert.equal(await get(HOSTS[2], '/r19/y'), 'c');
  });

  it('reuses the compiled form of unchanged virtual hosts and rules', async () => {
    const pools = new EndpointPools(silentLogger);
    const deps: CompileDeps = { pools, contexts: new SecureContextCache(silentLogger), logger: silentLogger };
    try {
      const first = compileConfig(make(rules), deps);
      const changed = rules.map((r) => [...r]);
      changed[1][5] = rule(to('b'), { path: '/changed', route: 'ns/h1-r5' });
      const second = compileConfig(make(changed), { ...deps, previous: first.builds });
      const vhosts = (c: typeof first) => c.ports.get(`${ADDRESS}:${p}`)!.listeners[0].virtualHosts;
      const [a, b] = [vhosts(first), vhosts(second)];
      assert.equal(b[0], a[0]);
      assert.equal(b[2], a[2]);
      assert.notEqual(b[1], a[1]);
      // In the changed virtual host only the changed rule is new.
      const same = b[1].rules.filter((r) => a[1].rules.includes(r)).length;
      assert.equal(same, RULES - 1);
      // Reused virtual hosts still name their endpoints, so their pools stay open: backends a, b and c.
      assert.equal(second.endpointKeys.size, 3);
    } finally {
      await pools.close();
    }
  });

  it('reuses them as well for a config that arrives as JSON (equal data, all new objects)', async () => {
    const pools = new EndpointPools(silentLogger);
    const deps: CompileDeps = { pools, contexts: new SecureContextCache(silentLogger), logger: silentLogger };
    const viaJson = (c: Config): Config => JSON.parse(JSON.stringify(c)) as Config;
    try {
      const first = compileConfig(make(rules), deps);
      const changed = rules.map((r) => [...r]);
      changed[2][0] = rule(to('b'), { path: '/r0', route: 'ns/h2-r0' });
      const second = compileConfig(viaJson(make(changed)), { ...deps, previous: first.builds });
      const vhosts = (c: typeof first) => c.ports.get(`${ADDRESS}:${p}`)!.listeners[0].virtualHosts;
      const [a, b] = [vhosts(first), vhosts(second)];
      assert.equal(b[0], a[0]);
      assert.equal(b[1], a[1]);
      assert.notEqual(b[2], a[2]);
      assert.equal(b[2].rules.filter((r) => a[2].rules.includes(r)).length, RULES - 1);
    } finally {
      await pools.close();
    }
  });

  it('compares IR data by value, whatever the order of object keys', () => {
    assert.ok(sameData({ a: 1, b: [1, { c: null }] }, { b: [1, { c: null }], a: 1 }));
    assert.ok(!sameData({ a: 1, b: [1, { c: null }] }, { a: 1, b: [1, { c: 0 }] }));
    assert.ok(!sameData({ a: undefined }, {}));
    assert.ok(!sameData({}, { a: undefined }));
    assert.ok(!sameData([1], { 0: 1 }));
    assert.ok(!sameData([1, 2], [1]));
    assert.ok(!sameData(null, {}));
  });
});
