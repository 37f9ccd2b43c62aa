/**
 * The `adapter_config.json` of each standard peft type numts writes, with every field of peft's
 * config dataclass (peft ≥ 0.20: `LoraConfig`, `IA3Config`, `LoHaConfig`, `LoKrConfig`,
 * `VeraConfig`, `AdaLoraConfig`), so that stock peft reads the file as its own. Fields that would
 * change what the adapter computes are written at the value numts implements (no bias training,
 * no dropout of ranks or modules, Linear-only decompositions).
 *
 * @module
 */
import type { AdaloraScheduleOptions } from './adalora-allocator.js';

/** The peft release whose file format numts writes (its config fields, keys and shapes). */
export const PEFT_FORMAT_VERSION = '0.21.0';

/** What every config shares: targets, saved modules and the base model's name. */
export interface CommonConfigFields {
  /** Module paths of the adapted layers. */
  targets: readonly string[];
  modulesToSave: readonly string[] | undefined;
  baseModelName: string | null | undefined;
}

/** The fields of peft's `PeftConfig` base class. */
function base(peftType: string, f: CommonConfigFields): Record<string, unknown> {
  return {
    auto_mapping: null,
    base_model_name_or_path: f.baseModelName ?? null,
    inference_mode: true,
    modules_to_save: f.modulesToSave ? [...f.modulesToSave] : null,
    peft_type: peftType,
    peft_version: PEFT_FORMAT_VERSION,
    revision: null,
    target_modules: [...f.targets],
    task_type: null,
  };
}

/** Sorted keys, as peft's `to_dict` + `json.dumps(sort_keys=True)` writes them. */
function sorted(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Fields of a LoRA-type file. */
export interface LoraConfigFields extends CommonConfigFields {
  peftType: string;
  r: number;
  alpha: number;
  rankPattern: Record<string, unknown> | null;
  alphaPattern: Record<string, number>;
  dropout: number;
  useDora: boolean;
  useRslora: boolean;
  /** peft's name for adapting GPT-2's Conv1D, whose weight is stored [in, out]. */
  fanInFanOut: boolean;
}

function loraFields(f: LoraConfigFields): Record<string, unknown> {
  return {
    ...base(f.peftType, f),
    alora_invocation_tokens: null,
    alpha_pattern: f.alphaPattern,
    arrow_config: null,
    bias: 'none',
    corda_config: null,
    ensure_weight_tying: false,
    eva_config: null,
    exclude_modules: null,
    fan_in_fan_out: f.fanInFanOut,
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
    monteclora_config: null,
    qalora_group_size: 16,
    r: f.r,
    rank_pattern: f.rankPattern,
    target_parameters: null,
    trainable_token_indices: null,
    use_bdlora: null,
    use_dora: f.useDora,
    use_qalora: false,
    use_rslora: f.useRslora,
    velora_config: null,
  };
}

/** peft's `LoraConfig` (also the type LORA_DASH and numts' own types are written with). */
export function loraConfigJson(f: LoraConfigFields): Record<string, unknown> {
  return sorted(loraFields(f));
}

/** peft's `IA3Config`. */
export function ia3ConfigJson(
  f: CommonConfigFields & { feedforward: readonly string[] },
): Record<string, unknown> {
  return sorted({
    ...base('IA3', f),
    exclude_modules: null,
    fan_in_fan_out: false,
    feedforward_modules: [...f.feedforward],
    init_ia3_weights: true,
  });
}

/** Fields of a LoHa or LoKr file. */
export interface LycorisConfigFields extends CommonConfigFields {
  r: number;
  alpha: number;
  rankPattern: Record<string, number>;
  alphaPattern: Record<string, number>;
}

function lycorisFields(peftType: string, f: LycorisConfigFields): Record<string, unknown> {
  return {
    ...base(peftType, f),
    alpha: f.alpha,
    alpha_pattern: f.alphaPattern,
    exclude_modules: null,
    init_weights: true,
    layers_pattern: null,
    layers_to_transform: null,
    module_dropout: 0,
    r: f.r,
    rank_dropout: 0,
    rank_pattern: f.rankPattern,
    use_effective_conv2d: false,
  };
}

/** peft's `LoHaConfig`. */
export function lohaConfigJson(f: LycorisConfigFields): Record<string, unknown> {
  return sorted(lycorisFields('LOHA', f));
}

/** peft's `LoKrConfig`. */
export function lokrConfigJson(
  f: LycorisConfigFields & { decomposeBoth: boolean; decomposeFactor: number },
): Record<string, unknown> {
  return sorted({
    ...lycorisFields('LOKR', f),
    decompose_both: f.decomposeBoth,
    decompose_factor: f.decomposeFactor,
    rank_dropout_scale: false,
  });
}

/** peft's `VeraConfig` (always `save_projection: true`: numts cannot regenerate torch's projections). */
export function veraConfigJson(
  f: CommonConfigFields & { r: number; dInitial: number; projectionPrngKey: number },
): Record<string, unknown> {
  return sorted({
    ...base('VERA', f),
    bias: 'none',
    d_initial: f.dInitial,
    fan_in_fan_out: false,
    init_weights: true,
    layers_pattern: null,
    layers_to_transform: null,
    projection_prng_key: f.projectionPrngKey,
    r: f.r,
    save_projection: true,
    vera_dropout: 0,
  });
}

/** The schedule fields of peft's `AdaLoraConfig`: the allocator's options and the orthogonality weight. */
export type AdaloraScheduleFields = AdaloraScheduleOptions & {
  /** The weight of the orthogonality regulariser (peft's `orth_reg_weight`, default 0.5). */
  orthRegWeight?: number | undefined;
};

/**
 * peft's `AdaLoraConfig`: the LoRA fields (its `r` is unused by AdaLoRA and written at peft's
 * default 8) and the schedule; the rank is `init_r`, and `rank_pattern` maps
 * `<module>.lora_E` to the kept triplets after budget allocation (null before).
 */
export function adaloraConfigJson(
  f: CommonConfigFields & {
    initR: number;
    alpha: number;
    dropout: number;
    rankPattern: Record<string, boolean[]> | null;
    schedule: AdaloraScheduleFields;
  },
): Record<string, unknown> {
  const s = f.schedule;
  return sorted({
    ...loraFields({
      ...f,
      peftType: 'ADALORA',
      r: 8,
      alphaPattern: {},
      useDora: false,
      useRslora: false,
      fanInFanOut: false,
    }),
    beta1: s.beta1 ?? 0.85,
    beta2: s.beta2 ?? 0.85,
    deltaT: s.deltaT ?? 1,
    init_r: f.initR,
    orth_reg_weight: s.orthRegWeight ?? 0.5,
    target_r: s.targetRank ?? 8,
    tfinal: s.tfinal ?? 0,
    tinit: s.tinit ?? 0,
    total_step: s.totalStep,
  });
}
