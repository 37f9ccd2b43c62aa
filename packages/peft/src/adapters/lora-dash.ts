/**
 * LoRA-Dash (Si et al., ICLR 2025): a pre-launch phase of t optimizer steps of plain LoRA, then,
 * once, the s task-specific directions (largest change rates δᵢ = |uᵢᵀ ΔW vᵢ| / σᵢ of W's singular
 * directions under LoRA's current ΔW) are frozen as U_s, V_sᵀ and a learnable d ∈ R^s amplifies
 * them:
 *
 *   W' = W + s_lora·B·A + U_s·diag(d)·V_sᵀ      (the dash term has no α/r scaling)
 *
 * The pre-launch length counts optimizer steps (reported to the adapter by
 * {@link notifyOptimizerStep}), not forward calls as the authors' code does.
 *
 * @module
 */
import { DomainError } from '@numts/core';
import { add, type Variable } from '@numts/nn';
import type { AdaptedLayer } from '../adapter.js';
import { type DirectionSelection, selectDirections, taskSpecificDirections } from '../analysis.js';
import { constant, filled, matmulRaw, toMatrix } from '../init.js';
import { fromWeightMatrix, toWeightMatrix, weightMatrixShape } from '../weight-matrix.js';
import { LoraAdapter, type LoraOptions } from './lora.js';

/** Options of {@link LoraDashAdapter}. */
export interface LoraDashOptions extends LoraOptions {
  /** Number of dash directions s (default 8, the authors' value). */
  dashDirections?: number | undefined;
  /** Pre-launch length t in optimizer steps (default 100, the authors' value in forward calls). */
  preLaunchSteps?: number | undefined;
  /**
   * Which directions to dash: `'tsd'` (largest change rate, the method), or the ablations
   * `'top-sigma'`, `'bottom-sigma'`, `'random'` (default `'tsd'`). `'random'` draws from the
   * layer's seed (`seed`; {@link injectAdapters} gives layer i the config's seed + i), so runs with
   * other seeds and other layers draw other directions.
   */
  selection?: DirectionSelection | undefined;
}

/**
 * LoRA-Dash on a Linear, Conv2d or Embedding layer: the directions are singular directions of the
 * layer's weight matrix M (see weight-matrix.ts), U_s rows×s and V_sᵀ s×cols.
 */
export class LoraDashAdapter extends LoraAdapter {
  readonly dashDirections: number;
  readonly preLaunchSteps: number;
  readonly selection: DirectionSelection;
  /** d ∈ R^s (code name `lora_index`), zero until and after selection starts it. */
  readonly dashScale: Variable;
  /** Steps reported by {@link notifyOptimizerStep} (or set when loading). */
  #reported = 0;
  /** The factors' update count when the count was last set. */
  #versionBase = 0;
  /** Indices of the dashed singular directions of W (empty before selection). */
  selected: Int32Array = new Int32Array(0);
  #us: Variable | null = null;
  #vst: Variable | null = null;
  /** Seed of the `'random'` ablation's draw: the layer's own seed (the config's seed + layer index). */
  readonly #selectionSeed: number;

  constructor(layer: AdaptedLayer, options: LoraDashOptions) {
    super(layer, options, 'lora-dash');
    const { rows, cols } = weightMatrixShape('lora-dash', layer);
    const s = options.dashDirections ?? 8;
    if (!Number.isInteger(s) || s < 1 || s > Math.min(rows, cols))
      throw new DomainError(
        `lora-dash: dashDirections must be an integer in [1, ${Math.min(rows, cols)}] (got ${String(s)})`,
      );
    const t = options.preLaunchSteps ?? 100;
    if (!Number.isInteger(t) || t < 0)
      throw new DomainError(`lora-dash: preLaunchSteps must be a non-negative integer (got ${String(t)})`);
    this.dashDirections = s;
    this.preLaunchSteps = t;
    this.selection = options.selection ?? 'tsd';
    this.#selectionSeed = options.seed ?? 0;
    this.dashScale = this.param('lora_index', filled([s], 0));
    if (t === 0) this.selectNow();
  }

