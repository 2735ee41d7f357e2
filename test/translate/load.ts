// Loads a golden scenario: multi-document manifests, with scenario options in a leading document of
// `kind: ScenarioOptions`. Fills what a source fills (namespace `default` for namespaced kinds,
// generation 1, Secret stringData folded into base64 data) and builds the snapshot the source would.
import { parseAllDocuments, stringify } from 'yaml';
import type { Gateway, KubeObject, Snapshot } from '../../src/api/types.ts';
import { NAMESPACED_KINDS, snapshotFromObjects } from '../../src/api/snapshot.ts';
import { DEFAULT_CONTROLLER_NAME, SUPPORTED_FEATURES } from '../../src/features.ts';
import { addressPool, assignAddresses } from '../../src/translate/addresses.ts';
import type { TranslateOptions, TranslateResult } from '../../src/translate/types.ts';

export interface Scenario {
  snapshot: Snapshot;
  options: TranslateOptions;
}

interface ScenarioOptions {
  controllerName?: string;
  /** Explicit addresses by `namespace/name`; without them Gateways take addresses from `addressPool`. */
  addresses?: Record<string, string>;
  addressPool?: string;
  localAddresses?: string[];
}

export function loadScenario(text: string): Scenario {
  const docs = parseAllDocuments(text);
  const objects: KubeObject[] = [];
  let scenario: ScenarioOptions = {};
  for (const doc of docs) {
    if (doc.errors.length > 0) throw new Error(`bad YAML: ${doc.errors[0].message}`);
    const value = doc.toJS() as (KubeObject & Record<string, unknown>) | null;
    if (value === null) continue;
    if (value.kind === 'ScenarioOptions') {
      scenario = value as unknown as ScenarioOptions;
      continue;
    }
    value.metadata ??= { name: '' };
    if (NAMESPACED_KINDS.has(value.kind)) value.metadata.namespace ??= 'default';
    value.metadata.generation ??= 1;
    if (value.kind === 'Secret' && value.stringData && typeof value.stringData === 'object') {
      const data = (value.data ?? {}) as Record<string, string>;
      for (const [k, v] of Object.entries(value.stringData as Record<string, string>)) {
        data[k] = Buffer.from(v, 'utf8').toString('base64');
      }
      value.data = data;
      delete value.stringData;
    }
    objects.push(value);
  }
  const snapshot = snapshotFromObjects(objects);
  const controllerName = scenario.controllerName ?? DEFAULT_CONTROLLER_NAME;
  // As `onramp run` does: only Gateways of our GatewayClasses take pool addresses.
  const ourClasses = new Set(
    snapshot.gatewayClasses.filter((c) => c.spec?.controllerName === controllerName).map((c) => c.metadata.name),
  );
  const ours = snapshot.gateways.filter((g) => ourClasses.has(g.spec?.gatewayClassName)) as Gateway[];
  const addresses = scenario.addresses ?? assignAddresses(ours, {}, addressPool(scenario.addressPool ?? '127.0.1.0/24'));
  return {
    snapshot,
    options: { controllerName, addresses, ...(scenario.localAddresses ? { localAddresses: scenario.localAddresses } : {}) },
  };
}

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * The golden output: statuses, then config with PEM material replaced by short markers. A GatewayClass's
 * supportedFeatures equal to features.ts is written as a marker, so that claiming a feature does not
 * rewrite every golden file.
 */
export function renderResult(result: TranslateResult): string {
  const expectedFeatures = JSON.stringify([...SUPPORTED_FEATURES].sort().map((name) => ({ name })));
  const statuses = structuredClone(result.statuses).map((s) => {
    const status = s.status as { supportedFeatures?: unknown };
    if (s.kind === 'GatewayClass' && JSON.stringify(status.supportedFeatures) === expectedFeatures) {
      status.supportedFeatures = '<SUPPORTED_FEATURES of src/features.ts>';
    }
    return s;
  });
  const config = structuredClone(result.config);
  for (const cert of Object.values(config.certificates)) {
    cert.certPem = cert.certPem.includes('BEGIN CERTIFICATE') ? '<PEM certificate>' : '<not PEM>';
    cert.keyPem = cert.keyPem.includes('PRIVATE KEY') ? '<PEM private key>' : '<not PEM>';
  }
  return stringify({ statuses, config }, { lineWidth: 0, aliasDuplicateObjects: false });
}
