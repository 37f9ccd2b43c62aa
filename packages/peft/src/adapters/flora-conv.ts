/**
 * FLoRA for Conv2d (Si et al., ICLR 2025): the update of the 4-d kernel is a Tucker product that
 * keeps its structure,
 *
 *   ΔW[o,i,h,w] = scale · Σ_{a,b,c,d} G[a,b,c,d]·P₀[i,a]·P₁[o,b]·P₂[h,c]·P₃[w,d],
 *
 * with modes (in/groups, out, kh, kw), core G ∈ R^{r_in×r_out×r_kh×r_kw} initialised to 0 and
 * factors ~ N(0, 1/(2rᵢ)). The convolution of the update uses the layer's stride, padding,
 * dilation and groups. Unlike the authors' code, the input mode has size in/groups, so grouped and
 * depthwise convolutions get an update of the kernel's real shape.
 *
 * Parameters: r_in·r_out·r_kh·r_kw + (in/groups)·r_in + out·r_out + kh·r_kh + kw·r_kw.
 *
 * @module
 */
import { DomainError, Rng } from '@numts/core';
import {
  add,
  affine,
  Conv2d,
  conv2d,
  dropout,
  matmul,
  noGrad,
  permute,
  reshape,
  type Variable,
} from '@numts/nn';
import { type AdaptedLayer, Adapter, layerKind } from '../adapter.js';
import { filled, normalVar } from '../init.js';

/** Options of {@link FloraConvAdapter}. */
export interface FloraConvOptions {
  /** Ranks [r_in, r_out, r_kh, r_kw]; each at least 1 and at most its mode's size. */
  ranks: [number, number, number, number];
  /** Scale of ΔW (default 1; the FLoRA example uses 4). */
  scale?: number | undefined;
  dropout?: number | undefined;
  seed?: number | undefined;
}

/** X ×ₘ P for a Variable X and a factor P of shape [n, X.shape[m]]. */
function modeProduct(x: Variable, p: Variable, mode: number): Variable {
  const nd = x.shape.length;
  const perm = [mode, ...Array.from({ length: nd }, (_, i) => i).filter((i) => i !== mode)];
  const moved = permute(x, perm);
  const rest = moved.shape.slice(1);
  const flat = reshape(moved, [x.shape[mode]!, -1]);
  const y = reshape(matmul(p, flat), [p.shape[0]!, ...rest]);
  const inverse = new Array<number>(nd);
  for (let i = 0; i < nd; i++) inverse[perm[i]!] = i;
  return permute(y, inverse);
}

/** FLoRA on a Conv2d layer. */
export class FloraConvAdapter extends Adapter {
  readonly method = 'flora';
  readonly ranks: [number, number, number, number];
  readonly scale: number;
  readonly dropoutP: number;
  /** The Tucker core G. */
  readonly core: Variable;
  /** Factors P₀ (in/groups×r_in), P₁ (out×r_out), P₂ (kh×r_kh), P₃ (kw×r_kw). */
  readonly factors: [Variable, Variable, Variable, Variable];
  private readonly rng: Rng;

  constructor(layer: AdaptedLayer, options: FloraConvOptions) {
    if (!(layer instanceof Conv2d))
      throw new DomainError(
        `flora: the Tucker (conv) variant adapts Conv2d layers (got ${layerKind(layer)})`,
      );
    super(layer);
    const dims = [layer.inChannels / (layer.options.groups ?? 1), layer.outChannels, ...layer.kernelSize];
    const ranks = options.ranks;
    if (!Array.isArray(ranks) || ranks.length !== 4)
      throw new DomainError(`flora: ranks must be [r_in, r_out, r_kh, r_kw] (got ${JSON.stringify(ranks)})`);
    const names = ['r_in', 'r_out', 'r_kh', 'r_kw'];
    ranks.forEach((r, i) => {
      if (!Number.isInteger(r) || r < 1 || r > dims[i]!)
        throw new DomainError(
          `flora: ${names[i]} must be an integer in [1, ${dims[i]}] for this Conv2d (got ${String(r)})`,
        );
    });
    const rng = new Rng(options.seed ?? 0);
    this.rng = new Rng((options.seed ?? 0) + 0x9e3779b1);
    this.ranks = [...ranks] as [number, number, number, number];
    this.scale = options.scale ?? 1;
    this.dropoutP = options.dropout ?? 0;
    this.core = this.param('flora_G', filled([...ranks], 0));
    this.factors = dims.map((d, i) =>
      this.param(`flora_P${i}`, normalVar(rng, [d!, ranks[i]!], 1 / Math.sqrt(2 * ranks[i]!))),
    ) as [Variable, Variable, Variable, Variable];
  }

  /** ΔW (out, in/groups, kh, kw) as a Variable on the tape. */
  deltaVariable(): Variable {
    let t = this.core;
    for (let m = 0; m < 4; m++) t = modeProduct(t, this.factors[m]!, m);
    return affine(permute(t, [1, 0, 2, 3]), this.scale);
  }

  protected adaptedForward(x: Variable): Variable {
    const layer = this.layer as Conv2d;
    const dx = this.dropoutP > 0 ? dropout(x, this.dropoutP, this.rng, this.training) : x;
    return add(layer.baseForward(x), conv2d(dx, this.deltaVariable(), undefined, layer.options));
  }

  effectiveWeight(): Float64Array {
    const d = Float64Array.from(noGrad(() => this.deltaVariable()).data);
    const w = this.baseWeight();
    for (let i = 0; i < d.length; i++) d[i] = d[i]! + w[i]!;
    return d;
  }
}
