// RequestMirror (spec: HTTPRequestMirrorFilter): a fire-and-forget copy of a request to one endpoint of the
// mirror backend. Its answer is read and dropped; its failure is logged at debug level and changes nothing
// for the client. The copy never slows the main request: a body is teed without waiting for the mirror, and
// a mirror that falls too far behind is cut.
import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import type { Readable } from 'node:stream';
import type { Logger } from '../../../log.ts';
import type { UpstreamEndpoint } from '../../compile.ts';
import type { UpstreamController, UpstreamHandler } from './dispatch.ts';


/** Body bytes a mirror may lag behind the main request before its copy is abandoned. */
const MAX_MIRROR_LAG = 1 << 20;

export interface CompiledMirror {
  name: string;
  /** Empty when the mirror Service has no ready endpoint: nothing is sent. */
  endpoints: UpstreamEndpoint[];
  /** Round robin position: each copy goes to a single endpoint (spec: "a single destination endpoint"). */
  next: number;
  numerator: number;
  denominator: number;
}

/** Whether this request is one of the share to mirror (spec: percent / fraction). */
export function sampled(m: CompiledMirror): boolean {
  if (m.numerator >= m.denominator) return true;
  if (m.numerator <= 0) return false;
  return Math.random() * m.denominator < m.numerator;
}

/** Discards the mirror's answer; one instance per copy so that errors can be logged with the mirror name. */
class MirrorHandler implements UpstreamHandler {
  private readonly name: string;
  private readonly logger: Logger;

  constructor(name: string, logger: Logger) {
    this.name = name;
    this.logger = logger;
  }

  onRequestStart(): void {}
  onResponseStart(): void {}
  onResponseData(): void {}
  onResponseEnd(): void {}
  onResponseError(_c: UpstreamController, err: Error): void {
    this.logger.debug({ mirror: this.name, error: err.message }, 'mirrored request failed');
  }
}

export interface MirrorRequest {
  method: string;
  /** Path and query, after the rule's URL rewrite (the same path the backend gets). */
  path: string;
  /** Headers after the rule's request header edits. */
  headers: string[];
}

/** Sends one copy; `body` is null, a buffered body, or a stream fed by teeBody. */
export function sendMirror(m: CompiledMirror, request: MirrorRequest, body: Buffer | Readable | null, logger: Logger): void {
  const endpoint = m.endpoints[m.next++ % m.endpoints.length];
  try {
    endpoint.pool.dispatch(
      { method: request.method, path: request.path, headers: request.headers, body, idempotent: false },
      new MirrorHandler(m.name, logger),
    );
  } catch (err) {
    logger.debug({ mirror: m.name, error: (err as Error).message }, 'mirrored request failed');
  }
}

/**
 * Splits a request body stream into the one the main request reads (with the client's backpressure) and
 * one copy per mirror (without backpressure, cut when it lags more than MAX_MIRROR_LAG bytes).
 */
export function teeBody(req: IncomingMessage, copies: number): { main: PassThrough; mirrors: PassThrough[] } {
  const main = new PassThrough();
  const mirrors: PassThrough[] = [];
  for (let i = 0; i < copies; i++) mirrors.push(new PassThrough());
  const resume = (): void => {
    req.resume();
  };
  req.on('data', (chunk: Buffer) => {
    for (const m of mirrors) {
      if (m.destroyed) continue;
      if (m.writableLength > MAX_MIRROR_LAG) m.destroy(new Error('mirror fell behind'));
      else m.write(chunk);
    }
    if (!main.write(chunk)) {
      req.pause();
      main.once('drain', resume);
    }
  });
  req.once('end', () => {
    main.end();
    for (const m of mirrors) if (!m.destroyed) m.end();
  });
  // The client went away mid-body: every copy is incomplete, so none may look finished.
  req.once('close', () => {
    if (req.readableEnded) return;
    const err = new Error('request body aborted');
    main.destroy(err);
    for (const m of mirrors) m.destroy(err);
  });
  // A mirror that errors must not become an unhandled 'error' event.
  for (const m of mirrors) m.on('error', () => {});
  main.on('error', () => {});
  return { main, mirrors };
}
