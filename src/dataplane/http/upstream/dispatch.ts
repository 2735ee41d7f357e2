// The interface between a proxied request and the pool that carries it upstream. It follows the shape of
// undici's dispatch handlers (onRequestStart, onResponseStart, onResponseData, onResponseEnd,
// onResponseError, a controller to abort, pause and resume), with the answer's headers as a flat name/value
// list of end-to-end headers, so that they go to `res.writeHead` without being rebuilt.
import type { Readable } from 'node:stream';

/** One request for a pool to send. */
export interface UpstreamRequest {
  method: string;
  /** Path and query. */
  path: string;
  /** Name/value list; a missing Host is filled in with the endpoint's address. */
  headers: string[];
  /** None, a whole body, or a stream sent with the request's Content-Length or chunked. */
  body: Buffer | Readable | null;
  /** The pool may send the request again on a fresh connection when a kept-alive one was gone. */
  idempotent: boolean;
}

/** Lets the handler of a request stop it, or hold its answer while the client cannot take more. */
export interface UpstreamController {
  readonly aborted: boolean;
  readonly paused: boolean;
  /** Ends the request (its connection is not reused); the handler then gets onResponseError(reason). */
  abort(reason: Error): void;
  pause(): void;
  resume(): void;
}

/** What a pool reports to, in order: start, then the answer's head, data and end, or an error. */
export interface UpstreamHandler {
  onRequestStart(controller: UpstreamController): void;
  /**
   * `headers` are the answer's end-to-end headers (hop-by-hop ones removed, RFC 9110 §7.6.1);
   * `contentLength` is the declared body length, or -1 when there is none.
   */
  onResponseStart(controller: UpstreamController, status: number, headers: string[], reason: string, contentLength: number): void;
  onResponseData(controller: UpstreamController, chunk: Buffer): void;
  onResponseEnd(controller: UpstreamController): void;
  onResponseError(controller: UpstreamController, err: Error): void;
}

/** What a backend endpoint's requests are dispatched on: a keep-alive pool for one origin and protocol. */
export interface UpstreamPool {
  dispatch(request: UpstreamRequest, handler: UpstreamHandler): void;
  /** Stops taking requests; resolves once the requests in flight are done and the connections closed. */
  close(): Promise<void>;
}

/** An upstream failure: the connection or the answer was unusable. `code` says which (see UPSTREAM_*). */
export class UpstreamError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/** The answer broke HTTP/1.1 framing or syntax (RFC 9112): it is not forwarded, the client gets 502. */
export const UPSTREAM_MALFORMED = 'UPSTREAM_MALFORMED';
/** The connection closed or failed before the answer was complete. */
export const UPSTREAM_CLOSED = 'UPSTREAM_CLOSED';
/** The request itself cannot be written (a header value with characters HTTP does not allow). */
export const UPSTREAM_BAD_REQUEST = 'UPSTREAM_BAD_REQUEST';
/**
 * The request was sent and the backend then sent nothing for the pool's read timeout (like nginx's
 * proxy_read_timeout): the client gets 504, and the connection is closed.
 */
export const UPSTREAM_READ_TIMEOUT = 'UPSTREAM_READ_TIMEOUT';
/** The pool was closed (its endpoint left the config) before the request got a connection. */
export const UPSTREAM_POOL_CLOSED = 'UPSTREAM_POOL_CLOSED';
