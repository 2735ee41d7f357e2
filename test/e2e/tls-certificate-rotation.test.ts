// A Secret edit rotates the certificate: new TLS handshakes get the new certificate without a restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import tls from 'node:tls';
import { startEchoServer } from '../../src/echo/server.ts';
import { eventually, REPO_ROOT, startOnramp, tempDir, writeAtomically } from './harness.ts';

const POOL = '127.0.43.0/24';
const GATEWAY = '127.0.43.1';
const PORT = 8443;
const HOST = 'secure.example.com';
const FIXTURES = path.join(REPO_ROOT, 'test/e2e/fixtures');
const pair = (n: 'a' | 'b') => ({
  cert: readFileSync(path.join(FIXTURES, `tls-${n}.crt`), 'utf8'),
  key: readFileSync(path.join(FIXTURES, `tls-${n}.key`), 'utf8'),
});

function indent(text: string, spaces: number): string {
  return text
    .trimEnd()
    .split('\n')
    .map((l) => ' '.repeat(spaces) + l)
    .join('\n');
}

function secret(p: { cert: string; key: string }): string {
  return `apiVersion: v1
kind: Secret
metadata:
  name: secure-cert
  namespace: default
type: kubernetes.io/tls
stringData:
  tls.crt: |
${indent(p.cert, 4)}
  tls.key: |
${indent(p.key, 4)}
`;
}

function gateway(backendHost: string, backendPort: number): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: onramp}
spec: {controllerName: onramp.dev/gateway-controller}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: default}
spec:
  gatewayClassName: onramp
  listeners:
  - name: https
    protocol: HTTPS
    port: ${PORT}
    hostname: ${HOST}
    tls:
      mode: Terminate
      certificateRefs:
      - {kind: Secret, name: secure-cert}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: secure, namespace: default}
spec:
  parentRefs: [{name: gw}]
  hostnames: [${HOST}]
  rules:
  - backendRefs: [{name: backend, port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: backend, namespace: default}
spec:
  ports: [{name: http, port: 80, targetPort: ${backendPort}}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: backend-1
  namespace: default
  labels: {kubernetes.io/service-name: backend}
addressType: IPv4
endpoints: [{addresses: [${backendHost}], conditions: {ready: true}}]
ports: [{name: http, port: ${backendPort}}]
`;
}

/** Completes a new TLS handshake and returns the SHA-256 fingerprint of the certificate the server sent. */
function handshakeFingerprint(): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: GATEWAY, port: PORT, servername: HOST, rejectUnauthorized: false, session: undefined }, () => {
      const fp = socket.getPeerCertificate().fingerprint256;
      socket.end();
      resolve(fp);
    });
    socket.on('error', reject);
  });
}

function httpsGet(ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: GATEWAY, port: PORT, servername: HOST, path: '/', headers: { host: HOST }, ca, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('editing the Secret makes new TLS handshakes get the new certificate', async (t) => {
  const backend = await startEchoServer({ host: '127.1.43.1', port: 0, namespace: 'default', pod: 'secure-backend' });
  t.after(() => backend.close());
  const tmp = await tempDir();
  t.after(() => tmp.remove());
  const a = pair('a');
  const b = pair('b');
  await writeAtomically(path.join(tmp.dir, 'gateway.yaml'), gateway(backend.host, backend.port));
  const secretFile = path.join(tmp.dir, 'secret.yaml');
  await writeAtomically(secretFile, secret(a));

  const onramp = await startOnramp(tmp.dir, POOL);
  t.after(() => onramp.stop());

  const fpA = new X509Certificate(a.cert).fingerprint256;
  const fpB = new X509Certificate(b.cert).fingerprint256;
  await eventually(async () => (await handshakeFingerprint()) === fpA, 'certificate a');
  // The certificate verifies against itself as CA, and the request reaches the backend.
  const first = await httpsGet(a.cert);
  assert.equal(first.status, 200);
  assert.equal(JSON.parse(first.body).pod, 'secure-backend');

  await writeAtomically(secretFile, secret(b));
  await eventually(async () => (await handshakeFingerprint()) === fpB, 'certificate b');
  const second = await httpsGet(b.cert);
  assert.equal(second.status, 200);

  // The key never leaves the process: not in the config dump, not in the logs.
  const { body } = await onramp.admin('/api/v1/config');
  assert.ok(!JSON.stringify(body).includes('PRIVATE KEY'));
  assert.ok(!JSON.stringify(onramp.logs).includes('PRIVATE KEY'));
});
