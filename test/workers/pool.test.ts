// The worker pool behind `onramp run --workers N`, driven directly: every worker applies each config before
// apply() resolves, failed ports from the workers are merged into one report, a config the workers refuse
// leaves the previous one serving, a killed worker is replaced with the current config, and close() stops
// them all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Config } from '../../src/config/types.ts';
import { silentLogger } from '../../src/log.ts';
import { WorkerPool } from '../../src/runtime/worker-pool.ts';

// This file's own loopback address.
const ADDRESS = '127.0.48.1';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, ADDRESS, () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** One HTTP port per entry of `ports`, every request answered directly with `body`. */
function config(ports: number[], body: string): Config {
  return {
    certificates: {},
    ports: ports.map((port) => ({
      key: `${ADDRESS}:${port}`,
      address: ADDRESS,
      port,
      protocol: 'HTTP',
      listeners: [
        {
          name: 'default/gw/http',
          hostname: null,
          scheme: 'http',
          tls: null,
          virtualHosts: [
            {
              hostname: '*',
              rules: [
                {
                  route: 'default/route',
                  ruleIndex: 0,
                  ruleName: null,
                  match: { path: { type: 'PathPrefix', value: '/' }, method: null, headers: [], queryParams: [] },
                  filters: { requestHeaders: null, responseHeaders: null, urlRewrite: null },
                  action: { type: 'direct', status: 200, body },
                },
              ],
            },
          ],
        },
      ],
    })),
  };
}

/** A GET on a new connection; resolves with the body. */
function get(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: ADDRESS, port, path: '/', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
  });
}

async function bodies(port: number, n = 20): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < n; i += 4) for (const b of await Promise.all([get(port), get(port), get(port), get(port)])) out.add(b);
  return out;
}

async function eventually(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

test('a pool of two workers serves each config, merges failures and replaces a dead worker', async (t) => {
  const port = await freePort();
  // A port someone else holds: every worker fails to listen on it.
  const busy = net.createServer();
  await new Promise<void>((resolve) => busy.listen(0, ADDRESS, resolve));
  t.after(() => new Promise<void>((resolve) => busy.close(() => resolve())));
  const busyPort = (busy.address() as AddressInfo).port;

  const pool = await WorkerPool.start({ workers: 2, logLevel: 'silent', logger: silentLogger });
  t.after(() => pool.close());
  assert.equal(pool.workers().length, 2);

  const first = await pool.apply(config([port], 'one'));
  assert.deepEqual(first, { listening: [`${ADDRESS}:${port}`], failed: [] });
  assert.deepEqual(await bodies(port), new Set(['one']));

  const second = await pool.apply(config([port, busyPort], 'two'));
  assert.deepEqual(second.listening, [`${ADDRESS}:${port}`]);
  assert.deepEqual(second.failed, [{ key: `${ADDRESS}:${busyPort}`, error: 'EADDRINUSE' }]);
  assert.deepEqual(await bodies(port), new Set(['two']));

  // A config the data plane cannot compile is refused by the workers; the previous one keeps serving.
  await assert.rejects(pool.apply({ ports: 'not a list', certificates: {} } as unknown as Config));
  assert.deepEqual(await bodies(port), new Set(['two']));
  // Workers started after that get the config that serves, not the refused one.
  const before = pool.workers().map((w) => w.pid);
  for (const pid of before) process.kill(pid, 'SIGKILL');
  await eventually(async () => {
    if (pool.workers().some((w) => before.includes(w.pid))) return false;
    return (await get(port).catch(() => '')) === 'two';
  }, 'replacements serving the last good config');
  assert.deepEqual(await pool.apply(config([port], 'three')), { listening: [`${ADDRESS}:${port}`], failed: [] });

  const [victim] = pool.workers();
  process.kill(victim.pid, 'SIGKILL');
  await eventually(() => pool.workers().length === 2 && !pool.workers().some((w) => w.pid === victim.pid), 'a replacement worker');
  // The replacement applies the current config: the next apply finds both workers answering.
  const after = await pool.apply(config([port], 'four'));
  assert.deepEqual(after.listening, [`${ADDRESS}:${port}`]);
  assert.deepEqual(await bodies(port), new Set(['four']));

  await pool.close();
  await assert.rejects(get(port), /ECONNREFUSED/);
  await assert.rejects(pool.apply(config([port], 'five')), /closed/);
});
