// The conformance runner: plays the cluster's part and runs the official Gateway API conformance cases
// against `onramp run`, then writes a ConformanceReport.
//
//   npm run conformance [-- --cases DIR] [--profile NAME...] [--run CASE...] [--report FILE]
//                          [--timeout SECONDS] [--keep] [--list] [--all-features]
//                          [--address-pool CIDR] [--backend-pool CIDR] [--channel standard|experimental]
//
// --profile: default every profile whose core features src/features.ts claims. --timeout: how long a status
// or traffic expectation may take to hold (default 20). --keep: keep the temporary folder (manifests as
// onramp saw them, certificates, onramp.log). --list: print the selected cases and whether they would run.
// --all-features: run cases as if every feature of the profiles were claimed, to see what is ready to claim.
//
// Exit status: 0 when every case that ran passed, 1 when one failed (or setup failed), 2 on a usage error.

import { randomInt } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { GATEWAY_API_VERSION, DEFAULT_CONTROLLER_NAME, IMPLEMENTATION, SUPPORTED_FEATURES } from '../../src/features.ts';
import { addressRange } from './backends.ts';
import { loadCases } from './cases.ts';
import type { Case } from './cases.ts';
import { caseInProfile, PROFILES, profileByName } from './profiles.ts';
import type { Profile } from './profiles.ts';
import { buildReport, profileLines, reportYaml } from './report.ts';
import type { CaseResult } from './report.ts';
import { runStep } from './steps.ts';
import { httpExtras, noteAction } from './notes.ts';
import type { CaseState } from './notes.ts';
import type { StepTimeouts } from './steps.ts';
import { Suite } from './suite.ts';
import { readManifests } from './manifests.ts';
import { GATEWAY_API_DIR, REPO_ROOT } from '../spec-data.ts';


export interface RunArgs {
  casesDir: string | null;
  profiles: string[];
  run: string[];
  report: string;
  timeoutSeconds: number;
  keep: boolean;
  list: boolean;
  addressPool: string;
  backendPool: string;
  channel: 'standard' | 'experimental';
  logLevel: string;
  /** Run every case of the profiles as if onramp claimed all their features (the official --all-features). */
  allFeatures: boolean;
}

export function parseArgs(argv: readonly string[]): RunArgs {
  // Each run takes its own 127.N.0.0/16 corner of loopback so that runs on one machine do not collide.
  const n = randomInt(64, 128);
  const args: RunArgs = {
    casesDir: null, profiles: [], run: [], report: 'conformance-report.yaml', timeoutSeconds: 20, keep: false,
    list: false, addressPool: `127.${n}.1.0/24`, backendPool: `127.${n}.2.0/24`, channel: 'standard', logLevel: 'info', allFeatures: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const values = (): string[] => {
      const out: string[] = [];
      while (i + 1 < argv.length && !argv[i + 1].startsWith('--')) out.push(...argv[++i].split(',').filter((s) => s !== ''));
      if (out.length === 0) throw new Error(`${flag} needs a value`);
      return out;
    };
    const value = (): string => {
      const v = values();
      if (v.length !== 1) throw new Error(`${flag} takes one value`);
      return v[0];
    };
    switch (flag) {
      case '--cases': args.casesDir = value(); break;
      case '--profile': args.profiles.push(...values()); break;
      case '--run': args.run.push(...values()); break;
      case '--report': args.report = value(); break;
      case '--timeout': args.timeoutSeconds = Number(value()); break;
      case '--address-pool': args.addressPool = value(); break;
      case '--backend-pool': args.backendPool = value(); break;
      case '--log-level': args.logLevel = value(); break;
      case '--channel': {
        const c = value();
        if (c !== 'standard' && c !== 'experimental') throw new Error('--channel is standard or experimental');
        args.channel = c;
        break;
      }
      case '--keep': args.keep = true; break;
      case '--list': args.list = true; break;
      case '--all-features': args.allFeatures = true; break;
      default: throw new Error(`unknown argument ${flag}`);
    }
  }
  if (!(args.timeoutSeconds > 0)) throw new Error('--timeout must be a positive number of seconds');
  return args;
}

