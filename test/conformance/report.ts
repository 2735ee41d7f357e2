// The official ConformanceReport (conformance/apis/v1 of Gateway API): per profile, core and extended
// statistics with the failed and skipped tests, the features claimed and not claimed, and a summary.

import { stringify } from 'yaml';
import { caseInProfile, caseIsExtended } from './profiles.ts';
import type { Profile } from './profiles.ts';

export type Outcome = 'passed' | 'failed' | 'skipped' | 'not-supported';

export interface CaseResult {
  name: string;
  profile: string;
  features: string[];
  provisional: boolean;
  outcome: Outcome;
  /** Failed: the first failing step and why. Skipped / not supported: why. */
  reason?: string;
  /** Notes of the case the runner could not carry out. */
  partial?: string[];
  durationMs?: number;
}

interface Status {
  result: 'success' | 'partial' | 'failure';
  statistics: { Failed: number; Passed: number; Skipped: number };
  skippedTests?: string[];
  failedTests?: string[];
}

interface ProfileReport {
  core: Status;
  extended?: Status & { supportedFeatures?: string[]; unsupportedFeatures?: string[] };
  name: string;
  summary: string;
}

export interface ReportInput {
  implementation: { organization: string; project: string; url: string; version: string; contact: string[] };
  gatewayAPIVersion: string;
  gatewayAPIChannel: 'standard' | 'experimental';
  mode: string;
  date: string;
  profiles: readonly Profile[];
  supportedFeatures: readonly string[];
  results: readonly CaseResult[];
}

function emptyStatus(): Status {
  return { result: 'success', statistics: { Failed: 0, Passed: 0, Skipped: 0 } };
}

function settle(s: Status): void {
  s.result = s.statistics.Failed > 0 ? 'failure' : s.statistics.Skipped > 0 ? 'partial' : 'success';
}

function summaryOf(s: Status): string {
  if (s.result === 'success') return 'succeeded';
  if (s.result === 'partial') return `partially succeeded with ${s.statistics.Skipped} test skips`;
  return `failed with ${s.statistics.Failed} test failures`;
}

export function profileReport(profile: Profile, results: readonly CaseResult[], supported: readonly string[]): ProfileReport {
  const core = emptyStatus();
  let extended: Status | undefined;
  for (const r of results) {
    // Tests of features not claimed are NOT_SUPPORTED and count nowhere, as in the official suite.
    if (r.outcome === 'not-supported' || !caseInProfile(r, profile)) continue;
    const target = caseIsExtended(r, profile) ? (extended ??= emptyStatus()) : core;
    if (r.outcome === 'passed') target.statistics.Passed++;
    else if (r.outcome === 'failed') {
      target.statistics.Failed++;
      (target.failedTests ??= []).push(r.name);
    } else {
      target.statistics.Skipped++;
      (target.skippedTests ??= []).push(r.name);
    }
  }
  settle(core);
  let ext: ProfileReport['extended'];
  if (extended !== undefined) {
    settle(extended);
    const claimed = profile.extended.filter((f) => supported.includes(f)).sort();
    const unclaimed = profile.extended.filter((f) => !supported.includes(f)).sort();
    ext = {
      ...extended,
      ...(claimed.length > 0 ? { supportedFeatures: claimed } : {}),
      ...(unclaimed.length > 0 ? { unsupportedFeatures: unclaimed } : {}),
    };
  }
  const summary = `Core tests ${summaryOf(core)}${extended === undefined ? '' : `. Extended tests ${summaryOf(extended)}`}.`;
  // Keys in the order of the published reports.
  return { core, ...(ext === undefined ? {} : { extended: ext }), name: profile.name, summary };
}

export function buildReport(input: ReportInput): Record<string, unknown> {
  const succeededProvisionalTests = input.results.filter((r) => r.provisional && r.outcome === 'passed').map((r) => r.name).sort();
  const i = input.implementation;
  // Keys in the order the published reports have them (Go's YAML encoder sorts them).
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    date: input.date,
    gatewayAPIChannel: input.gatewayAPIChannel,
    gatewayAPIVersion: input.gatewayAPIVersion,
    implementation: { contact: i.contact, organization: i.organization, project: i.project, url: i.url, version: i.version },
    kind: 'ConformanceReport',
    mode: input.mode,
    profiles: input.profiles.map((p) => profileReport(p, input.results, input.supportedFeatures)),
    ...(succeededProvisionalTests.length > 0 ? { succeededProvisionalTests } : {}),
  };
}

/** The report as YAML, with the cases the runner covered only partially listed in a leading comment. */
export function reportYaml(report: Record<string, unknown>, results: readonly CaseResult[]): string {
  const partial = results.filter((r) => r.outcome === 'passed' && (r.partial?.length ?? 0) > 0);
  const header = partial.length === 0 ? '' : `# Partially covered (a note step the runner cannot carry out): ${partial.map((r) => r.name).join(', ')}\n`;
  return header + stringify(report);
}

/** One line per profile, like the official suite's summary. */
export function profileLines(report: Record<string, unknown>): string[] {
  return (report.profiles as ProfileReport[]).map((p) => {
    const ext = p.extended === undefined ? '' : `; extended ${p.extended.result} (${p.extended.statistics.Passed} passed, ${p.extended.statistics.Failed} failed, ${p.extended.statistics.Skipped} skipped)`;
    return `${p.name}: core ${p.core.result} (${p.core.statistics.Passed} passed, ${p.core.statistics.Failed} failed, ${p.core.statistics.Skipped} skipped)${ext}. ${p.summary}`;
  });
}
