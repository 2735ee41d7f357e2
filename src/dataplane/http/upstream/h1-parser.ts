// HTTP/1.1 answers as a proxy reads them (RFC 9112): the head (status line and header fields) parsed from one
// latin1 string into a flat name/value list of end-to-end headers, how the body is framed, and a decoder
// for chunked bodies. Anything a strict reading rejects is an error, never a guess: a proxy that guesses
// the framing of an answer differently from the backend is how response splitting happens (RFC 9112 §11).
import { isHopByHop } from '../headers.ts';

/** Largest head (and chunked trailer section) accepted; larger answers are refused as malformed. */
export const MAX_HEAD = 64 * 1024;

/** No body: HEAD requests, 1xx, 204, 304 (RFC 9112 §6.3 item 1). */
export const BODY_NONE = 0;
/** Exactly `contentLength` bytes. */
export const BODY_LENGTH = 1;
/** Transfer-Encoding: chunked. */
export const BODY_CHUNKED = 2;
/** Read until the server closes the connection (RFC 9112 §6.3 item 8). */
export const BODY_CLOSE = 3;

export interface ResponseHead {
  status: number;
  reason: string;
  /** End-to-end headers, names as sent, hop-by-hop ones and the ones Connection names removed. */
  headers: string[];
  framing: number;
  /** The Content-Length, or -1 when the answer has none. */
  contentLength: number;
  /** The connection may carry another request after this answer. */
  keepAlive: boolean;
}

/** tchar (RFC 9110 §5.6.2): the characters of a header name. */
const TOKEN = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~") TOKEN[c.charCodeAt(0)] = 1;
for (let c = 0x30; c <= 0x39; c++) TOKEN[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) TOKEN[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) TOKEN[c] = 1;

/**
 * A character that may not appear in a head (CR and LF only as line ends, checked per line); node's
 * writeHead would refuse them in a value too.
 */
const INVALID_CHAR = /[^\t\r\n\x20-\x7e\x80-\xff]/;

/** Whether a status code means there is no body whatever the headers say. */
function bodyless(status: number, headRequest: boolean): boolean {
  return headRequest || status < 200 || status === 204 || status === 304;
}

/** A Content-Length value: digits only (a list of identical values is one value, RFC 9110 §8.6). */
function parseLength(value: string): number {
  if (value.indexOf(',') >= 0) return sameLengths(value);
  if (value.length === 0 || value.length > 15) return -1;
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return -1;
    n = n * 10 + (c - 0x30);
  }
  return n;
}

/** "5, 5": every member must be the same length. */
function sameLengths(value: string): number {
  let length = -1;
  for (const part of value.split(',')) {
    const n = parseLength(part.trim());
    if (n < 0 || (length >= 0 && n !== length)) return -1;
    length = n;
  }
  return length;
}

/** The options of a Connection header: close/keep-alive flags, and the names of further hop-by-hop headers. */
interface ConnectionOptions {
  close: boolean;
  keepAlive: boolean;
  names: string[] | null;
}

function connectionOptions(value: string, into: ConnectionOptions): void {
  // The usual values, without splitting a list.
  if (value.length === 10 && value.toLowerCase() === 'keep-alive') {
    into.keepAlive = true;
    return;
  }
  if (value.length === 5 && value.toLowerCase() === 'close') {
    into.close = true;
    return;
  }
  for (const t of value.split(',')) {
    const token = t.trim().toLowerCase();
    if (token === 'close') into.close = true;
    else if (token === 'keep-alive') into.keepAlive = true;
    else if (token.length > 0) (into.names ??= []).push(token);
  }
}

