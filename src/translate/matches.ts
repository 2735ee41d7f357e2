// HTTPRouteMatch → MatchConfig (spec: HTTPRouteMatch, HTTPPathMatch, HTTPHeaderMatch, HTTPQueryParamMatch).
// Defaults are filled here so that the data plane never guesses; regular expressions are checked with RE2,
// the engine the data plane runs them with (linear time).
import RE2 from 're2';
import type { HTTPRouteMatch } from '../api/types.ts';
import type { HeaderMatchConfig, MatchConfig, QueryParamMatchConfig } from '../config/types.ts';
import { problem, Reason, type Problem } from './conditions.ts';
import { list, str } from './input.ts';

function regexProblem(pattern: string, what: string): Problem | null {
  try {
    new RE2(pattern, 'u');
    return null;
  } catch {
    return problem(Reason.UnsupportedValue, `${what} regular expression ${JSON.stringify(pattern)} is not valid RE2 syntax`);
  }
}

/** PathPrefix values drop a trailing slash (spec: "/abc" and "/abc/" both match "/abc/def"), except "/". */
export function normalizePrefix(value: string): string {
  let v = value;
  while (v.length > 1 && v.endsWith('/')) v = v.slice(0, -1);
  return v;
}

export function translateMatch(m: HTTPRouteMatch): MatchConfig | Problem {
  const type = m.path?.type ?? 'PathPrefix';
  const raw = str(m.path?.value, '/');
  let value = raw;
  if (type === 'Exact' || type === 'PathPrefix') {
    if (!raw.startsWith('/')) return problem(Reason.UnsupportedValue, `path ${JSON.stringify(raw)} must start with "/"`);
    if (type === 'PathPrefix') value = normalizePrefix(raw);
  } else if (type === 'RegularExpression') {
    const p = regexProblem(raw, 'path');
    if (p) return p;
  } else {
    return problem(Reason.UnsupportedValue, `path match type ${String(type)} is not supported`);
  }
  // Spec: "If multiple entries specify equivalent header names, only the first entry ... MUST be considered".
  const headers: HeaderMatchConfig[] = [];
  for (const h of list(m.headers)) {
    if (typeof h.name !== 'string') continue;
    const name = h.name.toLowerCase();
    if (headers.some((x) => x.name === name)) continue;
    const htype = h.type ?? 'Exact';
    if (htype !== 'Exact' && htype !== 'RegularExpression') {
      return problem(Reason.UnsupportedValue, `header match type ${String(htype)} is not supported`);
    }
    if (htype === 'RegularExpression') {
      const p = regexProblem(str(h.value), `header ${h.name}`);
      if (p) return p;
    }
    headers.push({ name, type: htype, value: str(h.value) });
  }
  // Query parameter names are compared exactly (spec), so only exact duplicates are dropped.
  const queryParams: QueryParamMatchConfig[] = [];
  for (const q of list(m.queryParams)) {
    if (typeof q.name !== 'string') continue;
    if (queryParams.some((x) => x.name === q.name)) continue;
    const qtype = q.type ?? 'Exact';
    if (qtype !== 'Exact' && qtype !== 'RegularExpression') {
      return problem(Reason.UnsupportedValue, `query parameter match type ${String(qtype)} is not supported`);
    }
    if (qtype === 'RegularExpression') {
      const p = regexProblem(str(q.value), `query parameter ${q.name}`);
      if (p) return p;
    }
    queryParams.push({ name: q.name, type: qtype, value: str(q.value) });
  }
  return {
    path: { type, value },
    method: typeof m.method === 'string' && m.method !== '' ? m.method.toUpperCase() : null,
    headers,
    queryParams,
  };
}
