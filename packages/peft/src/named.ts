/**
 * Several named adapters on one model, as peft's `PeftModel` manages them: add, switch
 * (`setAdapter`, one name or several), switch off for a while (`disableAdapters`), delete, and
 * combine LoRA adapters with weights (`addWeightedAdapter`, peft's `cat`, `linear` and `svd`).
 *
 * One set of adapters is attached to the layers at a time; the others wait in a registry kept
 * beside the model. Activating several LoRA adapters attaches their sum (a `cat` combination with
 * weights 1), which equals peft's output with those adapters active; that sum is for inference —
 * train one adapter at a time.
 *
 * @module
 */
import { DomainError, Matrix } from '@numts/core';
import { svd } from '@numts/decompositions';
import { type Module, noGrad } from '@numts/nn';
import type { Adapter } from './adapter.js';
import { DoraAdapter } from './adapters/dora.js';
import { LoraAdapter } from './adapters/lora.js';
import { LoraDashAdapter } from './adapters/lora-dash.js';
import type { AdapterConfig } from './config.js';
import { type AdapterFiles, loadAdapter } from './hf-format.js';
import {
  type AdapterSet,
  adaptersOf,
  attachAdapterSet,
  detachAdapterSet,
  injectAdapters,
  namedRegistries as registries,
} from './inject.js';

interface Registry {
  sets: Map<string, AdapterSet>;
  active: string[];
}

/** The registry of a model, registering adapters attached by injectAdapters as "default". */
function registry(model: Module): Registry {
  let r = registries.get(model);
  if (!r) {
    r = { sets: new Map(), active: [] };
    registries.set(model, r);
  }
  if (r.active.length === 0 && adaptersOf(model).length > 0) {
    const set = detachAdapterSet(model)!;
    r.sets.set('default', set);
    r.active = ['default'];
    attachAdapterSet(model, set);
  }
  return r;
}

function checkName(fn: string, name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.length === 0 || name.includes('/') || name.includes('\\'))
    throw new DomainError(
      `${fn}: an adapter name must be a non-empty string without slashes (got ${JSON.stringify(name)})`,
    );
}

/** Names of the model's adapters, in the order they were added. */
export function adapterNames(model: Module): string[] {
  return [...registry(model).sets.keys()];
}

/** Names of the active adapters (empty while none is attached). */
export function activeAdapters(model: Module): string[] {
  return [...registry(model).active];
}

/** The adapters registered under `name`, by module path. */
export function namedAdapters(model: Module, name: string): Map<string, Adapter> {
  const set = registry(model).sets.get(name);
  if (!set)
    throw new DomainError(
      `namedAdapters: no adapter named ${JSON.stringify(name)} (have ${adapterNames(model).join(', ') || 'none'})`,
    );
  return set.adapters;
}

/**
 * Attaches new adapters with `attach` (the active set taken off first, put back if it fails) and
 * registers them under `name` as the active ones.
 */
function addNamed(fn: string, model: Module, name: string, attach: () => void): Map<string, Adapter> {
  checkName(fn, name);
  const r = registry(model);
  if (r.sets.has(name))
    throw new DomainError(`${fn}: an adapter named ${JSON.stringify(name)} exists already`);
  const previous = detachAdapterSet(model);
  try {
    attach();
  } catch (e) {
    if (previous) attachAdapterSet(model, previous);
    throw e;
  }
  const set = detachAdapterSet(model)!;
  r.sets.set(name, set);
  attachAdapterSet(model, set);
  r.active = [name];
  return set.adapters;
}

/**
 * Adds adapters made from `config` under `name` and makes them the active ones (the adapters that
 * were active are kept, inactive). Returns the new adapters by module path.
 * @throws DomainError for a name already in use or a config that does not fit the model
 */
export function addAdapter(model: Module, name: string, config: AdapterConfig): Map<string, Adapter> {
  return addNamed('addAdapter', model, name, () => injectAdapters(model, config));
}

/**
 * Loads a saved adapter (stock peft or numts files) under `name` and makes it the active one;
 * peft saves every adapter but "default" in a subfolder named after it.
 * @throws DomainError for a name already in use; as {@link loadAdapter} for the files
 */
export function loadNamedAdapter(model: Module, name: string, files: AdapterFiles): Map<string, Adapter> {
  return addNamed('loadNamedAdapter', model, name, () => loadAdapter(model, files));
}

/**
 * Makes `names` the active adapters: one name attaches that adapter set; several (LoRA adapters
 * on the same modules) attach their sum for inference.
 * @throws DomainError for an unknown name, or several names that are not all plain LoRA
 */
