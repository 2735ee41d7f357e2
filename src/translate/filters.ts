// HTTPRoute filters → FiltersConfig (spec: HTTPRouteFilter). Supported: RequestHeaderModifier,
// ResponseHeaderModifier, URLRewrite, RequestRedirect, RequestMirror (its backendRef is resolved by the
// caller, which knows the route's namespace) and CORS. What onramp does with the others:
// - ExtensionRef: onramp knows no extension kinds, so the reference cannot be resolved. Spec: "the filter MUST
//   NOT be skipped. Instead, requests that would have been processed by that filter MUST receive a HTTP error
//   response": the rule answers 500 and the route's ResolvedRefs is False with InvalidKind.
import type {
  HTTPHeaderFilter,
  HTTPPathModifier,
  HTTPRequestMirrorFilter,
  HTTPRequestRedirectFilter,
  HTTPRouteFilter,
} from '../api/types.ts';
import type { FiltersConfig, HeaderEditsConfig, PathModifierConfig, URLRewriteConfig } from '../config/types.ts';
import { problem, Reason, type Problem } from './conditions.ts';
import { translateCORS } from './cors.ts';
import { list, str, strings } from './input.ts';

export interface FilterResult {
  filters: FiltersConfig;
  /** The RequestRedirect filter, resolved per listener later (its port and scheme depend on it). */
  redirect: { filter: HTTPRequestRedirectFilter; path: PathModifierConfig | null } | null;
  /** RequestMirror filters in order, their backendRefs not resolved yet. */
  mirrors: HTTPRequestMirrorFilter[];
  /** True when a path modifier uses ReplacePrefixMatch (needs PathPrefix matches only). */
  replacesPrefix: boolean;
  /** The rule cannot be served (Accepted False / PartiallyInvalid). */
  invalid: Problem | null;
  /** A filter reference that cannot be resolved: 500 for the rule, ResolvedRefs False. */
  unresolved: Problem | null;
}

const REDIRECT_CODES = new Set([301, 302, 303, 307, 308]);

export function emptyFilters(): FiltersConfig {
  return { requestHeaders: null, responseHeaders: null, urlRewrite: null };
}

export function hasFilters(f: FiltersConfig): boolean {
  return (
    f.requestHeaders !== null ||
    f.responseHeaders !== null ||
    f.urlRewrite !== null ||
    (f.mirrors ?? null) !== null ||
    (f.cors ?? null) !== null
  );
}

function headerEdits(f: HTTPHeaderFilter | undefined): HeaderEditsConfig {
  return {
    set: list(f?.set).filter((h) => typeof h.name === 'string').map((h) => [h.name, str(h.value)] as [string, string]),
    add: list(f?.add).filter((h) => typeof h.name === 'string').map((h) => [h.name, str(h.value)] as [string, string]),
    remove: strings(f?.remove),
  };
}

function pathModifier(p: HTTPPathModifier | undefined): PathModifierConfig | null | Problem {
  if (!p) return null;
  if (p.type === 'ReplaceFullPath' && typeof p.replaceFullPath === 'string') {
    return { type: 'ReplaceFullPath', value: p.replaceFullPath };
  }
  if (p.type === 'ReplacePrefixMatch' && typeof p.replacePrefixMatch === 'string') {
    return { type: 'ReplacePrefixMatch', value: p.replacePrefixMatch };
  }
  // Spec (HTTPPathModifier.type): unknown values → Accepted False, UnsupportedValue.
  return problem(Reason.UnsupportedValue, `path modifier type ${String(p.type)} is not supported`);
}

function isProblem(v: unknown): v is Problem {
  return typeof v === 'object' && v !== null && 'reason' in v;
}

export function translateFilters(filters: readonly HTTPRouteFilter[] | undefined): FilterResult {
  const result: FilterResult = { filters: emptyFilters(), redirect: null, mirrors: [], replacesPrefix: false, invalid: null, unresolved: null };
  const seen = new Set<string>();
  const invalid = (p: Problem): FilterResult => {
    result.invalid ??= p;
    return result;
  };
  for (const f of list(filters)) {
    if (f.type !== 'ExtensionRef' && f.type !== 'RequestMirror') {
      // Spec: "Specifying the same filter multiple times is not supported unless explicitly indicated".
      if (seen.has(f.type)) return invalid(problem(Reason.IncompatibleFilters, `filter ${f.type} is repeated`));
      seen.add(f.type);
    }
    switch (f.type) {
      case 'RequestHeaderModifier':
        result.filters.requestHeaders = headerEdits(f.requestHeaderModifier);
        break;
      case 'ResponseHeaderModifier':
        result.filters.responseHeaders = headerEdits(f.responseHeaderModifier);
        break;
      case 'URLRewrite': {
        const path = pathModifier(f.urlRewrite?.path);
        if (isProblem(path)) return invalid(path);
        const rewrite: URLRewriteConfig = { hostname: f.urlRewrite?.hostname ?? null, path };
        result.filters.urlRewrite = rewrite;
        if (path?.type === 'ReplacePrefixMatch') result.replacesPrefix = true;
        break;
      }
      case 'RequestRedirect': {
        const r = f.requestRedirect ?? {};
        if (r.scheme !== undefined && r.scheme !== 'http' && r.scheme !== 'https') {
          return invalid(problem(Reason.UnsupportedValue, `redirect scheme ${String(r.scheme)} is not supported`));
        }
        if (r.statusCode !== undefined && !REDIRECT_CODES.has(r.statusCode)) {
          return invalid(problem(Reason.UnsupportedValue, `redirect statusCode ${r.statusCode} is not supported`));
        }
        const path = pathModifier(r.path);
        if (isProblem(path)) return invalid(path);
        if (path?.type === 'ReplacePrefixMatch') result.replacesPrefix = true;
        result.redirect = { filter: r, path };
        break;
      }
      case 'ExtensionRef': {
        const ref = f.extensionRef;
        result.unresolved ??= problem(
          Reason.InvalidKind,
          `ExtensionRef filter ${ref ? `${ref.group ? `${ref.group}/` : ''}${ref.kind} ${ref.name}` : '(empty)'} cannot be resolved: onramp has no filter extensions`,
        );
        break;
      }
      case 'RequestMirror': {
        // Spec (HTTPRequestMirrorFilter): "This filter can be used multiple times within the same rule".
        const m = f.requestMirror;
        if (!m || typeof m !== 'object' || !m.backendRef || typeof m.backendRef.name !== 'string') {
          return invalid(problem(Reason.UnsupportedValue, 'filter RequestMirror has no requestMirror.backendRef'));
        }
        result.mirrors.push(m);
        break;
      }
      case 'CORS': {
        const cors = translateCORS(f.cors);
        if (isProblem(cors)) return invalid(cors);
        result.filters.cors = cors;
        break;
      }
      default:
        return invalid(problem(Reason.UnsupportedValue, `filter type ${String(f.type)} is not supported`));
    }
  }
  // Spec (HTTPRouteRule.filters): "URLRewrite and RequestRedirect filters ... may not be combined".
  if (result.redirect && result.filters.urlRewrite) {
    return invalid(problem(Reason.IncompatibleFilters, 'RequestRedirect and URLRewrite cannot be combined'));
  }
  return result;
}
