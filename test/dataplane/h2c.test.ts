// Backends whose Service port says h2c are reached over HTTP/2 cleartext with prior knowledge.
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import type net from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { BackendConfig } from '../../src/config/types.ts';
import { createDataPlane } from '../../src/dataplane/index.ts';
import { backend, forward, rule, simple } from './builder.ts';
import { freePort, request, startBackend } from './helpers.ts';
import type { Backend } from './helpers.ts';

const ADDRESS = '127.0.59.1';

describe('h2c backends', () => {
  const dp = createDataPlane();
  let server: http2.Http2Server;
  let h1: Backend;
  let p = 0;

  before(async () => {
    // Accepts only HTTP/2: an HTTP/1.1 request would fail, so a 200 proves the upstream protocol.
    server = http2.createServer();
    server.on('stream', (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        stream.respond({ ':status': 200, 'content-type': 'application/json', 'x-proto': 'h2' });
        stream.end(
          JSON.stringify({
            authority: headers[':authority'],
            path: headers[':path'],
            method: headers[':method'],
            forwardedProto: headers['x-forwarded-proto'],
            body: Buffer.concat(chunks).toString(),
          }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const up = (server.address() as net.AddressInfo).port;
    const b: BackendConfig = {
      name: 'h2c',
      weight: 1,
      endpoints: [{ address: '127.0.0.1', port: up }],
      protocol: 'h2c',
      filters: null,
    };
    h1 = await startBackend('h1');
    p = await freePort(ADDRESS);
    await dp.apply(
      simple(ADDRESS, p, [rule(forward(backend('h1', [{ address: h1.address, port: h1.port }])), { path: '/h1' }), rule(forward(b))]),
    );
  });

  after(async () => {
    await dp.close();
    await h1.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('forwards method, authority, path, headers and body over h2c', async () => {
    const a = await request({ address: ADDRESS, port: p, method: 'POST', path: '/h2c?q=1', host: 'h2.example', body: 'payload' });
    assert.equal(a.status, 200);
    assert.equal(a.headers['x-proto'], 'h2');
    assert.deepEqual(JSON.parse(a.body), {
      authority: 'h2.example',
      path: '/h2c?q=1',
      method: 'POST',
      forwardedProto: 'http',
      body: 'payload',
    });
  });

  it('serves clients that speak HTTP/2 cleartext with prior knowledge, to either kind of backend', async () => {
    const session = http2.connect(`http://${ADDRESS}:${p}`);
    session.on('error', () => undefined);
    const get = (path: string, body: string | null) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const stream = session.request({ ':path': path, ':method': body === null ? 'GET' : 'POST', ':authority': 'h2.example' });
        let status = 0;
        const chunks: Buffer[] = [];
        stream.on('response', (h) => (status = Number(h[':status'])));
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => resolve({ status, body: Buffer.concat(chunks).toString() }));
        stream.on('error', reject);
        stream.end(body ?? undefined);
      });
    const viaH1 = await get('/h1/x', null);
    assert.equal(viaH1.status, 200);
    const echo = JSON.parse(viaH1.body) as { backend: string; url: string; headers: [string, string][] };
    assert.equal(echo.backend, 'h1');
    assert.equal(echo.url, '/h1/x');
    assert.deepEqual(echo.headers.filter(([n]) => n === 'host' || n === 'x-forwarded-host').map(([, v]) => v), ['h2.example', 'h2.example']);
    const viaH2 = await get('/other', 'sent over h2');
    assert.equal(viaH2.status, 200);
    assert.equal(JSON.parse(viaH2.body).body, 'sent over h2');
    assert.equal((await get('/h1/post', 'abc')).status, 200);
    session.close();
  });
});
