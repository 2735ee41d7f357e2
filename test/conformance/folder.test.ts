import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ManifestFolder } from './gateway.ts';
import { parseManifestText } from './manifests.ts';

const subs = { gatewayClassName: 'gateway-conformance', controllerName: 'example.com/c', usableAddresses: [], unusableAddresses: [] };

test('applying writes substituted files, patches and deletes rewrite them, Deployments stay with the runner', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'folder-'));
  try {
    const folder = new ManifestFolder(dir, subs);
    const objects = parseManifestText(
      `kind: Gateway
apiVersion: gateway.networking.k8s.io/v1
metadata: {name: gw, namespace: ns}
spec: {gatewayClassName: "{GATEWAY_CLASS_NAME}", listeners: [{name: http, port: 80, protocol: HTTP}]}
---
kind: Deployment
apiVersion: apps/v1
metadata: {name: d, namespace: ns}
spec: {replicas: 1}
`,
      'test',
    );
    folder.apply('case-a.yaml', objects);
    const read = () => parseAllDocuments(readFileSync(path.join(dir, 'case-a.yaml'), 'utf8')).map((d) => d.toJS());
    assert.deepEqual(read().map((o) => o.kind), ['Gateway']);
    assert.equal(read()[0].spec.gatewayClassName, 'gateway-conformance');
    folder.patch('Gateway', 'gw', 'ns', { spec: { listeners: [{ name: 'other', port: 8080, protocol: 'HTTP' }] } });
    assert.equal(read()[0].spec.listeners[0].name, 'other');
    // Applying an object again replaces it where it is.
    folder.apply('case-b.yaml', [objects[0]]);
    assert.equal(existsSync(path.join(dir, 'case-b.yaml')), false);
    assert.equal(read()[0].spec.listeners[0].name, 'http');
    folder.delete('Deployment', 'd', 'ns');
    folder.delete('Gateway', 'gw', 'ns');
    assert.equal(existsSync(path.join(dir, 'case-a.yaml')), false);
    assert.throws(() => folder.delete('Gateway', 'gw', 'ns'), /not applied/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
