/**
 * `numts verify <A.npy> --svd U S Vt | --qr Q R | --eigh W V | --tucker core f1 f2 …`
 *
 * @module
 */
import type { Tensor } from '@numts/core';
import { verifyEigh, verifyQr, verifySvd, verifyTucker } from '@numts/decompositions';
import { asInputError, CliError, EXIT_USAGE, EXIT_VERIFY_FAILED } from '../cli-error.js';
import { readMatrix, readTensor, readVector } from '../files.js';
import { formatValue, textTable } from '../progress.js';

/** Runs `numts verify`; returns the exit code. */
export function verifyCommand(args: string[], json: boolean): number {
  const [aPath, flag, ...files] = args;
  if (!aPath || !flag)
    throw new CliError(
      'verify needs <A.npy> and one of --svd, --qr, --eigh, --tucker',
      EXIT_USAGE,
      'see numts verify --help',
    );
  const need = (n: number) => {
    if (files.length !== n)
      throw new CliError(
        `verify ${flag} needs ${n} factor files (got ${files.length})`,
        EXIT_USAGE,
        'see numts verify --help',
      );
  };
  let ok: boolean;
  let ratios: Record<string, number | boolean>;
  try {
    if (flag === '--svd') {
      need(3);
      const a = readMatrix(aPath);
      const r = verifySvd(a, {
        u: readMatrix(files[0]!),
        s: readVector(files[1]!),
        vt: readMatrix(files[2]!),
      });
      ok = r.ok;
      ratios = { ...r.ratios, ...r.checks };
    } else if (flag === '--qr') {
      need(2);
      const r = verifyQr(readMatrix(aPath), { q: readMatrix(files[0]!), r: readMatrix(files[1]!) });
      ok = r.ok;
      ratios = { ...r.ratios, ...r.checks };
    } else if (flag === '--eigh') {
      need(2);
      const r = verifyEigh(readMatrix(aPath), {
        values: readVector(files[0]!),
        vectors: readMatrix(files[1]!),
      });
      ok = r.ok;
      ratios = { ...r.ratios, ...r.checks };
    } else if (flag === '--tucker') {
      if (files.length < 2)
        throw new CliError(
          'verify --tucker needs <core.npy> and one factor per mode',
          EXIT_USAGE,
          'see numts verify --help',
        );
      const x = readTensor(aPath);
      const core = readTensor(files[0]!);
      const factors = files.slice(1).map(readMatrix);
      const r = verifyTucker(
        x as unknown as Tensor<never>,
        { core: core as unknown as Tensor<never>, factors },
        { maxRelativeError: 1e-6 },
      );
      ok = r.ok;
      ratios = {
        relativeError: r.relativeError,
        ...Object.fromEntries(r.orthogonality.map((v, i) => [`orthogonality${i + 1}`, v])),
      };
    } else
      throw new CliError(
        `verify: unknown factorization ${JSON.stringify(flag)}`,
        EXIT_USAGE,
        'use --svd, --qr, --eigh or --tucker',
      );
  } catch (e) {
    throw asInputError(e, 'verify');
  }
  if (json) console.log(JSON.stringify({ ok, ...ratios }));
  else {
    console.log(
      textTable(
        ['check', 'value'],
        Object.entries(ratios).map(([k, v]) => [k, formatValue(v)]),
      ),
    );
    console.log(ok ? 'PASS: the factors reproduce A' : 'FAIL: the factors do not reproduce A');
  }
  return ok ? 0 : EXIT_VERIFY_FAILED;
}
