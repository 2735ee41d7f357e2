// Hostname matching shared by the router (listeners, virtual hosts) and the TLS stack (SNI).

/** A compiled hostname: any host, one exact name, or a `*.suffix` wildcard. */
export interface HostMatcher {
  /** 0: any host, 1: exact, 2: wildcard. */
  kind: 0 | 1 | 2;
  /** Exact: the lower-case name. Wildcard: the suffix with its leading dot (`.example.com`). */
  value: string;
}

const ANY: HostMatcher = { kind: 0, value: '' };

/** Compiles a listener or virtual host hostname; null and `*` match every host. */
export function compileHost(hostname: string | null): HostMatcher {
  if (hostname === null || hostname === '' || hostname === '*') return ANY;
  const name = hostname.toLowerCase();
  // Gateway API: `*.example.com` matches one or more DNS labels in front of the suffix, never the suffix itself.
  if (name.startsWith('*.')) return { kind: 2, value: name.slice(1) };
  return { kind: 1, value: name };
}

/** Whether a normalised host (see normalizeHost) is matched. */
export function hostMatches(m: HostMatcher, host: string): boolean {
  if (m.kind === 0) return true;
  if (m.kind === 1) return host.length === m.value.length && host === m.value;
  return host.length > m.value.length && host.endsWith(m.value);
}

/**
 * The host a request names, as routing compares it: the port removed, lower case, a trailing dot ignored.
 * IPv6 literals keep their brackets (`[::1]`).
 */
export function normalizeHost(raw: string | undefined): string {
  if (raw === undefined || raw.length === 0) return '';
  let end = raw.length;
  if (raw.charCodeAt(0) === 91 /* [ */) {
    const close = raw.indexOf(']');
    end = close < 0 ? raw.length : close + 1;
  } else {
    const colon = raw.indexOf(':');
    if (colon >= 0) end = colon;
  }
  if (end > 0 && raw.charCodeAt(end - 1) === 46 /* . */) end--;
  const host = end === raw.length ? raw : raw.slice(0, end);
  return host.toLowerCase();
}

/** The Host header without its port, case kept, for redirects that keep the request's host. */
export function hostWithoutPort(raw: string | undefined): string {
  if (raw === undefined) return '';
  if (raw.charCodeAt(0) === 91) {
    const close = raw.indexOf(']');
    return close < 0 ? raw : raw.slice(0, close + 1);
  }
  const colon = raw.indexOf(':');
  return colon < 0 ? raw : raw.slice(0, colon);
}
