// The `onramp` command. Exit codes: 0 ok, 1 failure (e.g. `check` found problems, a port could not be bound),
// 2 usage error.
import { readFileSync } from 'node:fs';
import { parseCommand, UsageError } from './args.ts';
import { usage } from './usage.ts';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export async function main(argv: readonly string[]): Promise<number> {
  try {
    const cmd = parseCommand(argv);
    switch (cmd.command) {
      case 'help':
        process.stdout.write(usage(cmd.topic));
        return 0;
      case 'version':
        process.stdout.write(`onramp ${version()}\n`);
        return 0;
      case 'check': {
        // Imported on demand so that `--help` and usage errors stay fast and need no other module.
        const { runCheck } = await import('./check.ts');
        return await runCheck(cmd.options, {
          stdout: (t) => process.stdout.write(t),
          stderr: (t) => process.stderr.write(t),
        });
      }
      case 'run': {
        const { runGatewayCommand } = await import('./run.ts');
        return await runGatewayCommand(cmd.options);
      }
      case 'echo': {
        const { runEchoCommand } = await import('./echo.ts');
        return await runEchoCommand(cmd.options);
      }
    }
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`onramp: ${err.message}\nSee 'onramp ${err.command ? `${err.command} ` : ''}--help'.\n`);
      return 2;
    }
    process.stderr.write(`onramp: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

// Set the exit code and let stdout drain instead of calling process.exit(), so that piped output is complete.
process.exitCode = await main(process.argv.slice(2));