/** Profiles to run: the ones asked for, else every profile whose core features onramp claims. */
export function selectProfiles(names: readonly string[], supported: readonly string[]): Profile[] {
  if (names.length === 0) return PROFILES.filter((p) => p.core.every((f) => supported.includes(f)));
  return names.map((n) => {
    const p = profileByName(n);
    if (p === undefined) throw new Error(`unknown profile ${n} (known: ${PROFILES.map((x) => x.name).join(', ')})`);
    return p;
  });
}

/** Why a case does not run (and what it counts as), or null when it runs. */
export function gate(c: Case, supported: readonly string[]): Pick<CaseResult, 'outcome' | 'reason'> | null {
  const missing = c.features.filter((f) => !supported.includes(f));
  if (missing.length > 0) return { outcome: 'not-supported', reason: `needs ${missing.join(', ')}` };
  const skipIf = c.skipIfFeatures.filter((f) => supported.includes(f));
  if (skipIf.length > 0) return { outcome: 'passed', reason: `passes without running: claims ${skipIf.join(', ')}` };
  const requires = c.requiresFeatures.filter((f) => !supported.includes(f));
  if (requires.length > 0) return { outcome: 'passed', reason: `passes without running: does not claim ${requires.join(', ')}` };
  return null;
}

async function runCase(suite: Suite, c: Case, t: StepTimeouts): Promise<CaseResult> {
  const started = Date.now();
  const result: CaseResult = { name: c.name, profile: c.profile, features: c.features, provisional: c.provisional, outcome: 'passed' };
  const state: CaseState = { applied: [], generationBeforePatch: new Map() };
  const objects = c.manifests.flatMap((m) => readManifests(m));
  try {
    c.manifests.forEach((m, i) => {
      const name = `case-m${i}-${path.basename(m)}`;
      suite.folder.apply(name, readManifests(m));
      state.applied.push(name);
    });
    await suite.sync();
    c.steps.forEach((step, i) => {
      const next = c.steps[i + 1];
      const extras = step.kind === 'http' && next?.kind === 'note' ? httpExtras(String(next.body.text)) : null;
      if (extras !== null) Object.assign(step.body, extras);
    });
    for (const step of c.steps) {
      if (step.kind === 'note' && noteAction(String(step.body.text)) === null) {
        (result.partial ??= []).push(String(step.body.text));
        continue;
      }
      let why: string | null;
      try {
        why = await runStep(suite, c, step, t, state);
      } catch (err) {
        why = (err as Error).message;
      }
      if (why !== null) {
        result.outcome = 'failed';
        result.reason = `step ${step.index} (${step.kind}): ${why}`;
        break;
      }
    }
  } catch (err) {
    result.outcome = 'failed';
    result.reason = `applying manifests: ${(err as Error).message}`;
  } finally {
    for (const f of suite.folder.fileNames()) if (f.startsWith('case-')) suite.folder.remove(f);
    await suite.sync();
    await suite.waitGone(objects.filter((o) => ['Gateway', 'HTTPRoute', 'GatewayClass'].includes(o.kind)), 10_000);
  }
  result.durationMs = Date.now() - started;
  return result;
}

