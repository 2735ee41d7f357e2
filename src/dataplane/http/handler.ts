// The request path through the data plane: route, then redirect, answer directly, or forward upstream.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Logger } from '../../log.ts';
import {
  ACTION_DIRECT,
  ACTION_REDIRECT,
  BACKEND_INVALID,
  BACKEND_NO_ENDPOINTS,
} from '../compile.ts';
import type { CompiledBackend, CompiledFilters, CompiledPort, CompiledRule } from '../compile.ts';
import { BAD_REQUEST, INTERNAL, INVALID_BACKEND, MISDIRECTED, NO_ENDPOINTS, NO_ROUTE, sendLocal } from '../errors.ts';
import type { LocalAnswer } from '../errors.ts';
import { hostWithoutPort, normalizeHost } from '../hostname.ts';
import { applyHeaderEdits } from './filters/header-edits.ts';
import { modifyPath } from './filters/path.ts';
import { redirectLocation } from './filters/redirect.ts';
import { forwardRequestHeaders } from './headers.ts';
import type { RequestView } from './match.ts';
import { findRule, listenerIndex, splitTarget } from './router.ts';
import { ProxyRequest } from './upstream/forward.ts';

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
    if (rule.action === ACTION_REDIRECT) return sendRedirect(rule, view, req, res);
    if (rule.action === ACTION_DIRECT) return sendLocal(res, rule.direct!);
    const backend = pickBackend(rule);
    if ('status' in backend) return sendLocal(res, backend);
    const endpoint = backend.endpoints[backend.next++ % backend.endpoints.length];
    const [host, path] = rewrite(rule.filters, backend.filters, requestHost(req) ?? '', view.path);
    const headers = editRequestHeaders(
      rule,
      backend,
      forwardRequestHeaders(req.rawHeaders, req.headers.connection, host, req.socket.remoteAddress ?? '', rule.scheme, false),
    );
    new ProxyRequest(
      req,
      res,
      {
        pool: endpoint.pool,
        method: view.method,
        path: view.query === null ? path : `${path}?${view.query}`,
        headers,
        ruleFilters: rule.filters,
        backendFilters: backend.filters,
        timeoutMs: rule.timeoutMs,
        server,
      },
      logger,
    );
  } catch (err) {
    // A bug must cost one request, never the process.
    logger.error({ err, url: req.url }, 'request handling failed');
    sendLocal(res, INTERNAL);
  }
}
