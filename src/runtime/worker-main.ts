// The entry of a worker process of `onramp run --workers N`. A worker serves traffic and nothing else: it
// applies each config the primary sends to its own data plane and answers with the ApplyReport. The
// listening sockets belong to the primary (node:cluster shares them; with SCHED_NONE the kernel hands each
// connection to one of the workers accepting on it), so the data plane's listen() calls work unchanged.
import cluster from 'node:cluster';
import { subscribe } from 'node:diagnostics_channel';
import { decodeConfig, type VirtualHostTable } from './config-wire.ts';
import { createDataPlane } from '../dataplane/index.ts';
import { createLogger, LOG_LEVELS } from '../log.ts';
import type { AppliedMessage, ConfigMessage, FromWorker } from './worker-protocol.ts';
import { WORKER_LOG_LEVEL_ENV } from './worker-env.ts';
import { readPrimaryMessage } from './worker-protocol.ts';

function startWorker(): void {
  const level = process.env[WORKER_LOG_LEVEL_ENV];
  const logger = createLogger(level !== undefined && LOG_LEVELS.includes(level) ? level : 'info').child({
    worker: cluster.worker?.id ?? 0,
    pid: process.pid,
  });
  const dataPlane = createDataPlane({ logger: logger.child({ component: 'dataplane' }) });

  // Connections accepted by this worker's sockets, reported with every apply (the data plane's sockets are
  // the only servers in a worker).
  let connections = 0;
  subscribe('net.server.socket', () => {
    connections += 1;
  });

  const send = (message: FromWorker): void => {
    if (!process.connected) return;
    process.send!(message, undefined, undefined, (err: Error | null) => {
      if (err) logger.warn({ error: err.message }, 'cannot reach the primary');
    });
  };

  // The virtual hosts of the last config decoded: the primary refers to them instead of sending them again.
  let table: VirtualHostTable = new Map();

  // The primary sends a config only when the previous one is answered, so applies never pile up here.
  const apply = async (message: ConfigMessage): Promise<void> => {
    let reply: AppliedMessage;
    try {
      let decoded;
      try {
        decoded = decodeConfig(message.json, table);
      } catch (err) {
        // Out of step with the primary: forget everything; after this error it sends the next config whole.
        table = new Map();
        throw err;
      }
      table = decoded.table;
      const report = await dataPlane.apply(decoded.config);
      reply = { type: 'applied', seq: message.seq, report, error: null, connections };
    } catch (err) {
      // A config the data plane refuses leaves the previous one serving, as in one process.
      reply = { type: 'applied', seq: message.seq, report: null, error: (err as Error).message, connections };
    }
    send(reply);
  };

  let stopping: Promise<void> | null = null;
  const stop = (why: string): Promise<void> =>
    (stopping ??= (async () => {
      logger.info({ why, connections }, 'worker stopping');
      try {
        // Graceful: the sockets stop accepting, in-flight requests finish (the data plane's drain).
        await dataPlane.close();
      } catch (err) {
        logger.error({ error: (err as Error).message }, 'closing the data plane failed');
      }
      process.exit(0);
    })());

  process.on('message', (value: unknown) => {
    const message = readPrimaryMessage(value);
    if (message === null) {
      logger.warn('ignoring an unknown message from the primary');
      return;
    }
    if (message.type === 'shutdown') void stop('the primary is stopping');
    else if (stopping === null) void apply(message);
  });
  // Without its primary a worker would serve a config nobody updates: finish what is in flight and go.
  process.on('disconnect', () => void stop('the primary is gone'));
  // Ctrl-C reaches the whole process group; the primary decides when workers stop and tells them.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => undefined);
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled promise rejection'));
  process.on('uncaughtException', (err) => {
    // State may be broken: exit, and the primary starts a replacement with the current config.
    logger.fatal({ err }, 'uncaught exception; worker exiting');
    process.exit(1);
  });
  send({ type: 'ready' });
}

if (cluster.isWorker) startWorker();
