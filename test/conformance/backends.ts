// What a cluster would run for the conformance manifests: one echo server per Deployment replica (a "pod"),
// each on its own loopback address, and the EndpointSlices the EndpointSlice controller would write for
// every Service with a selector.

import { randomBytes } from 'node:crypto';
import { startEchoServer } from '../../src/echo/server.ts';
import type { EchoServer } from '../../src/echo/server.ts';
import type { Obj } from './manifests.ts';

export interface Pod {
  name: string;
  namespace: string;
  /** The Deployment that owns it. */
  deployment: string;
  labels: Record<string, string>;
  address: string;
  /** Null for pods whose server kind the runner cannot run yet (gRPC, TCP, UDP, DNS). */
  echo: EchoServer | null;
}

/** The default ports of the official echo server (HTTP_PORT and H2C_PORT). */
const HTTP_PORT = 3000;
const H2C_PORT = 3001;

/** Hosts of a CIDR like 127.0.2.0/24 (network and broadcast left out) or of a comma list. */
export function addressRange(spec: string): string[] {
  if (!spec.includes('/')) return spec.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const [base, bitsText] = spec.split('/');
  const bits = Number(bitsText);
  const octets = base.split('.').map(Number);
  if (octets.length !== 4 || octets.some((o) => !(o >= 0 && o <= 255)) || !(bits >= 8 && bits <= 30)) throw new Error(`bad range ${spec}`);
  const start = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  const size = 2 ** (32 - bits);
  const network = start - (start % size);
  const out: string[] = [];
  for (let n = network + 1; n < network + size - 1; n++) out.push([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.'));
  return out;
}

function suffix(length: number): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return [...randomBytes(length)].map((b) => alphabet[b % alphabet.length]).join('');
}

interface Container {
  image?: string;
  env?: { name: string; value?: string }[];
}

/** Which server a Deployment's pods run: the echo server's mode is chosen by environment, as in echo-basic. */
export function serverKind(deployment: Obj): 'http' | 'grpc' | 'tcp' | 'udp' | 'other' {
  const spec = deployment.spec as { template?: { spec?: { containers?: Container[] } } } | undefined;
  const container = spec?.template?.spec?.containers?.[0];
  const env = new Set((container?.env ?? []).map((e) => e.name));
  if (!(container?.image ?? '').includes('echo-basic')) return 'other';
  if (env.has('GRPC_ECHO_SERVER')) return 'grpc';
  if (env.has('TCP_ECHO_SERVER')) return 'tcp';
  if (env.has('UDP_ECHO_SERVER')) return 'udp';
  return 'http';
}

export class Pods {
  readonly pods: Pod[] = [];
  private readonly free: string[];

  constructor(addresses: readonly string[]) {
    this.free = [...addresses];
  }

  /** Starts the pods of a Deployment; they run until `stop`. */
  async start(deployment: Obj): Promise<Pod[]> {
    const spec = deployment.spec as { replicas?: number; template?: { metadata?: { labels?: Record<string, string> } } } | undefined;
    const replicas = spec?.replicas ?? 1;
    const namespace = deployment.metadata.namespace ?? 'default';
    const labels = spec?.template?.metadata?.labels ?? {};
    const kind = serverKind(deployment);
    const template = `${deployment.metadata.name}-${suffix(10)}`;
    const started: Pod[] = [];
    for (let i = 0; i < replicas; i++) {
      const address = this.free.shift();
      if (address === undefined) throw new Error('backend address range exhausted');
      const name = `${template}-${suffix(5)}`;
      const echo =
        kind === 'http'
          ? await startEchoServer({ host: address, port: HTTP_PORT, h2cPort: H2C_PORT, namespace, pod: name })
          : null;
      const pod: Pod = { name, namespace, deployment: deployment.metadata.name, labels, address, echo };
      this.pods.push(pod);
      started.push(pod);
    }
    return started;
  }

  async stop(pods: readonly Pod[]): Promise<void> {
    await Promise.all(pods.map((p) => p.echo?.close()));
    for (const pod of pods) {
      const i = this.pods.indexOf(pod);
      if (i >= 0) this.pods.splice(i, 1);
      this.free.push(pod.address);
    }
  }

  async stopAll(): Promise<void> {
    await this.stop([...this.pods]);
  }

  /** The pods of a Deployment (by namespace and name). */
  of(namespace: string, deployment: string): Pod[] {
    return this.pods.filter((p) => p.namespace === namespace && p.deployment === deployment);
  }
}

function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/**
 * The EndpointSlices of the Services in `objects` that have a selector: one IPv4 slice per Service named
 * SERVICE-xxxxx, labelled kubernetes.io/service-name, with the Service's port names and target ports.
 * Names stay stable across calls through `names`, as a controller updates its slices in place.
 */
export function endpointSlices(objects: readonly Obj[], pods: readonly Pod[], names: Map<string, string>): Obj[] {
  const out: Obj[] = [];
  for (const svc of objects) {
    if (svc.kind !== 'Service') continue;
    const spec = svc.spec as { selector?: Record<string, string>; ports?: { name?: string; port: number; targetPort?: number | string; protocol?: string; appProtocol?: string }[] } | undefined;
    if (spec?.selector === undefined || Object.keys(spec.selector).length === 0) continue;
    const namespace = svc.metadata.namespace ?? 'default';
    const key = `${namespace}/${svc.metadata.name}`;
    let name = names.get(key);
    if (name === undefined) {
      name = `${svc.metadata.name}-${suffix(5)}`;
      names.set(key, name);
    }
    const selector = spec.selector;
    const members = pods.filter((p) => p.namespace === namespace && selects(selector, p.labels));
    out.push({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name,
        namespace,
        labels: { 'kubernetes.io/service-name': svc.metadata.name, 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' },
      },
      addressType: 'IPv4',
      endpoints: members.map((p) => ({
        addresses: [p.address],
        conditions: { ready: true, serving: true, terminating: false },
        targetRef: { kind: 'Pod', name: p.name, namespace: p.namespace },
      })),
      ports: (spec.ports ?? []).map((p) => ({
        name: p.name ?? '',
        // A named targetPort would name a container port; the conformance Deployments declare none.
        port: typeof p.targetPort === 'number' ? p.targetPort : p.port,
        protocol: p.protocol ?? 'TCP',
        ...(p.appProtocol === undefined ? {} : { appProtocol: p.appProtocol }),
      })),
    });
  }
  return out;
}
