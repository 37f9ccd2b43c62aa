/**
 * The LoRA-Dash mechanism test of spec §D.2 on a synthetic teacher W* = W₀ + planted mid-spectrum
 * directions + distractors + noise: LoRA trained on regression data from the teacher, and the
 * precision@s of the task-specific directions its ΔW shows after t steps against the planted set.
 */
import { Matrix, Rng } from '@numts/core';
import { qr } from '@numts/decompositions';
import { Adam, Linear, Module, mse, Variable } from '@numts/nn';
import { adaptersOf, injectAdapters, type LoraAdapter, taskSpecificDirections } from '@numts/peft';
import { type SampleStats, sampleStats } from './harness.js';

/** The LoRA-Dash mechanism test (spec §D.2): precision@s of TSD recovery against t. */
export function tsdMechanism(
  seeds: number[],
  tValues: number[],
  maxSteps: number,
): { t: number; precision: SampleStats; perSeed: number[] }[] {
  const m = 64;
  const n = 48;
  const s = 8;
  const perT = new Map<number, number[]>(tValues.map((t) => [t, []]));
  for (const seed of seeds) {
    const rng = new Rng(9000 + seed);
    const u = qr(rng.normalMatrix(m, n)).q!;
    const v = qr(rng.normalMatrix(n, n)).q!;
    const sigma = Array.from({ length: n }, (_, i) => 2 * 0.93 ** i);
    const planted = Array.from(rng.choice(32, s)).map((i) => i + 8); // mid-spectrum directions 8..39
    const w0 = new Matrix(m, n);
    const wStar = new Matrix(m, n);
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let base = 0;
        let extra = 0;
        for (let k = 0; k < n; k++) {
          const uv = u.get(i, k) * v.get(j, k);
          base += sigma[k]! * uv;
          if (planted.includes(k)) extra += 0.6 * sigma[k]! * uv;
          else if (k < 8) extra += 0.15 * sigma[k]! * uv; // distractors: larger absolute, smaller relative change
        }
        w0.set(i, j, base);
        wStar.set(i, j, base + extra + 0.002 * rng.normal());
      }
    const dStar = new Matrix(m, n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) dStar.set(i, j, wStar.get(i, j) - w0.get(i, j));
    const truth = new Set(taskSpecificDirections(w0, dStar, s).indices);
    const layer = new Linear(n, m, { bias: false, seed });
    layer.weight.data.set(Float32Array.from(w0.clone().data));
    const wrapper = new SingleLayer(layer);
    injectAdapters(wrapper, { method: 'lora', targetModules: ['layer'], rank: 4, alpha: 8, seed });
    const [, adapter] = adaptersOf(wrapper)[0]!;
    const opt = new Adam(
      wrapper.parameters().filter((p) => p.requiresGrad),
      { lr: 1e-2 },
    );
    const wStar32 = new Variable(Float32Array.from(wStar.clone().data), [m, n]);
    for (let step = 1; step <= maxSteps; step++) {
      const x = new Variable(Float32Array.from(rng.normalArray(64 * n)), [64, n]);
      const target = new Variable(
        Float32Array.from({ length: 64 * m }, (_, k) => {
          const r = Math.floor(k / m);
          const c = k % m;
          let acc = 0;
          for (let j = 0; j < n; j++) acc += x.data[r * n + j]! * wStar32.data[c * n + j]!;
          return acc;
        }),
        [64, m],
      );
      opt.zeroGrad();
      mse(wrapper.forward(x), target).backward();
      opt.step();
      if (perT.has(step)) {
        const dw = new Matrix(m, n, (adapter as LoraAdapter).loraDelta());
        const chosen = taskSpecificDirections(w0, dw, s).indices;
        perT.get(step)!.push(Array.from(chosen).filter((i) => truth.has(i)).length / s);
      }
    }
  }
  return tValues.map((t) => ({ t, precision: sampleStats(perT.get(t)!), perSeed: perT.get(t)! }));
}

/** A model holding one Linear named `layer`. */
class SingleLayer extends Module {
  readonly layer: Linear;
  constructor(layer: Linear) {
    super();
    this.layer = this.child('layer', layer);
  }
  forward(x: Variable): Variable {
    return this.layer.forward(x);
  }
}
