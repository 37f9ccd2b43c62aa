/**
 * Attaching adapters to a model, freezing the base, merging and unloading — the HF peft
 * `get_peft_model` / `merge_and_unload` workflow on `@numts/nn` modules.
 *
 * @module
 */
import { DomainError, NonFiniteError, ShapeError } from '@numts/core';
import { AdaptableLayer, Conv1D, Conv2d, Embedding, Linear, type Module, type Variable } from '@numts/nn';
import { type AdaptedLayer, Adapter, layerKind } from './adapter.js';
import { checkRank } from './adapters/lora.js';
import { type AdapterConfig, patternValue, suffixMatch, validateConfig } from './config.js';
import { ADAPTER_METHODS_REGISTRY } from './methods.js';

const configs = new WeakMap<Module, AdapterConfig>();
/** Which parameters were trainable before injection (restored by unload / mergeAndUnload). */
const trainableBefore = new WeakMap<Module, Map<Variable, boolean>>();

/** The config an adapted model was built with (undefined for a plain model). */
export function adapterConfigOf(model: Module): AdapterConfig | undefined {
  return configs.get(model);
}

/**
 * The layer index of a module path as peft finds it: the number after one of `patterns`
 * (`….layers.3.…`), or without patterns the first numeric path component; undefined when none.
 */
export function layerIndex(path: string, patterns?: readonly string[]): number | undefined {
  const parts = path.split('.');
  for (let i = 0; i < parts.length; i++) {
    if (!/^\d+$/.test(parts[i]!)) continue;
    if (!patterns || (i > 0 && patterns.includes(parts[i - 1]!))) return Number(parts[i]);
  }
  return undefined;
}

/** Module names of output layers, which `'all-linear'` leaves out as peft does. */
export const OUTPUT_LAYER_NAMES: readonly string[] = ['lm_head', 'classifier', 'score'];

function isOutputLayer(path: string): boolean {
  return OUTPUT_LAYER_NAMES.includes(path.slice(path.lastIndexOf('.') + 1));
}

/** Paths of the modules `config.targetModules` selects (validated). */
export function resolveTargets(fn: string, model: Module, config: AdapterConfig): [string, AdaptedLayer][] {
  const modules = model.namedModules().filter(([, m]) => !(m instanceof Adapter));
  const exclude = config.excludeModules ?? [];
  const keep = config.modulesToSave ?? [];
  const isExcluded = (p: string) =>
    exclude.some((e) => suffixMatch(p, e)) || keep.some((k) => suffixMatch(p, k));
  const out: [string, AdaptedLayer][] = [];
  const add = (path: string, m: Module) => {
    if (!(m instanceof Linear || m instanceof Conv2d || m instanceof Embedding || m instanceof Conv1D))
      throw new DomainError(
        `${fn}: target module ${JSON.stringify(path)} is a ${m.constructor.name}; adapters attach to Linear, Conv2d, Conv1D or Embedding layers`,
      );
    if (!out.some(([p]) => p === path)) out.push([path, m]);
  };
  const t = config.targetModules;
  if (t === 'all-linear') {
    // As peft: every Linear and Conv1D except the output layer (the LM head or classifier).
    for (const [p, m] of modules)
      if ((m instanceof Linear || m instanceof Conv1D) && !isExcluded(p) && !isOutputLayer(p)) add(p, m);
  } else if (typeof t === 'string') {
    let re: RegExp;
    try {
      re = new RegExp(`^(?:${t})$`);
    } catch (e) {
      throw new DomainError(
        `${fn}: targetModules ${JSON.stringify(t)} is not a valid regex (${(e as Error).message})`,
      );
    }
    for (const [p, m] of modules) if (re.test(p) && !isExcluded(p)) add(p, m);
  } else {
    for (const name of t) {
      if (!modules.some(([p]) => suffixMatch(p, name) && !isExcluded(p)))
        throw new DomainError(
          `${fn}: target module ${JSON.stringify(name)} matches no module of the model (modules: ${modules
            .filter(([, m]) => m instanceof AdaptableLayer)
            .map(([p]) => p)
            .join(', ')})`,
        );
    }
    for (const [p, m] of modules) if (t.some((name) => suffixMatch(p, name)) && !isExcluded(p)) add(p, m);
  }
  const layers = config.layersToTransform;
  const kept = layers ? out.filter(([p]) => layers.includes(layerIndex(p, config.layersPattern) ?? -1)) : out;
  if (kept.length === 0)
    throw new DomainError(
      `${fn}: targetModules ${JSON.stringify(t)}${layers ? ` with layersToTransform [${layers.join(', ')}]` : ''} selects no Linear, Conv2d or Embedding layer`,
    );
  return kept;
}

