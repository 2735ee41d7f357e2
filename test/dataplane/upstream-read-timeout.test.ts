// A backend that takes a request and then goes silent: with no timeout on the route, the client gets 504
// once the backend has sent nothing for the data plane's upstream read timeout (60 s by default, like
// nginx's proxy_read_timeout; shortened here), instead of waiting forever. An answer that keeps sending is
// not cut however long it takes.
import assert from 'node:assert/strict';
import http from 'node:http';
import type net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createDataPlane } from '../../src/dataplane/index.ts';
import { backend, forward, rule, simple } from './builder.ts';
import { freePort, request } from './helpers.ts';

const ADDRESS = '127.0.66.1';

describe('upstream read timeout', () => {
  const dp = createDataPlane({ upstreamReadTimeoutMs: 200 });
  let server: http.Server;
  let p = 0;

  before(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/silent') return;
      // Six pieces 80 ms apart: 480 ms in all, never 200 ms without a byte.
      res.writeHead(200, { 'content-type': 'text/plain' });
      let n = 0;
      const timer = setInterval(() => {
        if (++n <= 6) res.write('x');
        else {
          clearInterval(timer);
          res.end();
        }
      }, 80);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.1.66.1', resolve));
    const upstream = [{ address: '127.1.66.1', port: (server.address() as net.AddressInfo).port }];
    p = await freePort(ADDRESS);
    await dp.apply(simple(ADDRESS, p, [rule(forward(backend('b', upstream)), { path: '/' })]));
  });

  after(async () => {
    await dp.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('answers 504 when the backend sends nothing for the read timeout', { timeout: 10_000 }, async () => {
    const a = await request({ address: ADDRESS, port: p, path: '/silent' });
    assert.equal(a.status, 504);
  });

  it('lets a slow answer that keeps sending finish', { timeout: 10_000 }, async () => {
    const a = await request({ address: ADDRESS, port: p, path: '/slow' });
    assert.equal(a.status, 200);
    assert.equal(a.body, 'xxxxxx');
  });
});
