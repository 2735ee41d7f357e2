// The `http` step: one request through a Gateway, compared with the expected outcome as the official
// CompareRoundTrip does, and repeated until it holds for a number of consecutive attempts ("eventually
// consistent"), as MakeRequestAndExpectEventuallyConsistentResponse does.

import { randomUUID } from 'node:crypto';
import { sendRequest } from './client.ts';
import type { ClientRequest, ClientResponse } from './client.ts';

export interface HttpRequestSpec {
  method?: string;
  host?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  protocol?: 'HTTP/1.1' | 'h2c' | 'h2';
  sni?: string;
  clientCert?: string;
}

export interface HttpStep {
  gateway: { name: string; namespace?: string };
  scheme?: 'http' | 'https';
  listenerPort?: number;
  request: HttpRequestSpec;
  expectedRequest?: HttpRequestSpec & { absentHeaders?: string[]; httpPort?: string };
  backendSetResponseHeaders?: Record<string, string>;
  response?: { statusCodes?: number[]; statusCode?: number; headers?: Record<string, string>; absentHeaders?: string[]; protocol?: string };
  redirect?: { scheme?: string; host?: string; port?: string; path?: string };
  backend?: string;
  namespace?: string;
  mirroredTo?: { name: string; namespace?: string }[];
  expectFailure?: boolean;
  /** From a note: response headers whose value must be one of these (official ValidHeaderValues). */
  validHeaderValues?: Record<string, string[]>;
  /** From a note: response header values are compared without spaces (official IgnoreWhitespace). */
  ignoreWhitespace?: boolean;
}

/** What the echo server said it received; empty fields when the answer was not an echo. */
export interface Echoed {
  path: string;
  host: string;
  method: string;
  headers: Record<string, string[]>;
  namespace: string;
  pod: string;
  httpPort: string;
}

export function parseEcho(body: string): Echoed | null {
  try {
    const v = JSON.parse(body) as Partial<Echoed>;
    if (typeof v !== 'object' || v === null || typeof v.path !== 'string') return null;
    return { path: v.path, host: v.host ?? '', method: v.method ?? '', headers: v.headers ?? {}, namespace: v.namespace ?? '', pod: v.pod ?? '', httpPort: v.httpPort ?? '' };
  } catch {
    return null;
  }
}

const isTimeout = (code: number): boolean => code === 408 || code === 504;
const isRedirect = (code: number): boolean => code >= 300 && code < 400;

function lower<T>(record: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [k, v] of Object.entries(record)) out[k.toLowerCase()] = v;
  return out;
}

