// HTTP/2 requests for the h2c and h2 benchmarks' routing checks (not for measuring): the same cases as the
// HTTP/1.1 check, sent as :authority over one HTTP/2 session.

import http2 from 'node:http2';
import type { BenchCert } from './certs.ts';
import type { FrontProtocol } from './configs/nginx.ts';
import type { Topology } from './configs/topology.ts';
import { routingCases } from './http-check.ts';

function h2get(session: http2.ClientHttp2Session, path: string, authority: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = session.request({ ':path': path, ':authority': authority, ':method': 'GET' });
    let status = 0;
    let body = '';
    req.setEncoding('utf8');
    req.setTimeout(5000, () => req.close(http2.constants.NGHTTP2_CANCEL));
    req.on('response', (h) => (status = Number(h[':status'])));
    req.on('data', (c: string) => (body += c));
    req.on('end', () => resolve({ status, body }));
    req.on('error', reject);
    req.on('close', () => {
      if (status === 0) reject(new Error('stream closed without an answer'));
    });
  });
}

/** Null when the proxy routes like topology.ts says over HTTP/2; otherwise what is wrong. */
export async function checkRoutingH2(t: Topology, front: FrontProtocol, cert: BenchCert | null): Promise<string | null> {
  const origin = `${front === 'h2' ? 'https' : 'http'}://${t.listen.host}:${t.listen.port}`;
  const session = http2.connect(origin, front === 'h2' ? { servername: t.hostname, ca: cert?.cert, ALPNProtocols: ['h2'] } : {});
  session.on('error', () => {});
  try {
    for (const [path, host, status, body] of routingCases(t)) {
      try {
        const r = await h2get(session, path, host);
        if (r.status !== status || (body !== null && r.body !== body)) {
          return `h2 GET ${path} :authority ${host}: got ${r.status} ${JSON.stringify(r.body.slice(0, 40))}, want ${status}${body ? ` ${JSON.stringify(body)}` : ''}`;
        }
      } catch (err) {
        return `h2 GET ${path} :authority ${host}: ${(err as Error).message}`;
      }
    }
    return null;
  } finally {
    session.destroy();
  }
}
