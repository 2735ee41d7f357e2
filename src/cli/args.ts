// Command-line parsing for `onramp run | check | echo`. Pure: argv in, a typed command or a UsageError out,
// so that every usage mistake is reported the same way (message + exit code 2) by main.ts.
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import type { ParseArgsOptionsConfig } from 'node:util';
import { DEFAULT_CONTROLLER_NAME } from '../features.ts';
import { LOG_LEVELS } from '../log.ts';
import type { EchoServerOptions } from '../echo/server.ts';

export const DEFAULT_ADDRESS_POOL = '127.0.1.0/24';
export const DEFAULT_ADMIN_ADDRESS = '127.0.0.1';
export const DEFAULT_ADMIN_PORT = 9901;
/** More worker processes than this is a typo, not a deployment. */
export const MAX_WORKERS = 1024;

/** One worker per core, as the multi-core issue asks. */
export function defaultWorkers(): number {
  return availableParallelism();
}

export class UsageError extends Error {
  readonly command: string | null;
  constructor(message: string, command: string | null = null) {
    super(message);
    this.name = 'UsageError';
    this.command = command;
  }
}

export interface RunOptions {
  paths: string[];
  controllerName: string;
  adminAddress: string;
  adminPort: number;
  addressPool: string;
  logLevel: string;
  /** Port of an echo backend to start in-process on 127.0.0.1 (for the quickstart), or null. */
  echoPort: number | null;
  /** Worker processes sharing the listening sockets; 1 serves in the one process, without workers. */
  workers: number;
}

export interface CheckOptions {
  paths: string[];
  output: 'yaml' | 'json';
  controllerName: string;
  addressPool: string;
}

export interface EchoOptions extends EchoServerOptions {
  logLevel: string;
}

export type Command =
  | { command: 'help'; topic: string | null }
  | { command: 'version' }
  | { command: 'run'; options: RunOptions }
  | { command: 'check'; options: CheckOptions }
  | { command: 'echo'; options: EchoOptions };

const COMMANDS = ['run', 'check', 'echo'] as const;

function port(value: string | undefined, flag: string, fallback: number, command: string, allowZero = true): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535 || (!allowZero && n === 0)) {
    throw new UsageError(`${flag} must be a port number (${allowZero ? 0 : 1}-65535), got "${value}"`, command);
  }
  return n;
}

function workers(value: string | undefined, command: string): number {
  if (value === undefined) return defaultWorkers();
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > MAX_WORKERS) {
    throw new UsageError(`--workers must be a number of processes (1-${MAX_WORKERS}), got "${value}"`, command);
  }
  return n;
}

function logLevel(value: string | undefined, command: string): string {
  const level = value ?? 'info';
  if (!LOG_LEVELS.includes(level)) throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}`, command);
  return level;
}

function files(values: string[], positionals: string[], command: string): string[] {
  // `-f a -f b` and `-f a b` both work: kubectl users write the first, shell globs produce the second.
  const paths = [...values, ...positionals];
  if (paths.length === 0) throw new UsageError('at least one -f PATH (file or folder of manifests) is required', command);
  return paths;
}

/** Parsed flags of one command, read through typed getters so callers need no casts. */
interface Flags {
  str(name: string): string | undefined;
  list(name: string): string[];
  positionals: string[];
}

function parse(argv: string[], options: ParseArgsOptionsConfig, command: string): Flags {
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message, command);
  }
  const { values, positionals } = parsed;
  return {
    str: (name) => (typeof values[name] === 'string' ? values[name] : undefined),
    list: (name) => (Array.isArray(values[name]) ? (values[name] as string[]) : []),
    positionals,
  };
}

function parseRun(argv: string[]): RunOptions {
  const f = parse(
    argv,
    {
      file: { type: 'string', short: 'f', multiple: true },
      'controller-name': { type: 'string' },
      'admin-address': { type: 'string' },
      'admin-port': { type: 'string' },
      'address-pool': { type: 'string' },
      'log-level': { type: 'string' },
      echo: { type: 'string' },
      workers: { type: 'string' },
    },
    'run',
  );
  const echo = f.str('echo');
  return {
    paths: files(f.list('file'), f.positionals, 'run'),
    controllerName: f.str('controller-name') ?? DEFAULT_CONTROLLER_NAME,
    adminAddress: f.str('admin-address') ?? DEFAULT_ADMIN_ADDRESS,
    adminPort: port(f.str('admin-port'), '--admin-port', DEFAULT_ADMIN_PORT, 'run'),
    addressPool: f.str('address-pool') ?? DEFAULT_ADDRESS_POOL,
    logLevel: logLevel(f.str('log-level'), 'run'),
    echoPort: echo === undefined ? null : port(echo, '--echo', 0, 'run', false),
    workers: workers(f.str('workers'), 'run'),
  };
}

function parseCheck(argv: string[]): CheckOptions {
  const f = parse(
    argv,
    {
      file: { type: 'string', short: 'f', multiple: true },
      output: { type: 'string', short: 'o' },
      'controller-name': { type: 'string' },
      'address-pool': { type: 'string' },
    },
    'check',
  );
  const output = f.str('output') ?? 'yaml';
  if (output !== 'yaml' && output !== 'json') throw new UsageError(`-o must be yaml or json, got "${output}"`, 'check');
  return {
    paths: files(f.list('file'), f.positionals, 'check'),
    output,
    controllerName: f.str('controller-name') ?? DEFAULT_CONTROLLER_NAME,
    addressPool: f.str('address-pool') ?? DEFAULT_ADDRESS_POOL,
  };
}

function parseEcho(argv: string[]): EchoOptions {
  const f = parse(
    argv,
    {
      host: { type: 'string' },
      port: { type: 'string' },
      namespace: { type: 'string' },
      pod: { type: 'string' },
      service: { type: 'string' },
      'h2c-port': { type: 'string' },
      'log-level': { type: 'string' },
    },
    'echo',
  );
  if (f.positionals.length > 0) throw new UsageError(`unexpected argument "${f.positionals[0]}"`, 'echo');
  const options: EchoOptions = {
    host: f.str('host') ?? '127.0.0.1',
    port: port(f.str('port'), '--port', 3000, 'echo'),
    logLevel: logLevel(f.str('log-level'), 'echo'),
  };
  const namespace = f.str('namespace');
  const pod = f.str('pod');
  const service = f.str('service');
  const h2cPort = f.str('h2c-port');
  if (namespace !== undefined) options.namespace = namespace;
  if (pod !== undefined) options.pod = pod;
  if (service !== undefined) options.service = service;
  if (h2cPort !== undefined) options.h2cPort = port(h2cPort, '--h2c-port', 0, 'echo');
  return options;
}

export function parseCommand(argv: readonly string[]): Command {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    return { command: 'help', topic: first === 'help' && rest[0] ? rest[0] : null };
  }
  if (first === '--version' || first === '-v' || first === 'version') return { command: 'version' };
  if (!(COMMANDS as readonly string[]).includes(first)) {
    throw new UsageError(first.startsWith('-') ? `unknown option "${first}"` : `unknown command "${first}"`);
  }
  if (rest.includes('--help') || rest.includes('-h')) return { command: 'help', topic: first };
  switch (first) {
    case 'run':
      return { command: 'run', options: parseRun(rest) };
    case 'check':
      return { command: 'check', options: parseCheck(rest) };
    default:
      return { command: 'echo', options: parseEcho(rest) };
  }
}
