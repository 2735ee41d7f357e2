// Real servers and clients on loopback for data plane tests.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** What a test backend received, as it answers it in JSON. */
export interface Echo {
  backend: string;
  method: string;
  url: string;
  /** rawHeaders pairs as received. */
  headers: [string, string][];
  bodyLength: number;
}

export interface Backend {
  name: string;
  address: string;
  port: number;
  server: http.Server;
  close(): Promise<void>;
}

/** A node:http backend that answers 200 with what it received; `X-Echo-Set: Name:value` sets an answer header. */
export async function startBackend(name: string, address = '127.0.0.1'): Promise<Backend> {
  const server = http.createServer((req, res) => {
    let bodyLength = 0;
    req.on('data', (c: Buffer) => (bodyLength += c.length));
    req.on('end', () => {
      const headers: [string, string][] = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i], req.rawHeaders[i + 1]]);
      const echo: Echo = { backend: name, method: req.method ?? '', url: req.url ?? '', headers, bodyLength };
      const set = req.headers['x-echo-set'];
      if (typeof set === 'string') {
        const i = set.indexOf(':');
        res.setHeader(set.slice(0, i), set.slice(i + 1));
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(echo));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, address, resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    name,
    address,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port that was free on `address` a moment ago. */
export async function freePort(address: string): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, address, resolve));
  const p = (s.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return p;
}

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  rawHeaders: string[];
  body: string;
}

export interface RequestOptions {
  address: string;
  port: number;
  path?: string;
  method?: string;
  host?: string;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
  agent?: http.Agent | false;
}

export function request(o: RequestOptions): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | string[]> = { ...o.headers };
    if (o.host !== undefined) headers.host = o.host;
    const req = http.request(
      { host: o.address, port: o.port, path: o.path ?? '/', method: o.method ?? 'GET', headers, agent: o.agent ?? false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            rawHeaders: res.rawHeaders,
            body: Buffer.concat(chunks).toString(),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(o.body);
  });
}

/** The backend's echo of a proxied request; fails when the answer is not a 200 echo. */
export async function echo(o: RequestOptions): Promise<Echo> {
  const a = await request(o);
  if (a.status !== 200) throw new Error(`expected 200, got ${a.status}: ${a.body}`);
  return JSON.parse(a.body) as Echo;
}

/** All values of a header in an echo, names compared case-insensitively. */
export function received(e: Echo, name: string): string[] {
  const lower = name.toLowerCase();
  return e.headers.filter(([n]) => n.toLowerCase() === lower).map(([, v]) => v);
}

export function httpsGet(o: {
  address: string;
  port: number;
  servername?: string;
  host?: string;
  path?: string;
  ca: string | string[];
  agent?: https.Agent | false;
  /** Signature algorithms the client accepts, to choose between a listener's RSA and ECDSA key pairs. */
  sigalgs?: string;
}): Promise<{ status: number; body: string; subject: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: o.address,
        port: o.port,
        path: o.path ?? '/',
        servername: o.servername,
        headers: o.host === undefined ? {} : { host: o.host },
        ca: o.ca,
        sigalgs: o.sigalgs,
        agent: o.agent ?? false,
        // Certificates in these tests name hosts, not the loopback address the client dials.
        checkServerIdentity: () => undefined,
      },
      (res) => {
        const cert = (res.socket as import('node:tls').TLSSocket).getPeerCertificate();
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), subject: String(cert.subject?.CN) }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

export interface TestCert {
  certPem: string;
  keyPem: string;
}

/** Self-signed certificates made with the openssl CLI in a temporary folder, removed afterwards. */
export function makeCerts(specs: { cn: string; sans: string[]; ec?: boolean }[]): TestCert[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'onramp-certs-'));
  try {
    return specs.map((s, i) => {
      const key = path.join(dir, `${i}.key`);
      const crt = path.join(dir, `${i}.crt`);
      const alg = s.ec ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'] : ['-newkey', 'rsa:2048'];
      execFileSync('openssl', [
        'req', '-x509', ...alg, '-nodes', '-keyout', key, '-out', crt, '-days', '2', '-subj', `/CN=${s.cn}`,
        '-addext', `subjectAltName=${s.sans.map((n) => `DNS:${n}`).join(',')}`,
      ], { stdio: 'ignore' });
      return { certPem: readFileSync(crt, 'utf8'), keyPem: readFileSync(key, 'utf8') };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A keep-alive agent that counts the connections it opens, to prove that one was reused. */
export class CountingAgent extends http.Agent {
  created = 0;

  constructor(maxSockets = 1) {
    super({ keepAlive: true, maxSockets });
  }

  override createConnection(...args: Parameters<http.Agent['createConnection']>): ReturnType<http.Agent['createConnection']> {
    this.created++;
    return super.createConnection(...args);
  }
}
