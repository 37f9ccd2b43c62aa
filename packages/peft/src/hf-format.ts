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
import { DoraAdapter } from './adapters/dora.js';
import { LoraAdapter } from './adapters/lora.js';
import { LoraDashAdapter } from './adapters/lora-dash.js';
import { PeftIa3Adapter } from './adapters/peft-ia3.js';
import { type AdapterConfig, suffixMatch } from './config.js';
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
}

const PREFIX = 'base_model.model.';

/** The peft release whose file format numts writes (its config fields, keys and shapes). */
export const PEFT_FORMAT_VERSION = '0.21.0';

/** The peft_type written for a method. */
export function peftTypeOf(method: string): string {
  if (method === 'lora' || method === 'dora' || method === 'pissa' || method === 'milora') return 'LORA';
  if (method === 'lora-dash') return 'LORA_DASH';
  if (method === 'peft-ia3') return 'IA3';
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
  const exported = peftType === 'LORA' && config.method === 'lora-dash';
  if (config.method === 'peft-ia3') {
    // peft's IA3Config fields, so that stock peft reads the file as its own.
    const ia3 = {
      auto_mapping: null,
      base_model_name_or_path: options.baseModelName ?? null,
      exclude_modules: null,
      fan_in_fan_out: false,
      feedforward_modules: list
        .filter(([, a]) => a instanceof PeftIa3Adapter && a.feedforward)
        .map(([p]) => p),
      inference_mode: true,
      init_ia3_weights: true,
      modules_to_save: config.modulesToSave ? [...config.modulesToSave] : null,
      peft_type: 'IA3',
      peft_version: PEFT_FORMAT_VERSION,
      revision: null,
      target_modules: list.map(([p]) => p),
      task_type: null,
    };
    return { config: `${JSON.stringify(ia3, null, 2)}\n`, weights };
  }
  const json = loraConfigJson({
    alphaPattern,
    rankPattern,
    r: rankOut,
    alpha: alphaOut,
    targets: list,
    dropout: config.dropout ?? 0,
    modulesToSave: config.modulesToSave,
    baseModelName: options.baseModelName,
    peftType,
    useDora: config.method === 'dora',
    useRslora: config.useRslora ?? false,
  });
  const numts =
    exported || options.svdInitAsLora
      ? undefined
      : `${JSON.stringify({ numts_config: { ...config, targetModules: list.map(([p]) => p) } }, null, 2)}\n`;
  return { config: `${JSON.stringify(json, null, 2)}\n`, weights, ...(numts ? { numts } : {}) };
}

