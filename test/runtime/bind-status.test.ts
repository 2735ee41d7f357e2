import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Config } from '../../src/config/types.ts';
import { withBindFailures } from '../../src/runtime/bind-status.ts';
import type { GatewayStatus, StatusCondition, TranslateResult } from '../../src/translate/types.ts';

const programmed = (): StatusCondition => ({ type: 'Programmed', status: 'True', reason: 'Programmed', message: '', observedGeneration: 1 });
const accepted = (): StatusCondition => ({ type: 'Accepted', status: 'True', reason: 'Accepted', message: '', observedGeneration: 1 });

const config: Config = {
  certificates: {},
  ports: [
    { key: '127.0.0.1:80', address: '127.0.0.1', port: 80, protocol: 'HTTP', listeners: [{ name: 'default/gw/http', hostname: null, scheme: 'http', tls: null, virtualHosts: [] }] },
    { key: '127.0.0.1:81', address: '127.0.0.1', port: 81, protocol: 'HTTP', listeners: [{ name: 'default/gw/other', hostname: null, scheme: 'http', tls: null, virtualHosts: [] }] },
  ],
};

function result(): TranslateResult {
  const listener = (name: string) => ({ name, attachedRoutes: 0, supportedKinds: [], conditions: [accepted(), programmed()] });
  return {
    config,
    statuses: [
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'Gateway',
        name: 'gw',
        namespace: 'default',
        generation: 1,
        status: { addresses: [], conditions: [accepted(), programmed()], listeners: [listener('http'), listener('other')] },
      },
    ],
  };
}

test('a listener whose socket failed is not Programmed; the Gateway stays Programmed while another listener serves', () => {
  const out = withBindFailures(result(), config, [{ key: '127.0.0.1:80', error: 'EADDRINUSE' }]);
  const status = out.statuses[0].status as GatewayStatus;
  const http = status.listeners[0].conditions.find((c) => c.type === 'Programmed');
  assert.deepEqual([http?.status, http?.reason], ['False', 'Pending']);
  assert.match(http?.message ?? '', /127\.0\.0\.1:80: EADDRINUSE/);
  assert.equal(status.listeners[1].conditions.find((c) => c.type === 'Programmed')?.status, 'True');
  assert.equal(status.conditions.find((c) => c.type === 'Programmed')?.status, 'True');
  assert.equal(status.conditions.find((c) => c.type === 'Accepted')?.status, 'True');
});

test('a Gateway none of whose listeners could listen is not Programmed', () => {
  const failed = [
    { key: '127.0.0.1:80', error: 'EADDRINUSE' },
    { key: '127.0.0.1:81', error: 'EACCES' },
  ];
  const out = withBindFailures(result(), config, failed);
  const status = out.statuses[0].status as GatewayStatus;
  assert.equal(status.conditions.find((c) => c.type === 'Programmed')?.status, 'False');
  // The input is left as it was.
  assert.equal((result().statuses[0].status as GatewayStatus).conditions[1].status, 'True');
});
