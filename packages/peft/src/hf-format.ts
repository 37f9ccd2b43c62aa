/**
 * HuggingFace peft adapter files: `adapter_config.json` and `adapter_model.safetensors`.
 *
 * LoRA, DoRA, PiSSA and MiLoRA are written as `peft_type: "LORA"` with HF's key names and shapes
 * (`base_model.model.<path>.lora_A.weight` r×in, `.lora_B.weight` out×r, Conv2d r×in×kh×kw and
 * out×r×1×1, Embedding `.lora_embedding_A` r×count and `.lora_embedding_B` dim×r, DoRA
 * `.lora_magnitude_vector` out). The other methods use their own `peft_type` (`LORA_DASH`,
 * `NUMTS_SSB`, …) and the parameter names of the adapter (documented in the README). Every file
 * travel with `numts_adapter.json`, the numts configuration, in a file of its own that stock peft
 * never reads.
 *
 * @module
 */
import { DomainError, FormatError, Matrix, NonFiniteError, ShapeError } from '@numts/core';
import { svd } from '@numts/decompositions';
import { SafetensorsFile, writeSafetensors } from '@numts/io';
import { Conv1D, Conv2d, Embedding, Linear, type Module } from '@numts/nn';
import type { Adapter } from './adapter.js';
import type { AdaloraAdapter } from './adapters/adalora.js';
import { DoraAdapter } from './adapters/dora.js';
import type { LohaAdapter } from './adapters/loha.js';
import type { LokrAdapter } from './adapters/lokr.js';
import { LoraAdapter } from './adapters/lora.js';
import { LoraDashAdapter } from './adapters/lora-dash.js';
import { PeftIa3Adapter } from './adapters/peft-ia3.js';
import { VeraAdapter } from './adapters/vera.js';
import { type AdapterConfig, suffixMatch } from './config.js';
import {
  type AdaloraScheduleFields,
  adaloraConfigJson,
  ia3ConfigJson,
  lohaConfigJson,
  lokrConfigJson,
  loraConfigJson,
  veraConfigJson,
} from './hf-config-json.js';
import { adapterConfigOf, adaptersOf, injectAdapters, unloadAdapters } from './inject.js';
import { weightMatrixShape } from './weight-matrix.js';

/** The files of an adapter directory. */
export interface AdapterFiles {
  /** Text of `adapter_config.json`. */
  config: string;
  /** Bytes of `adapter_model.safetensors`. */
  weights: Uint8Array;
  /**
   * Text of `numts_adapter.json`: the numts configuration beside peft's (absent in stock peft
   * folders, which need none). Kept in its own file so that peft, which rejects unknown fields of
   * adapter_config.json with a warning, never sees it.
   */
  numts?: string | undefined;
}

/** Options of {@link saveAdapter}. */
export interface SaveAdapterOptions {
  /**
   * Write any mergeable adapter (SSL, SSB, (IA)³, SAM-PARSER, TriLoRA, MoSLoRA, FLoRA, DoRA, …) as
   * the plain LoRA stock peft loads: ΔW of each module factored by an SVD at its numerical rank
   * (scale 1; `rank_pattern` where ranks differ). Exact up to float32 rounding; what is lost is the
   * method's own parameterisation (the file trains on as LoRA) and, for scaling methods, the
   * parameter count (ΔW of a scaling is full rank). Not for the parallel adapter (not a ΔW).
   */
  asLora?: boolean | undefined;
  /** `base_model_name_or_path` (default null). */
  baseModelName?: string | null | undefined;
  /**
   * PiSSA/MiLoRA: write a plain LoRA of rank 2r that applies to the ORIGINAL weight
   * (A' = [A; A₀], B' = [B | −B₀], α' = 2α) instead of an adapter for the residual weight.
   */
  svdInitAsLora?: boolean | undefined;
  /**
   * LoRA-Dash: write a plain LoRA of rank r + s (A' = [A; diag(d)V_sᵀ], B' = [B | U_s/scale],
   * α' keeping the scale) that stock peft loads.
   */
  dashAsLora?: boolean | undefined;
  /**
   * AdaLoRA: the budget schedule (peft's `AdaLoraConfig` refuses a file without `total_step`) —
   * the {@link AdaloraAllocator} used in training, or its options — and the orthogonality weight.
   * When it has made its final allocation (`rankPattern`), the pruned triplets are left out of the
   * file and `rank_pattern` records the kept ones, as peft saves them.
   */
  adalora?:
    | (AdaloraScheduleFields & { rankPattern?: ReadonlyMap<string, readonly boolean[]> | undefined })
    | undefined;
}

const PREFIX = 'base_model.model.';

