import { Rng } from '@numts/core';
import { expect } from 'vitest';
import { mul, noGrad, sum, Variable } from '../src/index.js';

/** A float64 Variable of normal entries (call setDefaultDtype('float64') first). */
export function randVar(
  rng: Rng,
  shape: number[],
  options: { requiresGrad?: boolean; scale?: number; awayFromZero?: boolean } = {},
): Variable {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = Array.from({ length: n }, () => {
    let v = rng.normal() * (options.scale ?? 1);
    if (options.awayFromZero && Math.abs(v) < 0.05) v += v < 0 ? -0.1 : 0.1;
    return v;
  });
  return Variable.from(values, shape, { requiresGrad: options.requiresGrad ?? true });
}

/**
 * Compares the autograd gradient of L = Σ rᵢ·f(inputs)ᵢ (r random) with central finite differences
 * for every input element that requires a gradient (up to `maxChecks` per input).
 */
export function gradCheck(
  f: (...inputs: Variable[]) => Variable,
  inputs: Variable[],
  {
    eps = 1e-6,
    tol = 1e-6,
    seed = 1,
    maxChecks = 60,
  }: { eps?: number; tol?: number; seed?: number; maxChecks?: number } = {},
): void {
  const rng = new Rng(seed);
  const y0 = f(...inputs);
  const r = Variable.from(
    Array.from({ length: y0.size }, () => rng.normal()),
    y0.shape,
  );
  const loss = (): Variable => sum(mul(f(...inputs), r));
  for (const x of inputs) x.grad = null;
  loss().backward();
  inputs.forEach((x, k) => {
    if (!x.requiresGrad) return;
    const analytic = x.grad ? Array.from(x.grad) : new Array<number>(x.size).fill(0);
    const picks =
      x.size <= maxChecks
        ? Array.from({ length: x.size }, (_, i) => i)
        : Array.from(rng.choice(x.size, maxChecks));
    for (const i of picks) {
      const orig = x.data[i]!;
      x.data[i] = orig + eps;
      const up = noGrad(() => loss().item());
      x.data[i] = orig - eps;
      const down = noGrad(() => loss().item());
      x.data[i] = orig;
      const numeric = (up - down) / (2 * eps);
      const a = analytic[i]!;
      expect(
        Math.abs(a - numeric),
        `input ${k}, element ${i}: autograd ${a}, finite difference ${numeric}`,
      ).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(a), Math.abs(numeric)));
    }
  });
}
