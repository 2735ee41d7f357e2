// TLS termination material per HTTPS port: secure contexts built at apply time and picked by SNI.
import { createHash } from 'node:crypto';
import tls from 'node:tls';
import type { SecureContext, SecureContextOptions } from 'node:tls';
import type { CertificateConfig, Config, PortConfig } from '../../config/types.ts';
import type { Logger } from '../../log.ts';

/** Settings every terminated connection gets. */
export const TLS_SERVER_OPTIONS = {
  minVersion: 'TLSv1.2',
  // HTTP/2 when the client offers it, else HTTP/1.1; a client that offers neither gets no ALPN answer.
  ALPNProtocols: ['h2', 'http/1.1'],
} as const satisfies tls.TlsOptions;

/** The key pairs of one listener, ready for a handshake. */
export interface ListenerContext {
  context: SecureContext;
  /** For tls.Server#setSecureContext (the context used when a client sends no SNI). */
  options: SecureContextOptions;
  /** Digest of the PEMs: tells whether the default context must be replaced. */
  id: string;
}

export interface PortTLS {
  exact: Map<string, ListenerContext>;
  /** `[.suffix, context]`, longest suffix first. */
  wildcards: [string, ListenerContext][];
  /** Used without SNI and when no hostname matches: the listener without hostname, else the first. */
  fallback: ListenerContext | null;
}

/** Builds each distinct set of key pairs once and reuses it across applies while its PEMs are unchanged. */
export class SecureContextCache {
  private entries = new Map<string, ListenerContext>();
  private used = new Map<string, ListenerContext>();
  private readonly logger: Logger;

  constructor(logger: Logger) {
    this.logger = logger;
  }

  /** Null when a key pair does not load (bad PEM, key not matching); the reason is logged, not the key. */
  get(pairs: CertificateConfig[], listener: string): ListenerContext | null {
    const hash = createHash('sha256');
    for (const p of pairs) hash.update(p.certPem).update('\0').update(p.keyPem).update('\0');
    const id = hash.digest('hex');
    let entry = this.entries.get(id) ?? this.used.get(id);
    if (entry === undefined) {
      const options: SecureContextOptions = {
        cert: pairs.map((p) => p.certPem),
        key: pairs.map((p) => p.keyPem),
        ...TLS_SERVER_OPTIONS,
      };
      try {
        entry = { context: tls.createSecureContext(options), options, id };
      } catch (err) {
        this.logger.error({ listener, error: (err as Error).message }, 'cannot load TLS certificate');
        return null;
      }
    }
    this.used.set(id, entry);
    return entry;
  }

  /** Drops contexts the last compiled config did not use. */
  commit(): void {
    this.entries = this.used;
    this.used = new Map();
  }
}

export function compilePortTLS(port: PortConfig, config: Config, cache: SecureContextCache): PortTLS {
  const exact = new Map<string, ListenerContext>();
  const wildcards: [string, ListenerContext][] = [];
  let hostless: ListenerContext | null = null;
  let first: ListenerContext | null = null;
  for (const listener of port.listeners) {
    if (listener.tls === null) continue;
    const pairs: CertificateConfig[] = [];
    for (const id of listener.tls.certificateIds) {
      const pair = config.certificates[id];
      if (pair !== undefined) pairs.push(pair);
    }
    if (pairs.length === 0) continue;
    const ctx = cache.get(pairs, listener.name);
    if (ctx === null) continue;
    first ??= ctx;
    const hostname = listener.hostname?.toLowerCase() ?? null;
    if (hostname === null) hostless ??= ctx;
    else if (hostname.startsWith('*.')) wildcards.push([hostname.slice(1), ctx]);
    else if (!exact.has(hostname)) exact.set(hostname, ctx);
  }
  wildcards.sort((a, b) => b[0].length - a[0].length);
  return { exact, wildcards, fallback: hostless ?? first };
}

/** SNI choice: the exact hostname, then the longest matching wildcard, then the fallback. */
export function selectContext(t: PortTLS, servername: string): ListenerContext | null {
  let name = servername.toLowerCase();
  if (name.endsWith('.')) name = name.slice(0, -1);
  const exact = t.exact.get(name);
  if (exact !== undefined) return exact;
  for (const [suffix, ctx] of t.wildcards) {
    if (name.length > suffix.length && name.endsWith(suffix)) return ctx;
  }
  return t.fallback;
}
