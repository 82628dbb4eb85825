#!/usr/bin/env node
// The CLI entry: runs the TypeScript sources through tsx's loader (no build step needed).
import { register } from 'tsx/esm/api';
import { fileURLToPath } from 'node:url';

register();
await import(fileURLToPath(new URL('../src/main.ts', import.meta.url)));
