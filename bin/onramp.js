#!/usr/bin/env node
// Node.js runs the TypeScript sources directly (type stripping), so the command needs no build step.
// The on-disk compile cache (Node >= 22.1) halves module loading on later starts; it is only a cache, so a
// folder it cannot write is no error.
import module from 'node:module';

module.enableCompileCache?.();
// `onramp run` serves with V8 flags that only the command line can set (see src/cli/v8-flags.ts): the
// process replaces itself with one that has them, keeping its PID, before it does anything else.
const { relaunchArgv } = await import('../src/cli/v8-flags.ts');
const argv = relaunchArgv(process.execPath, process.execArgv, process.argv, process.env);
if (argv !== null && typeof process.execve === 'function') process.execve(process.execPath, argv, process.env);
await import('../src/cli/main.ts');
