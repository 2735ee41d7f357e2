// ReferenceGrant (spec: referencegrant_types.go): a reference across namespaces is valid only when a grant in
// the referent's namespace lists the referrer's group, kind and namespace in `from` and the referent's group,
// kind (and name, when the entry names one) in `to`.
import type { ReferenceGrant } from '../api/types.ts';
import { list } from './input.ts';

export interface ReferenceFrom {
  group: string;
  kind: string;
  namespace: string;
}

export interface ReferenceTo {
  group: string;
  kind: string;
  namespace: string;
  name: string;
}

/** True when the reference stays in its namespace or a ReferenceGrant in the target namespace allows it. */
export function referenceAllowed(
  grants: readonly ReferenceGrant[],
  from: ReferenceFrom,
  to: ReferenceTo,
): boolean {
  if (from.namespace === to.namespace) return true;
  for (const grant of grants) {
    if ((grant.metadata.namespace ?? 'default') !== to.namespace) continue;
    const fromOk = list(grant.spec?.from).some(
      (f) => (f.group ?? '') === from.group && f.kind === from.kind && f.namespace === from.namespace,
    );
    if (!fromOk) continue;
    const toOk = list(grant.spec?.to).some(
      (t) => (t.group ?? '') === to.group && t.kind === to.kind && (!t.name || t.name === to.name),
    );
    if (toOk) return true;
  }
  return false;
}
