// RequestRedirect: the Location header of a redirect answer.
import type { RedirectActionConfig } from '../../../config/types.ts';
import { compilePathModifier, modifyPath } from './path.ts';
import type { PathModifier } from './path.ts';

export interface Redirect {
  status: number;
  /** `scheme://`. */
  schemePrefix: string;
  hostname: string | null;
  /** `:port`, or `` when the port is the scheme's well-known port (spec: it must then be omitted). */
  portSuffix: string;
  path: PathModifier | null;
}

export function compileRedirect(action: RedirectActionConfig, matchPrefix: string | null): Redirect {
  const wellKnown = action.scheme === 'https' ? 443 : 80;
  return {
    status: action.statusCode,
    schemePrefix: `${action.scheme}://`,
    hostname: action.hostname,
    portSuffix: action.port === wellKnown ? '' : `:${action.port}`,
    path: compilePathModifier(action.path, matchPrefix),
  };
}

/** The Location: the request's host (without its port) unless the filter names one; the query is kept. */
export function redirectLocation(r: Redirect, requestHost: string, path: string, query: string | null): string {
  const host = r.hostname ?? requestHost;
  const newPath = r.path === null ? path : modifyPath(r.path, path);
  return query === null
    ? `${r.schemePrefix}${host}${r.portSuffix}${newPath}`
    : `${r.schemePrefix}${host}${r.portSuffix}${newPath}?${query}`;
}