function line(r: CaseResult): string {
  const secs = r.durationMs === undefined ? '' : ` (${(r.durationMs / 1000).toFixed(1)}s)`;
  switch (r.outcome) {
    case 'passed':
      return `PASS ${r.name}${secs}${r.reason === undefined ? '' : `: ${r.reason}`}${r.partial === undefined ? '' : ' [partially covered]'}`;
    case 'failed':
      return `FAIL ${r.name}${secs}: ${r.reason}`;
    default:
      return `SKIP ${r.name}: ${r.reason}`;
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  let args: RunArgs;
  let profiles: Profile[];
  try {
    args = parseArgs(argv);
    profiles = selectProfiles(args.profiles, SUPPORTED_FEATURES);
  } catch (err) {
    console.error(`conformance: ${(err as Error).message}`);
    return 2;
  }
  const supported = args.allFeatures ? [...new Set(profiles.flatMap((p) => [...p.core, ...p.extended]))] : SUPPORTED_FEATURES;
  const gatewayApiDir = GATEWAY_API_DIR;
  const conformanceDir = path.join(gatewayApiDir, 'conformance');
  const { cases: all, errors } = loadCases(args.casesDir ?? path.join(conformanceDir, 'cases'), conformanceDir);
  for (const e of errors) console.error(`conformance: bad case file: ${e}`);
  const cases = all.filter((c) => profiles.some((p) => caseInProfile(c, p)) && (args.run.length === 0 || args.run.includes(c.name)));
  const unknown = args.run.filter((n) => !all.some((c) => c.name === n));
  if (unknown.length > 0) console.error(`conformance: no such case: ${unknown.join(', ')}`);
  if (args.list) {
    for (const c of cases) console.log(`${c.name}\t${c.profile}\t${c.features.join(',')}\t${gate(c, supported)?.reason ?? 'runs'}`);
    return 0;
  }

  const results: CaseResult[] = [];
  const toRun: Case[] = [];
  for (const c of cases) {
    const g = gate(c, supported);
    if (g === null) toRun.push(c);
    else results.push({ name: c.name, profile: c.profile, features: c.features, provisional: c.provisional, ...g });
  }

  const suite = new Suite({
    repoRoot: REPO_ROOT,
    conformanceDir,
    controllerName: DEFAULT_CONTROLLER_NAME,
    gatewayClassName: 'gateway-conformance',
    addressPool: args.addressPool,
    backendAddresses: addressRange(args.backendPool),
    // A loopback address outside both pools is usable; a documentation address (RFC 5737) is not.
    usableAddresses: [addressRange(args.addressPool)[0].replace(/\.\d+\.\d+$/, '.5.10')],
    unusableAddresses: ['203.0.113.10'],
    statusTimeoutMs: args.timeoutSeconds * 1000,
    logLevel: args.logLevel,
    keepTemp: args.keep,
  });
  const timeouts: StepTimeouts = { statusMs: args.timeoutSeconds * 1000, httpMs: args.timeoutSeconds * 1000, consecutive: 3 };
  let setupFailed = false;
  try {
    if (toRun.length > 0) {
      await suite.setUp();
      for (const c of toRun) {
        if (suite.gateway?.failure != null) {
          results.push({ name: c.name, profile: c.profile, features: c.features, provisional: c.provisional, outcome: 'failed', reason: suite.gateway.failure });
          continue;
        }
        const r = await runCase(suite, c, timeouts);
        console.log(line(r));
        results.push(r);
      }
    }
  } catch (err) {
    setupFailed = true;
    const reason = `setup failed: ${(err as Error).message}`;
    console.error(`conformance: ${reason} (onramp log: ${suite.logFile})`);
    for (const c of toRun) {
      if (!results.some((r) => r.name === c.name)) results.push({ name: c.name, profile: c.profile, features: c.features, provisional: c.provisional, outcome: 'failed', reason });
    }
  } finally {
    await suite.tearDown();
  }
  for (const r of results) if (r.outcome === 'not-supported') console.log(line(r));

  const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
  const report = buildReport({
    implementation: { ...IMPLEMENTATION, contact: [...IMPLEMENTATION.contact], version: `v${pkg.version}` },
    gatewayAPIVersion: GATEWAY_API_VERSION,
    gatewayAPIChannel: args.channel,
    mode: 'default',
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    profiles,
    supportedFeatures: supported,
    results,
  });
  writeFileSync(args.report, reportYaml(report, results));
  for (const l of profileLines(report)) console.log(l);
  console.log(`report: ${args.report}`);
  const failed = results.filter((r) => r.outcome === 'failed');
  const partial = results.filter((r) => r.outcome === 'passed' && r.partial !== undefined);
  if (partial.length > 0) console.log(`partially covered (notes not carried out): ${partial.map((r) => r.name).join(', ')}`);
  if (failed.length > 0) console.log(`failed:\n${failed.map((r) => `  ${r.name}: ${r.reason}`).join('\n')}`);
  return setupFailed || failed.length > 0 ? 1 : 0;
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
}
