// The certificates the conformance suite creates before any test (conformance/suite.yaml): self-signed CAs
// stored in ConfigMaps, and leaf certificates stored in kubernetes.io/tls Secrets, made with the openssl CLI
// exactly as suite.yaml describes them (RSA 2048, PKCS#1 keys, the subjects, usages, SANs and signers given).

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import type { Obj } from './manifests.ts';

const run = promisify(execFile);

interface SuiteCA {
  name: string;
  namespace: string;
  signs?: string[];
}

interface SuiteSecret {
  name: string;
  namespace: string;
  selfSigned?: boolean;
  signedBy?: string;
  usage: 'server' | 'client';
  dnsNames?: string[];
  uris?: string[];
  ipAddresses?: string[];
}

export interface SuiteSpec {
  certificateAuthorities: SuiteCA[];
  secrets: SuiteSecret[];
  creationOrder: string[];
}

export interface KeyPair {
  cert: string;
  key: string;
}

export interface SuiteCertificates {
  /** Secrets and ConfigMaps in the suite's creation order. */
  objects: Obj[];
  /** Leaf certificates by `namespace/name` of their Secret. */
  secrets: Map<string, KeyPair>;
  /** CA certificates by `namespace/name` of their ConfigMap. */
  cas: Map<string, KeyPair>;
}

export function readSuiteSpec(file: string): SuiteSpec {
  const doc = parse(readFileSync(file, 'utf8')) as Partial<SuiteSpec>;
  return {
    certificateAuthorities: doc.certificateAuthorities ?? [],
    secrets: doc.secrets ?? [],
    creationOrder: doc.creationOrder ?? [],
  };
}

/** The subjectAltName value for openssl, or null when the certificate has none. */
export function subjectAltName(s: Pick<SuiteSecret, 'dnsNames' | 'uris' | 'ipAddresses'>): string | null {
  const parts = [
    ...(s.dnsNames ?? []).map((n) => `DNS:${n}`),
    ...(s.ipAddresses ?? []).map((n) => `IP:${n}`),
    ...(s.uris ?? []).map((n) => `URI:${n}`),
  ];
  return parts.length === 0 ? null : parts.join(',');
}

async function rsaKey(file: string): Promise<string> {
  // -traditional: PKCS#1 ("RSA PRIVATE KEY"), as the suite's formatSecret writes it.
  await run('openssl', ['genrsa', '-traditional', '-out', file, '2048']);
  return readFileSync(file, 'utf8');
}

async function makeCA(dir: string, id: string): Promise<KeyPair> {
  const keyFile = path.join(dir, `${id}.key`);
  const certFile = path.join(dir, `${id}.crt`);
  const key = await rsaKey(keyFile);
  await run('openssl', [
    'req', '-x509', '-key', keyFile, '-out', certFile, '-days', '365', '-set_serial', '2024',
    '-subj', '/C=US/O=Kubernetes Gateway API/CN=gatewayapi',
    '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,digitalSignature,keyCertSign',
    '-addext', 'extendedKeyUsage=clientAuth,serverAuth',
  ]);
  return { cert: readFileSync(certFile, 'utf8'), key };
}

async function makeLeaf(dir: string, id: string, s: SuiteSecret, ca: KeyPair | null, caId: string | null): Promise<KeyPair> {
  const keyFile = path.join(dir, `${id}.key`);
  const certFile = path.join(dir, `${id}.crt`);
  const key = await rsaKey(keyFile);
  const serial = '0x' + randomBytes(16).toString('hex');
  const ext = [
    'basicConstraints=CA:FALSE',
    'keyUsage=critical,keyEncipherment,digitalSignature',
    `extendedKeyUsage=${s.usage === 'client' ? 'clientAuth' : 'serverAuth'}`,
  ];
  const san = subjectAltName(s);
  if (san !== null) ext.push(`subjectAltName=${san}`);
  const subject = '/O=Acme Co/CN=default';
  if (ca === null || caId === null) {
    await run('openssl', ['req', '-x509', '-key', keyFile, '-out', certFile, '-days', '365', '-set_serial', serial, '-subj', subject, ...ext.flatMap((e) => ['-addext', e])]);
  } else {
    const csr = path.join(dir, `${id}.csr`);
    const extFile = path.join(dir, `${id}.ext`);
    writeFileSync(extFile, `[leaf]\n${ext.join('\n')}\n`);
    await run('openssl', ['req', '-new', '-key', keyFile, '-out', csr, '-subj', subject]);
    await run('openssl', [
      'x509', '-req', '-in', csr, '-CA', path.join(dir, `${caId}.crt`), '-CAkey', path.join(dir, `${caId}.key`),
      '-set_serial', serial, '-days', '365', '-extfile', extFile, '-extensions', 'leaf', '-out', certFile,
    ]);
  }
  return { cert: readFileSync(certFile, 'utf8'), key };
}

const b64 = (s: string): string => Buffer.from(s).toString('base64');

/** Generates every CA and Secret of the suite into a fresh temporary folder. */
export async function generateSuiteCertificates(spec: SuiteSpec, dir = mkdtempSync(path.join(os.tmpdir(), 'onramp-certs-'))): Promise<SuiteCertificates> {
  mkdirSync(dir, { recursive: true });
  const cas = new Map<string, KeyPair>();
  const caIds = new Map<string, string>();
  await Promise.all(
    spec.certificateAuthorities.map(async (ca, i) => {
      const id = `ca${i}`;
      cas.set(`${ca.namespace}/${ca.name}`, await makeCA(dir, id));
      caIds.set(ca.name, id);
    }),
  );
  const secrets = new Map<string, KeyPair>();
  await Promise.all(
    spec.secrets.map(async (s, i) => {
      // A signer is named without namespace in suite.yaml; the CA ConfigMaps are all distinct by name.
      const caEntry = s.signedBy === undefined ? undefined : spec.certificateAuthorities.find((c) => c.name === s.signedBy);
      if (s.signedBy !== undefined && caEntry === undefined) throw new Error(`suite.yaml: ${s.namespace}/${s.name} is signed by unknown CA ${s.signedBy}`);
      const ca = caEntry === undefined ? null : (cas.get(`${caEntry.namespace}/${caEntry.name}`) as KeyPair);
      const caId = caEntry === undefined ? null : (caIds.get(caEntry.name) as string);
      secrets.set(`${s.namespace}/${s.name}`, await makeLeaf(dir, `leaf${i}`, s, ca, caId));
    }),
  );
  const byKey = new Map<string, Obj>();
  for (const [key, pair] of secrets) {
    const [namespace, name] = key.split('/');
    byKey.set(`Secret ${key}`, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name, namespace },
      type: 'kubernetes.io/tls',
      data: { 'tls.crt': b64(pair.cert), 'tls.key': b64(pair.key) },
    });
  }
  for (const [key, pair] of cas) {
    const [namespace, name] = key.split('/');
    byKey.set(`ConfigMap ${key}`, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, namespace },
      data: { 'ca.crt': pair.cert, 'key.crt': pair.key },
    });
  }
  const objects: Obj[] = [];
  for (const entry of spec.creationOrder) {
    const o = byKey.get(entry);
    if (o !== undefined) objects.push(o);
    byKey.delete(entry);
  }
  objects.push(...byKey.values());
  return { objects, secrets, cas };
}
