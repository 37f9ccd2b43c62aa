/**
 * Builds the workbench into examples/workbench/dist/app.js: the compute worker is bundled first
 * and embedded in the page's script as a string (started from a Blob URL), so the app is one
 * script that also works from file://. Run: npm run example:workbench, then open
 * examples/workbench/index.html (or serve the folder: index.html, sw.js, dist/).
 */
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));

const common: BuildOptions = {
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2022',
  conditions: ['@numts/source'],
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
};

/** Builds the app; returns the path of its script and its size in bytes. */
export async function buildWorkbench(outdir = join(here, 'dist')): Promise<{ path: string; bytes: number }> {
  const worker = await build({ ...common, entryPoints: [join(here, 'src', 'worker.ts')], write: false });
  const path = join(outdir, 'app.js');
  await build({
    ...common,
    entryPoints: [join(here, 'src', 'app.ts')],
    define: { WORKER_SOURCE: JSON.stringify(worker.outputFiles![0]!.text) },
    outfile: path,
  });
  return { path, bytes: statSync(path).size };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { path, bytes } = await buildWorkbench();
  console.log(`wrote ${path} (${(bytes / 1024).toFixed(0)} KiB)`);
}
