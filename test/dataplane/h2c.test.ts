// Backends whose Service port says h2c are reached over HTTP/2 cleartext with prior knowledge.
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import type net from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { BackendConfig } from '../../src/config/types.ts';
import { createDataPlane } from '../../src/dataplane/index.ts';
import { forward, rule, simple } from './builder.ts';
import { freePort, request } from './helpers.ts';

const ADDRESS = '127.0.59.1';

describe('h2c backends', () => {
  const dp = createDataPlane();
  let server: http2.Http2Server;
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
    p = await freePort(ADDRESS);
    await dp.apply(simple(ADDRESS, p, [rule(forward(b))]));
  });

  after(async () => {
    await dp.close();
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
});
