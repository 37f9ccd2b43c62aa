/**
 * VeRA (Kopiczko, Blankevoort, Asano, ICLR 2024; HF peft's `VeraConfig`): one pair of frozen
 * random projections shared by every adapted layer, and two trainable scaling vectors per layer:
 * ΔW = diag(λ_b)·B·diag(λ_d)·A with A r×in and B out×r slices of the shared projections,
 * λ_d ∈ Rʳ (initialised to d_initial, default 0.1) and λ_b ∈ R^out (initialised to 0: a no-op).
 * r + out parameters per layer, whatever r.
 *
 * The shared projections are U(−1, 1) matrices generated entry by entry from `projectionSeed` (row i
 * of A from a stream of its own, and likewise for B), so every layer's slice is the top-left corner
 * of the same matrices, whatever the layer sizes — the sharing of peft. A layer scales its slice of
 * A by 1/√in and of B by 1/√r (Kaiming-uniform with the layer's own fan_in; peft uses the largest
 * adapted layer's). Torch's generator is not reproduced, so the projections differ from peft's for
 * the same `projection_prng_key`, and files are written with numts' type `NUMTS_VERA` (the
 * projections are not stored: they are regenerated from the seed).
 *
 * @module
 */
import { assertIntegerInRange, assertPositive, Rng } from '@numts/core';
import { add, linear, mul, type Variable } from '@numts/nn';
import { type AdaptedLayer, Adapter, denseShape } from '../adapter.js';
import { constant, filled, matmulRaw } from '../init.js';

/** Options of {@link VeraAdapter}. */
export interface VeraOptions {
  /** r: rows of the shared projection A (any positive integer; VeRA uses large ones, e.g. 256). */
  rank: number;
  /** Initial value of λ_d (default 0.1). */
  dInitial?: number | undefined;
  /** Seed of the shared projections (default 0; the same for every layer of a model). */
  projectionSeed?: number | undefined;
}

/** The first `width` entries of row `row` of the shared projection `which` (U(−1, 1)) times `bound`. */
function projectionRow(seed: number, which: 0 | 1, row: number, width: number, bound: number): Float64Array {
  const rng = new Rng(
    (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(which + 1, 0x85ebca6b) ^ Math.imul(row + 1, 0xc2b2ae35)) >>>
      0,
  );
  return Float64Array.from({ length: width }, () => bound * rng.uniform(-1, 1));
}

/** VeRA on a Linear layer (peft's parameter names: `vera_lambda_b`, `vera_lambda_d`). */
export class VeraAdapter extends Adapter {
  readonly method = 'vera';
  readonly rank: number;
  /** λ_b ∈ R^out (trainable, 0 at init). */
  readonly lambdaB: Variable;
  /** λ_d ∈ Rʳ (trainable). */
  readonly lambdaD: Variable;
  /** The frozen slice A (r×in) of the shared projection. */
  readonly projectionA: Variable;
  /** The frozen slice B (out×r) of the shared projection. */
  readonly projectionB: Variable;

  constructor(layer: AdaptedLayer, options: VeraOptions) {
    const [out, inn] = denseShape('vera', layer);
    assertIntegerInRange('vera', 'rank', options.rank, 1, 1 << 20);
    const dInitial = options.dInitial ?? 0.1;
    assertPositive('vera', 'dInitial', dInitial, { allowZero: true });
    super(layer);
    const r = options.rank;
    const seed = options.projectionSeed ?? 0;
    this.rank = r;
    const a = new Float64Array(r * inn);
    for (let i = 0; i < r; i++) a.set(projectionRow(seed, 0, i, inn, 1 / Math.sqrt(inn)), i * inn);
    const b = new Float64Array(out * r);
    for (let i = 0; i < out; i++) b.set(projectionRow(seed, 1, i, r, 1 / Math.sqrt(r)), i * r);
    this.projectionA = constant(a, [r, inn]);
    this.projectionB = constant(b, [out, r]);
    this.lambdaB = this.param('vera_lambda_b', filled([out], 0));
    this.lambdaD = this.param('vera_lambda_d', filled([r], dInitial));
  }

  protected adaptedForward(x: Variable): Variable {
    const h = mul(linear(x, this.projectionA), this.lambdaD);
    return add(this.layer.baseForward(x), mul(linear(h, this.projectionB), this.lambdaB));
  }

  effectiveWeight(): Float64Array {
    const [out, inn] = denseShape('vera', this.layer);
    const r = this.rank;
    const bd = new Float64Array(out * r);
    for (let i = 0; i < out; i++)
      for (let j = 0; j < r; j++)
        bd[i * r + j] = this.lambdaB.data[i]! * this.projectionB.data[i * r + j]! * this.lambdaD.data[j]!;
    const d = matmulRaw(bd, this.projectionA.data, out, r, inn);
    const w = this.baseWeight();
    for (let i = 0; i < d.length; i++) d[i] = d[i]! + w[i]!;
    return d;
  }
}
