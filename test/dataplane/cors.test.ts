// The CORS filter as a browser would see it: preflights answered by the gateway (no backend sees them),
// actual requests from allowed origins answered with the CORS headers, others without.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CORSConfig } from '../../src/config/types.ts';
import { createDataPlane } from '../../src/dataplane/index.ts';
import { backend, forward, rule, simple } from './builder.ts';
import { freePort, request } from './helpers.ts';
import { startRecorder } from './recorder.ts';
import type { Recorder } from './recorder.ts';

const ADDRESS = '127.0.63.1';

function cors(c: Partial<CORSConfig>): CORSConfig {
  return { allowOrigins: [], allowMethods: [], allowHeaders: [], exposeHeaders: [], maxAge: 5, allowCredentials: false, ...c };
}

describe('CORS', () => {
  const dp = createDataPlane();
  let b: Recorder;
  let p = 0;

  before(async () => {
    b = await startRecorder('b');
    p = await freePort(ADDRESS);
    const to = backend('b', [{ address: b.address, port: b.port }]);
    await dp.apply(
      simple(ADDRESS, p, [
        rule(forward(to), {
          path: '/listed',
          filters: {
            cors: cors({
              allowOrigins: ['https://www.foo.com', 'https://*.bar.com'],
              allowMethods: ['GET', 'OPTIONS'],
              allowHeaders: ['x-header-1', 'x-header-2'],
              exposeHeaders: ['x-header-3'],
              maxAge: 3600,
              allowCredentials: true,
            }),
          },
        }),
        rule(forward(to), {
          path: '/any',
          filters: { cors: cors({ allowOrigins: ['*'], allowMethods: ['*'], allowHeaders: ['*'] }) },
        }),
      ]),
    );
  });

  after(async () => {
    await dp.close();
    await b.close();
  });

  const preflight = (path: string, origin: string, method: string, headers?: string) =>
    request({
      address: ADDRESS,
      port: p,
      method: 'OPTIONS',
      path,
      headers: {
        origin,
        'access-control-request-method': method,
        ...(headers === undefined ? {} : { 'access-control-request-headers': headers }),
      },
    });

  it('answers a preflight from an allowed origin itself, with every CORS header', async () => {
    const before = b.requests.length;
    for (const origin of ['https://www.foo.com', 'https://a.b.bar.com', 'https://www.foo.com:443']) {
      const a = await preflight('/listed', origin, 'GET', 'x-header-1');
      assert.equal(a.status, 204);
      assert.equal(a.headers['access-control-allow-origin'], origin);
      assert.equal(a.headers['access-control-allow-credentials'], 'true');
      assert.equal(a.headers['access-control-allow-methods'], 'GET, OPTIONS');
      assert.equal(a.headers['access-control-allow-headers'], 'x-header-1, x-header-2');
      assert.equal(a.headers['access-control-expose-headers'], 'x-header-3');
      assert.equal(a.headers['access-control-max-age'], '3600');
    }
    assert.equal(b.requests.length, before, 'no preflight reaches the backend');
  });

  it('denies a preflight from an origin not allowed, without CORS headers', async () => {
    for (const origin of ['https://foobar.com', 'http://www.foo.com', 'https://bar.com', 'https://www.foo.com:8443']) {
      const a = await preflight('/listed', origin, 'GET');
      assert.equal(a.status, 403, origin);
      assert.equal(a.headers['access-control-allow-origin'], undefined);
    }
  });

  it('echoes the requested method and headers with wildcards, without credentials', async () => {
    const a = await preflight('/any', 'https://foobar.com:12345', 'PUT', 'x-a, x-b');
    assert.equal(a.status, 204);
    assert.equal(a.headers['access-control-allow-origin'], 'https://foobar.com:12345');
    assert.equal(a.headers['access-control-allow-methods'], 'PUT');
    assert.equal(a.headers['access-control-allow-headers'], 'x-a, x-b');
    assert.equal(a.headers['access-control-allow-credentials'], undefined);
    assert.equal(a.headers['access-control-max-age'], '5');
  });

  it('adds the CORS headers to the backend answer of an actual request from an allowed origin', async () => {
    const a = await request({ address: ADDRESS, port: p, path: '/listed', headers: { origin: 'https://x.bar.com' } });
    assert.equal(a.status, 200);
    assert.equal(JSON.parse(a.body).backend, 'b');
    assert.equal(a.headers['access-control-allow-origin'], 'https://x.bar.com');
    assert.equal(a.headers['access-control-allow-credentials'], 'true');
    assert.equal(a.headers['access-control-expose-headers'], 'x-header-3');
    assert.equal(a.headers['access-control-max-age'], undefined);
  });

  it('adds nothing for an origin not allowed, and forwards OPTIONS without preflight headers', async () => {
    const a = await request({ address: ADDRESS, port: p, path: '/listed', headers: { origin: 'https://foobar.com' } });
    assert.equal(a.status, 200);
    assert.equal(a.headers['access-control-allow-origin'], undefined);
    const before = b.requests.length;
    const o = await request({ address: ADDRESS, port: p, method: 'OPTIONS', path: '/listed' });
    assert.equal(o.status, 200);
    assert.equal(b.requests.length, before + 1);
  });
});
