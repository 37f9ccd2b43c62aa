/**
 * Packing the published packages and installing them into a fresh app outside the repository, as a
 * user would: shared by the CI check (scripts/check-packages.ts) and the packaging benchmark.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The published packages, each with the workspace packages it depends on (its numts closure). */
export const PUBLISHED: Record<string, string[]> = {
  core: [],
  decompositions: ['core'],
  io: ['core'],
  nn: ['core', 'io'],
  multilabel: ['core', 'decompositions', 'io'],
  pll: ['core', 'decompositions', 'io'],
  peft: ['core', 'decompositions', 'io', 'nn'],
  models: ['core', 'io', 'nn'],
  wilss: ['core', 'io', 'nn'],
  cli: ['core', 'decompositions', 'io', 'models', 'multilabel', 'nn', 'peft', 'pll', 'wilss'],
};

/**
 * `npm pack` of every published package (they must be built: `npm run build`) into a new
 * temporary folder; returns the tarball of each package by short name.
 */
export function packAll(): Record<string, string> {
  const dest = mkdtempSync(join(tmpdir(), 'numts-tarballs-'));
  const out: Record<string, string> = {};
  for (const name of Object.keys(PUBLISHED)) {
    const json = execFileSync(
      'npm',
      ['pack', '--json', '--silent', '--workspace', `@numts/${name}`, '--pack-destination', dest],
      { cwd: ROOT, encoding: 'utf8' },
    );
    const [info] = JSON.parse(json) as { filename: string }[];
    out[name] = join(dest, info!.filename);
  }
  return out;
}

/** The files inside a tarball (paths under package/). */
export function tarballFiles(tarball: string): string[] {
  return execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((f) => f.replace(/^package\//, ''));
}

/**
 * A fresh app in a temporary folder outside the repository with `packages` (and their numts
 * closure) installed from the tarballs, plus any registry packages in `extra`; returns its folder.
 */
export function installApp(
  tarballs: Record<string, string>,
  packages: string[],
  extra: Record<string, string> = {},
): string {
  const dir = mkdtempSync(join(tmpdir(), 'numts-app-'));
  const names = new Set(packages.flatMap((p) => [p, ...PUBLISHED[p]!]));
  const dependencies: Record<string, string> = { ...extra };
  for (const n of names) dependencies[`@numts/${n}`] = `file:${tarballs[n]}`;
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'numts-user-app', private: true, version: '1.0.0', dependencies }, null, 2)}\n`,
  );
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return dir;
}

/** Kilobytes on disk under a folder (file sizes, as `du --apparent-size`). */
export function folderKb(dir: string): number {
  let bytes = 0;
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) bytes += statSync(p).size;
    }
  };
  walk(dir);
  return Math.round(bytes / 1024);
}

/** Creates a folder and the files given by relative path. */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}
