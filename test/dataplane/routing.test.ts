// Host → listener → virtual host → first matching rule, over real sockets.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createDataPlane } from '../../src/dataplane/index.ts';
import { backend, config, forward, listener, port, rule, vhost } from './builder.ts';
import { echo, freePort, request, startBackend } from './helpers.ts';
import type { Backend } from './helpers.ts';

const ADDRESS = '127.0.51.1';

describe('routing', () => {
  const dp = createDataPlane();
  const backends: Backend[] = [];
  let p = 0;
  const to = (name: string) => {
    const b = backends.find((x) => x.name === name)!;
    return forward(backend(name, [{ address: b.address, port: b.port }]));
  };

  before(async () => {
    for (const name of ['exact', 'prefix', 'regex', 'method', 'header', 'query', 'fallback', 'foo', 'wild', 'any', 'vfoo']) {
      backends.push(await startBackend(name));
    }
    p = await freePort(ADDRESS);
    const report = await dp.apply(
      config([
        port(ADDRESS, p, [
          listener('ns/gw/foo', 'foo.example.com', [vhost('foo.example.com', [rule(to('foo'))])]),
          // Listener isolation: this listener has no route for /only-any, so *.example.com never gets it.
          listener('ns/gw/wild', '*.example.com', [vhost('*.example.com', [rule(to('wild'), { path: '/wild' })])]),
          listener('ns/gw/any', null, [
            vhost('v.foo.test', [rule(to('vfoo'))]),
            vhost('*', [
              rule(to('exact'), { path: '/exact', pathType: 'Exact' }),
              rule(to('regex'), { path: '/re/[0-9]+', pathType: 'RegularExpression' }),
              rule(to('method'), { path: '/m', method: 'POST' }),
              rule(to('header'), {
                path: '/h',
                headers: [
                  { name: 'x-env', type: 'Exact', value: 'Prod' },
                  { name: 'x-ver', type: 'RegularExpression', value: 'v[12]' },
                ],
              }),
              rule(to('query'), {
                path: '/q',
                queryParams: [
                  { name: 'Mode', type: 'Exact', value: 'fast' },
                  { name: 'n', type: 'RegularExpression', value: '[0-9]+' },
                ],
              }),
              rule(to('prefix'), { path: '/prefix' }),
              rule(to('any'), { path: '/only-any' }),
              rule(to('fallback'), { path: '/' }),
            ]),
          ]),
        ]),
      ]),
    );
    assert.deepEqual(report, { listening: [`${ADDRESS}:${p}`], failed: [] });
  });

  after(async () => {
    await dp.close();
    await Promise.all(backends.map((b) => b.close()));
  });

  const via = async (path: string, extra: { host?: string; method?: string; headers?: Record<string, string | string[]> } = {}) =>
    (await echo({ address: ADDRESS, port: p, path, host: extra.host ?? 'other.test', method: extra.method, headers: extra.headers })).backend;

  it('matches Exact paths only exactly', async () => {
    assert.equal(await via('/exact'), 'exact');
    assert.equal(await via('/exact?x=1'), 'exact');
    assert.equal(await via('/exact/'), 'fallback');
  });

  it('matches PathPrefix on segment boundaries', async () => {
    assert.equal(await via('/prefix'), 'prefix');
    assert.equal(await via('/prefix/'), 'prefix');
    assert.equal(await via('/prefix/a/b'), 'prefix');
    assert.equal(await via('/prefixes'), 'fallback');
  });

  it('matches RegularExpression paths in full', async () => {
    assert.equal(await via('/re/42'), 'regex');
    assert.equal(await via('/re/42x'), 'fallback');
    assert.equal(await via('/x/re/42'), 'fallback');
  });

  it('matches the method', async () => {
    assert.equal(await via('/m', { method: 'POST' }), 'method');
    assert.equal(await via('/m'), 'fallback');
  });

  it('matches headers: names case-insensitive, Exact values case-sensitive, regex in full', async () => {
    assert.equal(await via('/h', { headers: { 'X-Env': 'Prod', 'X-VER': 'v2' } }), 'header');
    assert.equal(await via('/h', { headers: { 'X-Env': 'prod', 'X-VER': 'v2' } }), 'fallback');
    assert.equal(await via('/h', { headers: { 'X-Env': 'Prod', 'X-VER': 'v3' } }), 'fallback');
    assert.equal(await via('/h', { headers: { 'X-Env': 'Prod' } }), 'fallback');
    // Several lines of one header are matched joined with a comma, as Envoy does.
    assert.equal(await via('/h', { headers: { 'X-Env': ['Prod', 'Dev'], 'X-VER': 'v1' } }), 'fallback');
  });

  it('matches query parameters by the first value of a case-sensitive name', async () => {
    assert.equal(await via('/q?Mode=fast&n=12'), 'query');
    assert.equal(await via('/q?mode=fast&n=12'), 'fallback');
    assert.equal(await via('/q?Mode=fast&n=12&Mode=slow'), 'query');
    assert.equal(await via('/q?Mode=slow&Mode=fast&n=1'), 'fallback');
    assert.equal(await via('/q?Mode=fast&n=1a'), 'fallback');
  });

  it('takes the first listener whose hostname matches the Host, without port, case or trailing dot', async () => {
    assert.equal(await via('/', { host: 'foo.example.com' }), 'foo');
    assert.equal(await via('/', { host: 'FOO.Example.com:8080' }), 'foo');
    assert.equal(await via('/', { host: 'foo.example.com.' }), 'foo');
    assert.equal(await via('/wild', { host: 'a.b.example.com' }), 'wild');
    assert.equal(await via('/wild', { host: 'example.com' }), 'fallback');
  });

  it('keeps listeners isolated: a request is not served by a less specific listener', async () => {
    const a = await request({ address: ADDRESS, port: p, path: '/only-any', host: 'bar.example.com' });
    assert.equal(a.status, 404);
    assert.equal(await via('/only-any', { host: 'bar.test' }), 'any');
  });

  it('uses the first matching virtual host of the listener', async () => {
    assert.equal(await via('/exact', { host: 'v.foo.test' }), 'vfoo');
    assert.equal(await via('/exact', { host: 'w.foo.test' }), 'exact');
  });

  it('answers 404 when nothing matches', async () => {
    const a = await request({ address: ADDRESS, port: p, path: '/x', host: 'x.example.com' });
    assert.equal(a.status, 404);
    assert.match(a.headers['content-type'] ?? '', /text\/plain/);
  });
});
