/**
 * `numts peft inspect <adapter_dir> [--base <weights.safetensors>] [--directions s]`
 *
 * @module
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readSafetensors } from '@numts/io';
import { inspectAdapter } from '@numts/peft';
import { ADAPTER_CONFIG_NAME, ADAPTER_WEIGHTS_NAME, readAdapterDir } from '@numts/peft/node';
import { asInputError, CliError, EXIT_INPUT, EXIT_USAGE, fileError } from '../cli-error.js';
import { readInput } from '../files.js';
import { textTable } from '../progress.js';

/** Checks that `dir` is a directory holding the two adapter files, naming what is missing. */
function checkAdapterDir(dir: string): void {
  let isDir: boolean;
  try {
    isDir = statSync(dir).isDirectory();
  } catch (e) {
    throw fileError(e, dir);
  }
  const hint =
    'an adapter directory holds adapter_config.json and adapter_model.safetensors, as peft save_pretrained writes them';
  if (!isDir)
    throw new CliError(`${dir}: is a file; peft inspect takes the adapter's directory`, EXIT_INPUT, hint);
  const missing = [ADAPTER_CONFIG_NAME, ADAPTER_WEIGHTS_NAME].filter((f) => !existsSync(join(dir, f)));
  if (missing.length === 0) return;
  const pickled = missing.includes(ADAPTER_WEIGHTS_NAME) && existsSync(join(dir, 'adapter_model.bin'));
  throw new CliError(
    `${dir}: cannot read the adapter: ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} missing${pickled ? ' (pickled adapter_model.bin files are not supported)' : ''}`,
    EXIT_INPUT,
    pickled ? 'save the adapter with safe_serialization=True' : hint,
  );
}

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
  checkAdapterDir(dir);
  const baseBytes = opts.base ? readInput(opts.base) : undefined;
  let baseWeights: ReturnType<typeof readSafetensors>['tensors'] | undefined;
  try {
    baseWeights = baseBytes ? readSafetensors(baseBytes).tensors : undefined;
  } catch (e) {
    throw asInputError(e, opts.base!);
  }
  let report: ReturnType<typeof inspectAdapter>;
  try {
    report = inspectAdapter(readAdapterDir(dir), { baseWeights, directions: s });
  } catch (e) {
    throw asInputError(e, dir);
  }
  if (baseWeights && report.length > 0 && report.every((m) => !m.directions))
    throw new CliError(
      `--base ${opts.base}: holds no weight of the adapted modules (looked for ${report
        .slice(0, 3)
        .map((m) => `${m.path}.weight`)
        .join(
          ', ',
        )}${report.length > 3 ? ', …' : ''}; it has ${Object.keys(baseWeights).slice(0, 3).join(', ')}${Object.keys(baseWeights).length > 3 ? ', …' : ''})`,
      EXIT_INPUT,
      'pass the weights of the model the adapter was trained on',
    );
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
