/**
 * Bundles examples/browser/app.ts into examples/browser/dist/app.js (one classic script, so the page
 * also works from file://). Run: npm run example:browser, then open examples/browser/index.html.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));

/** Builds the bundle; returns its path. */
export async function buildBrowserExample(outdir = join(here, 'dist')): Promise<string> {
  const outfile = join(outdir, 'app.js');
  await build({
    entryPoints: [join(here, 'app.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    conditions: ['@numts/source'],
    outfile,
    logLevel: 'warning',
  });
  return outfile;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(`wrote ${await buildBrowserExample()}`);
}
