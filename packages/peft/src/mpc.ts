/**
 * MPC — Matrix Pattern Constraints ("See Further", §IV-B): regularizers on the low-rank factors
 * of LoRA-family adapters. With A = lora_A (r×in) and B = lora_B (out×r):
 *
 * - MPCo: ‖A·Aᵀ − I‖²_F + ‖Bᵀ·B − I‖²_F  (both factors semi-orthogonal)
 * - MPCd: ‖A·Aᵀ − I‖²_F + ‖Bᵀ·B − diag(Bᵀ·B)‖²_F  (B with orthogonal columns of free norm)
 *
 * The paper does not give λ. `form: 'squared'` is the paper's λ·Σ(squared norms); `form:
 * 'loralib'` (default) is the only implementation in the authors' repository (AdaLoRA's
 * regularizer): λ times the mean over all factor matrices of the unsquared Frobenius norm.
 * MPCn (a nonlinearity between A and B) is the `'parallel'` adapter method.
 *
 * @module
 */
import { assertInRange, DomainError } from '@numts/core';
import { add, affine, type Module, matmul, mul, sqrt, square, sub, sum, Variable } from '@numts/nn';
import { adaptersOf } from './inject.js';

/** Options of {@link mpcPenalty}. */
export interface MpcOptions {
  /** `'orthogonal'` (MPCo) or `'diagonal'` (MPCd). */
  kind: 'orthogonal' | 'diagonal';
  /** λ (default 0.1, the value of the authors' `--reg_orth_coef`). */
  lambda?: number | undefined;
  /** `'loralib'` (default, unsquared and averaged) or `'squared'` (the paper's equation). */
  form?: 'loralib' | 'squared' | undefined;
}

/** A tiny offset under the square root so that the gradient of ‖0‖ stays finite. */
const SQRT_GUARD = 1e-12;

function eye(r: number, value = 1): Variable {
  const v = Variable.zeros([r, r]);
  for (let i = 0; i < r; i++) v.data[i * r + i] = value;
  return v;
}

/**
 * The MPC penalty of every adapter with low-rank factors (LoRA, DoRA, PiSSA, MiLoRA, LoRA-Dash,
 * TriLoRA, MoSLoRA, linear FLoRA, parallel), as a scalar Variable to add to the loss.
 * @throws DomainError when the model has no adapter with low-rank factors, or for a bad option
 * @example
 * ```ts
 * const loss = add(crossEntropy(model.forward(x), y), mpcPenalty(model, { kind: 'orthogonal' }));
 * ```
 */
export function mpcPenalty(model: Module, options: MpcOptions): Variable {
  const fn = 'mpcPenalty';
  if (options.kind !== 'orthogonal' && options.kind !== 'diagonal')
    throw new DomainError(
      `${fn}: kind must be "orthogonal" or "diagonal" (got ${JSON.stringify(options.kind)})`,
    );
  const lambda = options.lambda ?? 0.1;
  assertInRange(fn, 'lambda', lambda, 0, Number.MAX_VALUE);
  const form = options.form ?? 'loralib';
  if (form !== 'loralib' && form !== 'squared')
    throw new DomainError(`${fn}: form must be "loralib" or "squared" (got ${JSON.stringify(form)})`);
  const terms: Variable[] = [];
  for (const [, a] of adaptersOf(model)) {
    const f = a.lowRankFactors();
    if (!f) continue;
    const r = f.down.shape[0]!;
    const aat = matmul(f.down, f.down, { transB: true });
    const btb = matmul(f.up, f.up, { transA: true });
    const pa = sub(aat, eye(r));
    const pb = options.kind === 'orthogonal' ? sub(btb, eye(r)) : mul(btb, offDiagonalMask(r));
    for (const p of [pa, pb]) {
      const sq = sum(square(p));
      terms.push(form === 'squared' ? sq : sqrt(affine(sq, 1, SQRT_GUARD)));
    }
  }
  if (terms.length === 0) throw new DomainError(`${fn}: the model has no adapter with low-rank factors`);
  let total = terms[0]!;
  for (let i = 1; i < terms.length; i++) total = add(total, terms[i]!);
  return affine(total, form === 'squared' ? lambda : lambda / terms.length);
}

function offDiagonalMask(r: number): Variable {
  const v = Variable.zeros([r, r]);
  v.data.fill(1);
  for (let i = 0; i < r; i++) v.data[i * r + i] = 0;
  return v;
}
