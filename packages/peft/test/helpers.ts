import { Rng } from '@numts/core';
import { Conv2d, Linear, Module, mul, noGrad, ReLU, Sequential, sum, Variable } from '@numts/nn';
import { expect } from 'vitest';
import type { AdapterConfig } from '../src/index.js';

/** A small MLP whose layers are named fc1, fc2 and head. */
export class TinyMlp extends Module {
  readonly fc1: Linear;
  readonly fc2: Linear;
  readonly head: Linear;
  private readonly act = ReLU();
  constructor(inp: number, hidden: number, out: number, seed = 0) {
    super();
    this.fc1 = this.child('fc1', new Linear(inp, hidden, { seed }));
    this.fc2 = this.child('fc2', new Linear(hidden, hidden, { seed: seed + 1 }));
    this.head = this.child('head', new Linear(hidden, out, { seed: seed + 2 }));
  }
  forward(x: Variable): Variable {
    return this.head.forward(this.act.forward(this.fc2.forward(this.act.forward(this.fc1.forward(x)))));
  }
}

/** conv(2→6, 3×3, pad 1) → ReLU → conv(6→4, 3×3, groups) as a Sequential. */
export function tinyConvNet(groups = 1, seed = 0): Sequential {
  return new Sequential(
    new Conv2d(2, 6, 3, { padding: 1, seed }),
    ReLU(),
    new Conv2d(6, 4, 3, { padding: 1, groups, seed: seed + 1 }),
  );
}

/** Normal entries of a given shape. */
export function randomInput(seed: number, shape: number[]): Variable {
  const rng = new Rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return Variable.from(
    Array.from({ length: n }, () => rng.normal()),
    shape,
  );
}

/** Moves every adapter parameter away from its initial value (a stand-in for training). */
export function perturbAdapters(model: Module, seed: number, scale = 0.3): void {
  const rng = new Rng(seed);
  for (const [name, p] of model.namedParameters())
    if (name.includes('.adapter.'))
      for (let i = 0; i < p.size; i++) p.data[i] = p.data[i]! + scale * rng.normal();
}

/** Max |a − b| / (1 + max |b|). */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  let big = 0;
  for (let i = 0; i < a.length; i++) {
    m = Math.max(m, Math.abs(a[i]! - b[i]!));
    big = Math.max(big, Math.abs(b[i]!));
  }
  return m / (1 + big);
}

/** One config per dense method, with small ranks. */
export const DENSE_CONFIGS: AdapterConfig[] = [
  { method: 'lora', targetModules: ['fc1', 'fc2'], rank: 2, alpha: 4 },
  { method: 'lora', targetModules: ['fc1', 'fc2'], rank: 3, alpha: 4, useRslora: true, init: 'gaussian' },
  { method: 'dora', targetModules: ['fc1', 'fc2'], rank: 2, alpha: 4 },
  { method: 'pissa', targetModules: ['fc1', 'fc2'], rank: 2, alpha: 4 },
  { method: 'pissa', targetModules: ['fc1', 'fc2'], rank: 2, alpha: 4, pissaNiter: 2 },
  { method: 'milora', targetModules: ['fc1', 'fc2'], rank: 2, alpha: 4 },
  {
    method: 'lora-dash',
    targetModules: ['fc1', 'fc2'],
    rank: 2,
    alpha: 4,
    dashDirections: 3,
    preLaunchSteps: 0,
  },
  { method: 'ssl', targetModules: ['fc1', 'fc2'] },
  { method: 'ssb', targetModules: ['fc1', 'fc2'] },
  { method: 'ia3', targetModules: ['fc1', 'fc2'] },
  { method: 'sam-parser', targetModules: ['fc1', 'fc2'] },
  { method: 'parallel', targetModules: ['fc1', 'fc2'], rank: 2 },
  { method: 'trilora', targetModules: ['fc1', 'fc2'], rank: 2 },
  { method: 'moslora', targetModules: ['fc1', 'fc2'], rank: 2, alpha: 4 },
  { method: 'flora', targetModules: ['fc1', 'fc2'], rank: 2, floraScale: 2 },
  { method: 'loha', targetModules: ['fc1', 'fc2'], rank: 2, alpha: 3 },
  { method: 'adalora', targetModules: ['fc1', 'fc2'], rank: 3, alpha: 4 },
  { method: 'lokr', targetModules: ['fc1', 'fc2'], rank: 1, alpha: 2 },
  { method: 'lokr', targetModules: ['fc1', 'fc2'], rank: 4, alpha: 2, lokrDecomposeBoth: true },
  { method: 'vera', targetModules: ['fc1', 'fc2'], rank: 16, veraDInitial: 0.2, projectionPrngKey: 7 },
];

/** A readable name of a config. */
export function configName(c: AdapterConfig): string {
  const extra = [c.init, c.useRslora ? 'rslora' : undefined, c.pissaNiter !== undefined ? 'niter' : undefined]
    .filter(Boolean)
    .join(',');
  return extra ? `${c.method} (${extra})` : c.method;
}

/**
 * Checks every trainable parameter's gradient of L = Σ rᵢ·model(x)ᵢ against central finite
 * differences (run under float64). `skip(name)` leaves parameters out.
 */
export function expectGradientsMatchFiniteDifferences(
  model: Module,
  x: Variable,
  r: number[],
  skip: (name: string) => boolean = () => false,
): void {
  const loss = () => {
    const y = model.forward(x);
    let s = 0;
    for (let i = 0; i < y.size; i++) s += y.data[i]! * r[i]!;
    return s;
  };
  model.zeroGrad();
  const y0 = model.forward(x);
  sum(mul(y0, Variable.from(r, [...y0.shape]))).backward();
  for (const [name, p] of model.namedParameters()) {
    if (!p.requiresGrad || skip(name)) continue;
    const g = Float64Array.from(p.grad ?? new Float64Array(p.size));
    for (let i = 0; i < p.size; i++) {
      const o = p.data[i]!;
      p.data[i] = o + 1e-6;
      const up = noGrad(loss);
      p.data[i] = o - 1e-6;
      const down = noGrad(loss);
      p.data[i] = o;
      const numeric = (up - down) / 2e-6;
      expect(Math.abs(g[i]! - numeric), `${name}[${i}]`).toBeLessThan(1e-6 * (1 + Math.abs(numeric)));
    }
  }
}
