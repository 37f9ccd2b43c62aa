/**
 * The parallel adapter, which "See Further" reports as LoRA + MPCn (a nonlinearity between the
 * factors; the paper's rows for both are identical): Δy = drop(ReLU(x·Aᵀ))·Bᵀ, no scaling,
 * A Kaiming-uniform, B = 0. It cannot be merged into W.
 *
 * @module
 */
import { DomainError, Rng } from '@numts/core';
import { add, dropout, linear, relu, type Variable } from '@numts/nn';
import { type AdaptedLayer, Adapter, type LowRankFactors } from '../adapter.js';
import { filled, kaimingUniform } from '../init.js';
import { checkDenseLowRank } from './lora.js';

/** Options of {@link ParallelAdapter}. */
export interface ParallelOptions {
  rank: number;
  /** Dropout after the ReLU (default 0). */
  dropout?: number | undefined;
  seed?: number | undefined;
}

/** Parallel adapter (= MPCn) on a Linear layer. */
export class ParallelAdapter extends Adapter {
  readonly method = 'parallel';
  override readonly mergeable = false;
  readonly rank: number;
  readonly loraA: Variable;
  readonly loraB: Variable;
  readonly dropoutP: number;
  private readonly rng: Rng;

  constructor(layer: AdaptedLayer, options: ParallelOptions) {
    const [out, inn] = checkDenseLowRank('parallel', layer, options);

    super(layer);
    const rng = new Rng(options.seed ?? 0);
    this.rank = options.rank;
    this.dropoutP = options.dropout ?? 0;
    this.rng = new Rng((options.seed ?? 0) + 0x9e3779b1);
    this.loraA = this.param('lora_A', kaimingUniform(rng, [options.rank, inn], inn));
    this.loraB = this.param('lora_B', filled([out, options.rank], 0));
  }

  protected adaptedForward(x: Variable): Variable {
    let h = relu(linear(x, this.loraA));
    if (this.dropoutP > 0) h = dropout(h, this.dropoutP, this.rng, this.training);
    return add(this.layer.baseForward(x), linear(h, this.loraB));
  }

  /** @throws DomainError always: ReLU between the factors means there is no single ΔW. */
  effectiveWeight(): Float64Array {
    throw new DomainError(
      'parallel: the adapter is nonlinear in x (ReLU between its factors), so it has no weight update ΔW and cannot be merged',
    );
  }

  override lowRankFactors(): LowRankFactors {
    return { down: this.loraA, up: this.loraB };
  }
}
