// Header lists as the proxy passes them on: hop-by-hop headers dropped (RFC 9110 §7.6.1), names kept as sent.
import type { IncomingHttpHeaders } from 'node:http';

/** Connection-specific headers a proxy must not forward. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Whether a (lower case) header name is hop-by-hop by itself (RFC 9110 §7.6.1). */
export function isHopByHop(lowerName: string): boolean {
  return HOP_BY_HOP.has(lowerName);
}

/** Request headers the proxy writes itself after copying the others. */
const REWRITTEN = new Set(['host', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'expect']);

/** Names listed in a Connection header are hop-by-hop too (RFC 9110 §7.6.1). */
function connectionTokens(value: string | undefined): Set<string> | null {
  if (value === undefined) return null;
  let tokens: Set<string> | null = null;
  for (const t of value.split(',')) {
    const name = t.trim().toLowerCase();
    if (name.length === 0 || name === 'close' || name === 'keep-alive' || name === 'upgrade') continue;
    (tokens ??= new Set()).add(name);
  }
  return tokens;
}

/**
 * The request headers to forward, with Host and X-Forwarded-* set: X-Forwarded-For gets the client address
 * appended, X-Forwarded-Proto the listener's scheme, X-Forwarded-Host the Host the client sent.
 * `keepUpgrade` keeps Connection and Upgrade for upgrade requests, which are tunnelled as they are.
 */
export function forwardRequestHeaders(
  raw: string[],
  connection: string | undefined,
  host: string,
  clientAddress: string,
  scheme: string,
  keepUpgrade: boolean,
): string[] {
  const extra = connectionTokens(connection);
  const out: string[] = [];
  let xff: string | null = null;
  let originalHost: string | null = null;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i];
    // HTTP/2 pseudo-headers (:method, :path, :authority, :scheme) are not headers to forward.
    if (name.charCodeAt(0) === 58) {
      if (name === ':authority') originalHost ??= raw[i + 1];
      continue;
    }
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower)) {
      if (keepUpgrade && (lower === 'upgrade' || lower === 'connection')) out.push(name, raw[i + 1]);
      continue;
    }
    if (REWRITTEN.has(lower)) {
      if (lower === 'x-forwarded-for') xff = xff === null ? raw[i + 1] : `${xff}, ${raw[i + 1]}`;
      else if (lower === 'host') originalHost ??= raw[i + 1];
      continue;
    }
    if (extra !== null && extra.has(lower)) continue;
    out.push(name, raw[i + 1]);
  }
  // HTTP/1.0 clients may send no Host; the upstream client then names the endpoint itself.
  if (host.length > 0) out.push('host', host);
  out.push(
    'x-forwarded-for',
    xff === null ? clientAddress : `${xff}, ${clientAddress}`,
    'x-forwarded-proto',
    scheme,
  );
  if (originalHost !== null) out.push('x-forwarded-host', originalHost);
  return out;
}

/**
 * A backend's answer headers, given as node's header object (HTTP/2 backends), as a flat list for writeHead,
 * without hop-by-hop headers. HTTP/1.1 answers get the same list from their parser directly.
 */
export function forwardResponseHeaders(headers: IncomingHttpHeaders): string[] {
  const extra = connectionTokens(headers.connection as string | undefined);
  const out: string[] = [];
  for (const name in headers) {
    if (HOP_BY_HOP.has(name) || (extra !== null && extra.has(name))) continue;
    const value = headers[name];
    if (value === undefined) continue;
    if (typeof value === 'string') out.push(name, value);
    else for (const v of value) out.push(name, v);
  }
  return out;
}
