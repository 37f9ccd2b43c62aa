/**
 * What a user of the published packages meets, checked from the packed tarballs in a fresh app
 * outside the repository (run by .ci/run after the build):
 * - every tarball ships LICENSE, README.md and dist/, and no sources, source maps or build info;
 * - an ES module script and a CommonJS script (require of the ES modules, Node ≥ 20.19) each run
 *   an SVD with verifySvd, PL-CL and HOMI fit/predict on data they make; another uses nn, peft,
 *   models and wilss;
 * - `tsc --noEmit` passes on a strict TypeScript file that uses the public types;
 * - esbuild bundles the main entries for the browser without Node built-ins;
 * - the installed `numts --help`, `--version` and `decompose svd` on a .npy the script wrote.
 *
 *     npm run build && node --import tsx scripts/check-packages.ts
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { installApp, PUBLISHED, packAll, ROOT, tarballFiles, writeFiles } from './packaging.js';

let passed = 0;
let failed = 0;
function check(what: string, f: () => void): void {
  try {
    f();
    passed++;
    console.log(`ok   ${what}`);
  } catch (e) {
    failed++;
    const err = e as Error & { stdout?: string; stderr?: string };
    console.log(`FAIL ${what}: ${err.message}\n${err.stdout ?? ''}${err.stderr ?? ''}`);
  }
}
function assert(cond: boolean, message: string): void {
  if (!cond) throw new Error(message);
}

/** The user's scripts: the same work through import and through require. */
function userScript(kind: 'esm' | 'cjs'): string {
  const load =
    kind === 'esm'
      ? `import { writeFileSync } from 'node:fs';
import { Matrix, Rng } from '@numts/core';
import { svd, verifySvd } from '@numts/decompositions';
import { writeNpy } from '@numts/io';
import { Homi } from '@numts/multilabel';
import { fitPlcl } from '@numts/pll';`
      : `const { writeFileSync } = require('node:fs');
const { Matrix, Rng } = require('@numts/core');
const { svd, verifySvd } = require('@numts/decompositions');
const { writeNpy } = require('@numts/io');
const { Homi } = require('@numts/multilabel');
const { fitPlcl } = require('@numts/pll');`;
  return `${load}

const rng = new Rng(7);
const a = rng.normalMatrix(40, 25);
const f = svd(a);
const report = verifySvd(a, { u: f.u, s: f.s, vt: f.vt });
if (!report.ok) throw new Error('verifySvd failed: ' + JSON.stringify(report.ratios));
writeFileSync('a.npy', writeNpy(a));

// Partial labels: three Gaussian classes, each instance with its class and one random other label.
const n = 150, d = 4, q = 3;
const x = new Matrix(n, d);
const cand = new Matrix(n, q);
const truth = new Int32Array(n);
for (let i = 0; i < n; i++) {
  const c = i % q;
  truth[i] = c;
  for (let j = 0; j < d; j++) x.set(i, j, rng.normal() + (j === c ? 4 : 0));
  cand.set(i, c, 1);
  cand.set(i, (c + 1 + (i % 2)) % q, 1);
}
const pred = fitPlcl(x, cand).predict(x);
let right = 0;
for (let i = 0; i < n; i++) if (pred[i] === truth[i]) right++;
if (right / n < 0.8) throw new Error('PL-CL training accuracy ' + right / n);

// Multi-label: label k is on when feature k is positive.
const y = new Matrix(n, 2);
for (let i = 0; i < n; i++) for (let k = 0; k < 2; k++) y.set(i, k, x.get(i, k) > 2 ? 1 : 0);
const homi = new Homi().fit(x, y);
const p = homi.predict(x);
if (p.rows !== n || p.cols !== 2) throw new Error('HOMI predictions have the wrong shape');
console.log('${kind} ok: svd verified, PL-CL accuracy ' + (right / n).toFixed(3));
`;
}

const TYPED = `import { type Matrix, Rng } from '@numts/core';
import { type SvdResult, svd, type VerifyReport, verifySvd } from '@numts/decompositions';
import { type Tensor, type NumericArray } from '@numts/core';
import { readNpy } from '@numts/io';
import { fitPlcl, type PlclModel } from '@numts/pll';
import { Homi, type MultiLabelMetrics, evaluateMultiLabel } from '@numts/multilabel';

const a: Matrix = new Rng(1).normalMatrix(6, 4);
const f: SvdResult = svd(a);
const r: VerifyReport = verifySvd(a, { u: f.u!, s: f.s, vt: f.vt! });
const ok: boolean = r.ok;
const t: Tensor<NumericArray> | null = ok ? null : readNpy(new Uint8Array(0));
const model: PlclModel = fitPlcl(a, a);
const scores: Matrix = new Homi().fit(a, a).decisionFunction(a);
const m: MultiLabelMetrics = evaluateMultiLabel(a, scores);
export { m, model, t };
`;

const tarballs = packAll();
for (const name of Object.keys(PUBLISHED)) {
  check(`@numts/${name} tarball ships LICENSE, README.md and dist/ only`, () => {
    const files = tarballFiles(tarballs[name]!);
    for (const f of ['LICENSE', 'README.md', 'package.json']) assert(files.includes(f), `${f} is missing`);
    assert(
      files.some((f) => f.startsWith('dist/') && f.endsWith('.js')),
      'no dist/*.js',
    );
    const bad = files.filter((f) => f.endsWith('.map') || f.includes('tsbuildinfo') || f.startsWith('src/'));
    assert(bad.length === 0, `ships ${bad.slice(0, 5).join(', ')}`);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'packages', name, 'package.json'), 'utf8'));
    assert(
      pkg.license === 'MIT' && !!pkg.repository && pkg.engines?.node === '>=20.19',
      'license/repository/engines',
    );
  });
}

