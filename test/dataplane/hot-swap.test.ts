// Hot swap: requests keep flowing, over keep-alive and new connections, while configs are applied.
import assert from 'node:assert/strict';
import http from 'node:http';
import type net from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Config } from '../../src/config/types.ts';
import { createDataPlane } from '../../src/dataplane/index.ts';
import { backend, config, forward, headerEdits, listener, port, rule, vhost } from './builder.ts';
import { CountingAgent, echo, freePort, received, request, startBackend } from './helpers.ts';
import type { Backend } from './helpers.ts';

const ADDRESS = '127.0.56.1';
const EXTRA = '127.0.56.2';

describe('hot swap', () => {
  const dp = createDataPlane({ drainTimeoutMs: 2000 });
  let v1: Backend;
  let v2: Backend;
  let slow: http.Server;
  let slowPort = 0;
  let p = 0;
  let extra = 0;
  let configs: Config[] = [];

  before(async () => {
    v1 = await startBackend('v1');
    v2 = await startBackend('v2');
    // Answers in pieces, slowly enough for applies to happen while the answer is in flight.
    slow = http.createServer((_req, res) => {
      res.writeHead(200);
      let n = 0;
      const t = setInterval(() => {
        res.write(`part${n};`);
        if (++n === 10) {
          clearInterval(t);
          res.end();
        }
      }, 20);
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    slowPort = (slow.address() as net.AddressInfo).port;
    p = await freePort(ADDRESS);
    extra = await freePort(EXTRA);
    const make = (b: Backend, tag: string, withExtra: boolean): Config => {
      const rules = [
        rule(forward(backend('slow', [{ address: '127.0.0.1', port: slowPort }])), { path: '/slow' }),
        rule(forward(backend(b.name, [{ address: b.address, port: b.port }])), {
          filters: { requestHeaders: headerEdits({ set: [['x-config', tag]] }) },
        }),
      ];
      const ports = [port(ADDRESS, p, [listener('ns/gw/http', null, [vhost('*', rules)])])];
      if (withExtra) ports.push(port(EXTRA, extra, [listener('ns/gw2/http', null, [vhost('*', rules)])]));
      return config(ports);
    };
    configs = [make(v1, 'a', false), make(v2, 'b', true)];
    await dp.apply(configs[0]);
  });

  after(async () => {
    await dp.close();
    await v1.close();
    await v2.close();
    slow.closeAllConnections();
    await new Promise((resolve) => slow.close(resolve));
  });

  it('serves every request, whole-config consistent, while apply() runs 50 times', async () => {
    const agent = new CountingAgent(4);
    let running = true;
    let ok = 0;
    const failures: string[] = [];
    const loop = async (useAgent: boolean) => {
      while (running) {
        try {
          const e = await echo({ address: ADDRESS, port: p, agent: useAgent ? agent : false });
          // A request sees one config as a whole: v1 always with tag a, v2 always with tag b.
          const tag = received(e, 'x-config')[0];
          if ((e.backend === 'v1') !== (tag === 'a')) failures.push(`${e.backend} got ${tag}`);
          ok++;
        } catch (err) {
          failures.push((err as Error).message);
        }
      }
    };
    const slowOnes = Array.from({ length: 3 }, () => request({ address: ADDRESS, port: p, path: '/slow' }));
    const loops = [loop(true), loop(true), loop(true), loop(false), loop(false)];
    for (let i = 0; i < 50; i++) {
      const report = await dp.apply(configs[(i + 1) % 2]);
      assert.deepEqual(report.failed, []);
      // Let a few requests through between applies so that they interleave with every swap.
      const target = ok + 3;
      while (ok < target && failures.length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    running = false;
    await Promise.all(loops);
    const slowAnswers = await Promise.all(slowOnes);
    agent.destroy();
    assert.deepEqual(failures, []);
    assert.ok(ok >= 150, `only ${ok} requests`);
    for (const a of slowAnswers) {
      assert.equal(a.status, 200);
      assert.equal(a.body, Array.from({ length: 10 }, (_, n) => `part${n};`).join(''));
    }
    // Keep-alive connections survived the applies instead of being reopened.
    assert.ok(agent.created <= 4, `${agent.created} connections opened`);
  });
});
