/**
 * LoKr (Kronecker-product adaptation, LyCORIS; HF peft's `LoKrConfig`): ΔW = s·(W₁ ⊗ W₂) with
 * out = out_l·out_k and in = in_m·in_n factored as peft's `factorization` does, W₁ out_l×in_m and
 * W₂ out_k×in_n, s = α/r. W₂ (and W₁ with `decomposeBoth`) is itself low rank, W₂ₐ·W₂ᵦ, when r is
 * below half its larger side, as in peft. Initialisation as peft's: W₁ (or W₁ₐ) = 0, the others
 * Kaiming-uniform, so the adapter starts as a no-op.
 *
 * @module
 */
import { assertIntegerInRange, Rng } from '@numts/core';
import { add, affine, linear, matmul, mul, noGrad, reshape, type Variable } from '@numts/nn';
import { type AdaptedLayer, Adapter, denseShape } from '../adapter.js';
import { filled, kaimingUniform } from '../init.js';

/**
 * peft's `factorization(dimension, factor)`: dimension = m·n with m ≤ n, m as close to √dimension
 * as the search allows (m ≤ factor when factor > 0; exactly factor when it divides).
 */
export function lokrFactorization(dimension: number, factor = -1): [m: number, n: number] {
  if (factor > 0 && dimension % factor === 0) {
    const m = factor;
    const n = dimension / factor;
    return m > n ? [n, m] : [m, n];
  }
  const limit = factor < 0 ? dimension : factor;
  let [m, n] = [1, dimension];
  const length = m + n;
  while (m < n) {
    let next = m + 1;
    while (dimension % next !== 0) next++;
    const nextN = dimension / next;
    if (next + nextN > length || next > limit) break;
    [m, n] = [next, nextN];
  }
  return m > n ? [n, m] : [m, n];
}

/** Options of {@link LokrAdapter}. */
export interface LokrOptions {
  rank: number;
  /** α (default r): the scaling is α/r. */
  alpha?: number | undefined;
  /** Also factor W₁ as W₁ₐ·W₁ᵦ when r is small enough (peft's `decompose_both`, default false). */
  decomposeBoth?: boolean | undefined;
  /** peft's `decompose_factor` (default −1: as square as possible). */
  decomposeFactor?: number | undefined;
  seed?: number | undefined;
}

/** A factor of the Kronecker product: one matrix, or a low-rank pair a·b. */
type Factor = { full: Variable } | { a: Variable; b: Variable };

/** LoKr on a Linear layer (peft's parameter names: `lokr_w1` or `lokr_w1_a`/`_b`, `lokr_w2` or `lokr_w2_a`/`_b`). */
export class LokrAdapter extends Adapter {
  readonly method = 'lokr';
  readonly rank: number;
  /** α (peft's `lora_alpha` / `alpha`). */
  readonly alpha: number;
  /** s = α/r. */
  readonly scaling: number;
  /** [[out_l, out_k], [in_m, in_n]]. */
  readonly shape: [[number, number], [number, number]];
  readonly #w1: Factor;
  readonly #w2: Factor;

  constructor(layer: AdaptedLayer, options: LokrOptions) {
    const [out, inn] = denseShape('lokr', layer);
    assertIntegerInRange('lokr', 'rank', options.rank, 1, 1 << 20);
    super(layer);
    const r = options.rank;
    const rng = new Rng(options.seed ?? 0);
    const factor = options.decomposeFactor ?? -1;
    const [inM, inN] = lokrFactorization(inn, factor);
    const [outL, outK] = lokrFactorization(out, factor);
    this.shape = [
      [outL, outK],
      [inM, inN],
    ];
    this.rank = r;
    this.alpha = options.alpha ?? r;
    this.scaling = this.alpha / r;
    const useW1 = !((options.decomposeBoth ?? false) && r < Math.max(outL, inM) / 2);
    const useW2 = !(r < Math.max(outK, inN) / 2);
    this.#w1 = useW1
      ? { full: this.param('lokr_w1', filled([outL, inM], 0)) }
      : {
          a: this.param('lokr_w1_a', filled([outL, r], 0)),
          b: this.param('lokr_w1_b', kaimingUniform(rng, [r, inM], inM)),
        };
    this.#w2 = useW2
      ? { full: this.param('lokr_w2', kaimingUniform(rng, [outK, inN], inN)) }
      : {
          a: this.param('lokr_w2_a', kaimingUniform(rng, [outK, r], r)),
          b: this.param('lokr_w2_b', kaimingUniform(rng, [r, inN], inN)),
        };
  }

  private static value(f: Factor): Variable {
    return 'full' in f ? f.full : matmul(f.a, f.b);
  }

  /** ΔW = s·(W₁ ⊗ W₂) as a Variable (out×in): kron by a broadcast product of reshaped factors. */
  private delta(): Variable {
    const [[outL, outK], [inM, inN]] = this.shape;
    const w1 = reshape(LokrAdapter.value(this.#w1), [outL, 1, inM, 1]);
    const w2 = reshape(LokrAdapter.value(this.#w2), [1, outK, 1, inN]);
    return affine(reshape(mul(w1, w2), [outL * outK, inM * inN]), this.scaling);
  }

  protected adaptedForward(x: Variable): Variable {
    return add(this.layer.baseForward(x), linear(x, this.delta()));
  }

  effectiveWeight(): Float64Array {
    const d = noGrad(() => this.delta()).data;
    const w = this.baseWeight();
    return Float64Array.from(w, (v, i) => v + d[i]!);
  }
}