  /** U_s (rows×s of M; out×s for Linear), or null before selection. */
  get dashU(): Variable | null {
    return this.#us;
  }
  /** V_sᵀ (s×cols of M; s×in for Linear), or null before selection. */
  get dashVt(): Variable | null {
    return this.#vst;
  }

  /**
   * Optimizer steps seen so far: counted by the optimizers of @numts/nn as they update the LoRA
   * factors, or reported with {@link notifyOptimizerStep} by a training loop that updates them
   * itself (the larger of the two, so a loop that does both counts each step once).
   */
  get steps(): number {
    const updates = Math.max(this.loraA.version, this.loraB.version) - this.#versionBase;
    return Math.max(this.#reported, updates);
  }
  set steps(n: number) {
    this.#reported = n;
    this.#versionBase = Math.max(this.loraA.version, this.loraB.version);
  }

  /** Counts a reported step; at step t the directions are selected. */
  override onOptimizerStep(): void {
    this.#reported++;
    this.selectWhenDue();
  }

  /** Selects the directions once t steps have passed (also checked on every training forward). */
  private selectWhenDue(): void {
    if (!this.#us && this.preLaunchSteps > 0 && this.steps >= this.preLaunchSteps) this.selectNow();
  }

  /**
   * Selects the dash directions from LoRA's current ΔW (normally called at step t).
   * @throws DomainError when called twice
   */
  selectNow(): void {
    if (this.#us) throw new DomainError('lora-dash: the directions are already selected');
    const shape = weightMatrixShape('lora-dash', this.layer);
    const w = toMatrix(toWeightMatrix(shape, this.baseWeight()), shape.rows, shape.cols);
    const dw = toMatrix(toWeightMatrix(shape, this.loraDelta()), shape.rows, shape.cols);
    const tsd =
      this.selection === 'tsd'
        ? taskSpecificDirections(w, dw, this.dashDirections)
        : selectDirections(w, dw, this.dashDirections, this.selection, this.#selectionSeed);
    this.setDirections(tsd.indices, tsd.u, tsd.vt);
  }

  /** Installs given directions (used when loading a saved adapter). */
  setDirections(indices: Int32Array, us: ArrayLike<number>, vst: ArrayLike<number>): void {
    const { rows: out, cols: inn } = weightMatrixShape('lora-dash', this.layer);
    const s = this.dashDirections;
    if (indices.length !== s || us.length !== out * s || vst.length !== s * inn)
      throw new DomainError(
        `lora-dash: directions must be ${s} indices, U_s ${out}×${s} and V_sᵀ ${s}×${inn} (got ${indices.length}, ${us.length} and ${vst.length} values)`,
      );
    this.selected = Int32Array.from(indices);
    this.#us = constant(us, [out, s]);
    this.#vst = constant(vst, [s, inn]);
  }

  /** U_s·diag(d)·V_sᵀ laid out like the layer weight (zero before selection). */
  dashDelta(): Float64Array {
    const shape = weightMatrixShape('lora-dash', this.layer);
    const { rows, cols } = shape;
    const s = this.dashDirections;
    if (!this.#us || !this.#vst) return new Float64Array(rows * cols);
    const ud = new Float64Array(rows * s);
    const u = this.#us.data;
    const d = this.dashScale.data;
    for (let i = 0; i < rows; i++) for (let j = 0; j < s; j++) ud[i * s + j] = u[i * s + j]! * d[j]!;
    return fromWeightMatrix(shape, matmulRaw(ud, this.#vst.data, rows, s, cols));
  }

  protected override adaptedForward(x: Variable): Variable {
    this.selectWhenDue();
    const base = this.layer.baseForward(x);
    const dx = this.dropped(x);
    const y = add(base, this.branch(dx));
    return this.#us && this.#vst ? add(y, this.lowRankBranch(dx, this.#vst, this.#us, this.dashScale)) : y;
  }

  override effectiveWeight(): Float64Array {
    const w = super.effectiveWeight();
    const d = this.dashDelta();
    for (let i = 0; i < w.length; i++) w[i] = w[i]! + d[i]!;
    return w;
  }
}