/** Parses the head of an answer (without its final CRLFCRLF); a string says why it is malformed. */
export function parseHead(text: string, headRequest: boolean): ResponseHead | string {
  if (INVALID_CHAR.test(text)) return 'invalid character in the head';
  // Status line (RFC 9112 §4): HTTP-version SP 3DIGIT SP [reason-phrase].
  let eol = text.indexOf('\r\n');
  if (eol < 0) eol = text.length;
  if (eol < 12 || !text.startsWith('HTTP/1.') || text.charCodeAt(8) !== 0x20) return 'bad status line';
  const minor = text.charCodeAt(7);
  if (minor !== 0x31 && minor !== 0x30) return 'unsupported HTTP version';
  const d0 = text.charCodeAt(9) - 0x30;
  const d1 = text.charCodeAt(10) - 0x30;
  const d2 = text.charCodeAt(11) - 0x30;
  if (d0 < 1 || d0 > 9 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) return 'bad status code';
  if (eol > 12 && text.charCodeAt(12) !== 0x20) return 'bad status line';
  const status = d0 * 100 + d1 * 10 + d2;
  const reason = eol > 13 ? text.slice(13, eol) : '';
  if (reason.indexOf('\r') >= 0 || reason.indexOf('\n') >= 0) return 'bad status line';

  const headers: string[] = [];
  let contentLength = -1;
  let transferEncoding: string | null = null;
  let connection: ConnectionOptions | null = null;
  let start = eol + 2;
  while (start < text.length) {
    let end = text.indexOf('\r\n', start);
    if (end < 0) end = text.length;
    const colon = text.indexOf(':', start);
    // RFC 9112 §5.1: no whitespace between name and colon; §5.2: obsolete line folding is refused.
    if (colon <= start || colon >= end) return 'bad header line';
    for (let i = start; i < colon; i++) {
      const c = text.charCodeAt(i);
      if (c > 127 || TOKEN[c] === 0) return 'bad header name';
    }
    let vs = colon + 1;
    let ve = end;
    while (vs < ve && (text.charCodeAt(vs) === 0x20 || text.charCodeAt(vs) === 0x09)) vs++;
    while (ve > vs && (text.charCodeAt(ve - 1) === 0x20 || text.charCodeAt(ve - 1) === 0x09)) ve--;
    const name = text.slice(start, colon);
    const value = text.slice(vs, ve);
    if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) return 'bad header value';
    start = end + 2;
    const lower = name.toLowerCase();
    if (lower === 'content-length') {
      const n = parseLength(value);
      if (n < 0 || (contentLength >= 0 && n !== contentLength)) return 'invalid Content-Length';
      contentLength = n;
    } else if (isHopByHop(lower)) {
      if (lower === 'transfer-encoding') transferEncoding = transferEncoding === null ? value : `${transferEncoding}, ${value}`;
      else if (lower === 'connection') connectionOptions(value, (connection ??= { close: false, keepAlive: false, names: null }));
      continue;
    }
    headers.push(name, value);
  }

  let framing = BODY_CLOSE;
  if (bodyless(status, headRequest)) framing = BODY_NONE;
  else if (transferEncoding !== null) {
    // RFC 9112 §6.1/§6.3: chunked must be the final (here: only) coding; with a Content-Length too the
    // answer may be an attempt at response splitting. Both are refused rather than guessed at.
    if (minor === 0x30 || transferEncoding.trim().toLowerCase() !== 'chunked') return 'unsupported Transfer-Encoding';
    if (contentLength >= 0) return 'both Transfer-Encoding and Content-Length';
    framing = BODY_CHUNKED;
  } else if (contentLength >= 0) framing = BODY_LENGTH;

  let keepAlive = minor === 0x31 ? !(connection?.close ?? false) : connection?.keepAlive === true && !connection.close;
  if (framing === BODY_CLOSE) keepAlive = false;
  let list = headers;
  if (connection !== null && connection.names !== null) {
    const names = connection.names;
    list = [];
    for (let i = 0; i < headers.length; i += 2) if (!names.includes(headers[i].toLowerCase())) list.push(headers[i], headers[i + 1]);
  }
  return { status, reason, headers: list, framing, contentLength, keepAlive };
}

