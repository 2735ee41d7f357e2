// What every proxy in the comparison serves, so that all of them route the same way:
//   Host api.example.com, PathPrefix /v1 → backend A; any other path of that host → backend B;
//   any other host → 404.

export interface HostPort {
  host: string;
  port: number;
}

export interface Topology {
  /** Where the proxy under test listens. */
  listen: HostPort;
  backendA: HostPort;
  backendB: HostPort;
  hostname: string;
  /** The PathPrefix that goes to backend A (no trailing slash). */
  prefix: string;
  /** Idle keep-alive connections each proxy keeps to each backend. */
  upstreamKeepalive: number;
}

export const BENCH_HOSTNAME = 'api.example.com';
export const BENCH_PREFIX = '/v1';
/** What the backend answers on each port; the routing check reads it. */
export const BODY_A = 'A\n';
export const BODY_B = 'B\n';
