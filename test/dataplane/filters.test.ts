// Header edits, URL rewrites, redirects and direct responses as a client and a backend see them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RouteRuleConfig } from '../../src/config/types.ts';
import { createDataPlane } from '../../src/dataplane/index.ts';
import { backend, forward, headerEdits, rule, simple } from './builder.ts';
import { echo, freePort, received, request, startBackend } from './helpers.ts';
import type { Backend } from './helpers.ts';

const ADDRESS = '127.0.52.1';

describe('filters', () => {
  const dp = createDataPlane();
  let b: Backend;
  let p = 0;

  before(async () => {
    b = await startBackend('b');
    p = await freePort(ADDRESS);
    const ep = [{ address: b.address, port: b.port }];
    const redirect = (path: string, r: Partial<Extract<RouteRuleConfig['action'], { type: 'redirect' }>>) =>
      rule({ type: 'redirect', scheme: 'http', hostname: null, port: 80, path: null, statusCode: 302, ...r }, { path });
    await dp.apply(
      simple(ADDRESS, p, [
        rule(forward(backend('b', ep)), {
          path: '/headers',
          filters: {
            requestHeaders: headerEdits({
              set: [['X-Header-Set', 'set-overwrites-values']],
              add: [['X-Header-Add', 'header-val-1'], ['X-Header-Add-Append', 'header-val-2']],
              remove: ['x-header-remove'],
            }),
            responseHeaders: headerEdits({ set: [['X-Resp-Set', 'set']], add: [['X-Resp-Add', 'added']], remove: ['X-Resp-Remove'] }),
          },
        }),
        rule(
          forward(
            backend('b', ep, 1, {
              requestHeaders: headerEdits({ set: [['X-Layer', 'backend']], add: [['X-Backend-Only', 'yes']] }),
            }),
          ),
          { path: '/layered', filters: { requestHeaders: headerEdits({ set: [['X-Layer', 'rule']] }) } },
        ),
        rule(forward(backend('b', ep)), {
          path: '/prefix/one',
          filters: { urlRewrite: { hostname: 'rewritten.example', path: { type: 'ReplacePrefixMatch', value: '/one' } } },
        }),
        rule(forward(backend('b', ep)), {
          path: '/full',
          filters: { urlRewrite: { hostname: null, path: { type: 'ReplaceFullPath', value: '/replaced' } } },
        }),
        redirect('/original-prefix', { path: { type: 'ReplacePrefixMatch', value: '/replacement-prefix' } }),
        redirect('/scheme', { scheme: 'https', port: 443 }),
        redirect('/port', { port: 8443, hostname: 'example.org', statusCode: 301 }),
        redirect('/full-path', { path: { type: 'ReplaceFullPath', value: '/new' }, statusCode: 308 }),
        rule({ type: 'direct', status: 500, body: 'no valid backend\n' }, { path: '/direct' }),
        rule(forward(backend('b', ep)), {
          path: '/injected',
          filters: { requestHeaders: headerEdits({ set: [['X-A', 'a\r\nX-Injected: 1']] }) },
        }),
        rule(forward(backend('b', ep)), { path: '/' }),
      ]),
    );
  });

  after(async () => {
    await dp.close();
    await b.close();
  });

  it('sets, adds (comma-joined onto an existing value) and removes request headers', async () => {
    const e = await echo({
      address: ADDRESS,
      port: p,
      path: '/headers',
      headers: { 'X-Header-Remove': 'remove-val', 'X-Header-Add-Append': 'append-val-1', 'x-header-set': 'set-val' },
    });
    assert.deepEqual(received(e, 'X-Header-Set'), ['set-overwrites-values']);
    assert.deepEqual(received(e, 'X-Header-Add'), ['header-val-1']);
    assert.deepEqual(received(e, 'X-Header-Add-Append'), ['append-val-1,header-val-2']);
    assert.deepEqual(received(e, 'X-Header-Remove'), []);
  });

  it('edits the backend answer headers', async () => {
    const a = await request({ address: ADDRESS, port: p, path: '/headers', headers: { 'x-echo-set': 'X-Resp-Remove:gone' } });
    assert.equal(a.status, 200);
    assert.equal(a.headers['x-resp-set'], 'set');
    assert.equal(a.headers['x-resp-add'], 'added');
    assert.equal(a.headers['x-resp-remove'], undefined);
  });

  it('runs backendRef filters after the rule filters', async () => {
    const e = await echo({ address: ADDRESS, port: p, path: '/layered' });
    assert.deepEqual(received(e, 'x-layer'), ['backend']);
    assert.deepEqual(received(e, 'x-backend-only'), ['yes']);
  });

  it('rewrites the Host and the matched prefix, keeping the query', async () => {
    const e = await echo({ address: ADDRESS, port: p, path: '/prefix/one/two?a=1', host: 'orig.example' });
    assert.equal(e.url, '/one/two?a=1');
    assert.deepEqual(received(e, 'host'), ['rewritten.example']);
    assert.deepEqual(received(e, 'x-forwarded-host'), ['orig.example']);
  });

  it('rewrites the full path', async () => {
    const e = await echo({ address: ADDRESS, port: p, path: '/full/x/y' });
    assert.equal(e.url, '/replaced');
  });

  it('redirects with the exact Location', async () => {
    const cases: [string, string, number, string][] = [
      ['/original-prefix/lemon?q=1', 'gw.example:8080', 302, 'http://gw.example/replacement-prefix/lemon?q=1'],
      ['/scheme/a', 'gw.example', 302, 'https://gw.example/scheme/a'],
      ['/port', 'gw.example', 301, 'http://example.org:8443/port'],
      ['/full-path/x', 'gw.example', 308, 'http://gw.example/new'],
    ];
    for (const [path, host, status, location] of cases) {
      const a = await request({ address: ADDRESS, port: p, path, host });
      assert.equal(a.status, status, path);
      assert.equal(a.headers.location, location, path);
    }
  });

  it('leaves out a rule whose header edit would break a header line', async () => {
    const e = await echo({ address: ADDRESS, port: p, path: '/injected' });
    assert.deepEqual(received(e, 'x-injected'), []);
    assert.deepEqual(received(e, 'x-a'), []);
  });

  it('answers a direct response without a backend', async () => {
    const a = await request({ address: ADDRESS, port: p, path: '/direct' });
    assert.equal(a.status, 500);
    assert.equal(a.body, 'no valid backend\n');
  });
});