export function setAdapter(model: Module, names: string | readonly string[]): void {
  const fn = 'setAdapter';
  const list = typeof names === 'string' ? [names] : [...names];
  const r = registry(model);
  for (const n of list)
    if (!r.sets.has(n))
      throw new DomainError(
        `${fn}: no adapter named ${JSON.stringify(n)} (have ${[...r.sets.keys()].join(', ') || 'none'})`,
      );
  if (list.length === 0) throw new DomainError(`${fn}: give at least one adapter name`);
  detachAdapterSet(model);
  attachAdapterSet(
    model,
    list.length === 1
      ? r.sets.get(list[0]!)!
      : combine(
          fn,
          list.map((n) => r.sets.get(n)!),
          list.map(() => 1),
          'cat',
        ),
  );
  r.active = list;
}

/**
 * Runs `fn` with every adapter switched off (the base model's output), then restores the active
 * ones — peft's `disable_adapter()` context.
 */
export function disableAdapters<T>(model: Module, fn: () => T): T {
  registry(model);
  const set = detachAdapterSet(model);
  try {
    return fn();
  } finally {
    if (set) attachAdapterSet(model, set);
  }
}

/**
 * Removes an inactive adapter from the model.
 * @throws DomainError for an unknown name or an active adapter
 */
export function deleteAdapter(model: Module, name: string): void {
  const r = registry(model);
  if (!r.sets.has(name)) throw new DomainError(`deleteAdapter: no adapter named ${JSON.stringify(name)}`);
  if (r.active.includes(name))
    throw new DomainError(
      `deleteAdapter: ${JSON.stringify(name)} is active; activate another adapter first (setAdapter)`,
    );
  r.sets.delete(name);
}

/** How {@link addWeightedAdapter} combines LoRA adapters (peft's `combination_type`). */
export type Combination = 'cat' | 'linear' | 'svd';

/**
 * Adds a LoRA adapter `name` that combines LoRA adapters of the same modules with weights, as
 * peft's `add_weighted_adapter` (the new adapter is registered, not activated):
 *
 * - `cat`: A = [w₁s₁A₁; w₂s₂A₂; …] (rows), B = [B₁ | B₂ | …], rank Σrᵢ, scale 1 — ΔW = Σ wᵢΔWᵢ exactly
 *   (where Σrᵢ passes min(out, in), the same ΔW is stored as its exact SVD at rank min(out, in));
 * - `linear` (equal ranks): A = Σ √wᵢ·sᵢ·Aᵢ, B = Σ √wᵢ·Bᵢ, scale 1 (peft's formula; not Σ wᵢΔWᵢ
 *   when several adapters are nonzero, because of the cross terms);
 * - `svd`: the best rank-`svdRank` (default the largest rank) approximation of Σ wᵢΔWᵢ, B = U·Σ, A = Vᵀ.
 * @throws DomainError for unknown names, adapters that are not plain LoRA on the same modules,
 *   `linear` with unequal ranks, or weights that do not match the names
 */
export function addWeightedAdapter(
  model: Module,
  names: readonly string[],
  weights: readonly number[],
  name: string,
  combination: Combination = 'svd',
  options: { svdRank?: number } = {},
): Map<string, Adapter> {
  const fn = 'addWeightedAdapter';
  checkName(fn, name);
  const r = registry(model);
  if (r.sets.has(name))
    throw new DomainError(`${fn}: an adapter named ${JSON.stringify(name)} exists already`);
  if (names.length === 0 || names.length !== weights.length || weights.some((w) => !Number.isFinite(w)))
    throw new DomainError(
      `${fn}: give one finite weight per adapter name (got ${names.length} names and ${weights.length} weights)`,
    );
  if (!['cat', 'linear', 'svd'].includes(combination))
    throw new DomainError(
      `${fn}: combination must be "cat", "linear" or "svd" (got ${JSON.stringify(combination)})`,
    );
  const sets = names.map((n) => {
    const s = r.sets.get(n);
    if (!s) throw new DomainError(`${fn}: no adapter named ${JSON.stringify(n)}`);
    return s;
  });
  const set = combine(fn, sets, weights, combination, options.svdRank);
  r.sets.set(name, set);
  return set.adapters;
}