/** The peft_type written for a method. */
export function peftTypeOf(method: string): string {
  if (method === 'lora' || method === 'dora' || method === 'pissa' || method === 'milora') return 'LORA';
  if (method === 'lora-dash') return 'LORA_DASH';
  if (method === 'peft-ia3') return 'IA3';
  if (method === 'adalora' || method === 'loha' || method === 'lokr' || method === 'vera')
    return method.toUpperCase();
  return `NUMTS_${method.toUpperCase().replace(/-/g, '_')}`;
}

type Tensors = Record<string, { data: ArrayLike<number>; shape: number[] }>;

function loraKeys(path: string, a: LoraAdapter): { aKey: string; bKey: string } {
  return a.layer instanceof Embedding
    ? { aKey: `${PREFIX}${path}.lora_embedding_A`, bKey: `${PREFIX}${path}.lora_embedding_B` }
    : { aKey: `${PREFIX}${path}.lora_A.weight`, bKey: `${PREFIX}${path}.lora_B.weight` };
}

/** Stacks rows: [top (r₁×n); bottom (r₂×n)]. */
function stackRows(top: ArrayLike<number>, bottom: ArrayLike<number>): Float64Array {
  const out = new Float64Array(top.length + bottom.length);
  out.set(Array.from(top));
  out.set(Array.from(bottom), top.length);
  return out;
}

/** Concatenates columns: [left (m×r₁) | right (m×r₂)]. */
function stackCols(
  left: ArrayLike<number>,
  right: ArrayLike<number>,
  m: number,
  r1: number,
  r2: number,
): Float64Array {
  const out = new Float64Array(m * (r1 + r2));
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < r1; j++) out[i * (r1 + r2) + j] = left[i * r1 + j]!;
    for (let j = 0; j < r2; j++) out[i * (r1 + r2) + r1 + j] = right[i * r2 + j]!;
  }
  return out;
}

/**
 * Writes the adapters of a model as HF peft files (plus `modulesToSave` weights).
 * @throws DomainError when the model has no adapters or an adapter is merged
 * @example
 * ```ts
 * const files = saveAdapter(model);
 * JSON.parse(files.config).peft_type; // "LORA"
 * ```
 */
