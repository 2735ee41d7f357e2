// The request path through the data plane: route, then redirect, answer directly, or forward upstream.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { Logger } from '../../log.ts';
import {
  ACTION_DIRECT,
  ACTION_REDIRECT,
  BACKEND_INVALID,
  BACKEND_NO_ENDPOINTS,
} from '../compile.ts';
import type { CompiledBackend, CompiledFilters, CompiledPort, CompiledRule } from '../compile.ts';
import { BAD_REQUEST, CORS_DENIED, INTERNAL, INVALID_BACKEND, MISDIRECTED, NO_ENDPOINTS, NO_ROUTE, sendLocal } from '../errors.ts';
import type { LocalAnswer } from '../errors.ts';
import { hostWithoutPort, normalizeHost } from '../hostname.ts';
import { actualResponseHeaders, isPreflight, originAllowed, preflightHeaders } from './filters/cors.ts';
import type { CompiledCORS } from './filters/cors.ts';
import { applyHeaderEdits } from './filters/header-edits.ts';
import { modifyPath } from './filters/path.ts';
import { redirectLocation } from './filters/redirect.ts';
import { forwardRequestHeaders } from './headers.ts';
import type { RequestView } from './match.ts';
import { findRule, listenerIndex, splitTarget } from './router.ts';
import { hasBody, ProxyRequest } from './upstream/forward.ts';
import type { ForwardTarget } from './upstream/forward.ts';
import { sampled, sendMirror, teeBody } from './upstream/mirror.ts';
import type { CompiledMirror, MirrorRequest } from './upstream/mirror.ts';
import { readBody, replayableLength } from './upstream/retry.ts';

/** The Host of a request: the Host header, or HTTP/2's :authority. */
export function requestHost(req: IncomingMessage): string | undefined {
  return req.headers.host ?? (req.headers[':authority'] as string | undefined);
}

/**
 * RFC 9110 §15.5.20: a request whose Host belongs to another listener than the one its TLS server name chose
 * (HTTP/2 clients reuse a connection for every host its certificate covers) gets 421 so that the client
 * opens a connection for that host. Spec: GatewayHTTPSListenerDetectMisdirectedRequests.
 */
function misdirected(port: CompiledPort, req: IncomingMessage, host: string): boolean {
  const servername = (req.socket as TLSSocket).servername;
  if (typeof servername !== 'string' || servername.length === 0) return false;
  const bySni = listenerIndex(port, normalizeHost(servername));
  return bySni >= 0 && bySni !== listenerIndex(port, host);
}

/** What a routed request resolves to before any byte goes upstream. */
export interface Routed {
  view: RequestView;
  rule: CompiledRule;
}

/** Routes a request; a LocalAnswer when the gateway answers by itself before picking a backend. */
export function route(port: CompiledPort, req: IncomingMessage): Routed | LocalAnswer {
  const target = splitTarget(req.url ?? '/');
  if (target === null) return BAD_REQUEST;
  const view: RequestView = {
    path: target.path,
    query: target.query,
    params: null,
    method: req.method ?? 'GET',
    rawHeaders: req.rawHeaders,
  };
  const host = normalizeHost(requestHost(req));
  if (port.tls !== null && misdirected(port, req, host)) return MISDIRECTED;
  const rule = findRule(port, host, view);
  return rule === null ? NO_ROUTE : { view, rule };
}

/** The backend for this request by weight, or the local answer its state calls for. */
export function pickBackend(rule: CompiledRule): CompiledBackend | LocalAnswer {
  const b = rule.backends[rule.picker === null ? 0 : rule.picker.pick()];
  if (b.state === BACKEND_INVALID) return INVALID_BACKEND;
  if (b.state === BACKEND_NO_ENDPOINTS) return NO_ENDPOINTS;
  return b;
}

/** URL rewrite (rule's, then backendRef's): the upstream Host and path. */
export function rewrite(
  filters: CompiledFilters | null,
  backend: CompiledFilters | null,
  host: string,
  path: string,
): [string, string] {
  if (filters !== null) {
    if (filters.rewriteHost !== null) host = filters.rewriteHost;
    if (filters.rewritePath !== null) path = modifyPath(filters.rewritePath, path);
  }
  if (backend !== null) {
    if (backend.rewriteHost !== null) host = backend.rewriteHost;
    if (backend.rewritePath !== null) path = modifyPath(backend.rewritePath, path);
  }
  return [host, path];
}

/** Request header edits: the rule's, then the backendRef's. */
export function editRequestHeaders(rule: CompiledRule, backend: CompiledBackend, headers: string[]): string[] {
  if (rule.filters?.requestHeaders) headers = applyHeaderEdits(rule.filters.requestHeaders, headers);
  if (backend.filters?.requestHeaders) headers = applyHeaderEdits(backend.filters.requestHeaders, headers);
  return headers;
}

function sendRedirect(rule: CompiledRule, view: RequestView, req: IncomingMessage, res: ServerResponse): void {
  const location = redirectLocation(rule.redirect!, hostWithoutPort(requestHost(req)), view.path, view.query);
  res.writeHead(rule.redirect!.status, ['location', location, 'content-length', '0']);
  res.end();
}