// Chunked decoder states (RFC 9112 §7.1).
const C_SIZE = 0;
const C_EXT = 1;
const C_SIZE_LF = 2;
const C_DATA = 3;
const C_DATA_CR = 4;
const C_DATA_LF = 5;
const C_TRAILER_START = 6;
const C_TRAILER = 7;
const C_TRAILER_LF = 8;
const C_END_LF = 9;

/** Where decoded body bytes go. */
export interface ChunkSink {
  chunkData(chunk: Buffer): void;
}

/** The largest chunk size accepted, in hex digits (2^52: exact in a double). */
const MAX_SIZE_DIGITS = 13;

/** Decodes a chunked body as it arrives; trailers are read and dropped. Reset before each answer. */
export class ChunkedDecoder {
  private state = C_SIZE;
  private size = 0;
  private digits = 0;
  private lineLength = 0;
  private trailerBytes = 0;
  /** Set once the last chunk and the trailer section are read. */
  done = false;

  reset(): void {
    this.state = C_SIZE;
    this.size = 0;
    this.digits = 0;
    this.lineLength = 0;
    this.trailerBytes = 0;
    this.done = false;
  }

  /**
   * Decodes `buf` from `offset`, giving body bytes to `sink`. Returns the offset just past the body when it
   * ended in this buffer, `buf.length` when more is needed, or -1 when the framing is malformed. The sink
   * may be called several times; it is never called after `done`.
   */
  decode(buf: Buffer, offset: number, sink: ChunkSink): number {
    let i = offset;
    const n = buf.length;
    while (i < n) {
      const state = this.state;
      if (state === C_DATA) {
        const take = Math.min(this.size, n - i);
        this.size -= take;
        const start = i;
        i += take;
        if (this.size === 0) this.state = C_DATA_CR;
        sink.chunkData(buf.subarray(start, i));
        continue;
      }
      const c = buf[i++];
      switch (state) {
        case C_SIZE: {
          const v = hexValue(c);
          if (v >= 0) {
            if (++this.digits > MAX_SIZE_DIGITS) return -1;
            this.size = this.size * 16 + v;
          } else if (this.digits === 0) return -1;
          else if (c === 0x0d) this.state = C_SIZE_LF;
          else if (c === 0x3b || c === 0x20 || c === 0x09) {
            this.state = C_EXT;
            this.lineLength = 0;
          } else return -1;
          break;
        }
        case C_EXT:
          // Chunk extensions are ignored (RFC 9112 §7.1.1); their length is capped like a header line.
          if (c === 0x0d) this.state = C_SIZE_LF;
          else if (c === 0x0a || ++this.lineLength > MAX_HEAD) return -1;
          break;
        case C_SIZE_LF:
          if (c !== 0x0a) return -1;
          this.digits = 0;
          this.state = this.size === 0 ? C_TRAILER_START : C_DATA;
          break;
        case C_DATA_CR:
          if (c !== 0x0d) return -1;
          this.state = C_DATA_LF;
          break;
        case C_DATA_LF:
          if (c !== 0x0a) return -1;
          this.state = C_SIZE;
          break;
        case C_TRAILER_START:
          if (c === 0x0d) this.state = C_END_LF;
          else if (c === 0x0a) return -1;
          else {
            this.state = C_TRAILER;
            if (++this.trailerBytes > MAX_HEAD) return -1;
          }
          break;
        case C_TRAILER:
          if (++this.trailerBytes > MAX_HEAD || c === 0x0a) return -1;
          if (c === 0x0d) this.state = C_TRAILER_LF;
          break;
        case C_TRAILER_LF:
          if (c !== 0x0a) return -1;
          this.state = C_TRAILER_START;
          break;
        case C_END_LF:
          if (c !== 0x0a) return -1;
          this.done = true;
          return i;
      }
    }
    return n;
  }
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  if (l >= 0x61 && l <= 0x66) return l - 0x61 + 10;
  return -1;
}