export function saveAdapter(model: Module, options: SaveAdapterOptions = {}): AdapterFiles {
  const fn = 'saveAdapter';
  const config = adapterConfigOf(model);
  const list = adaptersOf(model);
  if (!config || list.length === 0)
    throw new DomainError(`${fn}: the model has no adapters (use injectAdapters first)`);
  for (const [path, a] of list)
    if (a.merged)
      throw new DomainError(
        `${fn}: the adapter on ${JSON.stringify(path)} is merged; unmerge it before saving`,
      );
  if (options.asLora) return saveAsLora(fn, model, config, list, options);
  const tensors: Tensors = {};
  let peftType = peftTypeOf(config.method);
  let rankOut = config.rank ?? 8;
  let alphaOut = config.alpha ?? rankOut;
  const rankPattern: Record<string, number> = {};
  const alphaPattern: Record<string, number> = {};
  for (const [path, a] of list) {
    if (a instanceof LoraAdapter) {
      const { aKey, bKey } = loraKeys(path, a);
      let A: ArrayLike<number> = a.loraA.data;
      let B: ArrayLike<number> = a.loraB.data;
      let aShape = [...a.loraA.shape];
      let bShape = [...a.loraB.shape];
      let r = a.rank;
      let alpha = a.alpha;
      if (a instanceof LoraDashAdapter && options.dashAsLora) {
        peftType = 'LORA';
        const { rows: out, cols: inn } = weightMatrixShape(fn, a.layer);
        if (a.dashU && a.dashVt) {
          const s = a.dashDirections;
          const dv = new Float64Array(s * inn);
          for (let j = 0; j < s; j++)
            for (let c = 0; c < inn; c++)
              dv[j * inn + c] = a.dashScale.data[j]! * a.dashVt.data[j * inn + c]!;
          const us = Float64Array.from(a.dashU.data, (v) => v / a.scaling);
          A = stackRows(A, dv);
          B = stackCols(B, us, out, r, s);
          r += s;
          alpha = a.useRslora ? a.scaling * Math.sqrt(r) : a.scaling * r;
          aShape = [r, ...aShape.slice(1)];
          bShape = [out, r, ...bShape.slice(2)];
        }
      } else if (a instanceof LoraDashAdapter) {
        if (a.dashU && a.dashVt) {
          tensors[`${PREFIX}${path}.lora_dash_U`] = { data: a.dashU.data, shape: [...a.dashU.shape] };
          tensors[`${PREFIX}${path}.lora_dash_Vt`] = { data: a.dashVt.data, shape: [...a.dashVt.shape] };
          tensors[`${PREFIX}${path}.lora_dash_indices`] = { data: a.selected, shape: [a.selected.length] };
        }
        tensors[`${PREFIX}${path}.lora_dash_d`] = { data: a.dashScale.data, shape: [a.dashDirections] };
      }
      if (a.initialFactors && options.svdInitAsLora) {
        A = stackRows(A, a.initialFactors.a);
        B = stackCols(
          B,
          Float64Array.from(a.initialFactors.b, (v) => -v),
          a.loraB.shape[0]!,
          r,
          r,
        );
        alpha = a.useRslora ? alpha * Math.SQRT2 : 2 * alpha;
        r *= 2;
        aShape = [r, ...aShape.slice(1)];
        bShape = [bShape[0]!, r, ...bShape.slice(2)];
      }
      tensors[aKey] = { data: A, shape: aShape };
      tensors[bKey] = { data: B, shape: bShape };
      if (a instanceof DoraAdapter)
        tensors[`${PREFIX}${path}.lora_magnitude_vector`] = {
          data: a.magnitude.data,
          shape: [...a.magnitude.shape],
        };
      if (list.length > 0 && path === list[0]![0]) {
        rankOut = r;
        alphaOut = alpha;
      }
      if (r !== rankOut) rankPattern[path] = r;
      if (alpha !== alphaOut) alphaPattern[path] = alpha;
    } else {
      for (const [name, p] of a.namedParameters()) {
        if (name.includes('.')) continue;
        tensors[`${PREFIX}${path}.${name}`] = { data: p.data, shape: [...p.shape] };
      }
    }
  }
  const vera = list.find((e): e is [string, VeraAdapter] => e[1] instanceof VeraAdapter)?.[1];
  if (vera) {
    // The projections every layer slices, once per model (peft's `save_projection`).
    const { a, b, rank, maxIn, maxOut } = vera.projections;
    tensors[`${VERA_PREFIX}vera_A`] = { data: a, shape: [rank, maxIn] };
    tensors[`${VERA_PREFIX}vera_B`] = { data: b, shape: [maxOut, rank] };
  }
  const adaloraPattern = config.method === 'adalora' ? pruneAdalora(fn, list, tensors, options) : null;
  for (const [name, p] of model.namedParameters()) {
    const modulePath = name.slice(0, name.lastIndexOf('.'));
    const keep = config.modulesToSave ?? [];
    if (keep.some((k) => suffixMatch(modulePath, k)))
      tensors[`${PREFIX}${name}`] = { data: p.data, shape: [...p.shape] };
  }
  for (const [k, t] of Object.entries(tensors))
    for (let i = 0; i < t.data.length; i++)
      if (!Number.isFinite(t.data[i]!))
        throw new NonFiniteError(
          `${fn}: tensor ${JSON.stringify(k)} must be finite (element ${i} is ${t.data[i]})`,
          i,
        );
  const dtypes: Record<string, 'I64'> = {};
  for (const k of Object.keys(tensors)) if (k.endsWith('.lora_dash_indices')) dtypes[k] = 'I64';
  const weights = writeSafetensors(tensors, { dtype: 'F32', dtypes, metadata: { format: 'pt' } });
  const common = {
    targets: list.map(([p]) => p),
    modulesToSave: config.modulesToSave,
    baseModelName: options.baseModelName,
  };
  let json: Record<string, unknown>;
  if (config.method === 'peft-ia3') {
    const feedforward = list.filter(([, a]) => a instanceof PeftIa3Adapter && a.feedforward).map(([p]) => p);
    return { config: `${JSON.stringify(ia3ConfigJson({ ...common, feedforward }), null, 2)}\n`, weights };
  } else if (config.method === 'loha' || config.method === 'lokr') {
    const fields = { ...common, ...lycorisRanks(list) };
    json =
      config.method === 'loha'
        ? lohaConfigJson(fields)
        : lokrConfigJson({
            ...fields,
            decomposeBoth: config.lokrDecomposeBoth ?? false,
            decomposeFactor: config.lokrDecomposeFactor ?? -1,
          });
  } else if (vera) {
    json = veraConfigJson({
      ...common,
      r: vera.rank,
      dInitial: config.veraDInitial ?? 0.1,
      projectionPrngKey: config.projectionPrngKey ?? 0,
    });
  } else if (config.method === 'adalora') {
    const first = list[0]![1] as AdaloraAdapter;
    json = adaloraConfigJson({
      ...common,
      initR: first.rank,
      alpha: first.alpha,
      dropout: config.dropout ?? 0,
      rankPattern: adaloraPattern,
      schedule: options.adalora!,
    });
  } else {
    json = loraConfigJson({
      ...common,
      alphaPattern,
      rankPattern,
      r: rankOut,
      alpha: alphaOut,
      dropout: config.dropout ?? 0,
      peftType,
      useDora: config.method === 'dora',
      useRslora: config.useRslora ?? false,
      fanInFanOut: list.some(([, a]) => a.layer instanceof Conv1D),
    });
  }
  const exported = peftType === 'LORA' && config.method === 'lora-dash';
  const numts =
    exported || options.svdInitAsLora
      ? undefined
      : `${JSON.stringify({ numts_config: { ...config, targetModules: list.map(([p]) => p) } }, null, 2)}\n`;
  return { config: `${JSON.stringify(json, null, 2)}\n`, weights, ...(numts ? { numts } : {}) };
}

