#!/usr/bin/env node
// Node.js runs the TypeScript sources directly (type stripping), so the command needs no build step.
import '../src/cli/main.ts';