/** Every field of peft 0.21's LoraConfig, in its order, so that peft reads the file as its own. */
function loraConfigJson(f: {
  alphaPattern: Record<string, number>;
  rankPattern: Record<string, number>;
  r: number;
  alpha: number;
  targets: [string, Adapter][];
  dropout: number;
  modulesToSave: readonly string[] | undefined;
  baseModelName: string | null | undefined;
  peftType: string;
  useDora: boolean;
  useRslora: boolean;
}): Record<string, unknown> {
  return {
    alora_invocation_tokens: null,
    alpha_pattern: f.alphaPattern,
    arrow_config: null,
    auto_mapping: null,
    base_model_name_or_path: f.baseModelName ?? null,
    bias: 'none',
    corda_config: null,
    ensure_weight_tying: false,
    eva_config: null,
    exclude_modules: null,
    // peft's name for adapting GPT-2's Conv1D, whose weight is stored [in, out].
    fan_in_fan_out: f.targets.some(([, a]) => a.layer instanceof Conv1D),
    inference_mode: true,
    // Always true: saved PiSSA/MiLoRA factors apply to the residual base weight the user saves with
    // them; "pissa" here would make peft run the SVD again on that residual.
    init_lora_weights: true,
    kasa_config: null,
    layer_replication: null,
    layers_pattern: null,
    layers_to_transform: null,
    loftq_config: {},
    lora_alpha: f.alpha,
    lora_bias: false,
    lora_dropout: f.dropout,
    lora_ga_config: null,
    megatron_config: null,
    megatron_core: 'megatron.core',
    modules_to_save: f.modulesToSave ? [...f.modulesToSave] : null,
    monteclora_config: null,
    peft_type: f.peftType,
    peft_version: PEFT_FORMAT_VERSION,
    qalora_group_size: 16,
    r: f.r,
    rank_pattern: f.rankPattern,
    revision: null,
    target_modules: f.targets.map(([p]) => p),
    target_parameters: null,
    task_type: null,
    trainable_token_indices: null,
    use_bdlora: null,
    use_dora: f.useDora,
    use_qalora: false,
    use_rslora: f.useRslora,
    velora_config: null,
  };
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
    targets: list,
    dropout: 0,
    modulesToSave: config.modulesToSave,
    baseModelName: options.baseModelName,
    peftType: 'LORA',
    useDora: false,
    useRslora: false,
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
  if (hf.peft_type === 'IA3') {
    if (hf.target_modules === undefined)
      throw new FormatError(`${fn}: adapter_config.json has no target_modules`);
    const exclude = hf.exclude_modules;
    return {
      method: 'peft-ia3',
      targetModules: hf.target_modules,
      feedforwardModules: hf.feedforward_modules ?? [],
      excludeModules: exclude == null ? undefined : typeof exclude === 'string' ? [exclude] : exclude,
      modulesToSave: hf.modules_to_save ?? undefined,
      ...layerOptions(hf),
    };
  }
  if (hf.peft_type !== 'LORA')
    throw new FormatError(
      `${fn}: peft_type ${JSON.stringify(hf.peft_type)} is not supported (LORA, IA3, or a file written by numts)`,
    );
  if (hf.lora_bias) throw new FormatError(`${fn}: lora_bias = true is not supported`);
  // Options that change what the adapter computes: refused by name rather than silently dropped.
  if (hf.bias !== undefined && hf.bias !== 'none')
    throw new FormatError(`${fn}: bias = ${JSON.stringify(hf.bias)} (trained biases) is not supported`);
  for (const field of [
    'layer_replication',
    'target_parameters',
    'trainable_token_indices',
    'alora_invocation_tokens',
  ] as const)
    if (hf[field] != null)
      throw new FormatError(`${fn}: ${field} = ${JSON.stringify(hf[field])} is not supported`);
  if (hf.use_qalora) throw new FormatError(`${fn}: use_qalora = true is not supported`);
  if (hf.target_modules === undefined)
    throw new FormatError(`${fn}: adapter_config.json has no target_modules`);
  const exclude = hf.exclude_modules;
  return {
    method: hf.use_dora ? 'dora' : 'lora',
    targetModules: hf.target_modules,
    excludeModules: exclude == null ? undefined : typeof exclude === 'string' ? [exclude] : exclude,
    rank: hf.r ?? 8,
    alpha: hf.lora_alpha ?? 8,
    rankPattern: hf.rank_pattern,
    alphaPattern: hf.alpha_pattern,
    useRslora: hf.use_rslora ?? false,
    dropout: hf.lora_dropout ?? 0,
    modulesToSave: hf.modules_to_save ?? undefined,
    ...layerOptions(hf),
  };
}

/** `layers_to_transform` and `layers_pattern` as lists. */
function layerOptions(hf: HfConfig): Pick<AdapterConfig, 'layersToTransform' | 'layersPattern'> {
  const list = <T>(v: T | T[] | null | undefined): T[] | undefined =>
    v == null ? undefined : Array.isArray(v) ? v : [v];
  return { layersToTransform: list(hf.layers_to_transform), layersPattern: list(hf.layers_pattern) };
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
    for (const [key, target] of expected) {
      if (!names.has(key))
        throw new ShapeError(
          `${fn}: adapter_model.safetensors has no tensor ${JSON.stringify(key)} (expected shape [${target.shape.join(', ')}])`,
        );
      const t = file.get(key);
      if (t.shape.length !== target.shape.length || t.shape.some((d, i) => d !== target.shape[i]))
        throw new ShapeError(
          `${fn}: tensor ${JSON.stringify(key)} has shape [${t.shape.join(', ')}] but the model expects [${target.shape.join(', ')}]`,
        );
      const values = t.clone().data;
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