/** Where peft keeps VeRA's shared projections in the file (`base_model.vera_A`, `.vera_B`). */
const VERA_PREFIX = 'base_model.';

/** r, α and their per-module patterns of LoHa/LoKr adapters (peft's `rank_pattern`, `alpha_pattern`). */
function lycorisRanks(list: [string, Adapter][]) {
  const ranks = list.map(
    ([p, a]) => [p, (a as LohaAdapter | LokrAdapter).rank, (a as LohaAdapter | LokrAdapter).alpha] as const,
  );
  const [, r, alpha] = ranks[0]!;
  return {
    r,
    alpha,
    rankPattern: Object.fromEntries(ranks.filter(([, k]) => k !== r).map(([p, k]) => [p, k])),
    alphaPattern: Object.fromEntries(ranks.filter(([, , a]) => a !== alpha).map(([p, , a]) => [p, a])),
  };
}

/**
 * AdaLoRA's file: one init_r and α for every layer (peft has no pattern for them); with a final
 * allocation, the pruned triplets are dropped from lora_A/lora_E (rows) and lora_B (columns), and
 * the kept ones are returned as peft's `rank_pattern` (`<module>.lora_E` → kept flags).
 * @throws DomainError without the schedule, or when layers differ in rank or α
 */
function pruneAdalora(
  fn: string,
  list: [string, Adapter][],
  tensors: Tensors,
  options: SaveAdapterOptions,
): Record<string, boolean[]> | null {
  if (!options.adalora)
    throw new DomainError(
      `${fn}: an AdaLoRA file needs its schedule (peft refuses one without total_step): pass { adalora: allocator } or { adalora: { totalStep } }`,
    );
  const layers = list as [string, AdaloraAdapter][];
  const first = layers[0]![1];
  for (const [path, a] of layers)
    if (a.rank !== first.rank || a.alpha !== first.alpha)
      throw new DomainError(
        `${fn}: peft's AdaLoRA has one init_r and lora_alpha for all layers; ${JSON.stringify(path)} has rank ${a.rank}, α ${a.alpha} (first layer: ${first.rank}, ${first.alpha})`,
      );
  const pattern = options.adalora.rankPattern;
  if (!pattern) return null;
  const out: Record<string, boolean[]> = {};
  for (const [path, a] of layers) {
    const keep = pattern.get(path);
    if (!keep || keep.length !== a.rank)
      throw new DomainError(
        `${fn}: the AdaLoRA rank pattern has no ${a.rank} flags for ${JSON.stringify(path)}`,
      );
    out[`${path}.lora_E`] = [...keep];
    const rows = keep.flatMap((k, i) => (k ? [i] : []));
    const [outF, inF] = [a.loraB.shape[0]!, a.loraA.shape[1]!];
    const pick = (src: ArrayLike<number>, width: number) =>
      Float64Array.from(
        { length: rows.length * width },
        (_, k) => src[rows[Math.floor(k / width)]! * width + (k % width)]!,
      );
    tensors[`${PREFIX}${path}.lora_A`] = { data: pick(a.loraA.data, inF), shape: [rows.length, inF] };
    tensors[`${PREFIX}${path}.lora_E`] = { data: pick(a.loraE.data, 1), shape: [rows.length, 1] };
    tensors[`${PREFIX}${path}.lora_B`] = {
      data: Float64Array.from(
        { length: outF * rows.length },
        (_, k) => a.loraB.data[Math.floor(k / rows.length) * a.rank + rows[k % rows.length]!]!,
      ),
      shape: [outF, rows.length],
    };
  }
  return out;
}

/**
 * Any mergeable adapter as plain LoRA: ΔW of each module factored by an SVD at its numerical rank
 * (B = U√Σ, A = √ΣVᵀ, scale 1), written with peft's LoRA keys. Exact up to float32 rounding.
 */
