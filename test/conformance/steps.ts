// Runs the steps of one case against a running suite. Each step returns null when it holds, or why not.

import path from 'node:path';
import type { Case, Step } from './cases.ts';
import { resolveManifest } from './cases.ts';
import { runHttpStep } from './http.ts';
import type { HttpStep, HttpTarget } from './http.ts';
import { readManifests } from './manifests.ts';
import type { ExpectStatus } from './status.ts';
import { findItem } from './status.ts';
import type { GatewayProcess } from './gateway.ts';
import { noteAction } from './notes.ts';
import type { CaseState } from './notes.ts';
import type { Suite } from './suite.ts';
import { runWeightsStep } from './weights.ts';
import type { WeightsStep } from './weights.ts';
import { runWebSocketStep } from './websocket.ts';
import type { WebSocketStep } from './websocket.ts';

export interface StepTimeouts {
  statusMs: number;
  httpMs: number;
  /** Consecutive good answers an eventually consistent check needs. */
  consecutive: number;
}

async function mirrorCheck(suite: Suite, mirrors: readonly { name: string; namespace?: string }[], sentPath: string, fallbackNs: string): Promise<string | null> {
  const deadline = Date.now() + 5000;
  for (const m of mirrors) {
    const namespace = m.namespace ?? fallbackNs;
    const service = suite.folder.objects().find((o) => o.kind === 'Service' && o.metadata.name === m.name && (o.metadata.namespace ?? 'default') === namespace);
    const selector = (service?.spec as { selector?: Record<string, string> } | undefined)?.selector ?? {};
    const pods = suite.pods.pods.filter((p) => p.namespace === namespace && Object.entries(selector).every(([k, v]) => p.labels[k] === v));
    for (;;) {
      if (pods.some((p) => p.echo?.requests.some((r) => r.path === sentPath))) break;
      if (Date.now() > deadline) return `mirror ${namespace}/${m.name} did not receive ${sentPath}`;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return null;
}

async function httpStep(suite: Suite, step: HttpStep, t: StepTimeouts): Promise<string | null> {
  const scheme = step.scheme ?? 'http';
  const deadline = Date.now() + t.statusMs;
  // The Gateway may not have its address yet right after its manifest was applied.
  let target = await suite.target(step.gateway, scheme, step.listenerPort);
  while (typeof target === 'string' && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    target = await suite.target(step.gateway, scheme, step.listenerPort);
  }
  if (typeof target === 'string') return target;
  const clientCert = step.request.clientCert;
  let withCert: HttpTarget = target;
  if (clientCert !== undefined && clientCert !== '') {
    const pair = suite.certs?.secrets.get(clientCert);
    if (pair === undefined) return `unknown client certificate ${clientCert}`;
    withCert = { ...target, cert: pair.cert, key: pair.key };
  }
  const mirrors = step.mirroredTo ?? [];
  return runHttpStep(step, withCert, {
    timeoutMs: t.httpMs,
    consecutive: t.consecutive,
    checkMirrors: mirrors.length === 0 ? undefined : (sent) => mirrorCheck(suite, mirrors, sent, step.gateway.namespace ?? 'default'),
  });
}

async function plainTarget(suite: Suite, gw: { name: string; namespace?: string }, timeoutMs: number): Promise<HttpTarget | string> {
  const deadline = Date.now() + timeoutMs;
  let target = await suite.target(gw, 'http');
  while (typeof target === 'string' && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    target = await suite.target(gw, 'http');
  }
  return target;
}

export async function runStep(suite: Suite, c: Case, step: Step, t: StepTimeouts, state: CaseState): Promise<string | null> {
  const body = step.body;
  switch (step.kind) {
    case 'expect-status': {
      const want = body as unknown as ExpectStatus;
      if (want.kind === 'Gateway') state.lastGateway = { name: want.name, namespace: want.namespace };
      return suite.waitStatus(want, t.statusMs);
    }
    case 'http': {
      state.lastHttp = body as unknown as HttpStep;
      return httpStep(suite, state.lastHttp, t);
    }
    case 'weights': {
      const w = body as unknown as WeightsStep;
      if (w.protocol !== undefined && w.protocol !== 'http') return `unsupported step kind: weights over ${w.protocol}`;
      const target = await plainTarget(suite, w.gateway, t.statusMs);
      return typeof target === 'string' ? target : runWeightsStep(w, target, Math.max(t.httpMs, 60_000));
    }
    case 'websocket': {
      const ws = body as unknown as WebSocketStep;
      const target = await plainTarget(suite, ws.gateway, t.statusMs);
      return typeof target === 'string' ? target : runWebSocketStep(ws, target, t.httpMs, t.consecutive);
    }
    case 'apply': {
      const a = body as { manifest?: string; patch?: { kind: string; name: string; namespace?: string; mergePatch: unknown } };
      if (a.manifest !== undefined) {
        const file = resolveManifest(a.manifest, c.baseDir, suite.options.conformanceDir);
        const name = `case-${state.applied.length}-${path.basename(file)}`;
        suite.folder.apply(name, readManifests(file));
        state.applied.push(name);
      } else if (a.patch !== undefined) {
        const p = a.patch;
        const item = findItem(await (suite.gateway as GatewayProcess).statusItems(), p.kind, p.name, p.namespace);
        if (item?.metadata.generation !== undefined) state.generationBeforePatch.set(`${p.kind}/${p.namespace ?? ''}/${p.name}`, item.metadata.generation);
        suite.folder.patch(a.patch.kind, a.patch.name, a.patch.namespace, a.patch.mergePatch);
      } else return 'apply step without manifest or patch';
      await suite.sync();
      return null;
    }
    case 'delete': {
      const d = body as { kind: string; name: string; namespace?: string };
      suite.folder.delete(d.kind, d.name, d.namespace);
      await suite.sync();
      return null;
    }
    case 'note': {
      const action = noteAction(String(body.text));
      return action === null ? null : action(suite, state, t.statusMs);
    }
    case 'grpc':
    case 'tls':
    case 'tcp':
    case 'udp':
      return `unsupported step kind: ${step.kind}`;
  }
}
