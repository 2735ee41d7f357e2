import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Gateway } from '../../src/api/types.ts';
import { addressPool, assignAddresses } from '../../src/translate/addresses.ts';

function gateway(name: string, addresses?: Gateway['spec']['addresses'], namespace = 'default'): Gateway {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name, namespace },
    spec: { gatewayClassName: 'onramp', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }], ...(addresses ? { addresses } : {}) },
  };
}

test('addressPool parses a CIDR into its host addresses and a comma list as given', () => {
  const pool = addressPool('127.0.1.0/24');
  assert.equal(pool.length, 254);
  assert.equal(pool[0], '127.0.1.1');
  assert.equal(pool[253], '127.0.1.254');
  assert.deepEqual(addressPool('127.0.0.5/32'), ['127.0.0.5']);
  assert.deepEqual(addressPool('127.0.2.1, 127.0.2.3,::1'), ['127.0.2.1', '127.0.2.3', '::1']);
  assert.deepEqual(addressPool('127.0.3.0/30,127.0.3.9'), ['127.0.3.1', '127.0.3.2', '127.0.3.9']);
  assert.throws(() => addressPool('127.0.1.0/33'), /not an IPv4 CIDR/);
  assert.throws(() => addressPool('nonsense'), /not an IP address/);
});

test('new Gateways take the first free pool address in key order', () => {
  const pool = ['127.0.1.1', '127.0.1.2', '127.0.1.3'];
  const result = assignAddresses([gateway('b'), gateway('a'), gateway('c', undefined, 'other')], {}, pool);
  assert.deepEqual(result, { 'default/a': '127.0.1.1', 'default/b': '127.0.1.2', 'other/c': '127.0.1.3' });
});

test('assignment is sticky while a Gateway exists, and freed addresses are reused', () => {
  const pool = ['127.0.1.1', '127.0.1.2', '127.0.1.3'];
  const first = assignAddresses([gateway('a'), gateway('b')], {}, pool);
  // "a" goes away and "0" arrives (sorting before "b"): "b" keeps its address, "0" takes the freed one.
  const second = assignAddresses([gateway('0'), gateway('b')], first, pool);
  assert.equal(second['default/b'], first['default/b']);
  assert.equal(second['default/0'], '127.0.1.1');
  assert.equal(second['default/a'], undefined);
});

test('Gateways with IPAddress spec.addresses take no pool address; an empty value asks for one', () => {
  const pool = ['127.0.1.1', '127.0.1.2'];
  const result = assignAddresses(
    [
      gateway('static', [{ type: 'IPAddress', value: '127.0.2.9' }]),
      gateway('empty', [{ type: 'IPAddress', value: '' }]),
      gateway('plain'),
    ],
    {},
    pool,
  );
  assert.deepEqual(result, { 'default/empty': '127.0.1.1', 'default/plain': '127.0.1.2' });
});

test('when the pool runs out, the Gateways left over get no address', () => {
  const result = assignAddresses([gateway('a'), gateway('b')], {}, ['127.0.1.1']);
  assert.deepEqual(result, { 'default/a': '127.0.1.1' });
  // A previous address outside the current pool is not kept.
  assert.deepEqual(assignAddresses([gateway('a')], { 'default/a': '10.0.0.1' }, ['127.0.1.1']), { 'default/a': '127.0.1.1' });
});
