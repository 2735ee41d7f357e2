import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergePatch, parseManifestText, substitute } from './manifests.ts';
import { endpointSlices } from './backends.ts';
import type { Pod } from './backends.ts';

const subs = { gatewayClassName: 'gateway-conformance', controllerName: 'onramp.dev/gateway-controller', usableAddresses: ['127.0.5.10'], unusableAddresses: ['203.0.113.10'] };

test('suite substitutions: class name, controller name, address placeholders', () => {
  const [gw, gc] = parseManifestText(
    `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: g, namespace: ns}
spec:
  gatewayClassName: "{GATEWAY_CLASS_NAME}"
  addresses:
  - {type: test/fake-invalid-type, value: "fake address teehee!"}
  - {value: PLACEHOLDER_UNUSABLE_ADDRS}
  - {value: PLACEHOLDER_USABLE_ADDRS}
  - {type: IPAddress, value: 10.0.0.1}
---
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: c}
spec: {controllerName: example.com/x}
`,
    'test',
  );
  const g = substitute(gw, subs) as unknown as { spec: { gatewayClassName: string; addresses: unknown[] } };
  assert.equal(g.spec.gatewayClassName, 'gateway-conformance');
  assert.deepEqual(g.spec.addresses, [
    { type: 'test/fake-invalid-type', value: 'fake address teehee!' },
    { type: 'IPAddress', value: '203.0.113.10' },
    { type: 'IPAddress', value: '127.0.5.10' },
  ]);
  assert.equal((substitute(gc, subs) as unknown as { spec: { controllerName: string } }).spec.controllerName, subs.controllerName);
  assert.equal((gw as unknown as { spec: { gatewayClassName: string } }).spec.gatewayClassName, '{GATEWAY_CLASS_NAME}', 'the original is left alone');
});

test('RFC 7386 merge patch', () => {
  assert.deepEqual(mergePatch({ a: 1, b: { c: 2, d: 3 }, l: [1] }, { b: { c: null, e: 4 }, l: [2], n: 'x' }), { a: 1, b: { d: 3, e: 4 }, l: [2], n: 'x' });
});

test('EndpointSlices for Services with a selector, with stable names and target ports', () => {
  const objects = parseManifestText(
    `apiVersion: v1
kind: Service
metadata: {name: svc, namespace: ns}
spec:
  selector: {app: a}
  ports:
  - {name: first, port: 8080, targetPort: 3000}
  - {name: h2c, port: 8081, targetPort: 3001, appProtocol: kubernetes.io/h2c}
---
apiVersion: v1
kind: Service
metadata: {name: manual, namespace: ns}
spec:
  ports: [{port: 80}]
`,
    'test',
  );
  const pod = (name: string, ns: string, app: string, address: string): Pod => ({ name, namespace: ns, deployment: app, labels: { app }, address, echo: null });
  const pods = [pod('a-1', 'ns', 'a', '127.0.2.1'), pod('a-2', 'ns', 'a', '127.0.2.2'), pod('b-1', 'ns', 'b', '127.0.2.3'), pod('a-3', 'other', 'a', '127.0.2.4')];
  const names = new Map<string, string>();
  const slices = endpointSlices(objects, pods, names) as unknown as { metadata: { name: string; labels: Record<string, string> }; endpoints: { addresses: string[] }[]; ports: unknown[] }[];
  assert.equal(slices.length, 1);
  assert.match(slices[0].metadata.name, /^svc-[a-z0-9]{5}$/);
  assert.equal(slices[0].metadata.labels['kubernetes.io/service-name'], 'svc');
  assert.deepEqual(slices[0].endpoints.map((e) => e.addresses[0]), ['127.0.2.1', '127.0.2.2']);
  assert.deepEqual(slices[0].ports, [
    { name: 'first', port: 3000, protocol: 'TCP' },
    { name: 'h2c', port: 3001, protocol: 'TCP', appProtocol: 'kubernetes.io/h2c' },
  ]);
  const again = endpointSlices(objects, pods, names) as unknown as { metadata: { name: string } }[];
  assert.equal(again[0].metadata.name, slices[0].metadata.name);
});
