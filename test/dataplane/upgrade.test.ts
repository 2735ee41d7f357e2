// Upgrade requests (WebSocket style) become a byte tunnel to the backend, both ways.
import assert from 'node:assert/strict';
import http from 'node:http';
import type net from 'node:net';
import type { Duplex } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { createDataPlane } from '../../src/dataplane/index.ts';
import { backend, forward, rule, simple } from './builder.ts';
import { freePort } from './helpers.ts';

const ADDRESS = '127.0.57.1';

/** Sends an upgrade request and resolves with the answer's status, headers and socket. */
function upgrade(p: number, path: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; socket: Duplex | null }> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: ADDRESS,
      port: p,
      path,
      agent: false,
      headers: { connection: 'Upgrade', upgrade: 'echo-protocol', 'x-tag': 't1' },
    });
    req.on('upgrade', (res, socket) => resolve({ status: res.statusCode ?? 0, headers: res.headers, socket }));
    req.on('response', (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, headers: res.headers, socket: null });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('upgrade tunnel', () => {
  const dp = createDataPlane();
  let upstream: http.Server;
  let p = 0;

  before(async () => {
    // Accepts the upgrade, then echoes every byte back upper-cased.
    upstream = http.createServer((_req, res) => res.end('not upgraded'));
    upstream.on('upgrade', (req: http.IncomingMessage, socket: Duplex) => {
      socket.write(
        `HTTP/1.1 101 Switching Protocols\r\nconnection: Upgrade\r\nupgrade: echo-protocol\r\nx-seen-tag: ${req.headers['x-tag']}\r\n` +
          `x-seen-path: ${req.url}\r\n\r\n`,
      );
      socket.on('data', (d: Buffer) => socket.write(d.toString().toUpperCase()));
      socket.on('error', () => socket.destroy());
      // Node's HTTP servers allow half-open sockets: close the tunnel's end when the proxy closes its end.
      socket.on('end', () => socket.end());
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const up = (upstream.address() as net.AddressInfo).port;
    p = await freePort(ADDRESS);
    await dp.apply(
      simple(ADDRESS, p, [
        rule(forward(backend('empty', [])), { path: '/empty' }),
        rule(forward(backend('ws', [{ address: '127.0.0.1', port: up }])), {
          path: '/ws',
          filters: { urlRewrite: { hostname: null, path: { type: 'ReplacePrefixMatch', value: '/socket' } } },
        }),
      ]),
    );
  });

  after(async () => {
    await dp.close();
    upstream.closeAllConnections();
    await new Promise((resolve) => upstream.close(resolve));
  });

  it('answers 101 from the backend and carries bytes both ways', async () => {
    const u = await upgrade(p, '/ws/chat?x=1');
    assert.equal(u.status, 101);
    assert.equal(u.headers['x-seen-tag'], 't1');
    assert.equal(u.headers['x-seen-path'], '/socket/chat?x=1');
    const socket = u.socket!;
    const reply = await new Promise<string>((resolve) => {
      socket.once('data', (d: Buffer) => resolve(d.toString()));
      socket.write('hello');
    });
    assert.equal(reply, 'HELLO');
    socket.destroy();
  });

  it('answers upgrade requests that match no route or no endpoint with the usual statuses', async () => {
    assert.equal((await upgrade(p, '/nowhere')).status, 404);
    assert.equal((await upgrade(p, '/empty')).status, 503);
  });
});
