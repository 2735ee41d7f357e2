// Configs sent to worker processes: what the worker decodes equals what was sent, and a virtual host it
// already holds comes back as the very object it decoded before (so its data plane does not recompile it).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Config, RouteRuleConfig, VirtualHostConfig } from '../../src/config/types.ts';
import { ConfigEncoder, decodeConfig } from '../../src/runtime/config-wire.ts';

function rule(route: string, prefix: string): RouteRuleConfig {
  return {
    route,
    ruleIndex: 0,
    ruleName: null,
    match: { path: { type: 'PathPrefix', value: prefix }, headers: [], queryParams: [], method: null },
    filters: {},
    action: { type: 'direct', status: 200, body: route },
  } as unknown as RouteRuleConfig;
}

const vhost = (hostname: string, prefix: string): VirtualHostConfig => ({ hostname, rules: [rule(`default/${hostname}`, prefix)] });

function config(vhosts: VirtualHostConfig[]): Config {
  // Two addresses share the listener's virtual hosts, as translate builds them.
  const listener = () => ({ name: 'default/gw/http', hostname: null, scheme: 'http' as const, tls: null, virtualHosts: vhosts });
  return {
    certificates: {},
    ports: ['127.0.0.1', '127.0.0.2'].map((address) => ({ key: `${address}:80`, address, port: 80, protocol: 'HTTP' as const, listeners: [listener()] })),
  };
}

test('a worker decodes the config sent, and gets back the objects it holds for virtual hosts that did not change', () => {
  const encoder = new ConfigEncoder();
  const a = vhost('a.example.com', '/a');
  const b = vhost('b.example.com', '/b');
  const first = config([a, b]);
  const sent1 = encoder.encode(first, null);
  const got1 = decodeConfig(sent1.json, new Map());
  assert.deepEqual(got1.config, first);
  // Shared on the primary, shared in the worker.
  assert.equal(got1.config.ports[0].listeners[0].virtualHosts[0], got1.config.ports[1].listeners[0].virtualHosts[0]);

  const b2 = vhost('b.example.com', '/b2');
  const second = config([a, b2]);
  const sent2 = encoder.encode(second, sent1.ids);
  assert.ok(sent2.json.length < sent1.json.length);
  assert.ok(!sent2.json.includes('/a"'), 'the unchanged virtual host is not written out again');
  const got2 = decodeConfig(sent2.json, got1.table);
  assert.deepEqual(got2.config, second);
  const [ga, gb] = got2.config.ports[0].listeners[0].virtualHosts;
  assert.equal(ga, got1.config.ports[0].listeners[0].virtualHosts[0]);
  assert.notEqual(gb, got1.config.ports[0].listeners[0].virtualHosts[1]);
});

test('a reference the worker cannot resolve is an error, and without a known set everything is written out', () => {
  const encoder = new ConfigEncoder();
  const a = vhost('a.example.com', '/a');
  const sent1 = encoder.encode(config([a]), null);
  const sent2 = encoder.encode(config([a]), sent1.ids);
  assert.throws(() => decodeConfig(sent2.json, new Map()), /not known/);
  // A replaced worker (nothing known): the whole config again.
  const again = encoder.encode(config([a]), null);
  assert.deepEqual(decodeConfig(again.json, new Map()).config, config([a]));
});

test('a malformed config is written as it is, for the worker to refuse', () => {
  const bad = { ports: 'not a list', certificates: {} } as unknown as Config;
  const sent = new ConfigEncoder().encode(bad, null);
  assert.deepEqual(decodeConfig(sent.json, new Map()).config, bad);
});
