// Note steps describe checks of the official tests that the case format cannot express. The ones below are
// carried out by the runner, recognised by their wording; a case with any other note is reported as
// partially covered.

import { findItem } from './status.ts';
import type { Suite } from './suite.ts';
import type { Obj } from './manifests.ts';

/** What a case has done so far that a note may refer to. */
export interface CaseState {
  /** Manifest files the case wrote. */
  applied: string[];
  /** metadata.generation of objects just before a merge patch, by `Kind/namespace/name`. */
  generationBeforePatch: Map<string, number>;
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

/** The action a note asks for, or null when the runner cannot carry it out. */
export function noteAction(text: string): NoteAction | null {
  let m = /Pods of Deployment ([\w.-]+)\/([\w.-]+) and merge-patches each EndpointSlice/.exec(text);
  if (m !== null && text.includes('setupEndpointSlices')) return fillEndpointSlices(m[1], m[2]);
  m = /reads (GatewayClass|Gateway|HTTPRoute|BackendTLSPolicy) (?:([\w.-]+)\/)?([\w.-]+) before and after the merge patch above and requires metadata\.generation to have changed/.exec(text);
  if (m !== null) return generationChanged(m[1], m[2], m[3]);
  m = /^HTTPRouteMustHaveNoAcceptedParents\(([\w.-]+)\/([\w.-]+)\)/.exec(text);
  if (m !== null) return atMostOneParent(m[1], m[2]);
  if (/^kubernetes\.NamespacesMustBeReady\(/.test(text)) return podsReady;
  if (/^GatewayMustHaveZeroRoutes\(/.test(text) && text.includes('The expect-status step above expresses the second form')) return coveredByStep;
  if (/&uuid=<fresh random UUID>/.test(text)) return coveredByStep; // http.ts appends a fresh uuid to /retry/ probes.
  if (/HTTP\/2 with prior knowledge/.test(text)) return coveredByStep; // request.protocol h2c is sent so.
  if (/^websocket step above, exactly as the official test does it/.test(text)) return coveredByStep; // websocket.ts.
  if (/^The weights step above follows the official weight\.TestWeightedDistribution/.test(text)) return coveredByStep; // weights.ts.
  return null;
}
