// Note steps describe checks of the official tests that the case format cannot express. The ones below are
// carried out by the runner, recognised by their wording; a case with any other note is reported as
// partially covered.

import { randomUUID } from 'node:crypto';
import { sendRequest } from './client.ts';
import { addQuery, parseEcho, roundTripMismatch } from './http.ts';
import type { HttpStep } from './http.ts';
import { findItem } from './status.ts';
import type { Suite } from './suite.ts';
import type { Obj } from './manifests.ts';

/** What a case has done so far that a note may refer to. */
export interface CaseState {
  /** Manifest files the case wrote. */
  applied: string[];
  /** metadata.generation of objects just before a merge patch, by `Kind/namespace/name`. */
  generationBeforePatch: Map<string, number>;
  /** The last http step run, for notes that say "the step above". */
  lastHttp?: HttpStep;
  /** The Gateway of the last expect-status step about a Gateway. */
  lastGateway?: { name: string; namespace?: string };
}

/**
 * Extra expectations a note adds to the http step just before it (CORS cases): response headers with a set
 * of valid values, and whitespace-insensitive header comparison. Null when the note adds none.
 */
export function httpExtras(text: string): Pick<HttpStep, 'validHeaderValues' | 'ignoreWhitespace'> | null {
  if (!/^http step above \(/.test(text) || !text.includes('ValidHeaderValues')) return null;
  const validHeaderValues: Record<string, string[]> = {};
  for (const m of text.matchAll(/response header ([\w-]+) present with a value equal to one of ((?:'[^']*'(?: \| )?)+)/g)) {
    validHeaderValues[m[1]] = [...m[2].matchAll(/'([^']*)'/g)].map((v) => v[1]);
  }
  return { validHeaderValues, ignoreWhitespace: text.includes('IgnoreWhitespace: true') };
}

export type NoteAction = (suite: Suite, state: CaseState, timeoutMs: number) => Promise<string | null>;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The official setupEndpointSlices: fill the case's manual IPv4 EndpointSlices with a Deployment's pod IPs. */
function fillEndpointSlices(namespace: string, deployment: string): NoteAction {
  return async (suite, state) => {
    const pods = suite.pods.of(namespace, deployment);
    if (pods.length === 0) return `no pods of Deployment ${namespace}/${deployment}`;
    for (const file of state.applied) {
      const slices = suite.folder.objectsOf(file).filter((o) => o.kind === 'EndpointSlice' && (o as Obj & { addressType?: string }).addressType === 'IPv4');
      for (const s of slices) {
        suite.folder.patch('EndpointSlice', s.metadata.name, s.metadata.namespace, {
          endpoints: pods.map((p) => ({
            addresses: [p.address],
            conditions: { ready: true, serving: true, terminating: false },
            targetRef: { kind: 'Pod', name: p.name, namespace: p.namespace },
          })),
        });
      }
    }
    return null;
  };
}

/** The official tests' check that a merge patch bumped metadata.generation. */
function generationChanged(kind: string, namespace: string | undefined, name: string): NoteAction {
  return async (suite, state, timeoutMs) => {
    const key = `${kind}/${namespace ?? ''}/${name}`;
    const before = state.generationBeforePatch.get(key);
    if (before === undefined) return `no generation of ${key} was read before a patch`;
    const deadline = Date.now() + timeoutMs;
    let now: number | undefined;
    for (;;) {
      const item = findItem(await suite.gateway!.statusItems(), kind, name, namespace);
      now = item?.metadata.generation;
      if (now !== undefined && now !== before) return null;
      if (Date.now() >= deadline) return `${key}: metadata.generation stayed ${before} after the patch`;
      await sleep(200);
    }
  };
}

/** HTTPRouteMustHaveNoAcceptedParents: besides the Accepted=False entry, at most one parent entry. */
function atMostOneParent(namespace: string, name: string): NoteAction {
  return async (suite) => {
    const item = findItem(await suite.gateway!.statusItems(), 'HTTPRoute', name, namespace);
    const parents = (item?.status?.parents ?? []) as unknown[];
    return parents.length <= 1 ? null : `HTTPRoute ${namespace}/${name} has ${parents.length} parent statuses, want at most 1`;
  };
}

/** Every pod the runner started is serving before its EndpointSlice lists it, so pods are Ready. */
const podsReady: NoteAction = async () => null;

/** The official check is looser than the expect-status step before it, which the runner has already done. */
const coveredByStep: NoteAction = async () => null;

/** The official follow-up loop of HTTPRouteRequestHeaderModifierBackendWeights: each answer's `Backend` header names its pod. */
function backendHeaderLoop(count: number, path: string): NoteAction {
  return async (suite, state) => {
    const last = state.lastHttp;
    if (last === undefined) return 'no http step before the follow-up loop';
    const target = await suite.target(last.gateway, 'http');
    if (typeof target === 'string') return target;
    for (let i = 0; i < count; i++) {
      const res = await sendRequest({ address: target.address, port: target.port, scheme: 'http', method: 'GET', host: last.request.host ?? '', path, headers: {}, timeoutMs: 5000 });
      const echo = parseEcho(res.body);
      const values = echo === null ? [] : (Object.entries(echo.headers).find(([k]) => k.toLowerCase() === 'backend')?.[1] ?? []);
      if (values.length !== 1) return `request ${i + 1}: backend got ${values.length} Backend header values, want 1`;
      if (echo === null || !echo.pod.startsWith(values[0])) return `request ${i + 1}: Backend: ${values[0]} reached pod ${echo?.pod}`;
    }
    return null;
  };
}

/** The official testMirroredRequestsDistribution: the share of a batch a percentage mirror receives. */
function mirrorDistribution(mirror: string, batch: number, low: number, high: number): NoteAction {
  return async (suite, state) => {
    const step = state.lastHttp;
    if (step === undefined) return 'no http step before the mirror distribution check';
    const target = await suite.target(step.gateway, step.scheme ?? 'http');
    if (typeof target === 'string') return target;
    const namespace = step.mirroredTo?.find((m) => m.name === mirror)?.namespace ?? step.gateway.namespace ?? 'default';
    let last = 'no batch sent';
    for (let attempt = 0; attempt < 5; attempt++) {
      const path = addQuery(step.request.path ?? '/', 'gateway-api-conformance-request-id', randomUUID());
      let sent = 0;
      let problem: string | null = null;
      const worker = async (): Promise<void> => {
        while (sent < batch && problem === null) {
          sent++;
          let why: string | null = 'not sent';
          for (let tries = 0; tries < 3 && why !== null; tries++) {
            try {
              const res = await sendRequest({ address: target.address, port: target.port, scheme: step.scheme ?? 'http', method: step.request.method ?? 'GET', host: step.request.host ?? '', path, headers: step.request.headers ?? {}, ca: target.ca, timeoutMs: 5000 });
              why = roundTripMismatch(step, res, { path, scheme: step.scheme ?? 'http', host: step.request.host ?? '' });
            } catch (err) {
              why = (err as Error).message;
            }
          }
          if (why !== null) problem = why;
        }
      };
      await Promise.all(Array.from({ length: 10 }, worker));
      if (problem !== null) return `mirror batch request: ${problem}`;
      await sleep(500);
      const count = suite.pods.pods
        .filter((p) => p.namespace === namespace && p.deployment === mirror)
        .reduce((n, p) => n + (p.echo?.requests.filter((r) => r.path === path).length ?? 0), 0);
      if (count >= low && count <= high) return null;
      last = `${mirror} received ${count} of ${batch} mirrored requests, want ${low} to ${high}`;
      await sleep(2000);
    }
    return last;
  };
}

interface StatusAddress {
  type?: string;
  value?: string;
}

async function gatewayAddresses(suite: Suite, name: string, namespace: string | undefined): Promise<StatusAddress[]> {
  const item = findItem(await suite.gateway!.statusItems(), 'Gateway', name, namespace);
  return (item?.status?.addresses ?? []) as StatusAddress[];
}

/** GatewayMustHaveAddress of GatewayStaticAddresses: exactly the usable address, typed as requested. */
function finalAddressCheck(): NoteAction {
  return async (suite, state, timeoutMs) => {
    const gw = state.lastGateway;
    if (gw === undefined) return 'no Gateway step before the address check';
    const usable = suite.options.usableAddresses[0];
    const deadline = Date.now() + timeoutMs;
    let why = '';
    for (;;) {
      const addresses = await gatewayAddresses(suite, gw.name, gw.namespace);
      const values = addresses.map((a) => a.value);
      if (addresses.length !== 1) why = `want exactly 1 status address, have ${values.join(', ') || 'none'}`;
      else if (!values.includes(usable)) why = `status addresses ${values.join(', ')} lack the usable address ${usable}`;
      else if (values.some((v) => suite.options.unusableAddresses.includes(v ?? '') || v === 'fake address teehee!')) why = `status addresses ${values.join(', ')} hold an unusable address`;
      else if (addresses[0].type !== 'IPAddress') why = `status address type ${addresses[0].type}, want IPAddress`;
      else return null;
      if (Date.now() >= deadline) return why;
      await sleep(200);
    }
  };
}

/** WaitForGatewayAddress: at least one status address with its type set. */
function typedAddress(name: string): NoteAction {
  return async (suite, state, timeoutMs) => {
    const namespace = state.lastGateway?.namespace ?? 'gateway-conformance-infra';
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const addresses = await gatewayAddresses(suite, name, namespace);
      if (addresses.some((a) => typeof a.type === 'string' && a.type !== '')) return null;
      if (Date.now() >= deadline) return `Gateway ${namespace}/${name} has no typed status address`;
      await sleep(200);
    }
  };
}

/** The action a note asks for, or null when the runner cannot carry it out. */
export function noteAction(text: string): NoteAction | null {
  let m = /Pods of Deployment ([\w.-]+)\/([\w.-]+) and merge-patches each EndpointSlice/.exec(text);
  if (m !== null && text.includes('setupEndpointSlices')) return fillEndpointSlices(m[1], m[2]);
  m = /reads (GatewayClass|Gateway|HTTPRoute|BackendTLSPolicy) (?:([\w.-]+)\/)?([\w.-]+) before and after the merge patch above and requires metadata\.generation to have changed/.exec(text);
  if (m !== null) return generationChanged(m[1], m[2], m[3]);
  m = /^The official test reads (GatewayClass|Gateway|HTTPRoute|BackendTLSPolicy) (?:([\w.-]+)\/)?([\w.-]+) before the patch and again after the checks above, and requires metadata\.generation to differ/.exec(text);
  if (m !== null) return generationChanged(m[1], m[2], m[3]);
  m = /^HTTPRouteMustHaveNoAcceptedParents\(([\w.-]+)\/([\w.-]+)\)/.exec(text);
  if (m !== null) return atMostOneParent(m[1], m[2]);
  m = /^Official follow-up loop: send (\d+) more requests GET (\S+) through [\w.-]+, one after another, without retries\..*the request header `Backend`/.exec(text);
  if (m !== null) return backendHeaderLoop(Number(m[1]), m[2]);
  m = /testMirroredRequestsDistribution\) of the route's \d+% mirror to ([\w.-]+): .*send a batch of (\d+) requests .*The batch passes if (\d+) <= count <= (\d+)/.exec(text);
  if (m !== null) return mirrorDistribution(m[1], Number(m[2]), Number(m[3]), Number(m[4]));
  if (httpExtras(text) !== null) return coveredByStep; // Merged into the http step before it (run.ts).
  if (/^CORS preflight \(OPTIONS\) steps below: the official test sets ExpectedRequest\{Method: OPTIONS, Host: "", Path: ""/.test(text)) return coveredByStep; // http.ts compares so.
  if (/^Setup required by the official test \(suite options UsableNetworkAddresses \/ UnusableNetworkAddresses\)/.test(text)) return coveredByStep; // manifests.ts substitutes so.
  if (/^Final address check: within \d+s \(GatewayMustHaveAddress\) status\.addresses must have exactly 1 entry/.test(text)) return finalAddressCheck();
  m = /^WaitForGatewayAddress\(([\w.-]+), listener [\w.-]+\)/.exec(text);
  if (m !== null && text.includes('must report at least one entry in status.addresses whose type is set')) return typedAddress(m[1]);
  if (/^kubernetes\.NamespacesMustBeReady\(/.test(text)) return podsReady;
  if (/^GatewayMustHaveZeroRoutes\(/.test(text) && text.includes('The expect-status step above expresses the second form')) return coveredByStep;
  if (/&uuid=<fresh random UUID>/.test(text)) return coveredByStep; // http.ts appends a fresh uuid to /retry/ probes.
  if (/HTTP\/2 with prior knowledge/.test(text)) return coveredByStep; // request.protocol h2c is sent so.
  if (/^websocket step above, exactly as the official test does it/.test(text)) return coveredByStep; // websocket.ts.
  if (/^The weights step above follows the official weight\.TestWeightedDistribution/.test(text)) return coveredByStep; // weights.ts.
  return null;
}
