// `onramp run --workers 2`: two worker processes share the listening ports. Traffic flows; a route edit and a
// Secret rotation reach both workers; a killed worker is replaced and serves again; SIGTERM still answers the
// request in flight. Which worker served is read from the primary's 'workers applied config' log lines,
// which carry each worker's count of accepted connections.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import { startEchoServer } from '../../src/echo/server.ts';
import type { Onramp } from './harness.ts';
import { baseManifests, eventually, REPO_ROOT, request, routeManifest, startOnramp, tempDir, writeAtomically } from './harness.ts';

// This file's own loopback range: Gateways get 127.0.47.x from the pool, the backend listens on 127.1.47.1.
const POOL = '127.0.47.0/24';
const GATEWAY = '127.0.47.1';
const HTTP_PORT = 8080;
const HTTPS_PORT = 8443;
const HOST = 'www.example.com';
/** Requests per phase, each on a new connection, several at a time so that both workers accept some. */
const REQUESTS = 40;
const CONCURRENCY = 8;
const FIXTURES = path.join(REPO_ROOT, 'test/e2e/fixtures');

interface WorkerCount {
  worker: number;
  pid: number;
  connections: number;
}

function indent(text: string, spaces: number): string {
  return text.trimEnd().split('\n').map((l) => ' '.repeat(spaces) + l).join('\n');
}

function secretManifest(pair: 'a' | 'b'): string {
  const cert = readFileSync(path.join(FIXTURES, `tls-${pair}.crt`), 'utf8');
  const key = readFileSync(path.join(FIXTURES, `tls-${pair}.key`), 'utf8');
  return `apiVersion: v1
kind: Secret
metadata: {name: cert, namespace: default}
type: kubernetes.io/tls
stringData:
  tls.crt: |
${indent(cert, 4)}
  tls.key: |
${indent(key, 4)}
`;
}

/** A line from the middle of a certificate's PEM, to find it in the config dump. */
function certLine(pair: 'a' | 'b'): string {
  return readFileSync(path.join(FIXTURES, `tls-${pair}.crt`), 'utf8').split('\n')[3];
}

function fingerprint(pair: 'a' | 'b'): string {
  return new X509Certificate(readFileSync(path.join(FIXTURES, `tls-${pair}.crt`), 'utf8')).fingerprint256;
}

/** base.yaml's Gateway with an HTTPS listener added next to the HTTP one. */
function withHttps(base: string): string {
  return base.replace(
    `    port: ${HTTP_PORT}`,
    `    port: ${HTTP_PORT}
  - name: https
    protocol: HTTPS
    port: ${HTTPS_PORT}
    tls:
      mode: Terminate
      certificateRefs:
      - {kind: Secret, name: cert}`,
  );
}

function handshakeFingerprint(): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: GATEWAY, port: HTTPS_PORT, servername: HOST, rejectUnauthorized: false }, () => {
      const fp = socket.getPeerCertificate().fingerprint256;
      socket.end();
      resolve(fp);
    });
    socket.on('error', reject);
  });
}

/** Runs `one` REQUESTS times, CONCURRENCY at a time, and returns the results. */
async function many<T>(one: () => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < REQUESTS; i += CONCURRENCY) out.push(...(await Promise.all(Array.from({ length: CONCURRENCY }, one))));
  return out;
}

type Applied = { seq: number; workers: WorkerCount[] };

/**
 * Writes `text` to `file` and waits until the primary serves it (the admin config dump contains `marker`),
 * which happens only after every worker applied it; returns the primary's 'workers applied config' line of
 * that apply, with each worker's count of accepted connections at that moment.
 */
async function edit(onramp: Onramp, file: string, text: string, marker: string): Promise<Applied> {
  const from = onramp.logs.length;
  await writeAtomically(file, text);
  await eventually(async () => JSON.stringify((await onramp.admin('/api/v1/config')).body).includes(marker), `${marker} served`);
  // The pool logs 'workers applied config', then the reconciler 'config applied', both before the dump
  // changes; wait for the reconciler's line to be read, then take the pool line before it.
  let found: Applied | null = null;
  await eventually(() => {
    const logs = onramp.logs.slice(from);
    const last = logs.findLastIndex((l) => l.msg === 'config applied');
    const pool = last < 0 ? undefined : logs.slice(0, last).findLast((l) => l.msg === 'workers applied config');
    found = (pool as unknown as Applied | undefined) ?? null;
    return found !== null;
  }, `the apply that serves ${marker}`);
  return found!;
}

