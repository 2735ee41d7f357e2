// Sends one HTTP request to a gateway address the way the official roundtripper does: HTTP/1.1 or HTTP/2
// (h2c prior knowledge, or h2 over TLS via ALPN), TLS with SNI and a trusted CA, no redirect following.

import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect as http2Connect } from 'node:http2';
import type { ClientSessionOptions, SecureClientSessionOptions } from 'node:http2';
import { isIP } from 'node:net';
import type { PeerCertificate } from 'node:tls';

export interface ClientRequest {
  address: string;
  port: number;
  scheme: 'http' | 'https';
  method: string;
  /** Host header (and :authority); empty means the address. */
  host: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  protocol?: 'HTTP/1.1' | 'h2c' | 'h2';
  /** TLS: the SNI to send; empty means the host without port. */
  sni?: string;
  ca?: string[];
  cert?: string;
  key?: string;
  timeoutMs: number;
}

export interface ClientResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  protocol: string;
}

function flatHeaders(headers: Record<string, string | string[] | number | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined || k.startsWith(':')) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : String(v);
  }
  return out;
}

function hostWithoutPort(host: string): string {
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']'));
  const colon = host.lastIndexOf(':');
  return colon < 0 ? host : host.slice(0, colon);
}

/**
 * Hostname verification as Go's crypto/x509 does it (the official suite's client): a wildcard is a whole
 * leftmost label and matches exactly one label, with no minimum label count, so `*.org` matches
 * `example.org` (Node's own check refuses wildcards over two-label names).
 */
export function goMatchesHostname(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase().replace(/\.$/, '').split('.');
  const h = host.toLowerCase().replace(/\.$/, '').split('.');
  // A lone "*" is not a valid pattern.
  if (p.length !== h.length || p.some((l) => l === '') || (p.length === 1 && p[0] === '*')) return false;
  return p.every((label, i) => (i === 0 && label === '*') || label === h[i]);
}

export function checkServerIdentity(host: string, cert: PeerCertificate): Error | undefined {
  const sans = (cert.subjectaltname ?? '').split(',').map((s) => s.trim());
  if (isIP(host) !== 0) {
    if (sans.includes(`IP Address:${host}`)) return undefined;
  } else if (sans.some((s) => s.startsWith('DNS:') && goMatchesHostname(s.slice(4), host))) return undefined;
  return new Error(`x509: certificate is not valid for ${host}: ${cert.subjectaltname ?? 'no SANs'}`);
}

export function sendRequest(r: ClientRequest): Promise<ClientResponse> {
  return r.protocol === 'h2c' || r.protocol === 'h2' ? sendHttp2(r) : sendHttp1(r);
}

function sendHttp1(r: ClientRequest): Promise<ClientResponse> {
  return new Promise((resolve, reject) => {
    const host = r.host === '' ? `${r.address}:${r.port}` : r.host;
    const headers: Record<string, string> = { ...r.headers, Host: host };
    if (r.body !== undefined && r.body !== '') headers['Content-Length'] = String(Buffer.byteLength(r.body));
    const common = { host: r.address, port: r.port, method: r.method, path: r.path, headers, agent: false as const, timeout: r.timeoutMs, setHost: false };
    const onResponse = (res: import('node:http').IncomingMessage): void => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: flatHeaders(res.headers), body, protocol: `HTTP/${res.httpVersion}` }));
      res.on('error', reject);
    };
    const req =
      r.scheme === 'https'
        ? httpsRequest({ ...common, servername: r.sni || hostWithoutPort(host), ca: r.ca, cert: r.cert, key: r.key, rejectUnauthorized: true, checkServerIdentity }, onResponse)
        : httpRequest(common, onResponse);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(r.body !== undefined && r.body !== '' ? r.body : undefined);
  });
}

function sendHttp2(r: ClientRequest): Promise<ClientResponse> {
  return new Promise((resolve, reject) => {
    const authority = r.host === '' ? `${r.address}:${r.port}` : r.host;
    const url = `${r.scheme}://${r.address}:${r.port}`;
    const options: ClientSessionOptions | SecureClientSessionOptions =
      r.scheme === 'https'
        ? { servername: r.sni || hostWithoutPort(authority), ca: r.ca, cert: r.cert, key: r.key, ALPNProtocols: ['h2'], checkServerIdentity }
        : {};
    const session = http2Connect(url, options);
    const timer = setTimeout(() => session.destroy(new Error('timeout')), r.timeoutMs);
    const fail = (err: Error): void => {
      clearTimeout(timer);
      session.destroy();
      reject(err);
    };
    session.on('error', fail);
    const stream = session.request({ ':method': r.method, ':path': r.path, ':authority': authority, ':scheme': r.scheme, ...r.headers });
    let status = 0;
    let headers: Record<string, string> = {};
    let body = '';
    stream.setEncoding('utf8');
    stream.on('response', (h) => {
      status = Number(h[':status']);
      headers = flatHeaders(h);
    });
    stream.on('data', (c: string) => (body += c));
    stream.on('end', () => {
      clearTimeout(timer);
      session.close();
      resolve({ status, headers, body, protocol: 'HTTP/2.0' });
    });
    stream.on('error', fail);
    stream.end(r.body !== undefined && r.body !== '' ? r.body : undefined);
  });
}