/** Spec (HTTPCORSFilter): an allowed preflight gets 204 with the CORS headers; any other gets 403 without. */
function sendPreflight(cors: CompiledCORS, req: IncomingMessage, res: ServerResponse): void {
  const origin = req.headers.origin!;
  if (!originAllowed(cors, origin)) return sendLocal(res, CORS_DENIED);
  const method = req.headers['access-control-request-method'] as string;
  res.writeHead(204, preflightHeaders(cors, origin, method, req.headers['access-control-request-headers']));
  res.end();
  req.resume();
}

/** The mirrors that take a copy of this request (sampled by their share, with an endpoint to send to). */
function sampledMirrors(mirrors: CompiledMirror[]): CompiledMirror[] | null {
  let out: CompiledMirror[] | null = null;
  for (const m of mirrors) if (m.endpoints.length > 0 && sampled(m)) (out ??= []).push(m);
  return out;
}

/** Everything a forwarded request needs once routed; the body is attached when it is ready. */
interface Forward {
  req: IncomingMessage;
  res: ServerResponse;
  target: ForwardTarget;
  mirrors: CompiledMirror[] | null;
  mirrorRequest: MirrorRequest | null;
}

function startForward(f: Forward, body: Buffer | Readable | null | undefined, mirrorBodies: (Buffer | Readable | null)[] | null, logger: Logger): void {
  if (f.mirrors !== null) {
    for (let i = 0; i < f.mirrors.length; i++) sendMirror(f.mirrors[i], f.mirrorRequest!, mirrorBodies === null ? null : mirrorBodies[i], logger);
  }
  if (body !== undefined) f.target.body = body;
  new ProxyRequest(f.req, f.res, f.target, logger);
}

export function handleRequest(
  port: CompiledPort,
  req: IncomingMessage,
  res: ServerResponse,
  server: { readonly closing: boolean },
  logger: Logger,
): void {
  try {
    const routed = route(port, req);
    if ('status' in routed) return sendLocal(res, routed);
    const { view, rule } = routed;
    let corsHeaders: string[] | null = null;
    const cors = rule.filters === null ? null : rule.filters.cors;
    if (cors !== null) {
      const origin = req.headers.origin;
      if (isPreflight(view.method, origin, req.headers['access-control-request-method'] as string | undefined)) {
        return sendPreflight(cors, req, res);
      }
      if (origin !== undefined && originAllowed(cors, origin)) corsHeaders = actualResponseHeaders(cors, origin);
    }
    if (rule.action === ACTION_REDIRECT) return sendRedirect(rule, view, req, res);
    if (rule.action === ACTION_DIRECT) return sendLocal(res, rule.direct!);
    const backend = pickBackend(rule);
    if ('status' in backend) return sendLocal(res, backend);
    const endpoint = backend.endpoints[backend.next++ % backend.endpoints.length];
    const originalHost = requestHost(req) ?? '';
    const [host, path] = rewrite(rule.filters, backend.filters, originalHost, view.path);
    const forwarded = forwardRequestHeaders(req.rawHeaders, req.headers.connection, host, req.socket.remoteAddress ?? '', rule.scheme, false);
    const headers = editRequestHeaders(rule, backend, forwarded);
    const target: ForwardTarget = {
      pool: endpoint.pool,
      method: view.method,
      path: view.query === null ? path : `${path}?${view.query}`,
      headers,
      ruleFilters: rule.filters,
      backendFilters: backend.filters,
      timeoutMs: rule.timeoutMs,
      attemptTimeoutMs: rule.attemptTimeoutMs,
      server,
      retry: rule.retry,
      backend,
      corsHeaders,
    };
    const mirrors = rule.filters === null || rule.filters.mirrors === null ? null : sampledMirrors(rule.filters.mirrors);
    if (rule.retry === null && mirrors === null) {
      new ProxyRequest(req, res, target, logger);
      return;
    }
    const f: Forward = { req, res, target, mirrors, mirrorRequest: null };
    if (mirrors !== null) f.mirrorRequest = mirrorRequest(rule, req, view, originalHost);
    const withBody = hasBody(req);
    if (!withBody) return startForward(f, undefined, null, logger);
    if (rule.retry !== null && replayableLength(req)) {
      // A small body is read whole so that a retry can send it again; the mirrors get the same bytes.
      readBody(req, (body) => {
        if (body === null) return sendLocal(res, BAD_REQUEST);
        startForward(f, body, mirrors === null ? null : mirrors.map(() => body), logger);
      });
      return;
    }
    if (mirrors === null) return startForward(f, undefined, null, logger);
    const tee = teeBody(req, mirrors.length);
    startForward(f, tee.main, tee.mirrors, logger);
  } catch (err) {
    // A bug must cost one request, never the process.
    logger.error({ err, url: req.url }, 'request handling failed');
    sendLocal(res, INTERNAL);
  }
}

/**
 * The copy a mirror gets: same method, the path and Host after the rule's URL rewrite and the headers after
 * the rule's request header edits (the backendRef's own filters belong to that backend, not to the mirror).
 */
function mirrorRequest(rule: CompiledRule, req: IncomingMessage, view: RequestView, originalHost: string): MirrorRequest {
  const [host, path] = rewrite(rule.filters, null, originalHost, view.path);
  let headers = forwardRequestHeaders(req.rawHeaders, req.headers.connection, host, req.socket.remoteAddress ?? '', rule.scheme, false);
  if (rule.filters?.requestHeaders) headers = applyHeaderEdits(rule.filters.requestHeaders, headers);
  return { method: view.method, path: view.query === null ? path : `${path}?${view.query}`, headers };
}
