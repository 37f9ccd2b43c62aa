/**
 * The Verify screen's job: find the matrix A and its factors among the dropped arrays (or
 * factorize A when no factor is given), run the LAPACK-style checks, and prepare the spectrum and
 * the orthogonality map |FᵀF − I| of the orthogonal factor.
 *
 * @module
 */
import { gemm, type Matrix } from '@numts/core';
import { svd, type VerifyReport, verifyEigh, verifyQr, verifySvd } from '@numts/decompositions';
import { InputProblem, parsing } from './input-problem.js';
import { arraysOfFile, asMatrix, asVector, type NamedArray } from './named-arrays.js';
import type { InputFile, VerifyCheck, VerifyResult } from './protocol.js';
import { type ReadProgress, readAll } from './read-files.js';

const NAMES_HINT =
  'the matrix as A.npy (or an entry named A), optionally with its factors: U, S, Vt (SVD), Q, R (QR) or W, V (symmetric eigendecomposition)';

/** The largest side of the orthogonality map; larger factors are max-pooled down to it. */
const HEAT_SIZE = 160;

/** |FᵀF − I| / ε of the columns of f, max-pooled to at most HEAT_SIZE×HEAT_SIZE. */
function orthogonalityMap(f: Matrix): { size: number; pooled: number; values: Float32Array } {
  const g = gemm(f, f, { transA: true });
  const k = g.rows;
  const pooled = Math.max(1, Math.ceil(k / HEAT_SIZE));
  const size = Math.ceil(k / pooled);
  const values = new Float32Array(size * size);
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) {
      const e = Math.abs(g.get(i, j) - (i === j ? 1 : 0)) / Number.EPSILON;
      const at = Math.floor(i / pooled) * size + Math.floor(j / pooled);
      // NaN wins: a NaN entry must show, not vanish in the pooling.
      if (!(values[at]! >= e)) values[at] = e;
    }
  return { size, pooled, values };
}

function checksOf(r: VerifyReport): VerifyCheck[] {
  return [
    ...Object.entries(r.ratios).map(([name, value]) => ({ name, value, pass: value < r.threshold })),
    ...Object.entries(r.checks).map(([name, pass]) => ({ name, pass })),
  ];
}

/** Runs the job on the dropped files. */
export async function verifyJob(files: InputFile[], progress: ReadProgress): Promise<VerifyResult> {
  const t0 = performance.now();
  if (files.length === 0) throw new InputProblem(undefined, 'no file was given', NAMES_HINT);
  const bytes = await readAll(files, progress);
  const arrays = files.flatMap((f) => arraysOfFile(f.path, bytes.get(f.path)!));
  const byName = new Map<string, NamedArray>();
  for (const a of arrays) {
    const key = a.name.toLowerCase();
    const other = byName.get(key);
    if (other)
      throw new InputProblem(
        a.file,
        `two arrays are named ${a.name}: one in ${other.file}, one in ${a.file}`,
        'each array once',
      );
    byName.set(key, a);
  }
  const find = (...names: string[]) => names.map((n) => byName.get(n)).find((a) => a !== undefined);
  const aArray = find('a', 'x', 'matrix') ?? (arrays.length === 1 ? arrays[0] : undefined);
  if (!aArray)
    throw new InputProblem(
      undefined,
      `none of the arrays (${arrays.map((a) => `${a.name} in ${a.file}`).join(', ') || 'none'}) is named A`,
      NAMES_HINT,
    );
  const a = asMatrix(aArray, 'A');
  const where: Record<string, string> = { A: aArray.file };
  const need = (kind: string, roles: [string, NamedArray | undefined][]) => {
    const missing = roles.filter(([, v]) => !v).map(([r]) => r);
    if (missing.length)
      throw new InputProblem(
        undefined,
        `found ${roles
          .filter(([, v]) => v)
          .map(([r]) => r)
          .join(
            ' and ',
          )} but not ${missing.join(' and ')}: ${kind} needs ${roles.map(([r]) => r).join(', ')}`,
        NAMES_HINT,
      );
    for (const [role, v] of roles) where[role] = v!.file;
    return roles.map(([, v]) => v!);
  };
  const [u, s, vt] = [find('u'), find('s'), find('vt', 'vh')];
  const [q, r] = [find('q'), find('r')];
  const [w, v] = [find('w'), find('v')];
  let result: Omit<VerifyResult, 'millis' | 'arrays' | 'shape'>;
  if (u || s || vt) {
    const [uu, ss, vv] = need('an SVD', [
      ['U', u],
      ['S', s],
      ['Vt', vt],
    ]);
    progress(0.3, 'verifying the SVD');
    const um = asMatrix(uu!, 'U');
    const sv = asVector(ss!, 'S');
    const report = parsing(undefined, NAMES_HINT, () =>
      verifySvd(a, { u: um, s: sv, vt: asMatrix(vv!, 'Vt') }),
    );
    result = verifyResult('svd', 'files', report, Array.from(sv), 'singular values σᵢ', 'UᵀU − I', um);
  } else if (q || r) {
    const [qq, rr] = need('a QR factorization', [
      ['Q', q],
      ['R', r],
    ]);
    progress(0.3, 'verifying the QR factorization');
    const qm = asMatrix(qq!, 'Q');
    const rm = asMatrix(rr!, 'R');
    const report = parsing(undefined, NAMES_HINT, () => verifyQr(a, { q: qm, r: rm }));
    const diag = Array.from({ length: Math.min(rm.rows, rm.cols) }, (_, i) => Math.abs(rm.get(i, i)));
    result = verifyResult(
      'qr',
      'files',
      report,
      diag.sort((x, y) => y - x),
      '|rᵢᵢ| of R, sorted',
      'QᵀQ − I',
      qm,
    );
  } else if (w || v) {
    const [ww, vv] = need('a symmetric eigendecomposition', [
      ['W', w],
      ['V', v],
    ]);
    progress(0.3, 'verifying the eigendecomposition');
    const values = asVector(ww!, 'W');
    const vectors = asMatrix(vv!, 'V');
    const report = parsing(undefined, NAMES_HINT, () => verifyEigh(a, { values, vectors }));
    const magnitudes = Array.from(values, Math.abs).sort((x, y) => y - x);
    result = verifyResult('eigh', 'files', report, magnitudes, '|λᵢ|, sorted', 'VᵀV − I', vectors);
  } else {
    progress(0.3, `computing the SVD of the ${a.rows}×${a.cols} matrix`);
    const f = parsing(aArray.file, NAMES_HINT, () => svd(a));
    progress(0.7, 'verifying the SVD');
    const report = verifySvd(a, { u: f.u!, s: f.s, vt: f.vt! });
    result = verifyResult('svd', 'computed', report, Array.from(f.s), 'singular values σᵢ', 'UᵀU − I', f.u!);
  }
  return { ...result, arrays: where, shape: [a.rows, a.cols], millis: performance.now() - t0 };
}

/** The result of one verification: its checks, its spectrum and the orthogonality map of `factor`. */
function verifyResult(
  factorization: VerifyResult['factorization'],
  source: VerifyResult['source'],
  report: VerifyReport,
  spectrum: number[],
  spectrumLabel: string,
  heatTitle: string,
  factor: Matrix,
): Omit<VerifyResult, 'millis' | 'arrays' | 'shape'> {
  return {
    job: 'verify',
    factorization,
    source,
    ok: report.ok,
    threshold: report.threshold,
    checks: checksOf(report),
    spectrum,
    spectrumLabel,
    heat: { title: heatTitle, ...orthogonalityMap(factor) },
  };
}
