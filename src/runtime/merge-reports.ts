// Each worker opens the same sockets (the primary binds them once and shares them), so each reports on the
// same ports. Merged, a port that failed in any worker is reported failed (and not listening), so the
// bind-status logic marks its listeners not Programmed as it does for one process.
import type { ApplyReport } from '../dataplane/types.ts';

function byKey(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One report for all workers. Pure; the first error seen for a port is the one reported. */
export function mergeApplyReports(reports: readonly ApplyReport[]): ApplyReport {
  const failed = new Map<string, string>();
  for (const r of reports) for (const f of r.failed) if (!failed.has(f.key)) failed.set(f.key, f.error);
  const listening = new Set<string>();
  for (const r of reports) for (const key of r.listening) if (!failed.has(key)) listening.add(key);
  return {
    listening: [...listening].sort(byKey),
    failed: [...failed.keys()].sort(byKey).map((key) => ({ key, error: failed.get(key)! })),
  };
}
