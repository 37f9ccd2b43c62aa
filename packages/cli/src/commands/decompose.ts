/**
 * `numts decompose svd|qr|eigh|tucker|cp <file.npy> [--rank r] --out <dir>`
 *
 * @module
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Matrix, NumericArray, Tensor } from '@numts/core';
import {
  cp,
  eigh,
  qr,
  svd,
  svdTruncated,
  tucker,
  verifyCp,
  verifyEigh,
  verifyQr,
  verifySvd,
  verifyTucker,
} from '@numts/decompositions';
import { asInputError, CliError, EXIT_INPUT, EXIT_USAGE } from '../cli-error.js';
import { readMatrix, readTensor, writeArray } from '../files.js';
import { formatValue } from '../progress.js';

function parseRanks(v: string | undefined): number[] | undefined {
  if (v === undefined) return undefined;
  const r = v.split(',').map((x) => (x.trim() === '' ? Number.NaN : Number(x)));
  if (r.some((x) => !Number.isInteger(x) || x < 1))
    throw new CliError(
      `--rank must be positive integers (got ${JSON.stringify(v)})`,
      EXIT_USAGE,
      'e.g. --rank 5 or --rank 4,4,2',
    );
  return r;
}

/** Checks --rank against the data, as a usage error (exit 2) naming the limit. */
function checkRanks(kind: string, ranks: number[] | undefined, shape: readonly number[]): void {
  if (!ranks) {
    if (kind === 'tucker' || kind === 'cp')
      throw new CliError(`decompose ${kind} needs --rank`, EXIT_USAGE, 'e.g. --rank 5');
    return;
  }
  const usage = (msg: string, hint: string) =>
    new CliError(`--rank ${ranks.join(',')}: ${msg}`, EXIT_USAGE, hint);
  if (kind === 'qr' || kind === 'eigh') throw usage(`decompose ${kind} takes no rank`, 'leave out --rank');
  if (kind === 'tucker') {
    if (ranks.length !== 1 && ranks.length !== shape.length)
      throw usage(
        `tucker needs one rank or one per mode (${shape.length} modes of shape [${shape.join(', ')}])`,
        'e.g. --rank 3 or --rank 3,3,2',
      );
    ranks.forEach((r, k) => {
      const mode = ranks.length === 1 ? Math.min(...shape) : shape[k]!;
      if (r > mode)
        throw usage(
          `rank ${r} exceeds the size ${mode} of mode ${ranks.length === 1 ? 'the smallest mode' : k} (shape [${shape.join(', ')}])`,
          'each rank must be at most the size of its mode',
        );
    });
    return;
  }
  if (ranks.length !== 1) throw usage(`decompose ${kind} takes one rank`, 'e.g. --rank 5');
  if (kind === 'svd' && ranks[0]! > Math.min(shape[0]!, shape[1]!))
    throw usage(
      `the rank exceeds min(m, n) = ${Math.min(shape[0]!, shape[1]!)} of the ${shape[0]}x${shape[1]} matrix`,
      `use a rank of at most ${Math.min(shape[0]!, shape[1]!)}`,
    );
}

/** Runs `numts decompose`; returns the exit code. */
export function decomposeCommand(
  kind: string | undefined,
  file: string | undefined,
  out: string | undefined,
  rankArg: string | undefined,
  json: boolean,
): number {
  const kinds = ['svd', 'qr', 'eigh', 'tucker', 'cp'];
  if (!kind || !kinds.includes(kind))
    throw new CliError(
      `decompose: the first argument must be one of ${kinds.join(', ')} (got ${JSON.stringify(kind ?? '')})`,
      EXIT_USAGE,
      'see numts decompose --help',
    );
  if (!file)
    throw new CliError('decompose needs an input .npy file', EXIT_USAGE, 'see numts decompose --help');
  if (!out) throw new CliError('decompose needs --out <dir>', EXIT_USAGE, 'see numts decompose --help');
  const ranks = parseRanks(rankArg);
  const written: string[] = [];
  const put = (name: string, x: Matrix | Float64Array | Tensor<NumericArray>) => {
    writeArray(join(out, name), x);
    written.push(name);
  };
  const makeOut = () => {
    try {
      mkdirSync(out, { recursive: true });
    } catch (e) {
      throw new CliError(`--out ${out}: cannot create the directory (${(e as Error).message})`, EXIT_INPUT);
    }
  };
  let summary: Record<string, number | boolean> = {};
  if (kind === 'tucker' || kind === 'cp') {
    const x = readTensor(file);
    checkRanks(kind, ranks, x.shape);
    makeOut();
    try {
      if (kind === 'tucker') {
        const r = tucker(x as unknown as Tensor<never>, ranks!.length === 1 ? ranks![0]! : ranks!);
        put('core.npy', r.core as unknown as Tensor<NumericArray>);
        r.factors.forEach((f, i) => {
          put(`U${i + 1}.npy`, f);
        });
        const v = verifyTucker(x as unknown as Tensor<never>, {
          core: r.core as unknown as Tensor<never>,
          factors: r.factors,
        });
        summary = { relativeError: v.relativeError, orthonormal: v.ok, iterations: r.iterations };
      } else {
        const r = cp(x as unknown as Tensor<never>, ranks![0]!);
        put('weights.npy', r.weights);
        r.factors.forEach((f, i) => {
          put(`A${i + 1}.npy`, f);
        });
        const v = verifyCp(x as unknown as Tensor<never>, { weights: r.weights, factors: r.factors });
        summary = { relativeError: v.relativeError, iterations: r.iterations };
      }
    } catch (e) {
      throw asInputError(e, `decompose ${kind} ${file}`);
    }
  } else {
    const a = readMatrix(file);
    checkRanks(kind, ranks, [a.rows, a.cols]);
    makeOut();
    try {
      if (kind === 'svd') {
        const r = ranks ? svdTruncated(a, ranks[0]!) : svd(a);
        put('U.npy', r.u!);
        put('S.npy', r.s);
        put('Vt.npy', r.vt!);
        const v = verifySvd(a, { u: r.u!, s: r.s, vt: r.vt! });
        summary = { ok: v.ok, ...v.ratios, ...(ranks ? { rank: ranks[0]! } : {}) };
      } else if (kind === 'qr') {
        const r = qr(a);
        put('Q.npy', r.q!);
        put('R.npy', r.r);
        const v = verifyQr(a, { q: r.q!, r: r.r });
        summary = { ok: v.ok, ...v.ratios };
      } else {
        const r = eigh(a);
        put('W.npy', r.values);
        put('V.npy', r.vectors!);
        const v = verifyEigh(a, { values: r.values, vectors: r.vectors! });
        summary = { ok: v.ok, ...v.ratios };
      }
    } catch (e) {
      throw asInputError(e, `decompose ${kind} ${file}`);
    }
  }
  if (json) console.log(JSON.stringify({ files: written, ...summary }));
  else {
    console.log(`wrote ${written.map((w) => join(out, w)).join(', ')}`);
    for (const [k, v] of Object.entries(summary)) console.log(`  ${k}: ${formatValue(v)}`);
  }
  return 0;
}
