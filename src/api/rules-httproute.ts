// The HTTPRoute CRD's CEL rules (x-kubernetes-validations in gateway.networking.k8s.io_httproutes.yaml,
// v1.6.1) that the OpenAPI validators cannot check. The API server applies the schema's defaults before CEL
// runs, so every check below reads fields with their CRD defaults (path type PathPrefix, value "/", a rule
// without matches has one PathPrefix "/" match, backendRef group "" and kind Service).
import { isIP } from 'node:net';
import { durationMs } from './duration.ts';

type Obj = Record<string, unknown>;

const obj = (v: unknown): Obj | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.map((x) => obj(x) ?? {}) : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Path characters allowed for Exact and PathPrefix matches, copied from the CRD rule. */
const PATH_CHARS = /^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$/;

/** Every filter type and the field that carries its configuration. */
const FILTER_FIELDS: Record<string, string> = {
  CORS: 'cors',
  RequestHeaderModifier: 'requestHeaderModifier',
  ResponseHeaderModifier: 'responseHeaderModifier',
  RequestMirror: 'requestMirror',
  RequestRedirect: 'requestRedirect',
  URLRewrite: 'urlRewrite',
  ExtensionRef: 'extensionRef',
};

/** Filters the CRD allows at most once per list. RequestMirror may repeat. */
const ONCE = ['CORS', 'RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestRedirect', 'URLRewrite'];

export function httpRouteRules(route: Obj): string[] {
  const spec = obj(route.spec);
  if (!spec) return [];
  const reasons: string[] = [];
  hostnameRules(spec, reasons);
  parentRefRules(list(spec.parentRefs), 'spec.parentRefs', reasons);
  const rules = list(spec.rules);
  let matchCount = 0;
  rules.forEach((rule, i) => {
    const at = `spec.rules[${i}]`;
    const matches = Array.isArray(rule.matches) ? list(rule.matches) : [{}];
    matchCount += matches.length;
    matches.forEach((m, j) => pathRules(obj(m.path), `${at}.matches[${j}].path`, reasons));
    const filters = list(rule.filters);
    filterListRules(filters, `${at}.filters`, reasons);
    const backendRefs = list(rule.backendRefs);
    if (backendRefs.length > 0 && filters.some((f) => f.requestRedirect !== undefined)) {
      reasons.push(`${at}: RequestRedirect filter must not be used together with backendRefs`);
    }
    backendRefs.forEach((b, j) => {
      backendPortRule(b, `${at}.backendRefs[${j}]`, reasons);
      filterListRules(list(b.filters), `${at}.backendRefs[${j}].filters`, reasons);
    });
    replacePrefixRules(matches, filters, backendRefs, at, reasons);
    timeoutRules(obj(rule.timeouts), `${at}.timeouts`, reasons);
  });
  if (matchCount > 128) {
    reasons.push(
      'spec.rules: While 16 rules and 64 matches per rule are allowed, the total number of matches across all rules in a route must be less than 128',
    );
  }
  return reasons;
}

function hostnameRules(spec: Obj, reasons: string[]): void {
  // HTTPRoute hostnames: "IPs are not allowed" (HTTPRouteSpec.hostnames).
  (Array.isArray(spec.hostnames) ? spec.hostnames : []).forEach((h, i) => {
    if (typeof h === 'string' && isIP(h) !== 0) reasons.push(`spec.hostnames[${i}]: Invalid value "${h}": IPs are not allowed`);
  });
}

/**
 * Two parentRefs to the same parent must each name a different sectionName (the two CEL rules on
 * spec.parentRefs). Shared with other route kinds.
 */