/** Something from each of the other packages: nn, peft, models and wilss. */
const OTHERS = `import { Rng } from '@numts/core';
import { causalLmLoss, createModel } from '@numts/models';
import { Linear, Sequential, Variable, noGrad } from '@numts/nn';
import { injectAdapters, saveAdapter } from '@numts/peft';
import { generateScene } from '@numts/wilss';

const net = new Sequential(new Linear(4, 3, { seed: 1 }));
const x = Variable.from(new Rng(1).normalArray(8), [2, 4], { requiresGrad: true });
injectAdapters(net, { method: 'lora', targetModules: ['0'], rank: 2 });
const y = net.forward(x);
y.backward(new Float32Array(y.size).fill(1));
if (!x.grad) throw new Error('nn: no gradient');
if (JSON.parse(saveAdapter(net).config).peft_type !== 'LORA') throw new Error('peft: not a LORA file');
const llama = createModel({ model_type: 'llama', vocab_size: 11, hidden_size: 8, intermediate_size: 16,
  num_hidden_layers: 1, num_attention_heads: 2, max_position_embeddings: 8 });
const ids = [1, 2, 3, 4];
const loss = noGrad(() => causalLmLoss(llama.run({ inputIds: ids, shape: [1, 4] }).logits, ids)).item();
if (!(loss > 0)) throw new Error('models: loss ' + loss);
const scene = generateScene(new Rng(2), { classes: [1, 2] });
if (scene.mask.length !== 32 * 32) throw new Error('wilss: mask size');
console.log('others ok: nn, peft, models (loss ' + loss.toFixed(3) + '), wilss');
`;

const app = installApp(tarballs, Object.keys(PUBLISHED), {
  typescript: '5.9.3',
});
console.log(`app: ${app}`);
writeFiles(app, {
  'app.mjs': userScript('esm'),
  'app.cjs': userScript('cjs'),
  'check.ts': TYPED,
  'others.mjs': OTHERS,
  'browser.mjs': `import { Rng } from '@numts/core';
import { svd } from '@numts/decompositions';
import { readNpy } from '@numts/io';
import { Homi } from '@numts/multilabel';
import { fitPlcl } from '@numts/pll';
console.log('bundle ok: ' + svd(new Rng(1).normalMatrix(4, 3)).s.length + ' singular values', typeof readNpy, typeof fitPlcl, typeof Homi);
`,
  'tsconfig.json': JSON.stringify({
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      noUncheckedIndexedAccess: true,
      exactOptionalPropertyTypes: true,
      skipLibCheck: false,
      noEmit: true,
      types: [],
    },
    files: ['check.ts'],
  }),
});
const run = (cmd: string, args: string[]) =>
  execFileSync(cmd, args, { cwd: app, encoding: 'utf8', stdio: 'pipe' });
check('the app has no access to the workspace', () => {
  assert(!app.startsWith(ROOT), `${app} is inside ${ROOT}`);
  assert(!existsSync(join(app, 'node_modules', '@numts', 'testing')), '@numts/testing was installed');
});
check('ES module script: SVD + verifySvd, PL-CL, HOMI', () => {
  console.log(`     ${run(process.execPath, ['app.mjs']).trim()}`);
});
check('CommonJS script (require): the same', () => {
  console.log(`     ${run(process.execPath, ['app.cjs']).trim()}`);
});
check('nn, peft, models and wilss from their tarballs', () => {
  console.log(`     ${run(process.execPath, ['others.mjs']).trim()}`);
});
check('tsc --noEmit on a strict TypeScript file using the public types', () => {
  run(process.execPath, [join(app, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json']);
});
check('esbuild bundles the main entries for the browser (no Node built-ins)', () => {
  const esbuild = join(ROOT, 'node_modules', 'esbuild', 'bin', 'esbuild'); // the tool only, not the workspace
  run(esbuild, [
    'browser.mjs',
    '--bundle',
    '--format=esm',
    '--platform=browser',
    '--outfile=bundle.mjs',
    '--log-level=error',
  ]);
  const bundle = readFileSync(join(app, 'bundle.mjs'), 'utf8');
  assert(
    !/from ["']node:/.test(bundle) && !/require\(["']node:/.test(bundle),
    'the bundle imports Node built-ins',
  );
  console.log(
    `     ${run(process.execPath, ['bundle.mjs']).trim()} (${Math.round(bundle.length / 1024)} KB)`,
  );
});
const numts = join(app, 'node_modules', '.bin', 'numts');
check('numts --help', () => {
  assert(run(numts, ['--help']).includes('usage: numts <command>'), 'no usage line');
});
check('numts --version', () => {
  const v = JSON.parse(readFileSync(join(ROOT, 'packages', 'cli', 'package.json'), 'utf8')).version;
  assert(run(numts, ['--version']).trim() === v, `not ${v}`);
});
check('numts decompose svd a.npy', () => {
  const out = JSON.parse(run(numts, ['decompose', 'svd', 'a.npy', '--out', 'factors', '--json']));
  assert(out.ok === true && existsSync(join(app, 'factors', 'U.npy')), JSON.stringify(out));
});
console.log(`\npackages: ${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