/** Builds the adapter of `config.method` for one layer. */
export function createAdapter(
  fn: string,
  path: string,
  layer: AdaptedLayer,
  config: AdapterConfig,
  seed: number,
  shared?: unknown,
): Adapter {
  const w = layer.weight.data;
  for (let i = 0; i < w.length; i++)
    if (!Number.isFinite(w[i]!))
      throw new NonFiniteError(
        `${fn}: the weight of ${JSON.stringify(path)} must be finite (element ${i} is ${w[i]})`,
        i,
      );
  if (layer instanceof Conv1D && config.method !== 'lora')
    throw new DomainError(
      `${fn}: ${config.method} does not adapt a Conv1D (GPT-2's [in, out] layer) yet; ${JSON.stringify(path)} is one (plain LoRA does)`,
    );
  const rank = patternValue(config.rankPattern, path) ?? config.rank ?? 8;
  const alpha = patternValue(config.alphaPattern, path) ?? config.alpha ?? rank;
  const common = { rank, alpha, useRslora: config.useRslora, dropout: config.dropout, seed };
  const method = config.method;
  const entry = ADAPTER_METHODS_REGISTRY[method];
  const refused = entry.accepts(layer, config);
  if (refused)
    throw new DomainError(
      `${fn}: ${refused.method ?? method} adapts ${refused.kinds}; ${JSON.stringify(path)} is ${layer instanceof Embedding ? 'an' : 'a'} ${layerKind(layer)}`,
    );
  if (entry.rankBounded(layer, config)) checkRank(`${fn} (${path})`, layer, rank);
  return entry.create({ layer, config, path, rank, alpha, seed, shared, common });
}

/**
 * Attaches an adapter of `config.method` to every target layer, freezes everything else except
 * `config.modulesToSave` (as HF `get_peft_model`), and returns the adapters by module path.
 * Layer i (in module order) is initialised with seed `config.seed + i`.
 * @throws DomainError for an unknown method, a target that matches nothing or is not a
 *   Linear/Conv2d/Embedding, a rank outside [1, min(in, out)], a method that does not support the
 *   layer kind, or a model that already has adapters
 * @throws NonFiniteError when a target weight contains NaN or ±Infinity
 * @example
 * ```ts
 * const model = new Sequential(new Linear(8, 16), ReLU(), new Linear(16, 4));
 * const adapters = injectAdapters(model, { method: 'lora', targetModules: ['0', '2'], rank: 2 });
 * adapters.size; // 2
 * ```
 */
export function injectAdapters(model: Module, config: AdapterConfig): Map<string, Adapter> {
  const fn = 'injectAdapters';
  validateConfig(fn, config);
  if (adaptersOf(model).length > 0)
    throw new DomainError(`${fn}: the model already has adapters; unload them first`);
  const modules = model.namedModules();
  for (const k of config.modulesToSave ?? [])
    if (!modules.some(([p]) => suffixMatch(p, k)))
      throw new DomainError(`${fn}: modulesToSave entry ${JSON.stringify(k)} matches no module`);
  const targets = resolveTargets(fn, model, config);
  const base = config.seed ?? 0;
  const shared = ADAPTER_METHODS_REGISTRY[config.method].prepare?.(targets, config);
  const created = targets.map(
    ([path, layer], i) => [path, createAdapter(fn, path, layer, config, base + i, shared)] as const,
  );
  const out = new Map<string, Adapter>();
  // The trainability from before the first adapters (a named adapter added later keeps it).
  if (!trainableBefore.has(model))
    trainableBefore.set(model, new Map(model.parameters().map((p) => [p, p.requiresGrad])));
  for (const [path, adapter] of created) {
    adapter.layer.attachAdapter(adapter);
    out.set(path, adapter);
  }
  configs.set(model, { ...config });
  markOnlyAdaptersTrainable(model, { modulesToSave: config.modulesToSave });
  return out;
}

/** @internal The named adapters of a model (see named.ts); unloading the adapters forgets them. */
export const namedRegistries = new WeakMap<Module, { sets: Map<string, AdapterSet>; active: string[] }>();

/** Adapters attached to a model's layers together, with the config they were made from. */
export interface AdapterSet {
  adapters: Map<string, Adapter>;
  config: AdapterConfig;
}

/**
 * @internal Takes the attached adapters off their layers (intact, merged ones unmerged first)
 * without restoring the model's trainability; undefined when none are attached.
 */
export function detachAdapterSet(model: Module): AdapterSet | undefined {
  const list = adaptersOf(model);
  const config = configs.get(model);
  if (list.length === 0 || !config) return undefined;
  for (const [, a] of [...list].reverse()) if (a.merged) a.unmerge();
  for (const [, a] of list) a.layer.detachAdapter();
  configs.delete(model);
  return { adapters: new Map(list), config };
}