function saveAsLora(
  fn: string,
  model: Module,
  config: AdapterConfig,
  list: [string, Adapter][],
  options: SaveAdapterOptions,
): AdapterFiles {
  const tensors: Tensors = {};
  const ranks = new Map<string, number>();
  for (const [path, a] of list) {
    if (!a.mergeable)
      throw new DomainError(
        `${fn}: the ${a.method} adapter on ${JSON.stringify(path)} cannot be written as LoRA (its output is not a weight change)`,
      );
    if (a.effectiveBias() !== undefined)
      throw new DomainError(
        `${fn}: the ${a.method} adapter on ${JSON.stringify(path)} also changes the bias, which LoRA cannot express; save it in its own format`,
      );
    const layer = a.layer;
    const d = a.deltaWeight();
    // ΔW as a matrix M = B·A in peft's orientation for the layer kind.
    let rows: number;
    let cols: number;
    let m: Matrix;
    if (layer instanceof Linear) {
      [rows, cols] = [layer.outFeatures, layer.inFeatures];
      m = new Matrix(rows, cols, d);
    } else if (layer instanceof Conv1D) {
      [rows, cols] = [layer.outFeatures, layer.inFeatures];
      m = new Matrix(cols, rows, d).T.clone();
    } else if (layer instanceof Conv2d) {
      if ((layer.options.groups ?? 1) !== 1)
        throw new DomainError(
          `${fn}: a grouped Conv2d (${JSON.stringify(path)}) cannot be written as peft LoRA`,
        );
      rows = layer.outChannels;
      cols = d.length / rows;
      m = new Matrix(rows, cols, d);
    } else {
      const emb = layer as Embedding;
      [rows, cols] = [emb.dim, emb.count];
      m = new Matrix(emb.count, emb.dim, d).T.clone();
    }
    const f = svd(m);
    const tol = Math.max(rows, cols) * 2 ** -23 * (f.s[0] ?? 0);
    const r = Math.max(1, f.s.filter((v) => v > tol).length);
    const A = new Float64Array(r * cols);
    const B = new Float64Array(rows * r);
    for (let i = 0; i < r; i++) {
      const root = Math.sqrt(f.s[i]!);
      for (let j = 0; j < cols; j++) A[i * cols + j] = root * f.vt!.get(i, j);
      for (let o = 0; o < rows; o++) B[o * r + i] = root * f.u!.get(o, i);
    }
    if (layer instanceof Embedding) {
      tensors[`${PREFIX}${path}.lora_embedding_A`] = { data: A, shape: [r, cols] };
      tensors[`${PREFIX}${path}.lora_embedding_B`] = { data: B, shape: [rows, r] };
    } else if (layer instanceof Conv2d) {
      const [kh, kw] = layer.kernelSize;
      tensors[`${PREFIX}${path}.lora_A.weight`] = { data: A, shape: [r, layer.inChannels, kh, kw] };
      tensors[`${PREFIX}${path}.lora_B.weight`] = { data: B, shape: [rows, r, 1, 1] };
    } else {
      tensors[`${PREFIX}${path}.lora_A.weight`] = { data: A, shape: [r, cols] };
      tensors[`${PREFIX}${path}.lora_B.weight`] = { data: B, shape: [rows, r] };
    }
    ranks.set(path, r);
  }
  for (const [name, p] of model.namedParameters()) {
    const modulePath = name.slice(0, name.lastIndexOf('.'));
    if ((config.modulesToSave ?? []).some((k) => suffixMatch(modulePath, k)))
      tensors[`${PREFIX}${name}`] = { data: p.data, shape: [...p.shape] };
  }
  const r0 = ranks.get(list[0]![0])!;
  const pattern = Object.fromEntries([...ranks].filter(([, r]) => r !== r0));
  const json = loraConfigJson({
    alphaPattern: pattern,
    rankPattern: pattern,
    r: r0,
    alpha: r0,
    targets: list.map(([p]) => p),
    dropout: 0,
    modulesToSave: config.modulesToSave,
    baseModelName: options.baseModelName,
    peftType: 'LORA',
    useDora: false,
    useRslora: false,
    fanInFanOut: list.some(([, a]) => a.layer instanceof Conv1D),
  });
  const weights = writeSafetensors(tensors, { dtype: 'F32', metadata: { format: 'pt' } });
  return { config: `${JSON.stringify(json, null, 2)}\n`, weights };
}

