/** Running the `numts` command in the CLI tests: from the TypeScript sources under test. */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** The bin script of the package. */
export const BIN = join(here, '..', 'bin', 'numts.js');
/** The repository root. */
export const ROOT = join(here, '..', '..', '..');
/** Fixtures of the CLI and of peft in test-data. */
export const FIX = join(ROOT, 'test-data', 'cli');
export const PEFT_FIX = join(ROOT, 'test-data', 'peft');

/** Runs `numts …args` in `cwd`; returns the exit code and both outputs. */
export function runNumts(cwd: string, ...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}
