/**
 * VeRA (Kopiczko, Blankevoort, Asano, ICLR 2024; HF peft's `VeraConfig`): one pair of frozen
 * random projections shared by every adapted layer, and two trainable scaling vectors per layer:
 * ΔW = diag(λ_b)·B·diag(λ_d)·A with A r×in and B out×r slices of the shared projections,
 * λ_d ∈ Rʳ (initialised to d_initial, default 0.1) and λ_b ∈ R^out (initialised to 0: a no-op).
 * r + out parameters per layer, whatever r.
 *
 * As in peft, the shared projections are sized for the largest adapted layer — A is r × max in,
 * B is max out × r, Kaiming-uniform (U(±1/√max in) and U(±1/√r)) — and every layer uses their
 * top-left corner. They are generated entry by entry from `projectionSeed` (row i from a stream
 * of its own); torch's generator is not reproduced, so they differ from peft's for the same
 * `projection_prng_key`, which is why files carry them (peft's `save_projection: true`).
 *
 * @module
 */
import { assertIntegerInRange, assertPositive, Rng, ShapeError } from '@numts/core';
import { add, linear, mul, type Variable } from '@numts/nn';
import { type AdaptedLayer, Adapter, denseShape } from '../adapter.js';
import { constant, filled, matmulRaw } from '../init.js';

/** The projections shared by the VeRA adapters of one model (peft's `vera_A`, `vera_B`). */
export class VeraProjections {
  /** A: rank × maxIn, row-major. */
  readonly a: Float64Array;
  /** B: maxOut × rank, row-major. */
  readonly b: Float64Array;

  constructor(
    readonly rank: number,
    readonly maxIn: number,
    readonly maxOut: number,
    seed = 0,
  ) {
    this.a = new Float64Array(rank * maxIn);
    for (let i = 0; i < rank; i++)
      this.a.set(projectionRow(seed, 0, i, maxIn, 1 / Math.sqrt(maxIn)), i * maxIn);
    this.b = new Float64Array(maxOut * rank);
    for (let i = 0; i < maxOut; i++)
      this.b.set(projectionRow(seed, 1, i, rank, 1 / Math.sqrt(rank)), i * rank);
  }

  /** The projections for a set of [out, in] layer shapes (peft's `_find_dim`: the largest of each). */
  static forLayers(rank: number, shapes: readonly [number, number][], seed = 0): VeraProjections {
    const maxOut = Math.max(...shapes.map(([o]) => o));
    const maxIn = Math.max(...shapes.map(([, i]) => i));
    return new VeraProjections(rank, maxIn, maxOut, seed);
  }
}

/** Options of {@link VeraAdapter}. */
export interface VeraOptions {
  /** r: rows of the shared projection A (any positive integer; VeRA uses large ones, e.g. 256). */
  rank: number;
  /** Initial value of λ_d (default 0.1). */
  dInitial?: number | undefined;
  /**
   * The model's shared projections (default: ones sized for this layer alone, from
   * `projectionSeed`). `injectAdapters` passes one object to every layer it adapts.
   */
  projections?: VeraProjections | undefined;
  /** Seed of the projections when `projections` is not given (default 0). */
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
  /** The shared projections this layer slices. */
  readonly projections: VeraProjections;
  /** The frozen slice A (r×in) of the shared projection. */
  readonly projectionA: Variable;
  /** The frozen slice B (out×r) of the shared projection. */
  readonly projectionB: Variable;

  constructor(layer: AdaptedLayer, options: VeraOptions) {
    const [out, inn] = denseShape('vera', layer);
    assertIntegerInRange('vera', 'rank', options.rank, 1, 1 << 20);
    const dInitial = options.dInitial ?? 0.1;
    assertPositive('vera', 'dInitial', dInitial, { allowZero: true });
    const r = options.rank;
    const shared = options.projections ?? new VeraProjections(r, inn, out, options.projectionSeed ?? 0);
    if (shared.rank !== r || shared.maxIn < inn || shared.maxOut < out)
      throw new ShapeError(
        `vera: the shared projections (rank ${shared.rank}, ${shared.maxOut} × ${shared.maxIn}) do not cover a rank-${r} layer of ${out} × ${inn}`,
      );
    super(layer);
    this.rank = r;
    this.projections = shared;
    this.projectionA = constant(new Float64Array(r * inn), [r, inn]);
    this.projectionB = constant(new Float64Array(out * r), [out, r]);
    this.syncProjections();
    this.lambdaB = this.param('vera_lambda_b', filled([out], 0));
    this.lambdaD = this.param('vera_lambda_d', filled([r], dInitial));
  }

  /** Copies this layer's corner of the shared projections (after they were overwritten, e.g. by a load). */
  syncProjections(): void {
    const [out, inn] = denseShape('vera', this.layer);
    const { a, b, maxIn } = this.projections;
    for (let i = 0; i < this.rank; i++)
      this.projectionA.data.set(a.subarray(i * maxIn, i * maxIn + inn), i * inn);
    this.projectionB.data.set(b.subarray(0, out * this.rank));
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
