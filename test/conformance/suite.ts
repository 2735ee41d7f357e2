// One conformance run's world: the manifest folder onramp watches, the backend pods and their
// EndpointSlices, the suite's certificates and the onramp process, with what steps need to reach them.

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { endpointSlices, Pods } from './backends.ts';
import type { Pod } from './backends.ts';
import { generateSuiteCertificates, readSuiteSpec } from './certs.ts';
import type { SuiteCertificates } from './certs.ts';
import { freePort, GatewayProcess, ManifestFolder } from './gateway.ts';
import { conformanceGatewayClass, objectKey, readManifests } from './manifests.ts';
import type { Obj, Substitutions } from './manifests.ts';
import { findItem, statusMismatch } from './status.ts';
import type { ExpectStatus } from './status.ts';
import type { HttpTarget } from './http.ts';

export interface SuiteOptions {
  repoRoot: string;
  conformanceDir: string;
  controllerName: string;
  gatewayClassName: string;
  addressPool: string;
  backendAddresses: readonly string[];
  usableAddresses: readonly string[];
  unusableAddresses: readonly string[];
  statusTimeoutMs: number;
  logLevel: string;
  keepTemp: boolean;
}

const ENDPOINTSLICES_FILE = '03-endpointslices.yaml';

export class Suite {
  readonly options: SuiteOptions;
  readonly tempDir: string;
  readonly folder: ManifestFolder;
  readonly pods: Pods;
  certs: SuiteCertificates | null = null;
  gateway: GatewayProcess | null = null;
  /** Running pods per Deployment key. */
  private readonly deployments = new Map<string, Pod[]>();
  private readonly sliceNames = new Map<string, string>();

  constructor(options: SuiteOptions) {
    this.options = options;
    this.tempDir = mkdtempSync(path.join(os.tmpdir(), 'onramp-conformance-'));
    const subs: Substitutions = {
      gatewayClassName: options.gatewayClassName,
      controllerName: options.controllerName,
      usableAddresses: options.usableAddresses,
      unusableAddresses: options.unusableAddresses,
    };
    this.folder = new ManifestFolder(path.join(this.tempDir, 'manifests'), subs);
    this.pods = new Pods(options.backendAddresses);
  }

  get logFile(): string {
    return path.join(this.tempDir, 'onramp.log');
  }

  /** Setup as the official suite does it (suite.yaml): class, base manifests, certificates, readiness. */
  async setUp(): Promise<void> {
    const o = this.options;
    const subs = { gatewayClassName: o.gatewayClassName, controllerName: o.controllerName, usableAddresses: [], unusableAddresses: [] };
    this.folder.write('00-gatewayclass.yaml', [conformanceGatewayClass(subs)]);
    this.folder.write('01-base.yaml', readManifests(path.join(o.conformanceDir, 'base/manifests.yaml')));
    this.certs = await generateSuiteCertificates(readSuiteSpec(path.join(o.conformanceDir, 'suite.yaml')), path.join(this.tempDir, 'certs'));
    this.folder.write('02-suite.yaml', this.certs.objects);
    await this.sync();
    this.gateway = new GatewayProcess({
      repoRoot: o.repoRoot,
      manifestDir: this.folder.dir,
      controllerName: o.controllerName,
      addressPool: o.addressPool,
      adminPort: await freePort(),
      logFile: this.logFile,
      logLevel: o.logLevel,
    });
    this.gateway.start();
    await this.gateway.waitReady(30_000);
    const ready = (name: string): ExpectStatus => ({
      kind: 'Gateway',
      name,
      namespace: 'gateway-conformance-infra',
      conditions: [{ type: 'Accepted', status: 'True' }, { type: 'Programmed', status: 'True' }],
      observedGenerationCurrent: true,
    });
    const classReady: ExpectStatus = { kind: 'GatewayClass', name: o.gatewayClassName, conditions: [{ type: 'Accepted', status: 'True' }], observedGenerationCurrent: true };
    for (const want of [classReady, ...['same-namespace', 'same-namespace-with-https-listener', 'all-namespaces', 'backend-namespaces'].map(ready)]) {
      const why = await this.waitStatus(want, Math.max(o.statusTimeoutMs, 30_000));
      if (why !== null) throw new Error(`setup: ${why}`);
    }
  }

  /** Starts and stops pods to match the applied Deployments, then rewrites the EndpointSlices. */
  async sync(): Promise<void> {
    const objects = this.folder.objects();
    const wanted = new Map(objects.filter((x) => x.kind === 'Deployment').map((d) => [objectKey(d), d]));
    for (const [key, pods] of this.deployments) {
      if (!wanted.has(key)) {
        await this.pods.stop(pods);
        this.deployments.delete(key);
      }
    }
    for (const [key, deployment] of wanted) {
      if (!this.deployments.has(key)) this.deployments.set(key, await this.pods.start(deployment));
    }
    this.folder.write(ENDPOINTSLICES_FILE, endpointSlices(objects, this.pods.pods, this.sliceNames));
  }

  /** Polls the status until `want` holds; returns null, or the last reason it did not. */
  async waitStatus(want: ExpectStatus, timeoutMs = this.options.statusTimeoutMs): Promise<string | null> {
    const gateway = this.gateway as GatewayProcess;
    const deadline = Date.now() + timeoutMs;
    let last = 'no status read';
    for (;;) {
      if (gateway.failure !== null) return gateway.failure;
      try {
        const why = statusMismatch(await gateway.statusItems(), want, this.options.controllerName);
        if (why === null) return null;
        last = why;
      } catch (err) {
        last = (err as Error).message;
      }
      if (Date.now() >= deadline) return last;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Waits until none of `objects` shows up in the status any more (after a case removed them). */
  async waitGone(objects: readonly Obj[], timeoutMs: number): Promise<void> {
    const gateway = this.gateway as GatewayProcess;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      try {
        const items = await gateway.statusItems();
        if (!objects.some((o) => findItem(items, o.kind, o.metadata.name, o.metadata.namespace) !== undefined)) return;
      } catch {
        // The admin API may be busy; try again.
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Where to send traffic for a Gateway: its first status address and the port of its first matching listener. */
  async target(gw: { name: string; namespace?: string }, scheme: 'http' | 'https', listenerPort?: number): Promise<HttpTarget | string> {
    const items = await (this.gateway as GatewayProcess).statusItems();
    const item = findItem(items, 'Gateway', gw.name, gw.namespace);
    if (item === undefined) return `Gateway ${gw.namespace}/${gw.name} not found in status`;
    const addresses = (item.status?.addresses ?? []) as { value: string }[];
    if (addresses.length === 0) return `Gateway ${gw.namespace}/${gw.name} has no status.addresses`;
    const listeners = ((item.spec?.listeners ?? []) as { protocol: string; port: number }[]);
    const port = listenerPort ?? listeners.find((l) => l.protocol === scheme.toUpperCase())?.port;
    if (port === undefined) return `Gateway ${gw.namespace}/${gw.name} has no ${scheme.toUpperCase()} listener`;
    const certs = this.certs as SuiteCertificates;
    // HTTPS steps trust the suite's self-signed server certificate and its CAs.
    const ca = [...[...certs.secrets.values()].map((p) => p.cert), ...[...certs.cas.values()].map((p) => p.cert)];
    return { address: addresses[0].value, port, ca };
  }

  async tearDown(): Promise<void> {
    await this.gateway?.stop();
    await this.pods.stopAll();
    if (!this.options.keepTemp) rmSync(this.tempDir, { recursive: true, force: true });
  }
}
