// The TLS key pair of the HTTPS (h2) benchmarks: a self-signed certificate for the route's hostname, made
// with the openssl CLI into the run's temp dir. Every proxy under test serves the same pair.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface BenchCert {
  certFile: string;
  keyFile: string;
  /** PEM texts, for configs that embed them (onramp's Secret, haproxy's combined file). */
  cert: string;
  key: string;
}

/** ECDSA P-256: the key type a current deployment would pick, and cheap handshakes for every proxy alike. */
export function makeBenchCert(dir: string, hostname: string): BenchCert {
  const certFile = path.join(dir, 'bench.crt');
  const keyFile = path.join(dir, 'bench.key');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyFile, '-out', certFile, '-days', '2',
    '-subj', `/CN=${hostname}`, '-addext', `subjectAltName=DNS:${hostname}`,
  ], { stdio: 'ignore' });
  return { certFile, keyFile, cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
}