/** Splits an absolute Location into scheme, host, port (as written, '' when absent) and path. */
export function splitLocation(location: string): { scheme: string; host: string; port: string; path: string } | null {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)([^?#]*)/.exec(location);
  if (m === null) return null;
  const authority = m[2];
  const hm = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(authority);
  return { scheme: m[1].toLowerCase(), host: hm?.[1] ?? authority, port: hm?.[2] ?? '', path: m[3] === '' ? '/' : m[3] };
}

/**
 * Why `res` is not the expected answer to `step`, or null when it is. `sentPath` is the path actually sent
 * (with any query the runner added), and the expected backend path unless the step says otherwise.
 */
export function roundTripMismatch(step: HttpStep, res: ClientResponse, sent: { path: string; scheme: string; host: string }): string | null {
  const codes = step.response?.statusCodes ?? (step.response?.statusCode === undefined ? [200] : [step.response.statusCode]);
  if (isTimeout(res.status) && codes.some(isTimeout)) return null;
  if (!codes.includes(res.status)) return `want status ${codes.join(' or ')}, got ${res.status}`;
  if (step.response?.protocol !== undefined && step.response.protocol !== res.protocol) return `want protocol ${step.response.protocol}, got ${res.protocol}`;
  if (res.status === 200 || res.status === 204) {
    const parsed = parseEcho(res.body);
    const echoed = parsed ?? { path: '', host: '', method: '', headers: {}, namespace: '', pod: '', httpPort: '' };
    const expected = step.expectedRequest ?? step.request;
    const method = expected.method ?? 'GET';
    const path = step.expectedRequest === undefined || step.expectedRequest.path === undefined ? sent.path : withAddedQuery(step.expectedRequest.path, sent.path, step.request.path ?? '/');
    if (expected.host !== undefined && expected.host !== '' && expected.host !== echoed.host) return `backend saw host ${echoed.host}, want ${expected.host}`;
    if (path !== echoed.path) return `backend saw path ${echoed.path}, want ${path}`;
    // An answer the gateway made itself (e.g. a CORS preflight) has no echo to compare the method with.
    if (parsed !== null && method !== echoed.method) return `backend saw method ${echoed.method}, want ${method}`;
    if (step.namespace !== undefined && step.namespace !== echoed.namespace) return `answer from namespace ${echoed.namespace || '(none)'}, want ${step.namespace}`;
    const seen = lower(echoed.headers);
    for (const [name, value] of Object.entries(expected.headers ?? {})) {
      const got = seen[name.toLowerCase()];
      if (got === undefined) return `backend did not get header ${name}`;
      if (got.join(',') !== value) return `backend got ${name}: ${got.join(',')}, want ${value}`;
    }
    const ex = step.expectedRequest;
    if (ex?.httpPort !== undefined && ex.httpPort !== echoed.httpPort) return `backend port ${echoed.httpPort}, want ${ex.httpPort}`;
    const resHeaders = lower(res.headers);
    const squash = (v: string): string => (step.ignoreWhitespace === true ? v.replaceAll(' ', '') : v);
    for (const [name, values] of Object.entries(step.validHeaderValues ?? {})) {
      const got = resHeaders[name.toLowerCase()];
      if (got === undefined) return `response lacks header ${name}`;
      if (!values.map(squash).includes(squash(got))) return `response header ${name}: ${got}, want one of ${values.join(' | ')}`;
    }
    for (const [name, value] of Object.entries(step.response?.headers ?? {})) {
      const got = resHeaders[name.toLowerCase()];
      if (got === undefined) return `response lacks header ${name}`;
      if (squash(got) !== squash(value)) return `response header ${name}: ${got}, want ${value}`;
    }
    for (const name of step.response?.absentHeaders ?? []) if (resHeaders[name.toLowerCase()] !== undefined) return `response header ${name} must be absent`;
    for (const name of ex?.absentHeaders ?? []) if (seen[name.toLowerCase()] !== undefined) return `backend got header ${name}, which must be absent`;
    if (!echoed.pod.startsWith(step.backend ?? '')) return `answered by ${echoed.pod || '(no backend)'}, want ${step.backend}`;
  } else if (isRedirect(res.status) && step.redirect !== undefined) {
    const location = res.headers.location;
    if (location === undefined) return 'redirect without Location';
    const got = splitLocation(location);
    if (got === null) return `Location ${location} is not absolute`;
    const want = step.redirect;
    if (want.host !== undefined && want.host !== got.host) return `redirect host ${got.host}, want ${want.host}`;
    const scheme = want.scheme ?? sent.scheme;
    if (scheme !== got.scheme) return `redirect scheme ${got.scheme}, want ${scheme}`;
    if (want.port === undefined) {
      const fine = got.port === '' || (got.scheme === 'http' && got.port === '80') || (got.scheme === 'https' && got.port === '443');
      if (!fine) return `redirect port ${got.port}, want none or the scheme's default`;
    } else if (want.port !== got.port) return `redirect port ${got.port || '(none)'}, want ${want.port}`;
    const path = want.path ?? pathOnly(sent.path);
    if (path !== got.path) return `redirect path ${got.path}, want ${path}`;
  }
  return null;
}

function pathOnly(p: string): string {
  const q = p.indexOf('?');
  return q < 0 ? p : p.slice(0, q);
}

/** The expected backend path, carrying the query parameters the runner added to the sent path. */
function withAddedQuery(expected: string, sent: string, original: string): string {
  if (sent === original || !sent.startsWith(original)) return expected;
  const added = sent.slice(original.length).replace(/^[?&]/, '');
  if (added === '') return expected;
  return expected + (expected.includes('?') ? '&' : '?') + added;
}

/** `path` with one more query parameter. */
export function addQuery(path: string, name: string, value: string): string {
  return `${path}${path.includes('?') ? '&' : '?'}${encodeURIComponent(name)}=${encodeURIComponent(value)}`;
}

export interface HttpTarget {
  address: string;
  port: number;
  ca?: string[];
  cert?: string;
  key?: string;
}

export interface HttpRunOptions {
  timeoutMs: number;
  consecutive: number;
  /** Checks that a mirror received the request; returns why not, or null. */
  checkMirrors?: (path: string) => Promise<string | null>;
}

function buildRequest(step: HttpStep, target: HttpTarget, path: string, timeoutMs: number): ClientRequest {
  const headers = { ...(step.request.headers ?? {}) };
  const set = Object.entries(step.backendSetResponseHeaders ?? {});
  if (set.length > 0) headers['X-Echo-Set-Header'] = set.map(([k, v]) => `${k}:${v}`).join(',');
  return {
    address: target.address,
    port: target.port,
    scheme: step.scheme ?? 'http',
    method: step.request.method ?? 'GET',
    host: step.request.host ?? '',
    path,
    headers,
    body: step.request.body,
    protocol: step.request.protocol,
    sni: step.request.sni,
    ca: target.ca,
    cert: target.cert,
    key: target.key,
    timeoutMs: Math.min(timeoutMs, 10_000),
  };
}

/**
 * The path to send on one attempt. The retry cases need a fresh `uuid` per attempt (the official test
 * appends one to every probe), and a mirror check a request id the mirror's log can be searched for.
 */
function attemptPath(step: HttpStep): string {
  let path = step.request.path ?? '/';
  if (path.startsWith('/retry/')) path = addQuery(path, 'uuid', randomUUID());
  if ((step.mirroredTo ?? []).length > 0) path = addQuery(path, 'gateway-api-conformance-request-id', randomUUID());
  return path;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Runs an http step; resolves to null when it passed or to the last reason it did not. */
export async function runHttpStep(step: HttpStep, target: HttpTarget, options: HttpRunOptions): Promise<string | null> {
  const deadline = Date.now() + options.timeoutMs;
  let streak = 0;
  let last = 'no attempt made';
  if (step.expectFailure === true && (step.scheme ?? 'http') === 'https' && (step.request.clientCert ?? '') !== '') {
    // CASES.md: an https step with a client certificate that expects failure is one attempt that must fail at
    // the transport level (official MakeTLSRequestAndExpectFailureResponse); any HTTP answer fails it.
    try {
      const res = await sendRequest(buildRequest(step, target, attemptPath(step), options.timeoutMs));
      return `got HTTP status ${res.status}, want a TLS or connection failure`;
    } catch {
      return null;
    }
  }
  if (step.expectFailure === true) {
    // CASES.md: after settling, 5 consecutive answers are not 200; 408/504 and connection errors are no answers.
    while (Date.now() < deadline) {
      try {
        const res = await sendRequest(buildRequest(step, target, attemptPath(step), options.timeoutMs));
        if (res.status === 200) {
          streak = 0;
          last = 'got 200';
        } else if (!isTimeout(res.status)) streak++;
      } catch (err) {
        last = (err as Error).message;
      }
      if (streak >= 5) return null;
      await sleep(100);
    }
    return `expected failure, ${last}`;
  }
  while (Date.now() < deadline) {
    const path = attemptPath(step);
    let why: string | null;
    try {
      const res = await sendRequest(buildRequest(step, target, path, options.timeoutMs));
      why = roundTripMismatch(step, res, { path, scheme: step.scheme ?? 'http', host: step.request.host ?? '' });
      if (why === null && options.checkMirrors !== undefined) why = await options.checkMirrors(path);
    } catch (err) {
      why = `request failed: ${(err as Error).message}`;
    }
    if (why === null) {
      streak++;
      if (streak >= options.consecutive) return null;
      continue;
    }
    streak = 0;
    last = why;
    await sleep(200);
  }
  return last;
}
