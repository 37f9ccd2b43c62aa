import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The architecture page lists the packages, their layers and every arrow between them; this test
// holds the page and the code to each other.

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const PACKAGES = join(ROOT, 'packages');
const PAGE = readFileSync(join(ROOT, 'docs', 'architecture.md'), 'utf8');

type Graph = Map<string, Set<string>>;

function section(title: string): string {
  const start = PAGE.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`docs/architecture.md has no "## ${title}" section`);
  const end = PAGE.indexOf('\n## ', start + 1);
  return PAGE.slice(start, end < 0 ? undefined : end);
}

/**
 * Parses `- \`a\` → b, c` (runtime), `- \`a\` tests → b` (test only, declared in devDependencies)
 * or `- \`a\` tests → b (by path)` (test only, imported by a relative path) lines of the Arrows section.
 */
function pageArrows(kind: 'runtime' | 'tests' | 'tests by path'): Graph {
  const graph: Graph = new Map();
  const re = kind === 'runtime' ? /^- `([a-z-]+)` → (.+)$/gm : /^- `([a-z-]+)` tests → (.+)$/gm;
  for (const m of section('Arrows').matchAll(re)) {
    const byPath = m[2]!.endsWith(' (by path)');
    if (kind !== 'runtime' && byPath !== (kind === 'tests by path')) continue;
    const list = m[2]!.replace(/ \(by path\)$/, '');
    const targets = list === '(nothing)' ? [] : list.split(',').map((t) => t.trim());
    graph.set(m[1]!, new Set(targets));
  }
  return graph;
}

/** Parses `- layer N: \`a\`, \`b\` — …` lines of the Layers section. */
function pageLayers(): Map<string, number> {
  const layers = new Map<string, number>();
  for (const m of section('Layers').matchAll(/^- layer (\d+): ((?:`[a-z-]+`(?:, )?)+)/gm))
    for (const name of m[2]!.matchAll(/`([a-z-]+)`/g)) layers.set(name[1]!, Number(m[1]));
  return layers;
}

function packageNames(): string[] {
  return readdirSync(PACKAGES)
    .filter((n) => statSync(join(PACKAGES, n, 'package.json'), { throwIfNoEntry: false })?.isFile())
    .sort();
}

function numtsDeps(pkg: string, fields: string[]): Set<string> {
  const json = JSON.parse(readFileSync(join(PACKAGES, pkg, 'package.json'), 'utf8'));
  const out = new Set<string>();
  for (const f of fields)
    for (const dep of Object.keys(json[f] ?? {}))
      if (dep.startsWith('@numts/')) out.add(dep.slice('@numts/'.length));
  return out;
}

function tsFiles(dir: string): string[] {
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.m?ts$/.test(f) && !f.split(sep).includes('node_modules'))
    .map((f) => join(dir, f));
}

/** Module specifiers of static, dynamic and re-export imports, skipping comment lines (TSDoc examples). */
function specifiers(file: string): string[] {
  const code = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => !/^\s*(\*|\/\/|\/\*)/.test(line))
    .join('\n');
  const re = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)'([^']+)'/gm;
  return [...code.matchAll(re)].map((m) => m[1]!);
}

interface Imports {
  numts: Graph;
  escapes: string[];
}

function imports(folder: 'src' | 'test'): Imports {
  const numts: Graph = new Map();
  const escapes: string[] = [];
  for (const pkg of packageNames()) {
    const found = new Set<string>();
    for (const file of tsFiles(join(PACKAGES, pkg, folder))) {
      for (const spec of specifiers(file)) {
        if (spec.startsWith('@numts/')) {
          const target = spec.slice('@numts/'.length).split('/')[0]!;
          if (target !== pkg) found.add(target);
        } else if (spec.startsWith('.')) {
          const target = resolve(dirname(file), spec);
          if (relative(join(PACKAGES, pkg), target).startsWith('..'))
            escapes.push(`${relative(ROOT, file)} imports '${spec}'`);
        }
      }
    }
    numts.set(pkg, found);
  }
  return { numts, escapes };
}

function edges(graph: Graph): string[] {
  return [...graph].flatMap(([a, targets]) => [...targets].map((b) => `${a} → ${b}`)).sort();
}

describe('docs/architecture.md matches the code', () => {
  const runtimePage = pageArrows('runtime');
  const testPage = pageArrows('tests');
  const byPathPage = pageArrows('tests by path');
  const layers = pageLayers();
  const src = imports('src');
  const test = imports('test');

  it('the page parses: one layer per package, every package has a runtime arrow line', () => {
    const names = packageNames();
    expect(names.length).toBeGreaterThanOrEqual(10);
    expect([...runtimePage.keys()].sort()).toEqual(names);
    // testing sits outside the layers (test only); every other package has exactly one layer.
    expect([...layers.keys()].sort()).toEqual(names.filter((n) => n !== 'testing'));
  });

  it('src imports are exactly the runtime arrows of the page', () => {
    expect(edges(src.numts)).toEqual(edges(runtimePage));
  });

  it('package.json dependencies and peerDependencies are exactly the runtime arrows', () => {
    const declared: Graph = new Map(
      packageNames().map((p) => [p, numtsDeps(p, ['dependencies', 'peerDependencies'])]),
    );
    expect(edges(declared)).toEqual(edges(runtimePage));
  });

  it('devDependencies are exactly the test-only arrows, and tests import nothing else', () => {
    const declared: Graph = new Map();
    for (const p of packageNames()) {
      const dev = numtsDeps(p, ['devDependencies']);
      if (dev.size > 0) declared.set(p, dev);
    }
    expect(edges(declared)).toEqual(edges(testPage));
    const undeclared = [...test.numts].flatMap(([pkg, targets]) =>
      [...targets]
        .filter(
          (t) => !runtimePage.get(pkg)?.has(t) && !testPage.get(pkg)?.has(t) && !byPathPage.get(pkg)?.has(t),
        )
        .map((t) => `${pkg} tests → ${t}`),
    );
    expect(undeclared).toEqual([]);
  });

  it('every runtime arrow points to a lower layer; only tests import testing', () => {
    const wrong = edges(runtimePage).filter((e) => {
      const [a, b] = e.split(' → ') as [string, string];
      if (a === 'testing') return b !== 'core';
      const la = layers.get(a);
      const lb = layers.get(b);
      return la === undefined || lb === undefined || lb >= la;
    });
    expect(wrong).toEqual([]);
  });

  it('no relative import leaves its package, except the test-only arrows the page marks "by path"', () => {
    expect(src.escapes).toEqual([]);
    const allowed = (line: string): boolean => {
      const m = /^packages\/([a-z-]+)\/test\/.* imports '\.\.\/\.\.\/([a-z-]+)\/src\/index\.js'$/.exec(line);
      return m !== null && byPathPage.get(m[1]!)?.has(m[2]!) === true;
    };
    expect(test.escapes.filter((e) => !allowed(e))).toEqual([]);
    // Every by-path arrow on the page is still used.
    for (const [pkg, targets] of byPathPage)
      for (const t of targets)
        expect(
          test.escapes.some((e) => e.startsWith(`packages/${pkg}/test/`) && e.includes(`/${t}/src/`)),
        ).toBe(true);
  });
});