export function parentRefRules(refs: Obj[], at: string, reasons: string[]): void {
  const groups = new Map<string, Obj[]>();
  for (const p of refs) {
    const key = JSON.stringify([str(p.group) ?? 'gateway.networking.k8s.io', str(p.kind) ?? 'Gateway', str(p.namespace) ?? '', p.name]);
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  for (const same of groups.values()) {
    if (same.length < 2) continue;
    const sections = same.map((p) => str(p.sectionName) ?? '');
    if (sections.some((s) => s === '')) {
      reasons.push(`${at}: sectionName must be specified when parentRefs includes 2 or more references to the same parent`);
    } else if (new Set(sections).size !== sections.length) {
      reasons.push(`${at}: sectionName must be unique when parentRefs includes 2 or more references to the same parent`);
    }
  }
}

function pathRules(path: Obj | undefined, at: string, reasons: string[]): void {
  const type = str(path?.type) ?? 'PathPrefix';
  const value = str(path?.value) ?? '/';
  if (type !== 'Exact' && type !== 'PathPrefix') return;
  const bad = (why: string): void => {
    reasons.push(`${at}: Invalid value "${value}": ${why} when type one of ['Exact', 'PathPrefix']`);
  };
  if (!value.startsWith('/')) bad("value must be an absolute path and start with '/'");
  for (const s of ['//', '/./', '/../', '%2f', '%2F', '#']) if (value.includes(s)) bad(`must not contain '${s}'`);
  if (value.endsWith('/..')) bad("must not end with '/..'");
  else if (value.endsWith('/.')) bad("must not end with '/.'");
  if (!PATH_CHARS.test(value)) bad(`must only contain valid characters (matching ${PATH_CHARS.source})`);
}

function backendPortRule(ref: Obj, at: string, reasons: string[]): void {
  // "Must have port for Service reference": group "" and kind Service are the defaults.
  if ((str(ref.group) ?? '') === '' && (str(ref.kind) ?? 'Service') === 'Service' && ref.port === undefined) {
    reasons.push(`${at}: Must have port for Service reference`);
  }
}

function filterListRules(filters: Obj[], at: string, reasons: string[]): void {
  if (filters.length === 0) return; // most rules and backendRefs have none: skip the list scans
  const types = filters.map((f) => str(f.type) ?? '');
  if (types.includes('RequestRedirect') && types.includes('URLRewrite')) {
    reasons.push(`${at}: May specify either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, but not both`);
  }
  for (const t of ONCE) {
    if (types.filter((x) => x === t).length > 1) reasons.push(`${at}: ${t} filter cannot be repeated`);
  }
  filters.forEach((f, i) => filterRules(f, `${at}[${i}]`, reasons));
}

function filterRules(filter: Obj, at: string, reasons: string[]): void {
  const type = str(filter.type) ?? '';
  for (const [t, field] of Object.entries(FILTER_FIELDS)) {
    const has = filter[field] !== undefined && filter[field] !== null;
    if (has && type !== t) reasons.push(`${at}: filter.${field} must be nil if the filter.type is not ${t}`);
    if (!has && type === t) reasons.push(`${at}: filter.${field} must be specified for ${t} filter.type`);
  }
  const cors = obj(filter.cors);
  if (cors) {
    for (const [field, what] of [
      ['allowHeaders', 'AllowHeaders cannot contain \'*\' alongside other methods'],
      ['allowMethods', 'AllowMethods cannot contain \'*\' alongside other methods'],
      ['allowOrigins', 'AllowOrigins cannot contain \'*\' alongside other origins'],
    ]) {
      const values = cors[field];
      if (Array.isArray(values) && values.includes('*') && values.length > 1) reasons.push(`${at}.cors.${field}: ${what}`);
    }
  }
  const mirror = obj(filter.requestMirror);
  if (mirror) {
    if (mirror.percent !== undefined && mirror.fraction !== undefined) {
      reasons.push(`${at}.requestMirror: Only one of percent or fraction may be specified in HTTPRequestMirrorFilter`);
    }
    const fraction = obj(mirror.fraction);
    if (fraction && typeof fraction.numerator === 'number') {
      const denominator = typeof fraction.denominator === 'number' ? fraction.denominator : 100;
      if (fraction.numerator > denominator) reasons.push(`${at}.requestMirror.fraction: numerator must be less than or equal to denominator`);
    }
    const backendRef = obj(mirror.backendRef);
    if (backendRef) backendPortRule(backendRef, `${at}.requestMirror.backendRef`, reasons);
  }
  for (const field of ['requestRedirect', 'urlRewrite']) {
    const path = obj(obj(filter[field])?.path);
    if (path) pathModifierRules(path, `${at}.${field}.path`, reasons);
  }
}

function pathModifierRules(path: Obj, at: string, reasons: string[]): void {
  const type = str(path.type);
  if (type === 'ReplaceFullPath' && path.replaceFullPath === undefined) reasons.push(`${at}: replaceFullPath must be specified when type is set to 'ReplaceFullPath'`);
  if (path.replaceFullPath !== undefined && type !== 'ReplaceFullPath') reasons.push(`${at}: type must be 'ReplaceFullPath' when replaceFullPath is set`);
  if (type === 'ReplacePrefixMatch' && path.replacePrefixMatch === undefined) reasons.push(`${at}: replacePrefixMatch must be specified when type is set to 'ReplacePrefixMatch'`);
  if (path.replacePrefixMatch !== undefined && type !== 'ReplacePrefixMatch') reasons.push(`${at}: type must be 'ReplacePrefixMatch' when replacePrefixMatch is set`);
}

function usesReplacePrefix(filter: Obj, field: 'requestRedirect' | 'urlRewrite'): boolean {
  const path = obj(obj(filter[field])?.path);
  return path !== undefined && path.type === 'ReplacePrefixMatch' && path.replacePrefixMatch !== undefined;
}

/**
 * "When using <filter> with path.replacePrefixMatch, exactly one PathPrefix match must be specified." The
 * CRD tests with exists_one, so exactly one filter (or one backendRef) carrying it triggers the rule.
 */
function replacePrefixRules(matches: Obj[], filters: Obj[], backendRefs: Obj[], at: string, reasons: string[]): void {
  const onePrefix = matches.length === 1 && (str(obj(matches[0].path)?.type) ?? 'PathPrefix') === 'PathPrefix';
  if (onePrefix) return;
  const names = { requestRedirect: 'RequestRedirect', urlRewrite: 'URLRewrite' } as const;
  for (const field of ['requestRedirect', 'urlRewrite'] as const) {
    if (filters.filter((f) => usesReplacePrefix(f, field)).length === 1) {
      reasons.push(`${at}: When using ${names[field]} filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified`);
    }
    if (backendRefs.filter((b) => list(b.filters).filter((f) => usesReplacePrefix(f, field)).length === 1).length === 1) {
      reasons.push(`${at}: Within backendRefs, when using ${names[field]} filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified`);
    }
  }
}

function timeoutRules(timeouts: Obj | undefined, at: string, reasons: string[]): void {
  if (!timeouts) return;
  const request = typeof timeouts.request === 'string' ? durationMs(timeouts.request) : null;
  const backend = typeof timeouts.backendRequest === 'string' ? durationMs(timeouts.backendRequest) : null;
  if (request !== null && backend !== null && request !== 0 && backend > request) {
    reasons.push(`${at}: backendRequest timeout cannot be longer than request timeout`);
  }
}
