// The CORS filter → CORSConfig (spec: HTTPCORSFilter, Extended). The schema checked the shapes; these reads
// stay defensive so that an unexpected value reads as "not given" rather than throwing.
import type { CORSConfig } from '../config/types.ts';
import { problem, Reason, type Problem } from './conditions.ts';

/** CRD default of maxAge ("the gateway sets the response header Access-Control-Max-Age: 5 by default"). */
const DEFAULT_MAX_AGE = 5;

function names(value: unknown, lower: boolean): string[] {
  if (!Array.isArray(value)) return [];
  const out: string[] = [];
  for (const v of value) {
    if (typeof v !== 'string' || v.length === 0) continue;
    const name = lower ? v.toLowerCase() : v;
    if (!out.includes(name)) out.push(name);
  }
  return out;
}

export function translateCORS(value: unknown): CORSConfig | Problem {
  if (value === null || typeof value !== 'object') {
    // Spec (HTTPRouteFilter): the CORS filter needs its `cors` field.
    return problem(Reason.UnsupportedValue, 'filter CORS has no cors field');
  }
  const c = value as Record<string, unknown>;
  const maxAge = typeof c.maxAge === 'number' && Number.isInteger(c.maxAge) && c.maxAge >= 0 ? c.maxAge : DEFAULT_MAX_AGE;
  return {
    // Origins compare case-insensitively on scheme and host (RFC 6454 §4 serialises them lower-case).
    allowOrigins: names(c.allowOrigins, true),
    // Spec (allowMethods): "Method names are case-sensitive".
    allowMethods: names(c.allowMethods, false),
    // Spec (allowHeaders, exposeHeaders): "Header names are not case-sensitive".
    allowHeaders: names(c.allowHeaders, true),
    exposeHeaders: names(c.exposeHeaders, true),
    maxAge,
    allowCredentials: c.allowCredentials === true,
  };
}
