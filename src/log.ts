// Structured logs: JSON lines on stderr (stdout belongs to command output such as `onramp check`).
import { pino } from 'pino';
import type { Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

export const LOG_LEVELS: readonly string[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * Field paths that could carry key material if someone logs an object carelessly; pino replaces them.
 * The code never logs certificates or keys on purpose; this is the safety net.
 */
const REDACT_PATHS = ['keyPem', '*.keyPem', 'data', '*.data', 'certificates', '*.certificates'];

export function createLogger(level = 'info'): Logger {
  if (!LOG_LEVELS.includes(level)) throw new Error(`unknown log level "${level}" (one of ${LOG_LEVELS.join(', ')})`);
  return pino(
    {
      level,
      base: { name: 'onramp' },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Level names rather than numbers: the logs are read by people as often as by machines.
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    pino.destination({ fd: 2, sync: true }),
  );
}

/** A logger that writes nothing, for tests and library callers that pass none. */
export const silentLogger: Logger = pino({ level: 'silent' });
