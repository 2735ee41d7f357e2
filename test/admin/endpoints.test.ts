import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import type { Rejection } from '../../src/api/types.ts';
import type { Config } from '../../src/config/types.ts';
import { startAdminServer } from '../../src/admin/server.ts';
import type { AdminState } from '../../src/admin/server.ts';
import type { StatusList } from '../../src/runtime/status-store.ts';

const KEY = '-----BEGIN PRIVATE KEY-----\nMIIEsecretsecret\n-----END PRIVATE KEY-----\n';
const CERT = '-----BEGIN CERTIFICATE-----\nMIIBpublic\n-----END CERTIFICATE-----\n';

function fakeState(): AdminState & { setConfig(c: Config | null): void; setStatus(l: StatusList): void } {
  let config: Config | null = null;
  let status: StatusList = {
    apiVersion: 'v1',
    kind: 'List',
    items: [
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'GatewayClass',
        metadata: { name: 'onramp', generation: 1 },
        spec: { controllerName: 'onramp.dev/gateway-controller' },
        status: {
          conditions: [
            { type: 'Accepted', status: 'True', reason: 'Accepted', message: '', observedGeneration: 1, lastTransitionTime: '2026-01-01T00:00:00Z' },
          ],
        },
      },
    ],
  };
  const rejected: Rejection[] = [{ where: 'routes.yaml:12', kind: 'HTTPRoute', reason: 'spec.rules: must be array' }];
  return {
    ready: () => config !== null,
    status: () => status,
    config: () => config,
    rejected: () => rejected,
    setConfig: (c) => {
      config = c;
    },
    setStatus: (l) => {
      status = l;
    },
  };
}

async function get(port: number, path: string, method = 'GET'): Promise<{ status: number; type: string; body: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { method });
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
}

test('admin API: health, readiness, dumps, redaction and 404s', async (t) => {
  const state = fakeState();
  const admin = await startAdminServer({ host: '127.0.0.1', port: 0, state });
  t.after(() => admin.close());

  await t.test('healthz answers 200 at once', async () => {
    const r = await get(admin.port, '/healthz');
    assert.equal(r.status, 200);
  });

  await t.test('readyz is 503 until a config is applied, then 200', async () => {
    assert.equal((await get(admin.port, '/readyz')).status, 503);
    assert.equal((await get(admin.port, '/api/v1/config')).status, 503);
    state.setConfig({
      ports: [],
      certificates: { 'default/tls': { certPem: CERT, keyPem: KEY } },
    });
    assert.equal((await get(admin.port, '/readyz')).status, 200);
  });

  await t.test('status is a Kubernetes List with lastTransitionTime', async () => {
    const r = await get(admin.port, '/api/v1/status');
    assert.equal(r.status, 200);
    assert.match(r.type, /^application\/json/);
    const list = JSON.parse(r.body);
    assert.equal(list.apiVersion, 'v1');
    assert.equal(list.kind, 'List');
    assert.equal(list.items[0].kind, 'GatewayClass');
    assert.equal(list.items[0].status.conditions[0].lastTransitionTime, '2026-01-01T00:00:00Z');
  });

  await t.test('config dump keeps certificates but never private keys', async () => {
    const r = await get(admin.port, '/api/v1/config');
    assert.equal(r.status, 200);
    assert.match(r.type, /^application\/json/);
    assert.ok(!r.body.includes('PRIVATE KEY'), 'the key must not appear');
    assert.ok(!r.body.includes('secretsecret'));
    const config = JSON.parse(r.body);
    assert.equal(config.certificates['default/tls'].certPem, CERT);
    assert.equal(config.certificates['default/tls'].keyPem, '[redacted]');
    // The dump is a copy: the served config still has its key.
    assert.equal(state.config()?.certificates['default/tls'].keyPem, KEY);
  });

  await t.test('status and config answers follow each new state, also when polled repeatedly', async () => {
    const first = await get(admin.port, '/api/v1/status');
    assert.equal((await get(admin.port, '/api/v1/status')).body, first.body);
    state.setStatus({ apiVersion: 'v1', kind: 'List', items: [] });
    assert.deepEqual(JSON.parse((await get(admin.port, '/api/v1/status')).body).items, []);
    state.setConfig({ ports: [], certificates: {} });
    assert.deepEqual(JSON.parse((await get(admin.port, '/api/v1/config')).body).certificates, {});
  });

  await t.test('rejected lists the source rejections', async () => {
    const r = await get(admin.port, '/api/v1/rejected');
    assert.equal(r.status, 200);
    assert.deepEqual(JSON.parse(r.body).items, [{ where: 'routes.yaml:12', kind: 'HTTPRoute', reason: 'spec.rules: must be array' }]);
  });

  await t.test('unknown paths are 404, other methods 405, HEAD has no body', async () => {
    for (const path of ['/', '/api', '/api/v1/status/extra', '/__proto__', '/constructor', '/healthz/']) {
      const r = await get(admin.port, path);
      assert.equal(r.status, 404, path);
      assert.match(r.type, /^application\/json/);
    }
    assert.equal((await get(admin.port, '/api/v1/status', 'POST')).status, 405);
    assert.equal((await get(admin.port, '/healthz', 'DELETE')).status, 405);
    const head = await get(admin.port, '/api/v1/status', 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
    // The query string does not change the endpoint.
    assert.equal((await get(admin.port, '/healthz?verbose=1')).status, 200);
  });

  await t.test('garbage on the socket gets a 400 and the server keeps serving', async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(admin.port, '127.0.0.1', () => socket.write('NOT HTTP AT ALL\r\n\r\n'));
      let data = '';
      socket.on('data', (d) => (data += d));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    assert.match(answer, /^HTTP\/1\.1 400/);
    const odd = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(admin.port, '127.0.0.1', () => socket.write('GET //%%% HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n'));
      let data = '';
      socket.on('data', (d) => (data += d));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    assert.match(odd, /^HTTP\/1\.1 (400|404)/);
    assert.equal((await get(admin.port, '/healthz')).status, 200);
  });
});
