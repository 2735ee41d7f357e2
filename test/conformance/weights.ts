// The `weights` step for HTTP: many requests, and the share each backend answers must be within tolerance of
// its expected share (the official weight.TestWeightedDistribution: 10 requests at a time, half of them with
// an X-Jitter header, a zero-share backend must get nothing, up to 10 attempts).

import { randomInt } from 'node:crypto';
import { sendRequest } from './client.ts';
import { parseEcho } from './http.ts';
import type { HttpTarget } from './http.ts';

export interface WeightsStep {
  gateway: { name: string; namespace?: string };
  protocol?: string;
  request: { host?: string; path?: string; headers?: Record<string, string> };
  expected: Record<string, number>;
  requests?: number;
  tolerance?: number;
}

/** Which expected backend a pod belongs to: the longest backend name its name starts with. */
export function backendOf(pod: string, backends: readonly string[]): string | null {
  let best: string | null = null;
  for (const b of backends) if (pod.startsWith(`${b}-`) && (best === null || b.length > best.length)) best = b;
  return best;
}

/** Why counts do not match the expected shares, or null when they do. */
export function distributionMismatch(counts: Record<string, number>, expected: Record<string, number>, total: number, tolerance: number): string | null {
  for (const [backend, share] of Object.entries(expected)) {
    const got = counts[backend] ?? 0;
    if (share === 0 && got > 0) return `${backend} should get no request, got ${got}`;
    const actual = got / total;
    if (Math.abs(actual - share) > tolerance) return `${backend} got ${(actual * 100).toFixed(1)}%, want ${(share * 100).toFixed(1)}% ± ${(tolerance * 100).toFixed(1)}`;
  }
  return null;
}

async function oneAttempt(step: WeightsStep, target: HttpTarget, namespace: string): Promise<string | null> {
  const total = step.requests ?? 500;
  const backends = Object.keys(step.expected);
  const counts: Record<string, number> = {};
  let sent = 0;
  let problem: string | null = null;
  const worker = async (): Promise<void> => {
    while (sent < total && problem === null) {
      sent++;
      const headers = { ...(step.request.headers ?? {}) };
      if (randomInt(2) === 0) headers['X-Jitter'] = String(randomInt(10_000));
      try {
        const res = await sendRequest({
          address: target.address, port: target.port, scheme: 'http', method: 'GET',
          host: step.request.host ?? '', path: step.request.path ?? '/', headers, timeoutMs: 5000,
        });
        const echo = parseEcho(res.body);
        if (res.status !== 200 || echo === null) {
          problem = `got status ${res.status}`;
          return;
        }
        const backend = backendOf(echo.pod, backends);
        if (echo.namespace !== namespace || backend === null) {
          problem = `answered by ${echo.namespace}/${echo.pod}, which is not a listed backend`;
          return;
        }
        counts[backend] = (counts[backend] ?? 0) + 1;
      } catch (err) {
        problem = `request failed: ${(err as Error).message}`;
      }
    }
  };
  await Promise.all(Array.from({ length: 10 }, worker));
  return problem ?? distributionMismatch(counts, step.expected, total, step.tolerance ?? 0.05);
}

export async function runWeightsStep(step: WeightsStep, target: HttpTarget, timeoutMs: number): Promise<string | null> {
  if (step.protocol !== undefined && step.protocol !== 'http') return `unsupported step kind: weights over ${step.protocol}`;
  const deadline = Date.now() + timeoutMs;
  let last = 'no attempt made';
  for (let attempt = 0; attempt < 10 && Date.now() < deadline; attempt++) {
    const why = await oneAttempt(step, target, step.gateway.namespace ?? 'default');
    if (why === null) return null;
    last = why;
  }
  return last;
}
