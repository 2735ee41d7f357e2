// The CORS filter (spec: HTTPCORSFilter). Preflights (OPTIONS with Origin and Access-Control-Request-Method,
// Fetch standard §3.2.2) are answered by the gateway and never reach a backend; actual requests from an
// allowed origin get Access-Control-Allow-Origin (and Credentials, Expose-Headers) on the backend's answer.
import type { CORSConfig } from '../../../config/types.ts';

/** An allowed origin: scheme, host (exact, or a `.suffix` after a leading `*`) and port. */
interface OriginPattern {
  scheme: string;
  /** Exact host, or null for any host. */
  host: string | null;
  /** `.bar.com` for `*.bar.com`: one or more labels before it (spec: "* is a greedy match to the left"). */
  suffix: string | null;
  port: string;
}

export interface CompiledCORS {
  anyOrigin: boolean;
  origins: OriginPattern[];
  /** Access-Control-Allow-Methods for a listed set, or null with `*` (the requested method is echoed). */
  methods: string | null;
  anyMethod: boolean;
  /** Access-Control-Allow-Headers for a listed set, or null with `*` (the requested headers are echoed). */
  headers: string | null;
  anyHeader: boolean;
  /** Access-Control-Expose-Headers, or null when none. */
  expose: string | null;
  maxAge: string;
  credentials: boolean;
}

const DEFAULT_PORTS: Record<string, string> = { http: '80', https: '443' };

/** `scheme://host[:port]` → parts, lower-case, with the scheme's default port (spec: allowOrigins). */
function parseOrigin(origin: string): { scheme: string; host: string; port: string } | null {
  const sep = origin.indexOf('://');
  if (sep <= 0) return null;
  const scheme = origin.slice(0, sep).toLowerCase();
  let authority = origin.slice(sep + 3).toLowerCase();
  if (authority.length === 0 || authority.includes('/')) return null;
  let port = DEFAULT_PORTS[scheme] ?? '';
  const colon = authority.lastIndexOf(':');
  if (colon > 0 && !authority.endsWith(']')) {
    port = authority.slice(colon + 1);
    authority = authority.slice(0, colon);
  }
  return { scheme, host: authority, port };
}

function compilePattern(entry: string): OriginPattern | null {
  const o = parseOrigin(entry);
  if (o === null) return null;
  if (o.host === '*') return { scheme: o.scheme, host: null, suffix: null, port: o.port };
  if (o.host.startsWith('*.')) return { scheme: o.scheme, host: null, suffix: o.host.slice(1), port: o.port };
  return { scheme: o.scheme, host: o.host, suffix: null, port: o.port };
}

export function compileCORS(c: CORSConfig | null | undefined): CompiledCORS | null {
  if (c === null || c === undefined) return null;
  const origins: OriginPattern[] = [];
  for (const entry of c.allowOrigins) {
    const p = entry === '*' ? null : compilePattern(entry);
    if (p !== null) origins.push(p);
  }
  const anyMethod = c.allowMethods.includes('*');
  const anyHeader = c.allowHeaders.includes('*');
  const exposeAny = c.exposeHeaders.includes('*');
  // Spec (exposeHeaders): with allowCredentials, `*` must not be sent; the named headers still are.
  const expose = exposeAny && c.allowCredentials ? c.exposeHeaders.filter((h) => h !== '*') : exposeAny ? ['*'] : c.exposeHeaders;
  return {
    anyOrigin: c.allowOrigins.includes('*'),
    origins,
    methods: anyMethod || c.allowMethods.length === 0 ? null : c.allowMethods.join(', '),
    anyMethod,
    headers: anyHeader || c.allowHeaders.length === 0 ? null : c.allowHeaders.join(', '),
    anyHeader,
    expose: expose.length > 0 ? expose.join(', ') : null,
    maxAge: String(c.maxAge),
    credentials: c.allowCredentials,
  };
}

export function originAllowed(cors: CompiledCORS, origin: string): boolean {
  if (cors.anyOrigin) return true;
  const o = parseOrigin(origin);
  if (o === null) return false;
  for (const p of cors.origins) {
    if (p.scheme !== o.scheme || p.port !== o.port) continue;
    if (p.host !== null ? p.host === o.host : p.suffix === null || (o.host.length > p.suffix.length && o.host.endsWith(p.suffix))) {
      return true;
    }
  }
  return false;
}

/** A CORS preflight request (Fetch standard): OPTIONS with Origin and Access-Control-Request-Method. */
export function isPreflight(method: string, origin: string | undefined, requestMethod: string | undefined): boolean {
  return method === 'OPTIONS' && origin !== undefined && requestMethod !== undefined;
}

/**
 * The answer headers of an allowed preflight. The origin is always echoed (never `*`): the spec allows that
 * with or without credentials, and it keeps one code path; Vary tells caches the answer depends on Origin.
 */
export function preflightHeaders(
  cors: CompiledCORS,
  origin: string,
  requestMethod: string,
  requestHeaders: string | undefined,
): string[] {
  const out = ['access-control-allow-origin', origin, 'vary', 'Origin'];
  if (cors.credentials) out.push('access-control-allow-credentials', 'true');
  // Spec (allowMethods): with `*`, echo the requested method (required with credentials, allowed without).
  const methods = cors.anyMethod ? requestMethod : cors.methods;
  if (methods !== null) out.push('access-control-allow-methods', methods);
  // Spec (allowHeaders): omitted when the request names no headers; with `*`, echo the requested ones.
  if (requestHeaders !== undefined && requestHeaders.length > 0) {
    const headers = cors.anyHeader ? requestHeaders : cors.headers;
    if (headers !== null) out.push('access-control-allow-headers', headers);
  }
  if (cors.expose !== null) out.push('access-control-expose-headers', cors.expose);
  out.push('access-control-max-age', cors.maxAge);
  return out;
}

/** The headers an actual request from an allowed origin adds to the backend's answer. */
export function actualResponseHeaders(cors: CompiledCORS, origin: string): string[] {
  const out = ['access-control-allow-origin', origin, 'vary', 'Origin'];
  if (cors.credentials) out.push('access-control-allow-credentials', 'true');
  if (cors.expose !== null) out.push('access-control-expose-headers', cors.expose);
  return out;
}

/** Backend answer headers the gateway's CORS headers replace. */
export function isCORSResponseHeader(lowerName: string): boolean {
  return lowerName.startsWith('access-control-');
}
