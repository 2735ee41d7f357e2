// Nothing a client or a backend does stops the data plane.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createDataPlane } from '../../src/dataplane/index.ts';
import { backend, forward, rule, simple } from './builder.ts';
import { echo, freePort, request, startBackend } from './helpers.ts';
import type { Backend } from './helpers.ts';

const ADDRESS = '127.0.58.1';

/** Writes raw bytes (then ends its side when `end`) and returns whatever comes back until the server closes. */
function raw(p: number, bytes: string, end = false): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect({ host: ADDRESS, port: p }, () => (end ? s.end(bytes) : s.write(bytes)));
    let out = '';
    s.on('data', (d: Buffer) => (out += d.toString()));
    s.on('close', () => resolve(out));
    s.on('error', () => undefined);
  });
}

describe('robustness', () => {
  const dp = createDataPlane();
  let b: Backend;
  let resetter: net.Server;
  let p = 0;

  before(async () => {
    b = await startBackend('b');
    // A backend that resets every connection as soon as the request arrives.
    resetter = net.createServer((s) => s.once('data', () => s.resetAndDestroy()));
    await new Promise<void>((resolve) => resetter.listen(0, '127.0.0.1', resolve));
    p = await freePort(ADDRESS);
    await dp.apply(
      simple(ADDRESS, p, [
        rule(forward(backend('reset', [{ address: '127.0.0.1', port: (resetter.address() as net.AddressInfo).port }])), {
          path: '/reset',
        }),
        rule(forward(backend('b', [{ address: b.address, port: b.port }]))),
      ]),
    );
  });

  after(async () => {
    await dp.close();
    await b.close();
    await new Promise((resolve) => resetter.close(resolve));
  });

  it('answers 400 to malformed requests and keeps serving', async () => {
    assert.match(await raw(p, 'THIS IS NOT HTTP\r\n\r\n'), /^HTTP\/1\.1 400 /);
    assert.match(await raw(p, 'GET / HTTP/1.1\r\nHost: a\r\nBad Header\r\n\r\n'), /^HTTP\/1\.1 400 /);
    await echo({ address: ADDRESS, port: p });
  });

  it('survives HTTP/2 clients that send garbage after the preface', async () => {
    await raw(p, 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x04\x09\x00\x00\x00\x00\x01garbage-garbage-garbage');
    await raw(p, 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', true);
    await raw(p, 'PRI * HTTP/2', true);
    await echo({ address: ADDRESS, port: p });
  });

  it('answers 502 when the backend resets the connection', async () => {
    assert.equal((await request({ address: ADDRESS, port: p, path: '/reset' })).status, 502);
  });

  it('survives clients that vanish mid-request', async () => {
    const s = net.connect({ host: ADDRESS, port: p }, () => {
      s.write('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\nabc');
      s.resetAndDestroy();
    });
    s.on('error', () => undefined);
    await new Promise((resolve) => s.on('close', resolve));
    await echo({ address: ADDRESS, port: p });
  });
});
