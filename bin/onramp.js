#!/usr/bin/env node
// Node.js runs the TypeScript sources directly (type stripping), so the command needs no build step.
// The on-disk compile cache (Node >= 22.1) halves module loading on later starts; it is only a cache, so a
// folder it cannot write is no error.
import module from 'node:module';

module.enableCompileCache?.();
await import('../src/cli/main.ts');
