// Header handling of the official echo server, which is written in Go: request header names are shown in
// Go's canonical form (textproto.CanonicalMIMEHeaderKey), grouped with every value in arrival order, and the
// Host header is not among them (Go moves it to Request.Host).

/** Go's CanonicalMIMEHeaderKey for a valid token: upper-case the first letter and each letter after '-'. */
export function canonicalHeaderName(name: string): string {
  let out = '';
  let upper = true;
  for (const ch of name) {
    out += upper ? ch.toUpperCase() : ch.toLowerCase();
    upper = ch === '-';
  }
  return out;
}

/**
 * The echoed `headers` object from Node's rawHeaders (name, value, name, value...). HTTP/2 pseudo-headers and
 * Host are left out, as Go leaves them out of Request.Header; Transfer-Encoding too (Go moves it to
 * Request.TransferEncoding). Keys are sorted, as Go's JSON encoder sorts map keys.
 */
export function echoedHeaders(rawHeaders: readonly string[]): Record<string, string[]> {
  const grouped = new Map<string, string[]>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i];
    if (name.startsWith(':')) continue;
    const key = canonicalHeaderName(name);
    if (key === 'Host' || key === 'Transfer-Encoding') continue;
    const values = grouped.get(key);
    if (values === undefined) grouped.set(key, [rawHeaders[i + 1]]);
    else values.push(rawHeaders[i + 1]);
  }
  const out: Record<string, string[]> = {};
  for (const key of [...grouped.keys()].sort()) out[key] = grouped.get(key) as string[];
  return out;
}

/**
 * The response headers asked for with `X-Echo-Set-Header: Name:value,Other:value` (any number of such
 * headers). As in the official server, a name given twice gets its values joined with ",", and the name keeps
 * the casing the client wrote.
 */
export function echoSetHeaders(values: readonly string[]): [string, string][] {
  const out = new Map<string, string>();
  for (const list of values) {
    for (const item of list.split(',')) {
      const trimmed = item.trim();
      const colon = trimmed.indexOf(':');
      const name = colon < 0 ? trimmed : trimmed.slice(0, colon);
      const value = colon < 0 ? '' : trimmed.slice(colon + 1).trim();
      if (name === '') continue;
      const prior = out.get(name);
      out.set(name, prior === undefined ? value : `${prior},${value}`);
    }
  }
  return [...out];
}
