/**
 * Inspection of a saved LoRA adapter without the model: per adapted module its rank, scale,
 * factor norms, the singular spectrum of ΔW and, given the base weights, its task-specific
 * directions (LoRA-Dash change rates).
 *
 * @module
 */
import { DomainError, FormatError, gemm, Matrix, transpose } from '@numts/core';
import { SafetensorsFile } from '@numts/io';
import { Linear, Module, type Variable } from '@numts/nn';
import {
  type SingularSpectrum,
  singularSpectrum,
  type TaskSpecificDirections,
  taskSpecificDirections,
} from './analysis.js';
import { patternValue, suffixMatch } from './config.js';
import { type AdapterFiles, loadAdapter, parseAdapterConfig } from './hf-format.js';

/** What {@link inspectAdapter} reports for one module. */
export interface ModuleInspection {
  /** Module path (without `base_model.model.`). */
  path: string;
  /**
   * `'lora'` (factors A, B; DoRA adds a magnitude), `'ia3'` (a scaling vector, no factors), or
   * the method of a file whose ΔW is not B·A on disk (`'loha'`, `'lokr'`, `'vera'`, `'adalora'`:
   * ΔW is computed by the method; ‖A‖ and ‖B‖ are AdaLoRA's Q and P, else 0).
   */
  kind: 'lora' | 'ia3' | 'loha' | 'lokr' | 'vera' | 'adalora';
  /** DoRA's learned magnitude m (one per output), when the file has `lora_magnitude_vector`. */
  magnitude?: Float64Array | undefined;
  /**
   * IA3: the scaling vector `ia3_l` and whether it scales the input (feed-forward module) or the
   * output; rank, norms and spectrum then describe ΔW = W·(diag(l) − I) only when the base weight
   * is given, else they are 0.
   */
  ia3?: { values: Float64Array; scales: 'input' | 'output' } | undefined;
  /** Rank r of the saved factors (the method's r for LoHa, LoKr, VeRA and AdaLoRA's init_r). */
  rank: number;
  /** Scale s applied to B·A (α/r or α/√r; LoHa, LoKr: α/r; AdaLoRA: α/(r + 10⁻⁵); VeRA: 1). */
  scaling: number;
  /** Shape of ΔW as [out, in] (conv kernels flattened to in·kh·kw; embeddings [count, dim]). */
  shape: [number, number];
  /** Frobenius norms of A, B and ΔW = s·B·A. */
  normA: number;
  normB: number;
  normDelta: number;
  /** Singular spectrum of ΔW. */
  spectrum: SingularSpectrum;
  /**
   * Task-specific directions of ΔW with respect to the base weight (when it was given); their
   * `indices` are 0-based positions in the base weight's singular values, largest first.
   */
  directions?: TaskSpecificDirections | undefined;
}

/** A {@link ModuleInspection} as plain JSON (what `numts peft inspect --json` prints per module). */
export interface ModuleInspectionJson {
  path: string;
  kind: ModuleInspection['kind'];
  rank: number;
  scaling: number;
  shape: [number, number];
  normA: number;
  normB: number;
  normDelta: number;
  /** The leading singular values of ΔW (as many as the rank). */
  singularValues: number[];
  stableRank: number;
  magnitude?: number[];
  ia3?: { scales: 'input' | 'output'; values: number[] };
  /** Task-specific directions: 0-based indices in the base weight's singular values … */
  directions?: number[];
  /** … and the rate δ of each. */
  rates?: number[];
}

/** The JSON form of one module's inspection. */
export function moduleInspectionJson(m: ModuleInspection): ModuleInspectionJson {
  return {
    path: m.path,
    kind: m.kind,
    rank: m.rank,
    scaling: m.scaling,
    shape: m.shape,
    normA: m.normA,
    normB: m.normB,
    normDelta: m.normDelta,
    singularValues: Array.from(m.spectrum.values.slice(0, Math.max(m.rank, 0))),
    stableRank: m.spectrum.stableRank,
    ...(m.magnitude ? { magnitude: Array.from(m.magnitude) } : {}),
    ...(m.ia3 ? { ia3: { scales: m.ia3.scales, values: Array.from(m.ia3.values) } } : {}),
    ...(m.directions
      ? {
          directions: Array.from(m.directions.indices),
          rates: Array.from(m.directions.indices, (i) => m.directions!.rates[i]!),
        }
      : {}),
  };
}

