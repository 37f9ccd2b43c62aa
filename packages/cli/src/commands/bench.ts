/**
 * `numts bench <suite> [--smoke] [--json]`: runs a benchmark suite of the repository.
 *
 * @module
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CliError, EXIT_USAGE } from '../cli-error.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

/** `--help` text of the command. */
export const BENCH_HELP = `usage: numts bench <suite> [--smoke|--small|--repro] [--json]

Runs bench/suites/<suite>.ts of the numts repository (medians with tinybench, side by side with the
peer library in the same process) and prints its table; full runs write docs/results/. Suites: ${suites().join(', ')}.`;

function suites(): string[] {
  const dir = join(ROOT, 'bench', 'suites');
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.ts'))
        .map((f) => f.slice(0, -3))
        .sort()
    : [];
}

/** Runs `numts bench`. */
export function benchCommand(suite: string | undefined, flags: string[]): number {
  const all = suites();
  if (all.length === 0)
    throw new CliError(
      'bench: the benchmark suites are not available (they live in the numts repository, bench/suites)',
      EXIT_USAGE,
    );
  if (!suite || !all.includes(suite))
    throw new CliError(
      `bench: unknown suite ${JSON.stringify(suite ?? '')}`,
      EXIT_USAGE,
      `suites: ${all.join(', ')}`,
    );
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const r = spawnSync(
    process.execPath,
    ['--conditions=@numts/source', '--import', tsx, join(ROOT, 'bench', 'run.ts'), suite, ...flags],
    { stdio: 'inherit', cwd: ROOT },
  );
  return r.status ?? 1;
}
