// The router's lookups (host index, rule index) pick exactly the rule the plain walk over listeners, virtual
// hosts and rules picks, for random configs (in any order, with duplicates) and random requests.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HeaderMatchConfig, ListenerConfig, QueryParamMatchConfig, RouteRuleConfig, VirtualHostConfig } from '../../src/config/types.ts';
import { compileConfig } from '../../src/dataplane/compile.ts';
import type { CompiledPort } from '../../src/dataplane/compile.ts';
import type { RequestView } from '../../src/dataplane/http/match.ts';
import { matches } from '../../src/dataplane/http/match.ts';
import { findRule, findRuleByWalk } from '../../src/dataplane/http/router.ts';
import { buildRuleIndex, firstMatchingRule } from '../../src/dataplane/http/rule-index.ts';
import { EndpointPools } from '../../src/dataplane/http/upstream/pools.ts';
import { SecureContextCache } from '../../src/dataplane/tls/contexts.ts';
import { silentLogger } from '../../src/log.ts';
import { config, listener, port, vhost } from './builder.ts';

/** A small seeded generator (mulberry32), so that a failure can be replayed from its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LISTENER_HOSTS = [null, 'a.example.com', '*.example.com', '*.b.example.com', 'x.test', '*.test', 'example.com'];
const VHOST_HOSTS = ['*', 'a.example.com', '*.example.com', '*.b.example.com', 'c.b.example.com', 'x.test', '*.x.test', '*.test'];
const REQUEST_HOSTS = ['a.example.com', 'c.a.example.com', 'b.example.com', 'c.b.example.com', 'd.c.b.example.com', 'example.com', 'x.test', 'y.x.test', 'test', 'other', '', 'a..example.com', '.example.com', `${'a.'.repeat(2000)}example.com`];
const PREFIXES = ['/', '/a', '/a/', '/a/b', '/a/b/c', '/ab', '/b', '/b/c', '/a//b', '/r1', '/r10', '/r100'];
const EXACTS = ['/', '/a', '/a/', '/a/b', '/ab', '/b/c/d', '/r10/x', ''];
const REGEXES = ['/a.*', '/[ab]+', '.*', '/r[0-9]+(/.*)?', '/b/.+'];
const PATHS = ['/', '/a', '/a/', '/a/b', '/a/b/', '/a/b/c', '/a/b/c/d', '/ab', '/abc', '/b', '/b/c', '/b/c/d', '/a//b', '/a//b/c', '//a', '/r1', '/r10', '/r10/x', '/r100/y', '/r1000', '', '/a'.repeat(3000), `/a/b${'/'.repeat(3000)}`];

function pick<T>(rnd: () => number, list: readonly T[]): T {
  return list[Math.floor(rnd() * list.length)];
}

function randomRule(rnd: () => number, i: number): RouteRuleConfig {
  const kind = rnd();
  const path: RouteRuleConfig['match']['path'] =
    kind < 0.45
      ? { type: 'PathPrefix', value: pick(rnd, PREFIXES) }
      : kind < 0.8
        ? { type: 'Exact', value: pick(rnd, EXACTS) }
        : { type: 'RegularExpression', value: pick(rnd, REGEXES) };
  const headers: HeaderMatchConfig[] = rnd() < 0.2 ? [{ name: 'x-env', type: rnd() < 0.5 ? 'Exact' : 'RegularExpression', value: pick(rnd, ['prod', 'p.*']) }] : [];
  const queryParams: QueryParamMatchConfig[] = rnd() < 0.2 ? [{ name: 'v', type: 'Exact', value: pick(rnd, ['1', '2']) }] : [];
  return {
    route: `ns/r${i}`,
    ruleIndex: i,
    ruleName: null,
    match: { path, method: rnd() < 0.2 ? pick(rnd, ['GET', 'POST']) : null, headers, queryParams },
    filters: { requestHeaders: null, responseHeaders: null, urlRewrite: null },
    action: { type: 'direct', status: 200, body: `${i}\n` },
  };
}

function randomPort(rnd: () => number): CompiledPort {
  let n = 0;
  const listeners: ListenerConfig[] = [];
  const listenerCount = 1 + Math.floor(rnd() * 4);
  for (let l = 0; l < listenerCount; l++) {
    const vhosts: VirtualHostConfig[] = [];
    const vhostCount = 1 + Math.floor(rnd() * 5);
    for (let v = 0; v < vhostCount; v++) {
      // Most virtual hosts get enough rules for the index; some stay below MIN_INDEXED_RULES.
      const ruleCount = Math.floor(rnd() * (rnd() < 0.3 ? 8 : 60));
      vhosts.push(vhost(pick(rnd, VHOST_HOSTS), Array.from({ length: ruleCount }, () => randomRule(rnd, n++))));
    }
    listeners.push(listener(`ns/gw/l${l}`, pick(rnd, LISTENER_HOSTS), vhosts));
  }
  const compiled = compileConfig(config([port('127.0.0.1', 80, listeners)]), {
    pools: new EndpointPools(silentLogger),
    contexts: new SecureContextCache(silentLogger),
    logger: silentLogger,
  });
  return compiled.ports.get('127.0.0.1:80')!;
}

function randomRequest(rnd: () => number): { host: string; view: RequestView } {
  const rawHeaders = rnd() < 0.5 ? ['X-Env', pick(rnd, ['prod', 'pre', 'dev'])] : [];
  return {
    host: pick(rnd, REQUEST_HOSTS),
    view: {
      path: pick(rnd, PATHS),
      query: rnd() < 0.5 ? `v=${pick(rnd, ['1', '2', '3'])}` : null,
      params: null,
      method: pick(rnd, ['GET', 'POST', 'PUT']),
      rawHeaders,
    },
  };
}

const SEEDS = 300;
const REQUESTS = 200;

describe('router lookups agree with the walk', () => {
  it('findRule returns the rule findRuleByWalk returns', () => {
    let matched = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const rnd = random(seed);
      const p = randomPort(rnd);
      for (let i = 0; i < REQUESTS; i++) {
        const { host, view } = randomRequest(rnd);
        const expected = findRuleByWalk(p, host, { ...view });
        const actual = findRule(p, host, { ...view });
        assert.equal(actual, expected, `seed ${seed}: ${host} ${view.method} ${view.path}?${view.query ?? ''}`);
        if (expected !== null) matched++;
      }
    }
    // The requests must exercise matches, not only misses.
    assert.ok(matched > (SEEDS * REQUESTS) / 10, `only ${matched} requests matched a rule`);
  });

  it('the rule index finds the first matching rule of any list, however short', () => {
    for (let seed = 1; seed <= SEEDS; seed++) {
      const rnd = random(1_000_000 + seed);
      for (const l of randomPort(rnd).listeners) {
        for (const vh of l.virtualHosts) {
          const index = buildRuleIndex(vh.rules, 1);
          for (let i = 0; i < 50; i++) {
            const { view } = randomRequest(rnd);
            const expected = vh.rules.find((r) => matches(r.match, { ...view })) ?? null;
            const actual = index === null ? null : firstMatchingRule(vh.rules, index, { ...view });
            assert.equal(actual, expected, `seed ${seed}: ${view.method} ${view.path}`);
          }
        }
      }
    }
  });
});
