// The answer headers a client gets: the backend's names as written, hop-by-hop ones (and those its
// Connection header names) dropped, whatever their case, before CORS replacement and response header edits.
import assert from 'node:assert/strict';
import type net from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { HeaderEditsConfig } from '../../src/config/types.ts';
import { forward, rule } from './builder.ts';
import { request } from './helpers.ts';
import { rawBehindGateway } from './raw-behind-gateway.ts';
import type { RawBehindGateway } from './raw-behind-gateway.ts';
import type { RawRequest } from './raw-backend.ts';

const ADDRESS = '127.0.75.1';
const BACKEND = '127.0.75.2';

function answer(_req: RawRequest, socket: net.Socket): void {
  socket.write(
    'HTTP/1.1 200 OK\r\nX-Mixed-Case: kept\r\nACCESS-CONTROL-ALLOW-ORIGIN: https://backend.example\r\n' +
      'Connection: Keep-Alive, X-Private\r\nKEEP-ALIVE: timeout=5\r\nX-Private: secret\r\nX-Remove-Me: gone\r\n' +
      'Content-Length: 2\r\n\r\nok',
  );
}

const edits: HeaderEditsConfig = { set: [], add: [], remove: ['x-remove-me'] };

describe('upstream answer headers', () => {
  let gw: RawBehindGateway;
  let p = 0;

  before(async () => {
    gw = await rawBehindGateway(answer, BACKEND, ADDRESS, (b) => [
      rule(forward(b), {
        path: '/cors',
        filters: {
          cors: {
            allowOrigins: ['https://app.example'],
            allowMethods: ['GET'],
            allowHeaders: [],
            exposeHeaders: [],
            maxAge: 5,
            allowCredentials: false,
          },
        },
      }),
      rule(forward(b), { filters: { responseHeaders: edits } }),
    ]);
    p = gw.port;
  });

  after(() => gw.close());

  it('keeps names as written, drops hop-by-hop headers and applies response header edits', async () => {
    const a = await request({ address: ADDRESS, port: p, path: '/' });
    assert.equal(a.body, 'ok');
    const names = a.rawHeaders.filter((_, i) => i % 2 === 0);
    assert.ok(names.includes('X-Mixed-Case'), names.join(' '));
    assert.equal(a.headers['x-private'], undefined);
    assert.equal(a.headers['keep-alive'], undefined);
    assert.equal(a.headers['x-remove-me'], undefined);
  });

  it("replaces the backend's CORS headers, whatever their case, for an allowed origin", async () => {
    const a = await request({ address: ADDRESS, port: p, path: '/cors', headers: { origin: 'https://app.example' } });
    const origins = a.rawHeaders.filter((_, i) => i % 2 === 1 && a.rawHeaders[i - 1].toLowerCase() === 'access-control-allow-origin');
    assert.deepEqual(origins, ['https://app.example']);
  });
});
