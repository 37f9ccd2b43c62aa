/**
 * `numts peft inspect <adapter_dir> [--base <weights.safetensors>] [--directions s]`
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { readSafetensors } from '@numts/io';
import { inspectAdapter } from '@numts/peft';
import { readAdapterDir } from '@numts/peft/node';
import { asInputError, CliError, EXIT_USAGE } from '../cli-error.js';
import { textTable } from '../progress.js';

/** `--help` text of the command. */
export const PEFT_HELP = `usage: numts peft inspect <adapter_dir> [--base <weights.safetensors>] [--directions s] [--json]

Reads a HuggingFace LoRA adapter (adapter_config.json + adapter_model.safetensors) and prints, per
adapted module, its rank, scale s, ‖A‖, ‖B‖, ‖ΔW‖ (ΔW = s·B·A), the leading singular values of ΔW
and its stable rank. With --base (the base model's weights), also the task-specific directions of
ΔW: the singular directions of W with the largest change rates δᵢ = |uᵢᵀΔWvᵢ|/σᵢ (LoRA-Dash).`;

/** Runs `numts peft inspect`. */
export function peftInspect(
  dir: string | undefined,
  opts: { base?: string; directions?: string },
  json: boolean,
): number {
  if (!dir)
    throw new CliError(
      'peft inspect needs an adapter directory',
      EXIT_USAGE,
      'see numts peft inspect --help',
    );
  const s = opts.directions === undefined ? 4 : Number(opts.directions);
  if (!Number.isInteger(s) || s < 1)
    throw new CliError(`--directions must be a positive integer (got ${opts.directions})`, EXIT_USAGE);
  let report: ReturnType<typeof inspectAdapter>;
  try {
    const files = readAdapterDir(dir);
    const baseWeights = opts.base ? readSafetensors(readFileSync(opts.base)).tensors : undefined;
    report = inspectAdapter(files, { baseWeights, directions: s });
  } catch (e) {
    throw asInputError(e, `peft inspect ${dir}`);
  }
  if (json) {
    console.log(
      JSON.stringify(
        report.map((m) => ({
          path: m.path,
          rank: m.rank,
          scaling: m.scaling,
          shape: m.shape,
          normA: m.normA,
          normB: m.normB,
          normDelta: m.normDelta,
          singularValues: Array.from(m.spectrum.values.slice(0, m.rank)),
          stableRank: m.spectrum.stableRank,
          ...(m.directions
            ? {
                directions: Array.from(m.directions.indices),
                rates: Array.from(m.directions.indices, (i) => m.directions!.rates[i]),
              }
            : {}),
        })),
      ),
    );
    return 0;
  }
  console.log(
    textTable(
      [
        'module',
        'shape',
        'r',
        's',
        '‖A‖',
        '‖B‖',
        '‖ΔW‖',
        'σ(ΔW)',
        'stable rank',
        ...(opts.base ? ['task-specific directions (δ)'] : []),
      ],
      report.map((m) => [
        m.path,
        m.shape.join('×'),
        String(m.rank),
        m.scaling.toPrecision(3),
        m.normA.toPrecision(3),
        m.normB.toPrecision(3),
        m.normDelta.toPrecision(3),
        Array.from(m.spectrum.values.slice(0, Math.min(m.rank, 4)), (v) => v.toPrecision(3)).join(' '),
        m.spectrum.stableRank.toFixed(2),
        ...(m.directions
          ? [
              Array.from(
                m.directions.indices,
                (i) => `${i} (${m.directions!.rates[i]!.toPrecision(3)})`,
              ).join(', '),
            ]
          : opts.base
            ? ['base weight not found']
            : []),
      ]),
    ),
  );
  return 0;
}
