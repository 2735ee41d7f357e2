// HTTPS termination: certificates chosen by SNI across the listeners of one port, and replaced without restart.
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { after, before, describe, it } from 'node:test';
import { createDataPlane } from '../../src/dataplane/index.ts';
import type { Config } from '../../src/config/types.ts';
import { backend, config, forward, listener, port, rule, vhost } from './builder.ts';
import { freePort, httpsGet, makeCerts, startBackend } from './helpers.ts';
import type { Backend, TestCert } from './helpers.ts';

const ADDRESS = '127.0.54.1';
const RSA = 'rsa_pss_rsae_sha256:rsa_pkcs1_sha256';

describe('tls', () => {
  const dp = createDataPlane();
  let b: Backend;
  let p = 0;
  let certs: TestCert[];

  const build = (fooCert: TestCert): Config => {
    const to = forward(backend('b', [{ address: b.address, port: b.port }]));
    return config(
      [
        port(
          ADDRESS,
          p,
          [
            listener('ns/gw/foo', 'foo.example.com', [vhost('foo.example.com', [rule(to)])], ['ns/foo', 'ns/foo-ec']),
            listener('ns/gw/wild', '*.example.com', [vhost('*.example.com', [rule(to)])], ['ns/wild']),
            listener('ns/gw/any', null, [vhost('*', [rule(to)])], ['ns/any']),
          ],
          'HTTPS',
        ),
      ],
      { 'ns/foo': fooCert, 'ns/foo-ec': certs[4], 'ns/wild': certs[1], 'ns/any': certs[2] },
    );
  };

  before(async () => {
    certs = makeCerts([
      { cn: 'foo', sans: ['foo.example.com'] },
      { cn: 'wild', sans: ['*.example.com'] },
      { cn: 'any', sans: ['any.test'] },
      { cn: 'foo-renewed', sans: ['foo.example.com'] },
      { cn: 'foo-ec', sans: ['foo.example.com'], ec: true },
    ]);
    b = await startBackend('b');
    p = await freePort(ADDRESS);
    const report = await dp.apply(build(certs[0]));
    assert.deepEqual(report.failed, []);
  });

  after(async () => {
    await dp.close();
    await b.close();
  });

  const ca = () => certs.map((c) => c.certPem);

  it('picks the certificate by SNI: exact, then wildcard, then the listener without hostname', async () => {
    const exact = await httpsGet({ address: ADDRESS, port: p, servername: 'foo.example.com', host: 'foo.example.com', ca: ca(), sigalgs: RSA });
    assert.equal(exact.status, 200);
    assert.equal(exact.subject, 'foo');
    const wild = await httpsGet({ address: ADDRESS, port: p, servername: 'bar.example.com', host: 'bar.example.com', ca: ca() });
    assert.equal(wild.subject, 'wild');
    assert.equal(wild.status, 200);
    assert.equal((await httpsGet({ address: ADDRESS, port: p, servername: 'other.test', ca: ca() })).subject, 'any');
  });

  it('uses the listener without hostname when the client sends no SNI', async () => {
    const a = await httpsGet({ address: ADDRESS, port: p, servername: '', host: 'x.test', ca: ca() });
    assert.equal(a.subject, 'any');
    assert.equal(a.status, 200);
    assert.equal(JSON.parse(a.body).headers.find(([n]: [string]) => n === 'x-forwarded-proto')[1], 'https');
  });

  it('negotiates h2 or HTTP/1.1 by ALPN and refuses TLS 1.1', async () => {
    const { connect } = await import('node:tls');
    const alpn = (offer: string[]) =>
      new Promise<string | false>((resolve, reject) => {
        const s = connect({ host: ADDRESS, port: p, servername: 'foo.example.com', ca: ca(), ALPNProtocols: offer }, () => {
          resolve(s.alpnProtocol ?? false);
          s.destroy();
        });
        s.on('error', reject);
      });
    assert.equal(await alpn(['h2', 'http/1.1']), 'h2');
    assert.equal(await alpn(['http/1.1']), 'http/1.1');
    await assert.rejects(
      new Promise((resolve, reject) => {
        const s = connect({ host: ADDRESS, port: p, servername: 'foo.example.com', ca: ca(), maxVersion: 'TLSv1.1', minVersion: 'TLSv1' }, () => {
          s.destroy();
          resolve(undefined);
        });
        s.on('error', reject);
      }),
    );
  });

  it('answers 421 when the Host belongs to another listener than the SNI, over HTTP/1.1 and h2', async () => {
    const misdirected = await httpsGet({ address: ADDRESS, port: p, servername: 'foo.example.com', host: 'bar.example.com', ca: ca() });
    assert.equal(misdirected.status, 421);
    const session = http2.connect(`https://${ADDRESS}:${p}`, {
      ca: ca(),
      servername: 'foo.example.com',
      checkServerIdentity: () => undefined,
    });
    session.on('error', () => undefined);
    const get = (authority: string) =>
      new Promise<number>((resolve, reject) => {
        const stream = session.request({ ':path': '/', ':authority': authority });
        stream.on('response', (h) => resolve(Number(h[':status'])));
        stream.on('error', reject);
        stream.resume();
        stream.end();
      });
    assert.equal(await get('foo.example.com'), 200);
    assert.equal(await get('bar.example.com'), 421);
    assert.equal(await get('other.test'), 421);
    session.close();
  });

  it('offers each key pair of a listener (RSA and ECDSA) to the clients that accept it', async () => {
    const ec = await httpsGet({ address: ADDRESS, port: p, servername: 'foo.example.com', ca: ca(), sigalgs: 'ecdsa_secp256r1_sha256' });
    assert.equal(ec.subject, 'foo-ec');
  });

  it('serves a changed certificate to new handshakes without a restart', async () => {
    await dp.apply(build(certs[3]));
    const a = await httpsGet({ address: ADDRESS, port: p, servername: 'foo.example.com', host: 'foo.example.com', ca: ca(), sigalgs: RSA });
    assert.equal(a.subject, 'foo-renewed');
  });
});
