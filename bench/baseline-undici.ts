// The Node.js baseline: the smallest reasonable proxy built on node:http and an undici Pool per backend,
// with the same routing as the others. onramp should beat it: it shows what Node.js costs before any
// Gateway API logic. Run: node bench/baseline-undici.ts --listen H:P --a H:P --b H:P [--hostname H] [--prefix /v1]

import http from 'node:http';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { BENCH_HOSTNAME, BENCH_PREFIX } from './configs/topology.ts';

// Hop-by-hop headers (RFC 9110 7.6.1) are not forwarded.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);

function splitHostPort(s: string): { host: string; port: number } {
  const i = s.lastIndexOf(':');
  return { host: s.slice(0, i), port: Number(s.slice(i + 1)) };
}

const { values } = parseArgs({
  options: {
    listen: { type: 'string' },
    a: { type: 'string' },
    b: { type: 'string' },
    hostname: { type: 'string', default: BENCH_HOSTNAME },
    prefix: { type: 'string', default: BENCH_PREFIX },
    connections: { type: 'string', default: '64' },
  },
});
if (!values.listen || !values.a || !values.b) {
  process.stderr.write('usage: baseline-undici.ts --listen H:P --a H:P --b H:P\n');
  process.exit(2);
}
const listen = splitHostPort(values.listen);
const connections = Number(values.connections);
const poolA = new Pool(`http://${values.a}`, { connections, pipelining: 1 });
const poolB = new Pool(`http://${values.b}`, { connections, pipelining: 1 });
const hostname = values.hostname;
const prefix = values.prefix;

function pick(req: http.IncomingMessage): Pool | null {
  const host = (req.headers.host ?? '').toLowerCase();
  const colon = host.indexOf(':');
  if ((colon < 0 ? host : host.slice(0, colon)) !== hostname) return null;
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  return path.startsWith(prefix) && (path.length === prefix.length || path[prefix.length] === '/') ? poolA : poolB;
}

const server = http.createServer({ keepAliveTimeout: 75_000 }, (req, res) => {
  const pool = pick(req);
  if (pool === null) {
    res.writeHead(404, { 'content-length': '0' }).end();
    return;
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
  }
  headers['x-forwarded-for'] = req.socket.remoteAddress ?? '';
  headers['x-forwarded-proto'] = 'http';
  pool.stream(
    { path: req.url ?? '/', method: req.method as 'GET', headers, body: req.method === 'GET' || req.method === 'HEAD' ? null : req },
    ({ statusCode, headers: upstream }) => {
      const out: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(upstream)) {
        if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
      }
      res.writeHead(statusCode, out);
      return res;
    },
    (err) => {
      if (err && !res.headersSent) res.writeHead(502, { 'content-length': '0' }).end();
      else if (err) res.destroy();
    },
  );
});

server.listen(listen.port, listen.host, () => process.stdout.write(`listening on ${listen.host}:${listen.port}\n`));

const stop = (): void => {
  server.close();
  server.closeAllConnections();
  void Promise.all([poolA.close(), poolB.close()]).finally(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