/** The parts of an HF `adapter_config.json` this package reads. */
interface HfConfig {
  peft_type?: string;
  r?: number | undefined;
  lora_alpha?: number;
  lora_dropout?: number;
  target_modules?: string[] | string;
  exclude_modules?: string[] | string | null;
  use_rslora?: boolean;
  use_dora?: boolean;
  rank_pattern?: Record<string, number>;
  alpha_pattern?: Record<string, number>;
  modules_to_save?: string[] | null;
  fan_in_fan_out?: boolean;
  lora_bias?: boolean;
  layers_to_transform?: number[] | number | null;
  feedforward_modules?: string[];
  layers_pattern?: string[] | string | null;
  bias?: string;
  layer_replication?: unknown;
  target_parameters?: unknown;
  trainable_token_indices?: unknown;
  alora_invocation_tokens?: unknown;
  use_qalora?: boolean;
  // LoHa / LoKr
  alpha?: number;
  decompose_both?: boolean;
  decompose_factor?: number;
  // VeRA
  d_initial?: number;
  projection_prng_key?: number;
  save_projection?: boolean;
  // AdaLoRA
  init_r?: number;
  numts_config?: AdapterConfig;
}

/**
 * Parses `adapter_config.json` (and, when given, the `numts_adapter.json` beside it) into a numts
 * {@link AdapterConfig}. The numts configuration wins where present; older files carry it as a
 * `numts_config` field of adapter_config.json, which is read too.
 */