/** Options of {@link inspectAdapter}. */
export interface InspectOptions {
  /** Base model weights (e.g. from `readSafetensors`), keyed as in the base checkpoint. */
  baseWeights?: Record<string, { data: ArrayLike<number>; shape: readonly number[] }> | undefined;
  /** Number of task-specific directions to report (default 8, capped at min(out, in)). */
  directions?: number | undefined;
}

function frob(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Number(a[i]) ** 2;
  return Math.sqrt(s);
}

/**
 * Reads a LoRA adapter (HF `peft_type: "LORA"` or a numts file with `lora_A`/`lora_B` keys) and
 * reports every module. The base weight of module `p` is looked up as `p.weight`, or any key
 * ending in `.p.weight`.
 * @throws FormatError for unreadable files or a module with only one of its two factors
 * @throws DomainError for a VeRA file without `options.baseWeights` (its layers' input sizes)
 */
export function inspectAdapter(files: AdapterFiles, options: InspectOptions = {}): ModuleInspection[] {
  const fn = 'inspectAdapter';
  const config = parseAdapterConfig(files.config, files.numts);
  const raw = JSON.parse(files.config) as {
    r?: number;
    lora_alpha?: number;
    use_rslora?: boolean;
    fan_in_fan_out?: boolean;
    peft_type?: string;
  };
  const file = SafetensorsFile.parse(files.weights);
  if (raw.peft_type === 'IA3') return inspectIa3(file, config.feedforwardModules ?? [], options);
  if (
    config.method === 'loha' ||
    config.method === 'lokr' ||
    config.method === 'vera' ||
    config.method === 'adalora'
  )
    return inspectThroughLayers(fn, files, config.method, file, options);
  const modules = new Map<string, { a?: string; b?: string }>();
  for (const name of file.names) {
    const m =
      /^base_model\.model\.(.+)\.(lora_A\.weight|lora_B\.weight|lora_embedding_A|lora_embedding_B)$/.exec(
        name,
      );
    if (!m) continue;
    const entry = modules.get(m[1]!) ?? {};
    if (m[2]!.includes('A')) entry.a = name;
    else entry.b = name;
    modules.set(m[1]!, entry);
  }
  const out: ModuleInspection[] = [];
  for (const [path, { a, b }] of modules) {
    if (!a || !b)
      throw new FormatError(`${fn}: module ${JSON.stringify(path)} has only one of lora_A and lora_B`);
    const A = file.get(a);
    const B = file.get(b);
    const r = A.shape[0]!;
    const inn = A.shape.slice(1).reduce((x, y) => x * y, 1);
    const outDim = B.shape[0]!;
    if (B.shape.slice(1).reduce((x, y) => x * y, 1) !== r)
      throw new FormatError(
        `${fn}: ${JSON.stringify(b)} has shape [${B.shape.join(', ')}], which does not fit rank ${r} of ${JSON.stringify(a)}`,
      );
    const alpha = patternValue(config.alphaPattern, path) ?? raw.lora_alpha ?? config.alpha ?? r;
    const scaling = alpha / ((raw.use_rslora ?? config.useRslora) ? Math.sqrt(r) : r);
    const ad = new Matrix(r, inn, Float64Array.from(A.clone().data as ArrayLike<number>, Number));
    const bd = new Matrix(outDim, r, Float64Array.from(B.clone().data as ArrayLike<number>, Number));
    const embedding = a.endsWith('lora_embedding_A');
    let delta = gemm(bd, ad, { alpha: scaling });
    if (embedding) delta = transpose(delta);
    const item: ModuleInspection = {
      path,
      rank: r,
      scaling,
      shape: [delta.rows, delta.cols],
      normA: frob(ad.data),
      normB: frob(bd.data),
      normDelta: frob(delta.clone().data),
      spectrum: singularSpectrum(delta),
      kind: 'lora',
    };
    const magnitudeKey = `base_model.model.${path}.lora_magnitude_vector`;
    if (file.entries.has(magnitudeKey))
      item.magnitude = Float64Array.from(file.get(magnitudeKey).clone().data as ArrayLike<number>, Number);
    // GPT-2's Conv1D stores its base weight [in, out] (peft's fan_in_fan_out): compare as [out, in].
    const wm = baseMatrix(fn, options, path, delta.rows, delta.cols, raw.fan_in_fan_out === true);
    if (wm)
      item.directions = taskSpecificDirections(
        wm,
        delta.clone(),
        Math.min(options.directions ?? 8, delta.rows, delta.cols),
      );
    out.push(item);
  }
  return out;
}

