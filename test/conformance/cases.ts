// Loads conformance case files (format: CASES.md of the Gateway API conformance data) and checks their
// shape, so that a malformed case is reported as such instead of failing half-way through a run.

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

export const STEP_KINDS = [
  'expect-status',
  'http',
  'grpc',
  'tls',
  'tcp',
  'udp',
  'weights',
  'websocket',
  'apply',
  'delete',
  'note',
] as const;

export type StepKind = (typeof STEP_KINDS)[number];

/** One step: its kind and its body as written (each step module reads the fields it needs). */
export interface Step {
  kind: StepKind;
  body: Record<string, unknown>;
  /** 1-based index in the case, for messages. */
  index: number;
}

export interface Case {
  name: string;
  description: string;
  profile: string;
  features: string[];
  provisional: boolean;
  skipIfFeatures: string[];
  requiresFeatures: string[];
  /** Absolute paths of the manifests the case applies first. */
  manifests: string[];
  steps: Step[];
  /** The case file. */
  file: string;
  /** The folder `apply: {manifest}` paths are relative to. */
  baseDir: string;
}

function stringList(value: unknown, what: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new Error(`${what} must be a list of strings`);
  return value;
}

/**
 * Resolves a manifest path of a case: relative to the conformance folder (the official layout,
 * `tests/x.yaml`) when it exists there, else relative to the case's own folder (cases of other projects).
 */
export function resolveManifest(ref: string, caseDir: string, conformanceDir: string): string {
  if (path.isAbsolute(ref)) return ref;
  const official = path.resolve(conformanceDir, ref);
  const local = path.resolve(caseDir, ref);
  try {
    readFileSync(official);
    return official;
  } catch {
    return local;
  }
}

/** Parses one case file; throws an Error naming the problem. */
export function parseCase(text: string, file: string, conformanceDir: string): Case {
  const doc = parse(text) as Record<string, unknown> | null;
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new Error(`${file}: not a mapping`);
  const name = doc.name;
  if (typeof name !== 'string' || name === '') throw new Error(`${file}: name is required`);
  const profile = typeof doc.profile === 'string' ? doc.profile : '';
  const caseDir = path.dirname(file);
  const stepsIn = doc.steps ?? [];
  if (!Array.isArray(stepsIn)) throw new Error(`${file}: steps must be a list`);
  const steps: Step[] = stepsIn.map((raw: unknown, i: number) => {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`${file}: step ${i + 1} is not a mapping`);
    const keys = Object.keys(raw);
    if (keys.length !== 1) throw new Error(`${file}: step ${i + 1} must have exactly one kind, has ${keys.join(', ')}`);
    const kind = keys[0] as StepKind;
    if (!STEP_KINDS.includes(kind)) throw new Error(`${file}: step ${i + 1}: unknown step kind ${kind}`);
    const value = (raw as Record<string, unknown>)[kind];
    const body = kind === 'note' ? { text: value } : (value as Record<string, unknown>);
    if (body === null || typeof body !== 'object') throw new Error(`${file}: step ${i + 1} (${kind}) has no body`);
    return { kind, body, index: i + 1 };
  });
  return {
    name,
    description: typeof doc.description === 'string' ? doc.description : '',
    profile,
    features: stringList(doc.features, `${file}: features`),
    provisional: doc.provisional === true,
    skipIfFeatures: stringList(doc.skipIfFeatures, `${file}: skipIfFeatures`),
    requiresFeatures: stringList(doc.requiresFeatures, `${file}: requiresFeatures`),
    manifests: stringList(doc.manifests, `${file}: manifests`).map((m) => resolveManifest(m, caseDir, conformanceDir)),
    steps,
    file,
    baseDir: caseDir,
  };
}

/** Every `*.yaml` case in `dir`, sorted by name; files that do not parse are returned as errors. */
export function loadCases(dir: string, conformanceDir: string): { cases: Case[]; errors: string[] } {
  const cases: Case[] = [];
  const errors: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    if (!entry.endsWith('.yaml') && !entry.endsWith('.yml')) continue;
    const file = path.join(dir, entry);
    try {
      cases.push(parseCase(readFileSync(file, 'utf8'), file, conformanceDir));
    } catch (err) {
      errors.push((err as Error).message);
    }
  }
  cases.sort((a, b) => a.name.localeCompare(b.name));
  return { cases, errors };
}
