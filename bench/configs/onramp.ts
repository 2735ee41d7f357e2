// onramp's input for the benchmarks: the same Gateway API manifests a user would write (GatewayClass,
// Gateway, HTTPRoute, Services without selector and their EndpointSlices), as objects and as YAML.

import { stringify } from 'yaml';
import type { KubeObject } from '../../src/api/types.ts';
import { DEFAULT_CONTROLLER_NAME } from '../../src/features.ts';
import type { HostPort, Topology } from './topology.ts';

const GW = 'gateway.networking.k8s.io/v1';
export const CLASS_NAME = 'onramp-bench';

export function gatewayClass(): KubeObject {
  return { apiVersion: GW, kind: 'GatewayClass', metadata: { name: CLASS_NAME }, spec: { controllerName: DEFAULT_CONTROLLER_NAME } } as KubeObject;
}

export function gateway(name: string, address: string, port: number): KubeObject {
  return {
    apiVersion: GW,
    kind: 'Gateway',
    metadata: { name, namespace: 'default' },
    spec: {
      gatewayClassName: CLASS_NAME,
      addresses: [{ type: 'IPAddress', value: address }],
      listeners: [{ name: 'http', port, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'Same' } } }],
    },
  } as KubeObject;
}

/** A Service without selector on port 80 and the EndpointSlice that points it at `target`. */
export function service(name: string, target: HostPort): KubeObject[] {
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: 'default' },
      spec: { ports: [{ name: 'http', port: 80, targetPort: target.port, protocol: 'TCP' }] },
    } as KubeObject,
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: `${name}-1`, namespace: 'default', labels: { 'kubernetes.io/service-name': name } },
      addressType: 'IPv4',
      endpoints: [{ addresses: [target.host], conditions: { ready: true } }],
      ports: [{ name: 'http', port: target.port, protocol: 'TCP' }],
    } as KubeObject,
  ];
}

export interface RouteOptions {
  name: string;
  gateway: string;
  hostname: string;
  /** Rule 1: PathPrefix → backend-a. */
  prefix: string;
  /** Rule 2 (no match: PathPrefix /) → backend-b, when set. */
  fallback?: boolean;
  /** A ResponseHeaderModifier on rule 1 that sets this header, so a reload is visible in responses. */
  responseHeader?: { name: string; value: string };
}

export function httpRoute(o: RouteOptions): KubeObject {
  const rules: unknown[] = [
    {
      matches: [{ path: { type: 'PathPrefix', value: o.prefix } }],
      ...(o.responseHeader
        ? { filters: [{ type: 'ResponseHeaderModifier', responseHeaderModifier: { set: [o.responseHeader] } }] }
        : {}),
      backendRefs: [{ name: 'backend-a', port: 80 }],
    },
  ];
  if (o.fallback) rules.push({ backendRefs: [{ name: 'backend-b', port: 80 }] });
  return {
    apiVersion: GW,
    kind: 'HTTPRoute',
    metadata: { name: o.name, namespace: 'default' },
    spec: { parentRefs: [{ name: o.gateway }], hostnames: [o.hostname], rules },
  } as KubeObject;
}

/** The comparison config: one Gateway, one HTTPRoute with the routing of topology.ts. */
export function benchObjects(t: Topology, responseHeader?: { name: string; value: string }): KubeObject[] {
  return [
    gatewayClass(),
    gateway('bench', t.listen.host, t.listen.port),
    httpRoute({ name: 'api', gateway: 'bench', hostname: t.hostname, prefix: t.prefix, fallback: true, responseHeader }),
    ...service('backend-a', t.backendA),
    ...service('backend-b', t.backendB),
  ];
}

export type ScaleLayout = 'hostnames' | 'gateways';

export interface ScaleOptions {
  routes: number;
  /** `hostnames`: one Gateway, routes spread over 100 hostnames; `gateways`: routes spread over 100 Gateways. */
  layout: ScaleLayout;
  port: number;
  /** Gateway addresses: one for `hostnames`, 100 for `gateways`. */
  addresses: readonly string[];
  backendA: HostPort;
  backendB: HostPort;
}

export const SCALE_SPREAD = 100;

/** Route i: hostname h{i mod 100}.example.com, PathPrefix /r{i}, attached to Gateway g{i mod 100} or g0. */
export function scaleRouteOf(i: number, o: Pick<ScaleOptions, 'layout' | 'addresses' | 'port'>): { name: string; gateway: string; hostname: string; prefix: string; address: string } {
  const spread = i % SCALE_SPREAD;
  const g = o.layout === 'gateways' ? spread : 0;
  return { name: `r${i}`, gateway: `g${g}`, hostname: `h${spread}.example.com`, prefix: `/r${i}`, address: o.addresses[g] };
}

export function scaleObjects(o: ScaleOptions, change?: { route: number; prefix: string }): KubeObject[] {
  const gateways = o.layout === 'gateways' ? SCALE_SPREAD : 1;
  const objects: KubeObject[] = [gatewayClass()];
  for (let g = 0; g < gateways; g++) objects.push(gateway(`g${g}`, o.addresses[g], o.port));
  for (let i = 0; i < o.routes; i++) {
    const r = scaleRouteOf(i, o);
    const prefix = change && change.route === i ? change.prefix : r.prefix;
    objects.push(httpRoute({ name: r.name, gateway: r.gateway, hostname: r.hostname, prefix }));
  }
  objects.push(...service('backend-a', o.backendA), ...service('backend-b', o.backendB));
  return objects;
}

export function toYaml(objects: readonly KubeObject[]): string {
  return objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n');
}
