#!/usr/bin/env node
// The compiled CLI lives in dist/; `npm start` and `npm run build` produce it.
import { existsSync } from 'node:fs';
const entry = new URL('../dist/src/main.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('herald: not built yet. Run `npm run build` (npm start does it for you).');
  process.exit(1);
}
await import(entry.href);
