// expect-status: compares the status onramp reports (admin API GET /api/v1/status, a Kubernetes List) with a
// case's expectation, following the conventions of CASES.md. `statusMismatch` is pure; `expectStatus` polls.

/** One item of the status List. */
export interface StatusItem {
  apiVersion?: string;
  kind: string;
  metadata: { name: string; namespace?: string; generation?: number };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

interface Condition {
  type: string;
  status?: string;
  reason?: string;
  message?: string;
  observedGeneration?: number;
}

interface ExpectedCondition {
  type: string;
  status?: string;
  reason?: string;
  message?: string;
}

interface ParentRef {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
  sectionName?: string;
}

interface ParentStatus {
  parentRef?: ParentRef;
  ancestorRef?: ParentRef;
  controllerName?: string;
  conditions?: Condition[];
}

interface ExpectedListener {
  name: string;
  attachedRoutes?: number;
  supportedKinds?: { group?: string; kind: string }[];
  conditions?: ExpectedCondition[];
}

export interface ExpectStatus {
  kind: string;
  name: string;
  namespace?: string;
  parent?: ParentRef;
  conditions?: ExpectedCondition[];
  absentConditions?: string[];
  listeners?: ExpectedListener[];
  parentsAbsent?: boolean;
  observedGenerationCurrent?: boolean;
}

const CLUSTER_SCOPED = new Set(['GatewayClass']);

export function findItem(items: readonly StatusItem[], kind: string, name: string, namespace?: string): StatusItem | undefined {
  return items.find(
    (i) =>
      i.kind === kind &&
      i.metadata.name === name &&
      (CLUSTER_SCOPED.has(kind) || (i.metadata.namespace ?? 'default') === (namespace ?? 'default')),
  );
}

function describe(c: ExpectedCondition): string {
  return `${c.type}${c.status === undefined ? '' : `=${c.status}`}${c.reason === undefined ? '' : ` (${c.reason})`}`;
}

function show(conditions: readonly Condition[]): string {
  if (conditions.length === 0) return 'no conditions';
  return conditions.map((c) => `${c.type}=${c.status} (${c.reason})`).join(', ');
}

/** Why `actual` lacks the expected conditions, or null when every one is there. */
export function conditionsMismatch(actual: readonly Condition[], expected: readonly ExpectedCondition[] = [], absent: readonly string[] = []): string | null {
  for (const want of expected) {
    const got = actual.find((c) => c.type === want.type);
    const ok =
      got !== undefined &&
      (want.status === undefined || got.status === want.status) &&
      (want.reason === undefined || got.reason === want.reason) &&
      (want.message === undefined || got.message === want.message);
    if (!ok) return `want ${describe(want)}, have ${show(actual)}`;
  }
  for (const type of absent) if (actual.some((c) => c.type === type)) return `condition ${type} must be absent, have ${show(actual)}`;
  return null;
}

function staleGeneration(conditions: readonly Condition[], generation: number | undefined): string | null {
  if (generation === undefined) return null;
  const stale = conditions.find((c) => c.observedGeneration !== generation);
  return stale === undefined ? null : `condition ${stale.type} has observedGeneration ${stale.observedGeneration}, metadata.generation is ${generation}`;
}

/** CASES.md: an entry is for the parent when the names match, its namespace is unset or equal, and the kinds match. */
export function entryIsFor(entry: ParentStatus, parent: ParentRef, routeNamespace: string | undefined): boolean {
  const ref = entry.parentRef ?? entry.ancestorRef;
  if (ref === undefined || ref.name !== parent.name) return false;
  if ((ref.kind ?? 'Gateway') !== (parent.kind ?? 'Gateway')) return false;
  const want = parent.namespace ?? routeNamespace;
  return ref.namespace === undefined || want === undefined || ref.namespace === want;
}

function parentEntries(item: StatusItem): ParentStatus[] {
  const status = item.status ?? {};
  const list = (status.parents ?? status.ancestors ?? []) as ParentStatus[];
  return Array.isArray(list) ? list : [];
}

function listenersMismatch(item: StatusItem, expected: readonly ExpectedListener[]): string | null {
  const actual = ((item.status?.listeners ?? []) as { name: string; attachedRoutes?: number; supportedKinds?: { group?: string; kind: string }[]; conditions?: Condition[] }[]);
  // CASES.md: a listeners list that gives attachedRoutes lists all the listeners.
  if (expected.some((l) => l.attachedRoutes !== undefined) && actual.length !== expected.length) {
    return `want ${expected.length} listener statuses, have ${actual.length}`;
  }
  for (const want of expected) {
    const got = actual.find((l) => l.name === want.name);
    if (got === undefined) return `listener ${want.name} has no status`;
    if (want.attachedRoutes !== undefined && got.attachedRoutes !== want.attachedRoutes) {
      return `listener ${want.name}: want attachedRoutes ${want.attachedRoutes}, have ${got.attachedRoutes}`;
    }
    if (want.supportedKinds !== undefined) {
      const kinds = got.supportedKinds ?? [];
      if (want.supportedKinds.length === 0 && kinds.length > 0) return `listener ${want.name}: supportedKinds must be empty, have ${kinds.map((k) => k.kind).join(', ')}`;
      for (const k of want.supportedKinds) {
        const found = kinds.some((h) => h.kind === k.kind && (h.group ?? 'gateway.networking.k8s.io') === (k.group ?? 'gateway.networking.k8s.io'));
        if (!found) return `listener ${want.name}: supportedKinds lacks ${k.kind}, has ${kinds.map((h) => h.kind).join(', ') || 'none'}`;
      }
    }
    const why = conditionsMismatch(got.conditions ?? [], want.conditions);
    if (why !== null) return `listener ${want.name}: ${why}`;
  }
  return null;
}

/** Why the status in `items` does not (yet) meet `want`, or null when it does. */
export function statusMismatch(items: readonly StatusItem[], want: ExpectStatus, controllerName: string): string | null {
  const item = findItem(items, want.kind, want.name, want.namespace);
  const what = `${want.kind} ${want.namespace === undefined ? '' : want.namespace + '/'}${want.name}`;
  if (item === undefined) return `${what} not found in status`;
  const generation = item.metadata.generation;
  const entries = parentEntries(item);
  const isParented = item.status !== undefined && ('parents' in item.status || 'ancestors' in item.status);

  if (want.parentsAbsent === true) {
    if (want.parent === undefined) return entries.length === 0 ? null : `${what}: want no parent status, have ${entries.length}`;
    const parent = want.parent;
    return entries.some((e) => entryIsFor(e, parent, want.namespace)) ? `${what}: want no status for parent ${parent.name}` : null;
  }

  if (isParented || want.parent !== undefined) {
    const selected = want.parent === undefined ? entries : entries.filter((e) => entryIsFor(e, want.parent as ParentRef, want.namespace));
    if (selected.length === 0) return `${what}: no status for parent ${want.parent?.name ?? '(any)'}`;
    // CASES.md: every entry for our parents carries our controllerName and a parentRef with group and kind.
    for (const e of selected) {
      const ref = e.parentRef ?? e.ancestorRef;
      if (e.controllerName !== controllerName) return `${what}: parent entry has controllerName ${e.controllerName}, want ${controllerName}`;
      if (ref?.group === undefined || ref.kind === undefined) return `${what}: parent entry's parentRef lacks group or kind`;
    }
    let why: string | null = null;
    const match = selected.find((e) => (why = conditionsMismatch(e.conditions ?? [], want.conditions, want.absentConditions)) === null);
    if (match === undefined) return `${what}: ${why}`;
    if (want.observedGenerationCurrent === true) {
      for (const e of entries) {
        const stale = staleGeneration(e.conditions ?? [], generation);
        if (stale !== null) return `${what}: ${stale}`;
      }
    }
    return null;
  }

  const conditions = (item.status?.conditions ?? []) as Condition[];
  const why = conditionsMismatch(conditions, want.conditions, want.absentConditions);
  if (why !== null) return `${what}: ${why}`;
  if (want.listeners !== undefined) {
    const l = listenersMismatch(item, want.listeners);
    if (l !== null) return `${what}: ${l}`;
  }
  if (want.observedGenerationCurrent === true) {
    const stale = staleGeneration(conditions, generation);
    if (stale !== null) return `${what}: ${stale}`;
  }
  return null;
}