export function parseAdapterConfig(text: string, numtsText?: string): AdapterConfig {
  const fn = 'parseAdapterConfig';
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new FormatError(`${fn}: adapter_config.json is not valid JSON (${(e as Error).message})`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new FormatError(`${fn}: adapter_config.json must hold a JSON object`);
  const hf = raw as HfConfig;
  let numtsConfig = hf.numts_config;
  if (numtsText !== undefined) {
    try {
      numtsConfig = (JSON.parse(numtsText) as { numts_config?: AdapterConfig }).numts_config;
    } catch (e) {
      throw new FormatError(`${fn}: numts_adapter.json is not valid JSON (${(e as Error).message})`);
    }
    if (!numtsConfig || typeof numtsConfig !== 'object')
      throw new FormatError(`${fn}: numts_adapter.json has no numts_config object`);
  }
  if (numtsConfig) {
    // An SVD-initialised adapter applies to the saved (residual) base weight: load it as LoRA.
    const c = { ...numtsConfig };
    if (
      c.method === 'pissa' ||
      c.method === 'milora' ||
      c.init === 'pissa' ||
      c.init === 'milora' ||
      c.init === 'olora'
    ) {
      c.method = 'lora';
      delete c.init;
      delete c.pissaNiter;
    }
    return c;
  }
  const types = ['LORA', 'IA3', 'LOHA', 'LOKR', 'VERA', 'ADALORA'];
  if (!types.includes(hf.peft_type ?? ''))
    throw new FormatError(
      `${fn}: peft_type ${JSON.stringify(hf.peft_type)} is not supported (${types.join(', ')}, or a file written by numts)`,
    );
  if (hf.target_modules === undefined)
    throw new FormatError(`${fn}: adapter_config.json has no target_modules`);
  const exclude = hf.exclude_modules;
  const targets = {
    targetModules: hf.target_modules,
    excludeModules: exclude == null ? undefined : typeof exclude === 'string' ? [exclude] : exclude,
    modulesToSave: hf.modules_to_save ?? undefined,
    ...layerOptions(hf),
  };
  switch (hf.peft_type) {
    case 'IA3':
      return { method: 'peft-ia3', ...targets, feedforwardModules: hf.feedforward_modules ?? [] };
    case 'LOHA':
    case 'LOKR':
      return {
        method: hf.peft_type === 'LOHA' ? 'loha' : 'lokr',
        ...targets,
        rank: hf.r ?? 8,
        alpha: hf.alpha ?? 8,
        rankPattern: hf.rank_pattern,
        alphaPattern: hf.alpha_pattern,
        ...(hf.peft_type === 'LOKR'
          ? { lokrDecomposeBoth: hf.decompose_both ?? false, lokrDecomposeFactor: hf.decompose_factor ?? -1 }
          : {}),
      };
    case 'VERA':
      refuseBias(fn, hf);
      if (hf.save_projection === false)
        throw new FormatError(
          `${fn}: a VeRA file with save_projection = false has no projections; peft regenerates them with torch's generator, which numts does not reproduce (save it with save_projection = true)`,
        );
      return {
        method: 'vera',
        ...targets,
        rank: hf.r ?? 256,
        veraDInitial: hf.d_initial ?? 0.1,
        projectionPrngKey: hf.projection_prng_key ?? 0,
      };
    case 'ADALORA':
      refuseLoraOptions(fn, hf);
      return {
        method: 'adalora',
        ...targets,
        rank: hf.init_r ?? 12,
        alpha: hf.lora_alpha ?? 8,
        dropout: hf.lora_dropout ?? 0,
      };
    default: // LORA
      refuseLoraOptions(fn, hf);
      return {
        method: hf.use_dora ? 'dora' : 'lora',
        ...targets,
        rank: hf.r ?? 8,
        alpha: hf.lora_alpha ?? 8,
        rankPattern: hf.rank_pattern,
        alphaPattern: hf.alpha_pattern,
        useRslora: hf.use_rslora ?? false,
        dropout: hf.lora_dropout ?? 0,
      };
  }
}

function refuseBias(fn: string, hf: HfConfig): void {
  if (hf.bias !== undefined && hf.bias !== 'none')
    throw new FormatError(`${fn}: bias = ${JSON.stringify(hf.bias)} (trained biases) is not supported`);
}

/** Options of LoRA-type files that change what the adapter computes: refused by name rather than dropped. */
function refuseLoraOptions(fn: string, hf: HfConfig): void {
  if (hf.lora_bias) throw new FormatError(`${fn}: lora_bias = true is not supported`);
  refuseBias(fn, hf);
  for (const field of [
    'layer_replication',
    'target_parameters',
    'trainable_token_indices',
    'alora_invocation_tokens',
  ] as const)
    if (hf[field] != null)
      throw new FormatError(`${fn}: ${field} = ${JSON.stringify(hf[field])} is not supported`);
  if (hf.use_qalora) throw new FormatError(`${fn}: use_qalora = true is not supported`);
}

/** `layers_to_transform` and `layers_pattern` as lists. */
function layerOptions(hf: HfConfig): Pick<AdapterConfig, 'layersToTransform' | 'layersPattern'> {
  const list = <T>(v: T | T[] | null | undefined): T[] | undefined =>
    v == null ? undefined : Array.isArray(v) ? v : [v];
  return { layersToTransform: list(hf.layers_to_transform), layersPattern: list(hf.layers_pattern) };
}

/**
 * AdaLoRA's `rank_pattern` (`<module>.lora_E` → kept-triplet flags) by module path: peft leaves
 * the pruned triplets out of lora_A, lora_E (rows) and lora_B (columns). Empty for other files.
 */
function adaloraRankPattern(fn: string, configText: string): Map<string, boolean[]> {
  const hf = JSON.parse(configText) as { peft_type?: string; rank_pattern?: unknown };
  const out = new Map<string, boolean[]>();
  if (hf.peft_type !== 'ADALORA' || hf.rank_pattern == null) return out;
  for (const [k, v] of Object.entries(hf.rank_pattern as Record<string, unknown>)) {
    if (!Array.isArray(v) || !v.every((b) => typeof b === 'boolean'))
      throw new FormatError(`${fn}: AdaLoRA rank_pattern[${JSON.stringify(k)}] must be a list of true/false`);
    out.set(k.replace(/\.lora_E$/, ''), v);
  }
  return out;
}

/** The stored shape of an AdaLoRA tensor whose pruned triplets were left out. */
function prunedShape(key: string, full: readonly number[], keep: boolean[]): number[] {
  const k = keep.filter(Boolean).length;
  return key.endsWith('.lora_B') ? [full[0]!, k] : [k, full[1]!];
}

/** A pruned AdaLoRA tensor put back at full rank, zeros for the pruned triplets (Λᵢ = 0: exact). */
function unprune(key: string, stored: ArrayLike<number | bigint>, full: readonly number[], keep: boolean[]) {
  const kept = keep.flatMap((k, i) => (k ? [i] : []));
  const out = new Float64Array(full[0]! * full[1]!);
  if (key.endsWith('.lora_B')) {
    const [rows, r] = [full[0]!, full[1]!];
    for (let i = 0; i < rows; i++)
      kept.forEach((j, c) => {
        out[i * r + j] = Number(stored[i * kept.length + c]);
      });
  } else {
    const width = full[1]!;
    kept.forEach((j, c) => {
      for (let x = 0; x < width; x++) out[j * width + x] = Number(stored[c * width + x]);
    });
  }
  return out;
}

/** The tensors an adapter expects in the file: key → [target, shape]. */
function expectedTensors(
  model: Module,
  config: AdapterConfig,
): Map<string, { data: Float32Array | Float64Array; shape: readonly number[] }> {
  const out = new Map<string, { data: Float32Array | Float64Array; shape: readonly number[] }>();
  for (const [path, a] of adaptersOf(model)) {
    if (a instanceof LoraAdapter) {
      const { aKey, bKey } = loraKeys(path, a);
      out.set(aKey, a.loraA);
      out.set(bKey, a.loraB);
      if (a instanceof DoraAdapter) out.set(`${PREFIX}${path}.lora_magnitude_vector`, a.magnitude);
      if (a instanceof LoraDashAdapter) out.set(`${PREFIX}${path}.lora_dash_d`, a.dashScale);
    } else {
      for (const [name, p] of a.namedParameters()) out.set(`${PREFIX}${path}.${name}`, p);
    }
  }
  const vera = adaptersOf(model).find((e): e is [string, VeraAdapter] => e[1] instanceof VeraAdapter)?.[1];
  if (vera) {
    const { a, b, rank, maxIn, maxOut } = vera.projections;
    out.set(`${VERA_PREFIX}vera_A`, { data: a, shape: [rank, maxIn] });
    out.set(`${VERA_PREFIX}vera_B`, { data: b, shape: [maxOut, rank] });
  }
  const keep = config.modulesToSave ?? [];
  for (const [name, p] of model.namedParameters()) {
    const modulePath = name.slice(0, name.lastIndexOf('.'));
    if (keep.some((k) => suffixMatch(modulePath, k))) out.set(`${PREFIX}${name}`, p);
  }
  return out;
}

/**
 * Attaches the adapters described by a saved adapter directory to `model` and loads their
 * weights. The base weights must be the ones the adapter was trained on (for PiSSA/MiLoRA that is
 * the residual weight, as in HF peft; a file saved with `svdInitAsLora` applies to the original).
 * @throws FormatError for an unreadable config or safetensors file, an unsupported peft_type
 * @throws ShapeError for a missing tensor, an unexpected tensor, or a tensor whose shape differs
 *   from the adapter's (the message names the key and both shapes)
 * @throws NonFiniteError for NaN or infinite adapter values
 */
export function loadAdapter(model: Module, files: AdapterFiles): Map<string, Adapter> {
  const fn = 'loadAdapter';
  const config = parseAdapterConfig(files.config, files.numts);
  const file = SafetensorsFile.parse(files.weights);
  const adapters = injectAdapters(model, config);
  try {
    const expected = expectedTensors(model, config);
    const names = new Set(file.names);
    const pruned = adaloraRankPattern(fn, files.config);
    for (const [key, target] of expected) {
      if (!names.has(key))
        throw new ShapeError(
          `${fn}: adapter_model.safetensors has no tensor ${JSON.stringify(key)} (expected shape [${target.shape.join(', ')}])${key.startsWith(`${VERA_PREFIX}vera_`) ? "; a VeRA file carries its shared projections (peft's save_projection = true)" : ''}`,
        );
      const t = file.get(key);
      const keep = pruned.get(key.slice(PREFIX.length, key.lastIndexOf('.')));
      const shape = keep ? prunedShape(key, target.shape, keep) : target.shape;
      if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]))
        throw new ShapeError(
          `${fn}: tensor ${JSON.stringify(key)} has shape [${t.shape.join(', ')}] but the model expects [${shape.join(', ')}]${keep ? ` (rank_pattern keeps ${shape[key.endsWith('.lora_B') ? 1 : 0]} of ${keep.length} triplets)` : ''}`,
        );
      const values = keep ? unprune(key, t.clone().data, target.shape, keep) : t.clone().data;
      for (let i = 0; i < values.length; i++)
        if (!Number.isFinite(Number(values[i])))
          throw new NonFiniteError(
            `${fn}: tensor ${JSON.stringify(key)} must be finite (element ${i} is ${values[i]})`,
            i,
          );
      for (let i = 0; i < values.length; i++) target.data[i] = Number(values[i]);
      names.delete(key);
    }
    // LoRA-Dash directions.
    for (const [path, a] of adaptersOf(model)) {
      if (!(a instanceof LoraDashAdapter)) continue;
      const uKey = `${PREFIX}${path}.lora_dash_U`;
      if (!names.has(uKey)) continue;
      const vKey = `${PREFIX}${path}.lora_dash_Vt`;
      const iKey = `${PREFIX}${path}.lora_dash_indices`;
      for (const k of [vKey, iKey])
        if (!names.has(k)) throw new ShapeError(`${fn}: adapter_model.safetensors has ${uKey} but no ${k}`);
      const idx = Int32Array.from(file.get(iKey).clone().data, (v) => Number(v));
      a.setDirections(
        idx,
        file.get(uKey).clone().data as ArrayLike<number>,
        file.get(vKey).clone().data as ArrayLike<number>,
      );
      a.steps = Math.max(a.preLaunchSteps, 0);
      for (const k of [uKey, vKey, iKey]) names.delete(k);
    }
    for (const [, a] of adaptersOf(model)) if (a instanceof VeraAdapter) a.syncProjections();
    if (names.size > 0)
      throw new ShapeError(
        `${fn}: adapter_model.safetensors has tensors the model's adapters do not use: ${[...names]
          .slice(0, 5)
          .map((k) => JSON.stringify(k))
          .join(', ')}`,
      );
  } catch (e) {
    unloadAdapters(model);
    throw e;
  }
  return adapters;
}
