#!/usr/bin/env node
// The `numts` command. The packages run from their TypeScript sources (no build step), so this
// shim starts Node with the `@numts/source` export condition and the tsx loader.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const result = spawnSync(
  process.execPath,
  [
    '--conditions=@numts/source',
    '--import',
    tsx,
    join(here, '..', 'src', 'main.ts'),
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
