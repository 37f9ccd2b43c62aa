/**
 * The base class of every adapter: the layer it wraps, merge/unmerge, ΔW, and the hook that
 * counts optimizer steps (used by LoRA-Dash).
 *
 * @module
 */
import { DomainError, NonFiniteError, ShapeError } from '@numts/core';
import { type Buf, Conv1D, Conv2d, type Embedding, LayerAdapter, Linear, type Variable } from '@numts/nn';

/**
 * The layers an adapter can wrap. Conv1D (GPT-2's [in, out] linear layer, peft's
 * `fan_in_fan_out`) takes plain LoRA only.
 */
export type AdaptedLayer = Linear | Conv2d | Embedding | Conv1D;

/** Every adapter method of this package. */
export type AdapterMethod =
  | 'lora'
  | 'dora'
  | 'pissa'
  | 'milora'
  | 'lora-dash'
  | 'ssl'
  | 'ssb'
  | 'ia3'
  | 'sam-parser'
  | 'parallel'
  | 'trilora'
  | 'moslora'
  | 'flora'
  | 'peft-ia3'
  | 'loha'
  | 'adalora'
  | 'lokr'
  | 'vera';

/** The layer kind in messages. */
export function layerKind(layer: AdaptedLayer): 'Linear' | 'Conv2d' | 'Embedding' | 'Conv1D' {
  if (layer instanceof Linear) return 'Linear';
  if (layer instanceof Conv2d) return 'Conv2d';
  return layer instanceof Conv1D ? 'Conv1D' : 'Embedding';
}

/** A pair of low-rank factors ΔW ∝ up·(core)·down, as seen by the MPC regularizers. */
export interface LowRankFactors {
  /** r×in ("A", lora_A). */
  down: Variable;
  /** out×r ("B", lora_B). */
  up: Variable;
}

/**
 * An adapter attached to one layer. Subclasses implement {@link Adapter.adaptedForward} (the
 * unmerged forward pass) and, when mergeable, {@link Adapter.effectiveWeight} (the weight the
 * merged layer uses).
 */
export abstract class Adapter extends LayerAdapter {
  /** The method name. */
  abstract readonly method: AdapterMethod;
  /** False for adapters whose output is not a function of one weight (the parallel adapter overrides it). */
  readonly mergeable: boolean = true;
  /** The wrapped layer (its weight is frozen by {@link markOnlyAdaptersTrainable}). */
  readonly layer: AdaptedLayer;
  #merged: Buf | null = null;
  #mergedBias: Buf | null = null;

  constructor(layer: AdaptedLayer) {
    super();
    this.layer = layer;
  }

  /** True while the adapter is merged into the layer weight. */
  get merged(): boolean {
    return this.#merged !== null;
  }

  /** The layer weight without this adapter (the saved copy while merged). */
  protected baseWeight(): Buf {
    return this.#merged ?? this.layer.weight.data;
  }

  /** The unmerged adapted output. */
  protected abstract adaptedForward(x: Variable): Variable;

  /**
   * The weight a merged layer uses, as a new Float64Array in the layer weight's shape.
   * @throws DomainError for adapters that cannot be merged
   */
  abstract effectiveWeight(): Float64Array;

  /** The bias a merged layer uses, when the adapter changes it (peft's IA3); undefined otherwise. */
  effectiveBias(): Float64Array | undefined {
    return undefined;
  }

  /** The layer bias without this adapter (the saved copy while merged). */
  protected baseBias(): Buf | undefined {
    return this.#mergedBias ?? (this.layer as { bias?: { data: Buf } }).bias?.data;
  }

  /** The adapted output, or the layer's plain output while merged (the adapter is then in W). */
  override forward(x: Variable): Variable {
    return this.#merged ? this.layer.baseForward(x) : this.adaptedForward(x);
  }

  /** W_eff − W in the layer weight's shape (Float64), computed from the unmerged weight. */
  deltaWeight(): Float64Array {
    const w = this.baseWeight();
    const eff = this.effectiveWeight();
    for (let i = 0; i < eff.length; i++) eff[i] = eff[i]! - w[i]!;
    return eff;
  }

  /**
   * Writes the effective weight into the layer (safe merge: computed into a copy and checked
   * finite first). The original weight is kept, so {@link Adapter.unmerge} restores it bit for bit.
   * @throws DomainError when the adapter is not mergeable or already merged
   * @throws NonFiniteError when the merged weight would contain NaN or ±Infinity
   */
  merge(): void {
    const fn = `${this.method}.merge`;
    if (!this.mergeable)
      throw new DomainError(
        `${fn}: the ${this.method} adapter cannot be merged into the weight (its output is not linear in x through one weight)`,
      );
    if (this.#merged) throw new DomainError(`${fn}: the adapter is already merged`);
    const eff = this.effectiveWeight();
    const w = this.layer.weight.data;
    const f32 = w instanceof Float32Array;
    for (let i = 0; i < eff.length; i++) {
      const v = f32 ? Math.fround(eff[i]!) : eff[i]!;
      if (!Number.isFinite(v))
        throw new NonFiniteError(`${fn}: the merged weight would not be finite (element ${i} is ${v})`, i);
    }
    const bias = this.effectiveBias();
    const b = (this.layer as { bias?: { data: Buf } }).bias?.data;
    if (bias && b) {
      for (let i = 0; i < bias.length; i++)
        if (!Number.isFinite(bias[i]!))
          throw new NonFiniteError(
            `${fn}: the merged bias would not be finite (element ${i} is ${bias[i]})`,
            i,
          );
      this.#mergedBias = b.slice();
      b.set(bias);
    }
    this.#merged = w.slice();
    w.set(eff);
  }

  /**
   * Restores the weight saved by {@link Adapter.merge}.
   * @throws DomainError when the adapter is not merged
   */
  unmerge(): void {
    if (!this.#merged) throw new DomainError(`${this.method}.unmerge: the adapter is not merged`);
    this.layer.weight.data.set(this.#merged);
    this.#merged = null;
    if (this.#mergedBias) {
      (this.layer as { bias?: { data: Buf } }).bias!.data.set(this.#mergedBias);
      this.#mergedBias = null;
    }
  }

  /** Called once after every optimizer step (LoRA-Dash counts its pre-launch phase here). */
  onOptimizerStep(): void {}

  /** The low-rank factors the MPC regularizers constrain, when the method has them. */
  lowRankFactors(): LowRankFactors | undefined {
    return undefined;
  }

  /** Throws when the adapter is merged (training a merged adapter would double-count it). */
  protected assertUnmerged(fn: string): void {
    if (this.#merged) throw new DomainError(`${fn}: unmerge the adapter first`);
  }
}

/** Shape of an adapted layer's weight as [out, in] for dense layers (Linear only). */
export function denseShape(fn: string, layer: AdaptedLayer): [number, number] {
  if (!(layer instanceof Linear))
    throw new ShapeError(`${fn}: this method adapts Linear layers only (got ${layerKind(layer)})`);
  return [layer.outFeatures, layer.inFeatures];
}
