// The messages between the primary and its worker processes (`onramp run --workers N`). The primary owns
// everything that is not traffic; a worker only applies the configs it is sent and reports what its data
// plane did. Messages travel over the cluster IPC channel with the `advanced` (structured clone)
// serialization; the config goes as one JSON string in which the virtual hosts the worker already holds are
// references (config-wire.ts).
import type { ApplyReport } from '../dataplane/types.ts';

/** Primary → worker: serve this config (`json` is a Config as config-wire.ts writes it; `seq` grows with every config). */
export interface ConfigMessage {
  type: 'config';
  seq: number;
  json: string;
}

/** Primary → worker: close the data plane gracefully (in-flight requests finish), then exit. */
export interface ShutdownMessage {
  type: 'shutdown';
}

export type ToWorker = ConfigMessage | ShutdownMessage;

/** Worker → primary: listening for messages; configs may be sent now. */
export interface ReadyMessage {
  type: 'ready';
}

/** Worker → primary: config `seq` is applied (or failed to), and how many connections the worker has accepted. */
export interface AppliedMessage {
  type: 'applied';
  seq: number;
  /** The data plane's report, or null when apply threw (then `error` says why). */
  report: ApplyReport | null;
  error: string | null;
  /** Connections this worker accepted since it started, so logs show how the kernel spreads them. */
  connections: number;
}

export type FromWorker = ReadyMessage | AppliedMessage;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isReport(value: unknown): value is ApplyReport {
  return (
    isRecord(value) &&
    Array.isArray(value.listening) &&
    value.listening.every((k) => typeof k === 'string') &&
    Array.isArray(value.failed) &&
    value.failed.every((f) => isRecord(f) && typeof f.key === 'string' && typeof f.error === 'string')
  );
}

/** A worker message the primary understands, or null. The primary never trusts a message's shape blindly. */
export function readWorkerMessage(value: unknown): FromWorker | null {
  if (!isRecord(value)) return null;
  if (value.type === 'ready') return { type: 'ready' };
  if (
    value.type === 'applied' &&
    Number.isSafeInteger(value.seq) &&
    (value.report === null || isReport(value.report)) &&
    (value.error === null || typeof value.error === 'string') &&
    Number.isSafeInteger(value.connections)
  ) {
    return value as unknown as AppliedMessage;
  }
  return null;
}

/** A primary message the worker understands, or null. */
export function readPrimaryMessage(value: unknown): ToWorker | null {
  if (!isRecord(value)) return null;
  if (value.type === 'shutdown') return { type: 'shutdown' };
  if (value.type === 'config' && Number.isSafeInteger(value.seq) && typeof value.json === 'string') {
    return { type: 'config', seq: value.seq as number, json: value.json };
  }
  return null;
}
