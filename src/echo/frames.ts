// The RFC 6455 framing layer (section 5), shared by the echo server and by clients that test through a
// gateway. Only what an echo needs: no extensions, no per-message compression.

import { randomBytes } from 'node:crypto';

export const OPCODE = {
  continuation: 0x0,
  text: 0x1,
  binary: 0x2,
  close: 0x8,
  ping: 0x9,
  pong: 0xa,
} as const;

export interface Frame {
  fin: boolean;
  opcode: number;
  masked: boolean;
  /** Unmasked payload. */
  payload: Buffer;
}

/** Encodes one frame. RFC 6455 section 5.3: a client masks every frame with a fresh key, a server never does. */
export function encodeFrame(opcode: number, payload: Buffer, options: { fin?: boolean; mask?: boolean } = {}): Buffer {
  const fin = options.fin ?? true;
  const mask = options.mask ?? false;
  const length = payload.length;
  const lengthBytes = length < 126 ? 0 : length < 0x10000 ? 2 : 8;
  const header = Buffer.alloc(2 + lengthBytes + (mask ? 4 : 0));
  header[0] = (fin ? 0x80 : 0) | (opcode & 0x0f);
  const lengthCode = length < 126 ? length : length < 0x10000 ? 126 : 127;
  header[1] = (mask ? 0x80 : 0) | lengthCode;
  if (lengthBytes === 2) header.writeUInt16BE(length, 2);
  if (lengthBytes === 8) header.writeBigUInt64BE(BigInt(length), 2);
  if (!mask) return Buffer.concat([header, payload]);
  const key = randomBytes(4);
  key.copy(header, 2 + lengthBytes);
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i++) body[i] ^= key[i & 3];
  return Buffer.concat([header, body]);
}

/** Thrown by FrameParser on input that breaks the framing rules; `closeCode` is the RFC 6455 status to send. */
export class FrameError extends Error {
  readonly closeCode: number;
  constructor(message: string, closeCode: number) {
    super(message);
    this.closeCode = closeCode;
  }
}

/** Splits a byte stream into frames; feed it chunks as they arrive. */
export class FrameParser {
  private buffer: Buffer = Buffer.alloc(0);
  private readonly maxPayload: number;

  constructor(maxPayload = 16 * 1024 * 1024) {
    this.maxPayload = maxPayload;
  }

  /** Adds bytes and returns every frame now complete. */
  push(chunk: Buffer): Frame[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const frames: Frame[] = [];
    for (;;) {
      const frame = this.next();
      if (frame === null) return frames;
      frames.push(frame);
    }
  }

  private next(): Frame | null {
    const buf = this.buffer;
    if (buf.length < 2) return null;
    if ((buf[0] & 0x70) !== 0) throw new FrameError('reserved bits set without a negotiated extension', 1002);
    const fin = (buf[0] & 0x80) !== 0;
    const opcode = buf[0] & 0x0f;
    const masked = (buf[1] & 0x80) !== 0;
    let length = buf[1] & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (buf.length < 4) return null;
      length = buf.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (buf.length < 10) return null;
      const big = buf.readBigUInt64BE(2);
      if (big > BigInt(this.maxPayload)) throw new FrameError('frame too large', 1009);
      length = Number(big);
      offset = 10;
    }
    if (length > this.maxPayload) throw new FrameError('frame too large', 1009);
    // RFC 6455 section 5.5: control frames carry at most 125 bytes and are never fragmented.
    if (opcode >= 0x8 && (length > 125 || !fin)) throw new FrameError('invalid control frame', 1002);
    const keyAt = offset;
    if (masked) offset += 4;
    if (buf.length < offset + length) return null;
    const payload = Buffer.from(buf.subarray(offset, offset + length));
    if (masked) for (let i = 0; i < payload.length; i++) payload[i] ^= buf[keyAt + (i & 3)];
    this.buffer = buf.subarray(offset + length);
    return { fin, opcode, masked, payload };
  }
}
