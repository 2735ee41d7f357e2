// Listener certificates (spec: GatewayTLSConfig.certificateRefs). Core support is a reference to a Secret of
// type kubernetes.io/tls holding `tls.crt` and `tls.key`; onramp checks that both parse and belong together,
// so a listener never goes to the data plane with material the TLS stack would refuse.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import type { Gateway, Listener, ReferenceGrant, Secret } from '../api/types.ts';
import type { CertificateConfig } from '../config/types.ts';
import { problem, Reason, type Problem } from './conditions.ts';
import { referenceAllowed } from './refgrant.ts';
import { list } from './input.ts';

export interface ListenerCertificates {
  /** Ids (`namespace/name`) of the usable key pairs, in certificateRefs order. */
  ids: string[];
  /** Material by id, for Config.certificates. */
  material: Record<string, CertificateConfig>;
  /** The first reference problem (ResolvedRefs False), or null. */
  problem: Problem | null;
}

export interface SecretIndex {
  get(namespace: string, name: string): Secret | undefined;
}

export function indexSecrets(secrets: readonly Secret[]): SecretIndex {
  const byKey = new Map<string, Secret>();
  for (const s of secrets) byKey.set(`${s.metadata.namespace ?? 'default'}/${s.metadata.name}`, s);
  return { get: (namespace, name) => byKey.get(`${namespace}/${name}`) };
}

/** Decodes and checks a kubernetes.io/tls Secret; returns the PEM pair or why it is unusable. */
export function parseTLSSecret(secret: Secret): CertificateConfig | string {
  if (secret.type !== undefined && secret.type !== 'kubernetes.io/tls') {
    return `Secret type is ${secret.type}, not kubernetes.io/tls`;
  }
  const crt = secret.data?.['tls.crt'];
  const key = secret.data?.['tls.key'];
  if (typeof crt !== 'string' || typeof key !== 'string' || !crt || !key) return 'Secret lacks tls.crt or tls.key';
  const certPem = Buffer.from(crt, 'base64').toString('utf8');
  const keyPem = Buffer.from(key, 'base64').toString('utf8');
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch {
    return 'tls.crt is not a PEM certificate';
  }
  try {
    const privateKey = createPrivateKey(keyPem);
    if (!cert.checkPrivateKey(privateKey)) return 'tls.key does not match the certificate in tls.crt';
  } catch {
    // The parse error text could quote key material; it is left out of the message on purpose.
    return 'tls.key is not a PEM private key';
  }
  return { certPem, keyPem };
}

/**
 * Resolves an HTTPS listener's certificateRefs. Spec: refs to another namespace need a ReferenceGrant
 * (else RefNotPermitted); refs that cannot be resolved, name an unsupported group/kind or a malformed Secret
 * are InvalidCertificateRef.
 */
export function resolveListenerCertificates(
  gateway: Gateway,
  listener: Listener,
  secrets: SecretIndex,
  grants: readonly ReferenceGrant[],
): ListenerCertificates {
  const gwNamespace = gateway.metadata.namespace ?? 'default';
  const result: ListenerCertificates = { ids: [], material: {}, problem: null };
  const refs = list(listener.tls?.certificateRefs);
  const fail = (p: Problem): void => {
    result.problem ??= p;
  };
  if (refs.length === 0) {
    fail(problem(Reason.InvalidCertificateRef, 'HTTPS listener has no certificateRefs'));
  }
  for (const ref of refs) {
    const group = ref.group ?? '';
    const kind = ref.kind ?? 'Secret';
    const namespace = ref.namespace ?? gwNamespace;
    const what = `${kind} ${namespace}/${ref.name}`;
    if (group !== '' || kind !== 'Secret') {
      fail(problem(Reason.InvalidCertificateRef, `certificateRef to ${group ? `${group}/` : ''}${kind} is not supported; only core Secret`));
      continue;
    }
    const allowed = referenceAllowed(
      grants,
      { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: gwNamespace },
      { group: '', kind: 'Secret', namespace, name: ref.name },
    );
    if (!allowed) {
      fail(problem(Reason.RefNotPermitted, `no ReferenceGrant allows this Gateway to use ${what}`));
      continue;
    }
    const secret = secrets.get(namespace, ref.name);
    if (!secret) {
      fail(problem(Reason.InvalidCertificateRef, `${what} not found`));
      continue;
    }
    const parsed = parseTLSSecret(secret);
    if (typeof parsed === 'string') {
      fail(problem(Reason.InvalidCertificateRef, `${what}: ${parsed}`));
      continue;
    }
    const id = `${namespace}/${ref.name}`;
    if (!result.ids.includes(id)) result.ids.push(id);
    result.material[id] = parsed;
  }
  return result;
}