/**
 * @internal Attaches a set of adapters (none may be attached) and trains only them and the
 * set's `modulesToSave`; the trainability from before the first adapters is kept for unloading.
 */
export function attachAdapterSet(model: Module, set: AdapterSet): void {
  if (adaptersOf(model).length > 0)
    throw new DomainError('attachAdapterSet: the model already has adapters attached');
  if (!trainableBefore.has(model))
    trainableBefore.set(model, new Map(model.parameters().map((p) => [p, p.requiresGrad])));
  for (const [, a] of set.adapters) a.layer.attachAdapter(a);
  configs.set(model, { ...set.config });
  markOnlyAdaptersTrainable(model, { modulesToSave: set.config.modulesToSave });
}

/** Every attached adapter with its layer's path, in module order. */
export function adaptersOf(model: Module): [string, Adapter][] {
  const out: [string, Adapter][] = [];
  for (const [path, m] of model.namedModules())
    if (m instanceof AdaptableLayer && m.adapter instanceof Adapter) out.push([path, m.adapter]);
  return out;
}

/**
 * Freezes every parameter except those of adapters and of the `modulesToSave` (suffix-matched
 * module paths), as loralib's `mark_only_lora_as_trainable` plus HF `modules_to_save`.
 * @throws DomainError when a `modulesToSave` entry matches no module
 */
export function markOnlyAdaptersTrainable(
  model: Module,
  options: { modulesToSave?: readonly string[] | undefined } = {},
): void {
  const keep = options.modulesToSave ?? [];
  const modules = model.namedModules();
  for (const k of keep)
    if (!modules.some(([p]) => suffixMatch(p, k)))
      throw new DomainError(
        `markOnlyAdaptersTrainable: modulesToSave entry ${JSON.stringify(k)} matches no module`,
      );
  const adapterParams = new Set(adaptersOf(model).flatMap(([, a]) => a.parameters()));
  for (const [name, p] of model.namedParameters()) {
    const parts = name.split('.').slice(0, -1);
    const kept = keep.some((k) => parts.some((_, i) => suffixMatch(parts.slice(0, i + 1).join('.'), k)));
    p.requiresGrad = adapterParams.has(p) || kept;
  }
}

/** Tells every adapter that an optimizer step happened (LoRA-Dash counts its pre-launch here). */
export function notifyOptimizerStep(model: Module): void {
  for (const [, a] of adaptersOf(model)) a.onOptimizerStep();
}

/**
 * Merges every adapter into its layer's weight (safe merge).
 * @throws DomainError for a non-mergeable adapter (parallel/MPCn) or one already merged
 */
export function mergeAdapters(model: Module): void {
  const list = adaptersOf(model);
  for (const [path, a] of list)
    if (!a.mergeable)
      throw new DomainError(
        `mergeAdapters: the ${a.method} adapter on ${JSON.stringify(path)} cannot be merged`,
      );
  for (const [, a] of list) a.merge();
}

/** Restores every merged adapter's layer weight. */
export function unmergeAdapters(model: Module): void {
  for (const [, a] of adaptersOf(model).reverse()) if (a.merged) a.unmerge();
}

/**
 * Merges the adapters into the weights and removes them; returns the plain model (the same
 * object), whose forward equals the adapted forward.
 */
export function mergeAndUnload(model: Module): Module {
  for (const [, a] of adaptersOf(model))
    if (!a.merged) {
      if (!a.mergeable) throw new DomainError(`mergeAndUnload: the ${a.method} adapter cannot be merged`);
      a.merge();
    }
  return detachAll(model);
}

/** Removes the adapters without merging (unmerging merged ones first); returns the plain model. */
export function unloadAdapters(model: Module): Module {
  unmergeAdapters(model);
  return detachAll(model);
}

function detachAll(model: Module): Module {
  for (const [, a] of adaptersOf(model)) a.layer.detachAdapter();
  configs.delete(model);
  namedRegistries.delete(model);
  const before = trainableBefore.get(model);
  for (const p of model.parameters()) p.requiresGrad = before?.get(p) ?? true;
  trainableBefore.delete(model);
  return model;
}

/**
 * ΔW of the adapter attached to `layer` (W_eff − W, Float64, the layer weight's shape).
 * @throws ShapeError when the layer has no adapter
 */
export function deltaWeight(layer: AdaptedLayer): Float64Array {
  const a = layer.adapter;
  if (!(a instanceof Adapter)) throw new ShapeError(`deltaWeight: the ${layerKind(layer)} has no adapter`);
  return a.deltaWeight();
}

/** Trainable parameters of the model (adapters plus `modulesToSave`), counted exactly. */
export function trainableParameterCount(model: Module): number {
  return model.countParameters({ trainableOnly: true });
}
