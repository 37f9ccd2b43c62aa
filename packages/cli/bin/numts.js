#!/usr/bin/env node
// The `numts` command. An installed package (which ships dist/ and no src/) runs its compiled
// dist/ with plain Node. In a checkout of the repository it runs the TypeScript sources through tsx
// (a development dependency there), so `npm ci && npx numts …` works without a build and never
// runs a stale build; NUMTS_FROM_DIST=1 runs dist/ there instead.
import { existsSync } from 'node:fs';

const args = process.argv.slice(2);
const dist = new URL('../dist/main.js', import.meta.url);
const source = new URL('../src/main.ts', import.meta.url);
if (existsSync(dist) && (!existsSync(source) || process.env.NUMTS_FROM_DIST === '1')) {
  const { run } = await import(dist.href);
  process.exitCode = await run(args);
} else {
  if (!existsSync(source)) {
    console.error('numts: error: the package is incomplete (dist/main.js is missing); reinstall @numts/cli');
    process.exit(70);
  }
  const { spawnSync } = await import('node:child_process');
  const { createRequire } = await import('node:module');
  const { pathToFileURL } = await import('node:url');
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  // With -e, process.argv is [node, ...args].
  const runner = `const { run } = await import(${JSON.stringify(source.href)}); process.exitCode = await run(process.argv.slice(1));`;
  const r = spawnSync(
    process.execPath,
    ['--conditions=@numts/source', '--import', tsx, '--input-type=module', '-e', runner, '--', ...args],
    { stdio: 'inherit' },
  );
  process.exit(r.status ?? 1);
}