function assertBothServed(before: WorkerCount[], after: WorkerCount[], what: string): void {
  assert.equal(after.length, 2, what);
  for (const w of after) {
    const earlier = before.find((b) => b.worker === w.worker)?.connections ?? 0;
    assert.ok(w.connections > earlier, `${what}: worker ${w.worker} accepted no connection (${JSON.stringify({ before, after })})`);
  }
}

test('onramp run --workers 2 shares the ports, reloads every worker and replaces a dead one', async (t) => {
  const backend = await startEchoServer({ host: '127.1.47.1', port: 0, namespace: 'default', pod: 'backend-pod' });
  t.after(() => backend.close());
  const tmp = await tempDir();
  t.after(() => tmp.remove());
  await writeAtomically(
    path.join(tmp.dir, 'base.yaml'),
    withHttps(baseManifests({ port: HTTP_PORT, backends: [{ name: 'backend', host: backend.host, port: backend.port }] })),
  );
  const secretFile = path.join(tmp.dir, 'secret.yaml');
  await writeAtomically(secretFile, secretManifest('a'));
  const routeFile = path.join(tmp.dir, 'route.yaml');
  const route = (version: string) => routeManifest({ host: HOST, prefix: '/', backend: 'backend', header: ['x-version', version] });
  await writeAtomically(routeFile, route('v1'));

  const onramp = await startOnramp(tmp.dir, POOL, ['--workers', '2']);
  t.after(() => onramp.stop());
  const first = onramp.logs.findLast((l) => l.msg === 'workers applied config') as unknown as Applied;
  assert.equal(first.workers.length, 2, 'two workers applied the first config before /readyz answered 200');
  let last = first;

  await t.test('traffic flows through the gateway', async () => {
    const answers = await many(() => request(GATEWAY, HTTP_PORT, HOST, '/hello'));
    for (const a of answers) {
      assert.equal(a.status, 200);
      assert.equal(JSON.parse(a.body).pod, 'backend-pod');
      assert.equal(a.headers['x-version'], 'v1');
    }
  });

  await t.test('a route edit is live in every worker', async () => {
    const edited = await edit(onramp, routeFile, route('v2'), '"v2"');
    const answers = await many(() => request(GATEWAY, HTTP_PORT, HOST, '/after-edit'));
    assert.deepEqual(new Set(answers.map((a) => a.headers['x-version'])), new Set(['v2']));
    last = edited;
  });

  await t.test('a Secret rotation reaches every worker', async () => {
    const rotated = await edit(onramp, secretFile, secretManifest('b'), certLine('b'));
    // The requests after the route edit went to both workers, and every one of them saw v2.
    assertBothServed(last.workers, rotated.workers, 'requests after the route edit');
    const fingerprints = await many(handshakeFingerprint);
    assert.deepEqual(new Set(fingerprints), new Set([fingerprint('b')]));
    const next = await edit(onramp, routeFile, route('v3'), '"v3"');
    assertBothServed(rotated.workers, next.workers, 'handshakes after the rotation');
    last = next;
  });

  await t.test('a killed worker is replaced, gets the current config and serves', async () => {
    const victim = last.workers[0];
    process.kill(victim.pid, 'SIGKILL');
    await eventually(
      () => onramp.logs.some((l) => l.msg === 'worker exited; starting a replacement' && l.pid === victim.pid),
      'the primary to notice the dead worker',
    );
    await eventually(
      () => onramp.logs.some((l) => l.msg === 'worker serving' && l.worker !== victim.worker && !last.workers.some((w) => w.worker === l.worker)),
      'the replacement to apply the current config',
    );
    const answers = await many(() => request(GATEWAY, HTTP_PORT, HOST, '/after-kill'));
    assert.deepEqual(new Set(answers.map((a) => `${a.status} ${a.headers['x-version']}`)), new Set(['200 v3']));
    const next = await edit(onramp, routeFile, route('v4'), '"v4"');
    assert.equal(next.workers.length, 2);
    assert.ok(!next.workers.some((w) => w.pid === victim.pid));
    // The replacement starts counting at 0: any connection it counts is one of the requests above.
    assertBothServed(last.workers.filter((w) => w.pid !== victim.pid), next.workers, 'requests after the replacement');
  });

  await t.test('SIGTERM lets the request in flight finish, then exits 0', async () => {
    const slow = request(GATEWAY, HTTP_PORT, HOST, '/slow?delay=700ms');
    await eventually(() => backend.requests.some((r) => r.path.startsWith('/slow')), 'the slow request to reach the backend');
    const stopped = onramp.stop();
    const answer = await slow;
    assert.equal(answer.status, 200);
    assert.equal(JSON.parse(answer.body).path, '/slow?delay=700ms');
    assert.equal(await stopped, 0);
    await assert.rejects(request(GATEWAY, HTTP_PORT, HOST, '/'));
  });
});