/** The base weight of `path` as an [out, in] matrix, when `options.baseWeights` has it. */
function baseMatrix(
  fn: string,
  options: InspectOptions,
  path: string,
  rows: number,
  cols: number,
  transposed: boolean,
): Matrix | undefined {
  const base = options.baseWeights;
  if (!base) return undefined;
  const key = Object.keys(base).find((k) => suffixMatch(k, `${path}.weight`));
  if (!key) return undefined;
  const w = base[key]!;
  if (w.data.length !== rows * cols)
    throw new FormatError(
      `${fn}: base weight ${JSON.stringify(key)} has ${w.data.length} values but ΔW of ${JSON.stringify(path)} is ${rows}×${cols}`,
    );
  const data = Float64Array.from(w.data, Number);
  return transposed ? transpose(new Matrix(cols, rows, data)).clone() : new Matrix(rows, cols, data);
}

/** IA3 modules: the vectors, and with the base weight the ΔW they make (W·(diag(l) − I) or (diag(l) − I)·W). */
function inspectIa3(
  file: SafetensorsFile,
  feedforward: readonly string[],
  options: InspectOptions,
): ModuleInspection[] {
  const out: ModuleInspection[] = [];
  for (const name of file.names) {
    const m = /^base_model\.model\.(.+)\.ia3_l$/.exec(name);
    if (!m) continue;
    const path = m[1]!;
    const t = file.get(name);
    const values = Float64Array.from(t.clone().data as ArrayLike<number>, Number);
    const scales = t.shape[0] === 1 || feedforward.some((f) => suffixMatch(path, f)) ? 'input' : 'output';
    const item: ModuleInspection = {
      path,
      kind: 'ia3',
      ia3: { values, scales },
      rank: 0,
      scaling: 1,
      shape: [0, 0],
      normA: frob(values),
      normB: 0,
      normDelta: 0,
      spectrum: singularSpectrum(new Matrix(0, 0)),
    };
    const base = options.baseWeights;
    const key = base && Object.keys(base).find((k) => suffixMatch(k, `${path}.weight`));
    if (key) {
      const w = base[key]!;
      const [rows, cols] = [w.shape[0]!, w.shape[1] ?? 1];
      const delta = new Matrix(rows, cols, Float64Array.from(w.data, Number));
      for (let i = 0; i < rows; i++)
        for (let j = 0; j < cols; j++)
          delta.data[i * cols + j] =
            delta.data[i * cols + j]! * ((scales === 'input' ? values[j]! : values[i]!) - 1);
      item.shape = [rows, cols];
      item.normDelta = frob(delta.data);
      item.spectrum = singularSpectrum(delta);
      item.rank = item.spectrum.values.filter((v) => v > 1e-12 * (item.spectrum.values[0] ?? 0)).length;
    }
    out.push(item);
  }
  return out;
}

/** The adapter parameters of each method as stored (after `base_model.model.<module>.`). */
const METHOD_PARAMS: Record<'loha' | 'lokr' | 'vera' | 'adalora', RegExp> = {
  loha: /^hada_w[12]_[ab]$/,
  lokr: /^lokr_w[12](_[ab])?$/,
  vera: /^vera_lambda_[bd]$/,
  adalora: /^lora_[AEB]$/,
};

/** A module that only holds children (the stand-in model's inner nodes). */
class Container extends Module {
  forward(x: Variable): Variable {
    return x;
  }
  /** Adds (or returns the existing) child `name`. */
  at<M extends Module>(name: string, make: () => M): M {
    return (this.namedModules().find(([p]) => p === name)?.[1] as M | undefined) ?? this.child(name, make());
  }
}

