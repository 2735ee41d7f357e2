// RequestMirror as a client, a backend and a mirror backend see it: the mirror gets a copy (method, path after
// the rule's rewrite, headers after the rule's edits, body) and its failure changes nothing for the client.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BackendConfig, MirrorConfig } from '../../src/config/types.ts';
import { createDataPlane } from '../../src/dataplane/index.ts';
import { backend, forward, headerEdits, rule, simple } from './builder.ts';
import { freePort, request } from './helpers.ts';
import { startRecorder } from './recorder.ts';
import type { Recorder } from './recorder.ts';

const ADDRESS = '127.0.61.1';

function mirror(b: BackendConfig, numerator = 1, denominator = 1): MirrorConfig {
  return { backend: b, numerator, denominator };
}

describe('request mirror', () => {
  const dp = createDataPlane();
  let main: Recorder;
  let copy: Recorder;
  let sampledCopy: Recorder;
  let p = 0;

  before(async () => {
    main = await startRecorder('main');
    copy = await startRecorder('copy');
    sampledCopy = await startRecorder('sampled');
    p = await freePort(ADDRESS);
    const closed = await freePort('127.0.0.1');
    const mainBackend = backend('main', [{ address: main.address, port: main.port }]);
    await dp.apply(
      simple(ADDRESS, p, [
        rule(forward(mainBackend), {
          path: '/mirror',
          filters: {
            requestHeaders: headerEdits({ set: [['X-Header-Set', 'set']], remove: ['x-header-remove'] }),
            urlRewrite: { hostname: null, path: { type: 'ReplacePrefixMatch', value: '/rewritten' } },
            mirrors: [mirror(backend('copy', [{ address: copy.address, port: copy.port }]))],
          },
        }),
        rule(forward(mainBackend), {
          path: '/broken-mirror',
          filters: { mirrors: [mirror(backend('closed', [{ address: '127.0.0.1', port: closed }]))] },
        }),
        rule(forward(mainBackend), {
          path: '/half',
          filters: { mirrors: [mirror(backend('sampled', [{ address: sampledCopy.address, port: sampledCopy.port }]), 25, 50)] },
        }),
      ]),
    );
  });

  after(async () => {
    await dp.close();
    await Promise.all([main.close(), copy.close(), sampledCopy.close()]);
  });

  it('sends the mirror a copy with the rewritten path, the edited headers and the body; the client gets the backend', async () => {
    const body = 'x'.repeat(100_000);
    const a = await request({
      address: ADDRESS,
      port: p,
      method: 'POST',
      path: '/mirror/a?q=1',
      host: 'example.com',
      headers: { 'x-header-remove': 'gone', 'content-type': 'text/plain' },
      body,
    });
    assert.equal(a.status, 200);
    assert.equal(JSON.parse(a.body).backend, 'main');
    await copy.waitFor(1);
    const m = copy.requests[0];
    assert.equal(m.method, 'POST');
    assert.equal(m.url, '/rewritten/a?q=1');
    assert.equal(m.headers['x-header-set'], 'set');
    assert.equal(m.headers['x-header-remove'], undefined);
    assert.equal(m.headers.host, 'example.com');
    assert.equal(m.body, body);
    const got = main.requests.at(-1)!;
    assert.equal(got.url, '/rewritten/a?q=1');
    assert.equal(got.body, body);
  });

  it('answers the client normally when the mirror cannot be reached', async () => {
    for (let i = 0; i < 3; i++) {
      const a = await request({ address: ADDRESS, port: p, path: '/broken-mirror', method: 'PUT', body: 'data' });
      assert.equal(a.status, 200);
      assert.equal(JSON.parse(a.body).backend, 'main');
    }
  });

  it('mirrors roughly the configured share of requests (fraction 25/50)', async () => {
    const total = 200;
    for (let i = 0; i < total; i += 10) {
      await Promise.all(
        Array.from({ length: 10 }, () => request({ address: ADDRESS, port: p, path: '/half' }).then((a) => assert.equal(a.status, 200))),
      );
    }
    // Copies are fire-and-forget: wait until the count stops growing before judging the share.
    let last = -1;
    while (sampledCopy.requests.length !== last) {
      last = sampledCopy.requests.length;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const n = sampledCopy.requests.length;
    console.log(`mirrored ${n} of ${total} requests at 50%`);
    // 100 ± 5 standard deviations (sqrt(200 * 0.25) ≈ 7.1): a failure here is not bad luck.
    assert.ok(n >= 65 && n <= 135, `mirrored ${n} of ${total}`);
  });
});
