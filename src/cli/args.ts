// Command-line parsing for `onramp run | check | echo`. Pure: argv in, a typed command or a UsageError out,
// so that every usage mistake is reported the same way (message + exit code 2) by main.ts.
import { parseArgs } from 'node:util';
import type { ParseArgsOptionsConfig } from 'node:util';
import { DEFAULT_CONTROLLER_NAME } from '../features.ts';
import { LOG_LEVELS } from '../log.ts';

export const DEFAULT_ADDRESS_POOL = '127.0.1.0/24';
export const DEFAULT_ADMIN_ADDRESS = '127.0.0.1';
export const DEFAULT_ADMIN_PORT = 9901;

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
}

export interface CheckOptions {
  paths: string[];
  output: 'yaml' | 'json';
  controllerName: string;
  addressPool: string;
}

export interface EchoOptions {
  host: string;
  port: number;
  namespace?: string;
  pod?: string;
  service?: string;
  h2cPort?: number;
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

function logLevel(value: string | undefined, command: string): string {
  const level = value ?? 'info';
  if (!LOG_LEVELS.includes(level)) throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}`, command);
  return level;
}

function files(values: string[] | undefined, positionals: string[], command: string): string[] {
  // `-f a -f b` and `-f a b` both work: kubectl users write the first, shell globs produce the second.
  const paths = [...(values ?? []), ...positionals];
  if (paths.length === 0) throw new UsageError('at least one -f PATH (file or folder of manifests) is required', command);
  return paths;
}

function parse(argv: string[], options: ParseArgsOptionsConfig, command: string): { values: Record<string, unknown>; positionals: string[] } {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message, command);
  }
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

  if (first === 'run') {
    const { values, positionals } = parse(
      rest,
      {
        file: { type: 'string', short: 'f', multiple: true },
        'controller-name': { type: 'string' },
        'admin-address': { type: 'string' },
        'admin-port': { type: 'string' },
        'address-pool': { type: 'string' },
        'log-level': { type: 'string' },
        echo: { type: 'string' },
      },
      'run',
    );
    const v = values as Record<string, string | string[] | undefined>;
    return {
      command: 'run',
      options: {
        paths: files(v.file as string[] | undefined, positionals, 'run'),
        controllerName: (v['controller-name'] as string | undefined) ?? DEFAULT_CONTROLLER_NAME,
        adminAddress: (v['admin-address'] as string | undefined) ?? DEFAULT_ADMIN_ADDRESS,
        adminPort: port(v['admin-port'] as string | undefined, '--admin-port', DEFAULT_ADMIN_PORT, 'run'),
        addressPool: (v['address-pool'] as string | undefined) ?? DEFAULT_ADDRESS_POOL,
        logLevel: logLevel(v['log-level'] as string | undefined, 'run'),
        echoPort: v.echo === undefined ? null : port(v.echo as string, '--echo', 0, 'run', false),
      },
    };
  }

  if (first === 'check') {
    const { values, positionals } = parse(
      rest,
      {
        file: { type: 'string', short: 'f', multiple: true },
        output: { type: 'string', short: 'o' },
        'controller-name': { type: 'string' },
        'address-pool': { type: 'string' },
      },
      'check',
    );
    const v = values as Record<string, string | string[] | undefined>;
    const output = (v.output as string | undefined) ?? 'yaml';
    if (output !== 'yaml' && output !== 'json') throw new UsageError(`-o must be yaml or json, got "${output}"`, 'check');
    return {
      command: 'check',
      options: {
        paths: files(v.file as string[] | undefined, positionals, 'check'),
        output,
        controllerName: (v['controller-name'] as string | undefined) ?? DEFAULT_CONTROLLER_NAME,
        addressPool: (v['address-pool'] as string | undefined) ?? DEFAULT_ADDRESS_POOL,
      },
    };
  }

  const { values, positionals } = parse(
    rest,
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
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`, 'echo');
  const v = values as Record<string, string | undefined>;
  const options: EchoOptions = {
    host: v.host ?? '127.0.0.1',
    port: port(v.port, '--port', 3000, 'echo'),
    logLevel: logLevel(v['log-level'], 'echo'),
  };
  if (v.namespace !== undefined) options.namespace = v.namespace;
  if (v.pod !== undefined) options.pod = v.pod;
  if (v.service !== undefined) options.service = v.service;
  if (v['h2c-port'] !== undefined) options.h2cPort = port(v['h2c-port'], '--h2c-port', 0, 'echo');
  return { command: 'echo', options };
}