/**
 * [out, in] of the layer a module's adapter was made for: from the base weights when given, else
 * from the stored factors (VeRA's λ vectors do not record the input size).
 */
function layerShape(
  fn: string,
  method: keyof typeof METHOD_PARAMS,
  path: string,
  file: SafetensorsFile,
  options: InspectOptions,
): [number, number] {
  const base = options.baseWeights;
  const key = base && Object.keys(base).find((k) => suffixMatch(k, `${path}.weight`));
  if (key && base![key]!.shape.length === 2) return [base![key]!.shape[0]!, base![key]!.shape[1]!];
  const shape = (param: string) => file.entries.get(`base_model.model.${path}.${param}`)?.shape;
  // [rows of `a`, columns of `b`], or the shape of `full` when the file has it.
  const dims = (a: string, b: string, full?: string): [number, number] => {
    const f = full === undefined ? undefined : shape(full);
    return f ? [f[0]!, f[1]!] : [shape(a)![0]!, shape(b)![1]!];
  };
  if (method === 'loha') return dims('hada_w1_a', 'hada_w1_b');
  if (method === 'adalora') return dims('lora_B', 'lora_A');
  if (method === 'lokr') {
    const [o1, i1] = dims('lokr_w1_a', 'lokr_w1_b', 'lokr_w1');
    const [o2, i2] = dims('lokr_w2_a', 'lokr_w2_b', 'lokr_w2');
    return [o1 * o2, i1 * i2];
  }
  throw new DomainError(
    `${fn}: a VeRA file does not record the input size of ${JSON.stringify(path)}; pass the base weights (numts peft inspect --base)`,
  );
}

/**
 * LoHa, LoKr, VeRA and AdaLoRA files: the adapters are attached to stand-in Linear layers of the
 * right shapes (holding the base weights when given), loaded, and ΔW is taken from them.
 */
function inspectThroughLayers(
  fn: string,
  files: AdapterFiles,
  method: keyof typeof METHOD_PARAMS,
  file: SafetensorsFile,
  options: InspectOptions,
): ModuleInspection[] {
  const paths = new Set<string>();
  for (const name of file.names) {
    const m = /^base_model\.model\.(.+)\.([^.]+)$/.exec(name);
    if (m && METHOD_PARAMS[method].test(m[2]!)) paths.add(m[1]!);
  }
  const root = new Container();
  const layers = new Map<string, Linear>();
  for (const path of paths) {
    const [out, inn] = layerShape(fn, method, path, file, options);
    const parts = path.split('.');
    let node = root;
    for (const part of parts.slice(0, -1)) node = node.at(part, () => new Container());
    layers.set(
      path,
      node.at(parts.at(-1)!, () => new Linear(inn, out, { bias: false })),
    );
  }
  const base = options.baseWeights;
  for (const [path, layer] of layers) {
    const w = baseMatrix(fn, options, path, layer.outFeatures, layer.inFeatures, false);
    layer.weight.data.set(w ? w.clone().data : new Float64Array(layer.weight.size));
  }
  const adapters = loadAdapter(root, files);
  const out: ModuleInspection[] = [];
  for (const [path, a] of adapters) {
    const layer = layers.get(path)!;
    const delta = new Matrix(layer.outFeatures, layer.inFeatures, a.deltaWeight());
    const factors = a.lowRankFactors();
    const wm = base ? baseMatrix(fn, options, path, delta.rows, delta.cols, false) : undefined;
    const { rank, scaling } = a as unknown as { rank: number; scaling?: number };
    out.push({
      path,
      kind: method,
      rank,
      scaling: scaling ?? 1,
      shape: [delta.rows, delta.cols],
      normA: factors ? frob(factors.down.data) : 0,
      normB: factors ? frob(factors.up.data) : 0,
      normDelta: frob(delta.clone().data),
      spectrum: singularSpectrum(delta),
      ...(wm
        ? {
            directions: taskSpecificDirections(
              wm,
              delta.clone(),
              Math.min(options.directions ?? 8, delta.rows, delta.cols),
            ),
          }
        : {}),
    });
  }
  return out;
}
