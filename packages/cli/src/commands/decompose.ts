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
  verifyEigh,
  verifyQr,
  verifySvd,
} from '@numts/decompositions';
import { asInputError, CliError, EXIT_USAGE } from '../cli-error.js';
import { readMatrix, readTensor, writeArray } from '../files.js';

/** `--help` text of the command. */
export const DECOMPOSE_HELP = `usage: numts decompose <svd|qr|eigh|tucker|cp> <file.npy> --out <dir> [--rank r | --rank r1,r2,…] [--json]

Writes the factors as .npy files into <dir> (created if needed):
  svd     U.npy S.npy Vt.npy (thin; with --rank r the leading r triplets)
  qr      Q.npy R.npy (reduced)
  eigh    W.npy V.npy (ascending eigenvalues of the symmetric matrix)
  tucker  core.npy U1.npy … Un.npy (HOOI; --rank required: one rank or one per mode)
  cp      weights.npy A1.npy … An.npy (CP-ALS; --rank required)
and prints the verification of the result.`;

function parseRanks(v: string | undefined): number[] | undefined {
  if (v === undefined) return undefined;
  const r = v.split(',').map(Number);
  if (r.some((x) => !Number.isInteger(x) || x < 1))
    throw new CliError(
      `--rank must be positive integers (got ${JSON.stringify(v)})`,
      EXIT_USAGE,
      'e.g. --rank 5 or --rank 4,4,2',
    );
  return r;
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
  let summary: Record<string, number | boolean> = {};
  try {
    if (kind === 'tucker' || kind === 'cp') {
      const x = readTensor(file);
      if (!ranks) throw new CliError(`decompose ${kind} needs --rank`, EXIT_USAGE, 'e.g. --rank 5');
      mkdirSync(out, { recursive: true });
      if (kind === 'tucker') {
        const r = tucker(x as unknown as Tensor<never>, ranks.length === 1 ? ranks[0]! : ranks);
        put('core.npy', r.core as unknown as Tensor<NumericArray>);
        r.factors.forEach((f, i) => {
          put(`U${i + 1}.npy`, f);
        });
        summary = { relativeError: r.errors[r.errors.length - 1] ?? 0, iterations: r.iterations };
      } else {
        const r = cp(x as unknown as Tensor<never>, ranks[0]!);
        put('weights.npy', r.weights);
        r.factors.forEach((f, i) => {
          put(`A${i + 1}.npy`, f);
        });
        summary = { relativeError: r.errors[r.errors.length - 1] ?? 0, iterations: r.iterations };
      }
    } else {
      const a = readMatrix(file);
      mkdirSync(out, { recursive: true });
      if (kind === 'svd') {
        const r = ranks ? svdTruncated(a, ranks[0]!) : svd(a);
        put('U.npy', r.u!);
        put('S.npy', r.s);
        put('Vt.npy', r.vt!);
        if (!ranks) {
          const v = verifySvd(a, { u: r.u!, s: r.s, vt: r.vt! });
          summary = { ok: v.ok, ...v.ratios };
        } else summary = { rank: ranks[0]! };
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
    }
  } catch (e) {
    throw asInputError(e, `decompose ${kind}`);
  }
  if (json) console.log(JSON.stringify({ files: written, ...summary }));
  else {
    console.log(`wrote ${written.map((w) => join(out, w)).join(', ')}`);
    for (const [k, v] of Object.entries(summary))
      console.log(`  ${k}: ${typeof v === 'number' ? v.toExponential(3) : v}`);
  }
  return 0;
}
