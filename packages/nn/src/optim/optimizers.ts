/**
 * Optimizers with parameter groups: SGD (momentum, Nesterov, weight decay), Adam and AdamW.
 *
 * @module
 */
import { DomainError } from '@numts/core';
import { alloc, type Buf, noGrad, type Variable } from '../variable.js';

/** A group of parameters with its own hyper-parameters. */
export interface ParamGroup {
  params: Variable[];
  /** Learning rate (schedules change it between steps). */
  lr: number;
  /** Weight decay (L2 added to the gradient for SGD/Adam, decoupled for AdamW). */
  weightDecay?: number;
}

function groupsOf(
  fn: string,
  params: Variable[] | ParamGroup[],
  lr: number,
  weightDecay: number,
): ParamGroup[] {
  if (!Array.isArray(params) || params.length === 0)
    throw new DomainError(`${fn}: no parameters to optimise`);
  const groups = (params[0] as ParamGroup).params
    ? (params as ParamGroup[])
    : [{ params: params as Variable[], lr }];
  return groups.map((g) => {
    const out = { params: g.params, lr: g.lr ?? lr, weightDecay: g.weightDecay ?? weightDecay };
    if (!(out.lr >= 0) || !Number.isFinite(out.lr))
      throw new DomainError(`${fn}: lr must be a finite number ≥ 0 (got ${out.lr})`);
    if (!(out.weightDecay >= 0))
      throw new DomainError(`${fn}: weightDecay must be ≥ 0 (got ${out.weightDecay})`);
    return out;
  });
}

/** What {@link Optimizer.stateDict} returns and {@link Optimizer.loadStateDict} takes. */
export interface OptimizerState {
  /** Completed steps (Adam's bias correction depends on it). */
  steps: number;
  /** Slot buffers keyed `"<parameter index>.<slot>"`. */
  slots: Record<string, Float32Array | Float64Array>;
}

/** Common interface of the optimizers. */
export abstract class Optimizer {
  readonly groups: ParamGroup[];
  /** Number of completed steps. */
  steps = 0;
  protected readonly state = new Map<Variable, Buf[]>();

  protected constructor(groups: ParamGroup[]) {
    this.groups = groups;
  }

  /** Clears the gradients of every parameter. */
  zeroGrad(): void {
    for (const g of this.groups) for (const p of g.params) p.grad = null;
  }

  /** Applies one update from the current gradients (parameters without a gradient are skipped). */
  step(): void {
    this.steps++;
    noGrad(() => {
      for (const g of this.groups)
        for (const p of g.params)
          if (p.grad && p.requiresGrad) {
            this.update(p, p.grad, g);
            p.version++;
          }
    });
  }

  /**
   * The optimizer's state for a checkpoint: the step count and every slot buffer (momentum,
   * Adam's moments), keyed `"<parameter index>.<slot>"` with parameters numbered across the
   * groups in order. Buffers are copies. Learning rates are not included (schedules set them).
   */
  stateDict(): OptimizerState {
    const slots: Record<string, Buf> = {};
    this.eachParameter((p, i) => {
      const s = this.state.get(p);
      if (s) for (let j = 0; j < s.length; j++) slots[`${i}.${j}`] = s[j]!.slice();
    });
    return { steps: this.steps, slots };
  }

  /**
   * Restores a state written by {@link stateDict} for the same parameters, so that training
   * continues bit for bit as if it had not stopped.
   * @throws DomainError when the step count is not a non-negative integer, a key names no
   * parameter, or a buffer's length differs from its parameter's size
   */
  loadStateDict(state: OptimizerState): void {
    if (!Number.isInteger(state.steps) || state.steps < 0)
      throw new DomainError(`loadStateDict: steps must be an integer ≥ 0 (got ${state.steps})`);
    const params: Variable[] = [];
    this.eachParameter((p) => params.push(p));
    const restored = new Map<Variable, Buf[]>();
    for (const [key, buf] of Object.entries(state.slots)) {
      const m = /^(\d+)\.(\d+)$/.exec(key);
      const p = m ? params[Number(m[1])] : undefined;
      if (!m || !p)
        throw new DomainError(
          `loadStateDict: slot key "${key}" names no parameter (expected "<index>.<slot>", index < ${params.length})`,
        );
      if (buf.length !== p.size)
        throw new DomainError(
          `loadStateDict: slot "${key}" has ${buf.length} values, its parameter has ${p.size}`,
        );
      const list = restored.get(p) ?? [];
      const copy = alloc(p.size);
      copy.set(buf);
      list[Number(m[2])] = copy;
      restored.set(p, list);
    }
    for (const [p, list] of restored)
      for (let j = 0; j < list.length; j++)
        if (!list[j])
          throw new DomainError(
            `loadStateDict: slot "${params.indexOf(p)}.${j}" is missing (slots of a parameter are numbered from 0)`,
          );
    this.state.clear();
    for (const [p, list] of restored) this.state.set(p, list);
    this.steps = state.steps;
  }