/** A new LoRA set combining `sets` (plain LoRA on the same modules) with `weights`. */
function combine(
  fn: string,
  sets: AdapterSet[],
  weights: readonly number[],
  combination: Combination,
  svdRank?: number,
): AdapterSet {
  const paths = [...sets[0]!.adapters.keys()];
  for (const s of sets) {
    const ps = [...s.adapters.keys()];
    if (ps.length !== paths.length || ps.some((p, i) => p !== paths[i]))
      throw new DomainError(`${fn}: the adapters must adapt the same modules (${paths.join(', ')})`);
    for (const [p, a] of s.adapters)
      if (!(a instanceof LoraAdapter) || a instanceof DoraAdapter || a instanceof LoraDashAdapter)
        throw new DomainError(
          `${fn}: only plain LoRA adapters combine; ${JSON.stringify(p)} holds ${a.method}`,
        );
  }
  const adapters = new Map<string, Adapter>();
  const ranks = new Map<string, number>();
  for (const path of paths) {
    const parts = sets.map((s) => s.adapters.get(path) as LoraAdapter);
    const layer = parts[0]!.layer;
    const [out, inn] = [parts[0]!.loraB.shape[0]!, parts[0]!.loraA.shape[1]!];
    let a: Float64Array;
    let b: Float64Array;
    let rank: number;
    // A cat whose total rank passes min(out, in) is stored as the exact SVD of its ΔW (rank ≤ min).
    const catRank = parts.reduce((acc, p) => acc + p.rank, 0);
    const mode = combination === 'cat' && catRank > Math.min(out, inn) ? 'svd' : combination;
    if (mode === 'cat') {
      rank = catRank;
      a = new Float64Array(rank * inn);
      b = new Float64Array(out * rank);
      let row = 0;
      parts.forEach((p, k) => {
        const f = weights[k]! * p.scaling;
        for (let i = 0; i < p.rank; i++)
          for (let j = 0; j < inn; j++) a[(row + i) * inn + j] = f * p.loraA.data[i * inn + j]!;
        for (let o = 0; o < out; o++)
          for (let i = 0; i < p.rank; i++) b[o * rank + row + i] = p.loraB.data[o * p.rank + i]!;
        row += p.rank;
      });
    } else if (mode === 'linear') {
      rank = parts[0]!.rank;
      if (parts.some((p) => p.rank !== rank))
        throw new DomainError(
          `${fn}: "linear" needs adapters of equal rank (got ${parts.map((p) => p.rank).join(', ')})`,
        );
      a = new Float64Array(rank * inn);
      b = new Float64Array(out * rank);
      parts.forEach((p, k) => {
        const w = Math.sqrt(weights[k]!);
        for (let i = 0; i < a.length; i++) a[i] = a[i]! + w * p.scaling * p.loraA.data[i]!;
        for (let i = 0; i < b.length; i++) b[i] = b[i]! + w * p.loraB.data[i]!;
      });
    } else {
      rank = Math.min(
        mode === 'svd' && combination === 'cat'
          ? catRank
          : (svdRank ?? Math.max(...parts.map((p) => p.rank))),
        out,
        inn,
      );
      const delta = new Matrix(out, inn);
      parts.forEach((p, k) => {
        const f = weights[k]! * p.scaling;
        for (let o = 0; o < out; o++)
          for (let i = 0; i < p.rank; i++) {
            const bo = f * p.loraB.data[o * p.rank + i]!;
            for (let j = 0; j < inn; j++)
              delta.data[o * inn + j] = delta.data[o * inn + j]! + bo * p.loraA.data[i * inn + j]!;
          }
      });
      const f = svd(delta);
      a = new Float64Array(rank * inn);
      b = new Float64Array(out * rank);
      for (let i = 0; i < rank; i++) {
        for (let j = 0; j < inn; j++) a[i * inn + j] = f.vt!.get(i, j);
        for (let o = 0; o < out; o++) b[o * rank + i] = f.u!.get(o, i) * f.s[i]!;
      }
    }
    // Alpha = rank: scale 1, as peft sets it for combined adapters.
    const adapter = new LoraAdapter(layer, { rank, alpha: rank });
    noGrad(() => {
      adapter.loraA.data.set(a);
      adapter.loraB.data.set(b);
    });
    adapters.set(path, adapter);
    ranks.set(path, rank);
  }
  const rank = ranks.get(paths[0]!)!;
  const pattern = Object.fromEntries([...ranks].filter(([, r]) => r !== rank));
  return {
    adapters,
    config: {
      ...sets[0]!.config,
      method: 'lora',
      rank,
      alpha: rank,
      useRslora: false,
      rankPattern: pattern,
      alphaPattern: pattern,
    },
  };
}
