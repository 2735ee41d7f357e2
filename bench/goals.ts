// The targets, checked against one run's figures. Informational: a slow number never fails the
// run (the smoke run's numbers mean nothing), but the table says at a glance where onramp stands.

import type { ReloadResult } from './reload.ts';
import type { ScaleResult } from './scale.ts';
import { fmtInt, fmtMB, fmtMs, fmtRatio, median, table } from './table.ts';
import type { TargetSummary } from './throughput.ts';

interface Goal {
  goal: string;
  measured: string;
  met: boolean | null;
}

export function goalsTable(throughput: readonly TargetSummary[] | null, scale: ScaleResult | null, reload: ReloadResult | null): string {
  const goals: Goal[] = [];
  const onramp = throughput?.find((s) => s.name === 'onramp' && s.rounds.length > 0);
  const undici = throughput?.find((s) => s.name === 'undici' && s.rounds.length > 0);
  if (onramp) {
    goals.push({ goal: 'HTTP/1.1 keep-alive req/s ≥ 0.5× nginx', measured: fmtRatio(onramp.rpsVsNginx), met: onramp.rpsVsNginx >= 0.5 });
    goals.push({ goal: 'p99 ≤ 2× nginx', measured: fmtRatio(onramp.p99VsNginx), met: onramp.p99VsNginx <= 2 });
    if (undici) goals.push({ goal: 'req/s ahead of the undici baseline', measured: `${fmtInt(onramp.rps)} vs ${fmtInt(undici.rps)}`, met: onramp.rps > undici.rps });
  }
  const big = scale?.samples.filter((s) => s.routes >= 10_000 && s.liveMs !== undefined) ?? [];
  for (const s of big) {
    const where = s.layout === 'hostnames' ? '100 hostnames' : '100 Gateways';
    goals.push({ goal: `10,000 HTTPRoutes (${where}) live in < 1 s`, measured: fmtMs(s.liveMs ?? NaN), met: (s.liveMs ?? Infinity) < 1000 });
    goals.push({ goal: `10,000 HTTPRoutes (${where}) in < 200 MB RSS`, measured: fmtMB(s.maxRss ?? NaN), met: (s.maxRss ?? Infinity) < 200 * 2 ** 20 });
  }
  const live = scale?.live;
  if (live && live.routes >= 10_000) {
    const change = median(live.changeMs);
    goals.push({ goal: 'one-route change live in < 100 ms at 10,000 routes', measured: fmtMs(change), met: change < 100 });
    const ratio = live.rpsMany / live.rpsFew;
    goals.push({ goal: 'req/s with 10,000 routes ≥ 0.9× with 10', measured: fmtRatio(ratio), met: ratio >= 0.9 });
  }
  if (reload && !reload.unavailable && reload.changes >= 100) {
    goals.push({ goal: 'zero failed requests across 100 reloads', measured: `${reload.failed} of ${fmtInt(reload.requests)}`, met: reload.failed === 0 && reload.applied === reload.changes });
  }
  if (goals.length === 0) return '## Targets\n\nnothing to check (smoke run, or onramp not measured)\n';
  return `## Targets\n\n${table(['target', 'measured', 'met'], goals.map((g) => [g.goal, g.measured, g.met ? 'yes' : 'no']))}\n`;
}
