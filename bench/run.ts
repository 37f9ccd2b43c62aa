/**
 * Benchmark runner: `npm run bench -- <suite> [--smoke] [--json]`.
 *
 * Prints a table of results; with `--json` the last line of output is one JSON object. Full runs
 * (without `--smoke`) also write `docs/results/<report>.md` and `.json` (the report is named by the
 * suite, e.g. `gemm` writes `core`).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, type Suite, writeResults } from './lib/harness.js';

const args = process.argv.slice(2);
const suiteName = args.find((a) => !a.startsWith('--'));
const smoke = args.includes('--smoke');
const json = args.includes('--json');
const TIER_FLAGS = ['--small', '--repro'];
const unknown = args.filter(
  (a) => a.startsWith('--') && a !== '--smoke' && a !== '--json' && !TIER_FLAGS.includes(a),
);

if (!suiteName || unknown.length > 0) {
  console.error(
    `usage: npm run bench -- <suite> [--smoke|--small|--repro] [--json]${unknown.length ? ` (unknown option ${unknown.join(', ')})` : ''}`,
  );
  process.exit(2);
}
const file = join(ROOT, 'bench', 'suites', `${suiteName}.ts`);
if (!existsSync(file)) {
  console.error(`bench: no suite named ${JSON.stringify(suiteName)} (expected bench/suites/${suiteName}.ts)`);
  process.exit(2);
}
const suite = (await import(pathToFileURL(file).href)).default as Suite;
const result = await suite({ smoke, json, flags: args.filter((a) => TIER_FLAGS.includes(a)) });
if (result.skipped) {
  console.log(`bench ${suiteName}: skipped: ${result.skipped}`);
  if (json) console.log(JSON.stringify(result.summary));
  process.exit(0);
}
console.log(result.markdown);
if (!smoke) writeResults(result.report ?? suiteName, result);
if (json) console.log(JSON.stringify(result.summary));
