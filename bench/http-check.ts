// Plain HTTP/1.1 requests for readiness and routing checks (not for measuring).

import http from 'node:http';
import type { Topology } from './configs/topology.ts';
import { BODY_A, BODY_B } from './configs/topology.ts';
import { sleep } from './processes.ts';

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export function get(address: { host: string; port: number }, path: string, host: string, agent?: http.Agent): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: address.host, port: address.port, path, method: 'GET', headers: { host }, agent: agent ?? false, timeout: 5000 },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', reject);
      },
    );
    req.once('timeout', () => req.destroy(new Error('timeout')));
    req.once('error', reject);
    req.end();
  });
}

/** What every proxy must answer: [path, Host, status, body or null for any]. */
export function routingCases(t: Topology): [string, string, number, string | null][] {
  return [
    [`${t.prefix}/users`, t.hostname, 200, BODY_A],
    [t.prefix, t.hostname, 200, BODY_A],
    [`${t.prefix}x`, t.hostname, 200, BODY_B],
    ['/other', t.hostname, 200, BODY_B],
    [`${t.prefix}/users`, 'unknown.example.com', 404, null],
  ];
}

/** Null when the proxy routes like topology.ts says; otherwise what is wrong. */
export async function checkRouting(t: Topology): Promise<string | null> {
  for (const [path, host, status, body] of routingCases(t)) {
    try {
      const r = await get(t.listen, path, host);
      if (r.status !== status || (body !== null && r.body !== body)) {
        return `GET ${path} Host ${host}: got ${r.status} ${JSON.stringify(r.body.slice(0, 40))}, want ${status}${body ? ` ${JSON.stringify(body)}` : ''}`;
      }
    } catch (err) {
      return `GET ${path} Host ${host}: ${(err as Error).message}`;
    }
  }
  return null;
}

/** Polls `check` until it returns null (ready) or the time is up; returns the last complaint. */
export async function until(check: () => Promise<string | null>, timeoutMs: number, everyMs = 50): Promise<string | null> {
  const deadline = Date.now() + timeoutMs;
  let last: string | null = 'not checked';
  while (Date.now() <= deadline) {
    last = await check();
    if (last === null) return null;
    await sleep(everyMs);
  }
  return last;
}
