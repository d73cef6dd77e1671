#!/usr/bin/env node
// Entry point. React's development build costs about twice the CPU per frame,
// so choose production before anything imports React (imports are hoisted,
// hence the dynamic import of the real main).
import process from 'node:process';

process.env['NODE_ENV'] ??= 'production';
await import('./cli/main.js');