  private eachParameter(fn: (p: Variable, index: number) => void): void {
    let i = 0;
    for (const g of this.groups) for (const p of g.params) fn(p, i++);
  }

  protected slots(p: Variable, count: number): Buf[] {
    let s = this.state.get(p);
    if (!s) {
      s = Array.from({ length: count }, () => alloc(p.size));
      this.state.set(p, s);
    }
    return s;
  }

  protected abstract update(p: Variable, g: Buf, group: ParamGroup): void;
}

/** Options of {@link SGD}. */
export interface SgdOptions {
  lr: number;
  momentum?: number;
  nesterov?: boolean;
  weightDecay?: number;
}

/** Stochastic gradient descent, as PyTorch's (velocity v ← μv + g, step −lr·v or −lr·(g + μv)). */
export class SGD extends Optimizer {
  readonly momentum: number;
  readonly nesterov: boolean;
  constructor(params: Variable[] | ParamGroup[], options: SgdOptions) {
    super(groupsOf('SGD', params, options.lr, options.weightDecay ?? 0));
    this.momentum = options.momentum ?? 0;
    this.nesterov = options.nesterov ?? false;
    if (!(this.momentum >= 0 && this.momentum < 1))
      throw new DomainError(`SGD: momentum must lie in [0, 1) (got ${this.momentum})`);
    if (this.nesterov && this.momentum === 0) throw new DomainError('SGD: nesterov needs momentum > 0');
  }
  protected update(p: Variable, g: Buf, group: ParamGroup): void {
    const wd = group.weightDecay ?? 0;
    const d = p.data;
    const mu = this.momentum;
    const v = mu > 0 ? this.slots(p, 1)[0]! : null;
    const first = this.steps === 1;
    for (let i = 0; i < d.length; i++) {
      let gi = g[i]! + wd * d[i]!;
      if (v) {
        v[i] = first ? gi : mu * v[i]! + gi;
        gi = this.nesterov ? gi + mu * v[i]! : v[i]!;
      }
      d[i] = d[i]! - group.lr * gi;
    }
  }
}

/** Options of {@link Adam} and {@link AdamW}. */
export interface AdamOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
}

/** Adam (Kingma & Ba) with bias correction; weight decay is added to the gradient (L2). */
export class Adam extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  protected readonly decoupled: boolean = false;
  constructor(params: Variable[] | ParamGroup[], options: AdamOptions, name = 'Adam') {
    super(groupsOf(name, params, options.lr, options.weightDecay ?? (name === 'AdamW' ? 0.01 : 0)));
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.eps = options.eps ?? 1e-8;
    for (const [k, v] of [
      ['beta1', this.beta1],
      ['beta2', this.beta2],
    ] as const) {
      if (!(v >= 0 && v < 1)) throw new DomainError(`${name}: ${k} must lie in [0, 1) (got ${v})`);
    }
  }
  protected update(p: Variable, g: Buf, group: ParamGroup): void {
    const [m, v] = this.slots(p, 2) as [Buf, Buf];
    const b1 = this.beta1;
    const b2 = this.beta2;
    const t = this.steps;
    const c1 = 1 - b1 ** t;
    const c2 = 1 - b2 ** t;
    const wd = group.weightDecay ?? 0;
    const lr = group.lr;
    const d = p.data;
    for (let i = 0; i < d.length; i++) {
      let gi = g[i]!;
      if (this.decoupled) d[i] = d[i]! * (1 - lr * wd);
      else gi += wd * d[i]!;
      m[i] = b1 * m[i]! + (1 - b1) * gi;
      v[i] = b2 * v[i]! + (1 - b2) * gi * gi;
      d[i] = d[i]! - (lr * (m[i]! / c1)) / (Math.sqrt(v[i]! / c2) + this.eps);
    }
  }
}

/** AdamW (Loshchilov & Hutter): Adam with decoupled weight decay p ← p·(1 − lr·wd); default wd 0.01. */
export class AdamW extends Adam {
  protected override readonly decoupled = true;
  constructor(params: Variable[] | ParamGroup[], options: AdamOptions) {
    super(params, options, 'AdamW');
  }
}
