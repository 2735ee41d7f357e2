// haproxy as the proxy under test: one thread, keep-alive to the client and to the backends, the same
// routing as the others.

import type { FrontProtocol } from './nginx.ts';
import type { Topology } from './topology.ts';

/**
 * `front` h2c binds with `proto h2` (HTTP/2 with prior knowledge); h2 binds with TLS (`pemFile`: certificate
 * and key in one file) and ALPN h2. haproxy turns :authority into the Host the ACL reads.
 */
export function haproxyConf(t: Topology, front: FrontProtocol = 'http/1.1', pemFile?: string): string {
  const bindFlags = front === 'h2c' ? ' proto h2' : front === 'h2' ? ` ssl crt ${pemFile} alpn h2` : '';
  return `global
  nbthread 1
  # Below the usual 20,000 open-files limit (haproxy needs about 2 descriptors per connection).
  maxconn 4096

defaults
  mode http
  option http-keep-alive
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  timeout http-keep-alive 75s

frontend bench
  bind ${t.listen.host}:${t.listen.port}${bindFlags}
  option forwardfor
  # The Host header without its port, lower-cased, against the route's hostname.
  acl route_host req.hdr(host),lower,field(1,:) -m str ${t.hostname}
  # PathPrefix ${t.prefix}: the path is ${t.prefix} or starts with ${t.prefix}/.
  acl prefix_a path -m str ${t.prefix}
  acl prefix_a path -m beg ${t.prefix}/
  http-request return status 404 if !route_host
  use_backend backend_a if prefix_a
  default_backend backend_b

backend backend_a
  http-reuse always
  server a ${t.backendA.host}:${t.backendA.port}

backend backend_b
  http-reuse always
  server b ${t.backendB.host}:${t.backendB.port}
`;
}
