/**
 * The adapter configuration and its validation.
 *
 * @module
 */
import { DomainError } from '@numts/core';
import type { AdapterMethod } from './adapter.js';
import type { LoraInit } from './adapters/lora.js';
import type { DirectionSelection } from './analysis.js';

/** Every method name accepted by {@link AdapterConfig.method}. */
export const ADAPTER_METHODS: readonly AdapterMethod[] = [
  'lora',
  'dora',
  'pissa',
  'milora',
  'lora-dash',
  'ssl',
  'ssb',
  'ia3',
  'sam-parser',
  'parallel',
  'trilora',
  'moslora',
  'flora',
  'peft-ia3',
  'loha',
  'adalora',
  'lokr',
  'vera',
];

/** How adapters are attached to a model (HF `LoraConfig` in camelCase, plus numts methods). */
export interface AdapterConfig {
  /** The adapter method. `'pissa'`/`'milora'` are LoRA with an SVD initialisation. */
  method: AdapterMethod;
  /**
   * Which layers get an adapter, as in HF peft: a list of names matched against the end of the
   * dotted module path (`'fc1'` matches `encoder.fc1`), a regular expression string matched
   * against the whole path, or `'all-linear'` (every Linear and Conv1D except `modulesToSave` and,
   * as peft, the output layer: a module named `lm_head`, `classifier` or `score`).
   */
  targetModules: readonly string[] | string;
  /** Paths (suffix-matched) never adapted. */
  excludeModules?: readonly string[] | undefined;
  /** Rank r of the low-rank methods (default 8). */
  rank?: number | undefined;
  /** α of LoRA-family scaling α/r (default α = r). */
  alpha?: number | undefined;
  /** Per-module rank overrides: key matched against the end of the path, or a regex. */
  rankPattern?: Readonly<Record<string, number>> | undefined;
  /** Per-module α overrides, like {@link AdapterConfig.rankPattern}. */
  alphaPattern?: Readonly<Record<string, number>> | undefined;
  /** rsLoRA scaling α/√r (default false). */
  useRslora?: boolean | undefined;
  /** Dropout on the adapter branch (default 0). */
  dropout?: number | undefined;
  /** LoRA initialisation (default `'default'`; `'olora'`: QR-based; implied by `method: 'pissa' | 'milora'`). */
  init?: LoraInit | undefined;
  /** PiSSA with a randomized SVD and this many power iterations. */
  pissaNiter?: number | undefined;
  /** LoRA-Dash: dash directions s (default 8). */
  dashDirections?: number | undefined;
  /** LoRA-Dash: pre-launch optimizer steps t (default 100). */
  preLaunchSteps?: number | undefined;
  /** LoRA-Dash: direction choice (default `'tsd'`; the others are ablations). */
  dashSelection?: DirectionSelection | undefined;
  /** DoRA: treat the column norm as a constant in backward (default true). */
  doraDetachNorm?: boolean | undefined;
  /** FLoRA on Conv2d: ranks [r_in, r_out, r_kh, r_kw] (default [r, r, 1, 1] capped to the kernel). */
  floraRanks?: [number, number, number, number] | undefined;
  /** FLoRA: scale of ΔW (default 1, as the FLoRA code). */
  floraScale?: number | undefined;
  /**
   * Only layers with these indices (HF `layers_to_transform`): a target's layer index is the number
   * after one of `layersPattern` in its path (`layers.3.…` for pattern `layers`), or without a
   * pattern the first numeric component of the path. Targets without an index are left out.
   */
  layersToTransform?: readonly number[] | undefined;
  /** Path components that precede the layer index (HF `layers_pattern`). */
  layersPattern?: readonly string[] | undefined;
  /** LoKr: also factor W₁ at low rank (HF `decompose_both`, default false). */
  lokrDecomposeBoth?: boolean | undefined;
  /** LoKr: HF `decompose_factor` (default −1: factors as square as possible). */
  lokrDecomposeFactor?: number | undefined;
  /** VeRA: initial value of λ_d (HF `d_initial`, default 0.1). */
  veraDInitial?: number | undefined;
  /** VeRA: seed of the shared random projections (HF `projection_prng_key`, default 0). */
  projectionPrngKey?: number | undefined;
  /** peft-ia3: targets that scale their input (HF `feedforward_modules`; suffix match as targets). */
  feedforwardModules?: readonly string[] | undefined;
  /** Modules trained in full and saved with the adapter (HF `modules_to_save`, e.g. a new head). */
  modulesToSave?: readonly string[] | undefined;
  /** Seed of every random initialisation (layer i uses seed + i; default 0). */
  seed?: number | undefined;
}

/** Checks the fields that do not depend on the model. */
export function validateConfig(fn: string, config: AdapterConfig): void {
  if (config === null || typeof config !== 'object') throw new TypeError(`${fn}: config must be an object`);
  if (!ADAPTER_METHODS.includes(config.method))
    throw new DomainError(
      `${fn}: config.method must be one of ${ADAPTER_METHODS.map((m) => JSON.stringify(m)).join(', ')} (got ${JSON.stringify(config.method)})`,
    );
  const t = config.targetModules;
  if (typeof t !== 'string' && !(Array.isArray(t) && t.length > 0 && t.every((s) => typeof s === 'string')))
    throw new DomainError(
      `${fn}: config.targetModules must be a non-empty list of names, a regex string or "all-linear"`,
    );
  if (config.rank !== undefined && (!Number.isInteger(config.rank) || config.rank < 1))
    throw new DomainError(`${fn}: config.rank must be a positive integer (got ${String(config.rank)})`);
  if (config.alpha !== undefined && !(Number.isFinite(config.alpha) && config.alpha > 0))
    throw new DomainError(
      `${fn}: config.alpha must be a positive finite number (got ${String(config.alpha)})`,
    );
  if (config.dropout !== undefined && !(config.dropout >= 0 && config.dropout < 1))
    throw new DomainError(`${fn}: config.dropout must lie in [0, 1) (got ${String(config.dropout)})`);
  if (config.floraScale !== undefined && !Number.isFinite(config.floraScale))
    throw new DomainError(`${fn}: config.floraScale must be finite (got ${String(config.floraScale)})`);
}

/** Whether a dotted module path ends with the module name `name` (`'fc1'` matches `encoder.fc1`). */
export function suffixMatch(path: string, name: string): boolean {
  return path === name || path.endsWith(`.${name}`);
}

/** The value of a per-module pattern for `path`, if any key matches (suffix or full regex). */
export function patternValue(
  pattern: Readonly<Record<string, number>> | undefined,
  path: string,
): number | undefined {
  if (!pattern) return undefined;
  for (const [key, value] of Object.entries(pattern)) {
    if (suffixMatch(path, key)) return value;
    try {
      if (new RegExp(`^(?:.*\\.)?(?:${key})$`).test(path)) return value;
    } catch {
      // not a regex: suffix match only
    }
  }
  return undefined;
}
