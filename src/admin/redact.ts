// The config dump shows everything the data plane serves except private keys.
import type { Config } from '../config/types.ts';

export const REDACTED = '[redacted]';

/** A copy of `config` whose certificate keys are replaced by a placeholder; the certificates stay readable. */
export function redactConfig(config: Config): Config {
  const certificates: Config['certificates'] = {};
  for (const [id, cert] of Object.entries(config.certificates ?? {})) {
    certificates[id] = { ...cert, keyPem: REDACTED };
  }
  return { ...config, certificates };
}
