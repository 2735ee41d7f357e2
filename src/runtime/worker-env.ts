// Shared by the primary and the worker entry without the worker's side effects.

/** The environment variable that carries `--log-level` to worker processes. */
export const WORKER_LOG_LEVEL_ENV = 'ONRAMP_WORKER_LOG_LEVEL';
