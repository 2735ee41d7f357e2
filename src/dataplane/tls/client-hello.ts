// Reads the SNI server name from a TLS ClientHello before the handshake starts (RFC 8446 §4.1.2, RFC 6066 §3).
// Node's SNICallback installs only one key pair of the chosen context, so a listener with RSA and ECDSA
// pairs could not offer both; picking the context before the TLS socket exists keeps every pair usable.

/** Largest TLS record a ClientHello first record can be (RFC 8446 §5.1: 2^14 plus header). */
export const MAX_HELLO_BYTES = 5 + 16_384;

/** `undefined`: more bytes are needed. `null`: no SNI (or not a ClientHello). Otherwise the server name. */
export function readServerName(buf: Buffer): string | null | undefined {
  if (buf.length < 5) return undefined;
  if (buf[0] !== 22) return null; // not a handshake record
  const recordEnd = 5 + buf.readUInt16BE(3);
  if (buf.length < recordEnd) return buf.length >= MAX_HELLO_BYTES ? null : undefined;
  let i = 5;
  if (buf[i] !== 1) return null; // not a ClientHello
  i += 4 + 2 + 32; // handshake header, legacy_version, random
  if (i >= recordEnd) return null;
  i += 1 + buf[i]; // session id
  if (i + 2 > recordEnd) return null;
  i += 2 + buf.readUInt16BE(i); // cipher suites
  if (i >= recordEnd) return null;
  i += 1 + buf[i]; // compression methods
  if (i + 2 > recordEnd) return null;
  const extEnd = Math.min(recordEnd, i + 2 + buf.readUInt16BE(i));
  i += 2;
  while (i + 4 <= extEnd) {
    const type = buf.readUInt16BE(i);
    const len = buf.readUInt16BE(i + 2);
    i += 4;
    if (type === 0) {
      // server_name: list length, then entries of (type, length, name); host_name is type 0.
      let j = i + 2;
      const listEnd = Math.min(i + len, extEnd);
      while (j + 3 <= listEnd) {
        const nameType = buf[j];
        const nameLen = buf.readUInt16BE(j + 1);
        j += 3;
        if (j + nameLen > listEnd) return null;
        if (nameType === 0) return buf.toString('latin1', j, j + nameLen);
        j += nameLen;
      }
      return null;
    }
    i += len;
  }
  return null;
}
