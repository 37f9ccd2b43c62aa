/**
 * `numts peft inspect <adapter_dir>`: per adapted module of a Hugging Face peft adapter (LoRA,
 * DoRA, IA3; a folder of named adapters too) its rank, scale, norms, singular spectrum, DoRA
 * magnitude or IA3 vector, and with the base weights the task-specific directions of ΔW.
 *
 * @module
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DomainError } from '@numts/core';
import { readSafetensors } from '@numts/io';
import { vitKeyFromCheckpoint } from '@numts/models';
import { inspectAdapter, type ModuleInspection, moduleInspectionJson } from '@numts/peft';
import { ADAPTER_CONFIG_NAME, ADAPTER_WEIGHTS_NAME, readAdapterDir } from '@numts/peft/node';
import { asInputError, CliError, EXIT_INPUT, EXIT_USAGE, fileError } from '../cli-error.js';
import { readInput } from '../files.js';
import { textTable } from '../progress.js';

const HINT =
  'an adapter directory holds adapter_config.json and adapter_model.safetensors, as peft save_pretrained writes them';

/**
 * The adapters in `dir`: the folder itself, or — as peft saves adapters other than "default" —
 * one subfolder per named adapter. Names the missing files otherwise.
 */
function adapterDirs(dir: string): [string, string][] {
  let isDir: boolean;
  try {
    isDir = statSync(dir).isDirectory();
  } catch (e) {
    throw fileError(e, dir);
  }
  if (!isDir)
    throw new CliError(`${dir}: is a file; peft inspect takes the adapter's directory`, EXIT_INPUT, HINT);
  const missing = [ADAPTER_CONFIG_NAME, ADAPTER_WEIGHTS_NAME].filter((f) => !existsSync(join(dir, f)));
  if (missing.length === 0) return [['default', dir]];
  const named = readdirSync(dir)
    .filter((n) => existsSync(join(dir, n, ADAPTER_CONFIG_NAME)))
    .sort()
    .map((n): [string, string] => [n, join(dir, n)]);
  if (missing.length === 2 && named.length > 0) return named;
  const pickled = missing.includes(ADAPTER_WEIGHTS_NAME) && existsSync(join(dir, 'adapter_model.bin'));
  throw new CliError(
    `${dir}: cannot read the adapter: ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} missing${pickled ? ' (pickled adapter_model.bin files are not supported)' : ''}`,
    EXIT_INPUT,
    pickled ? 'save the adapter with safe_serialization=True' : HINT,
  );
}

const range = (v: Float64Array) => `[${Math.min(...v).toPrecision(3)}, ${Math.max(...v).toPrecision(3)}]`;

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
  const adapters = adapterDirs(dir);
  const baseBytes = opts.base ? readInput(opts.base) : undefined;
  let baseWeights: ReturnType<typeof readSafetensors>['tensors'] | undefined;
  try {
    const tensors = baseBytes ? readSafetensors(baseBytes).tensors : undefined;
    // ViT checkpoints keep the classic keys; peft adapters on ViT name transformers 5's modules.
    baseWeights =
      tensors && Object.fromEntries(Object.entries(tensors).map(([k, t]) => [vitKeyFromCheckpoint(k), t]));
  } catch (e) {
    throw asInputError(e, opts.base!);
  }
  const reports: [string, ModuleInspection[]][] = adapters.map(([name, path]) => {
    try {
      return [name, inspectAdapter(readAdapterDir(path), { baseWeights, directions: s })];
    } catch (e) {
      // Only a VeRA adapter without --base: its files do not record the layers' input sizes.
      if (e instanceof DomainError && !baseWeights)
        throw new CliError(`${path}: ${e.message}`, EXIT_USAGE, 'add --base <base model .safetensors>');
      throw asInputError(e, path);
    }
  });
  const all = reports.flatMap(([, r]) => r);
  const matched = all.some((m) => m.directions || (m.kind === 'ia3' && m.shape[0] > 0));
  if (baseWeights && all.length > 0 && !matched)
    throw new CliError(
      `--base ${opts.base}: holds no weight of the adapted modules (looked for ${all
        .slice(0, 3)
        .map((m) => `${m.path}.weight`)
        .join(
          ', ',
        )}${all.length > 3 ? ', …' : ''}; it has ${Object.keys(baseWeights).slice(0, 3).join(', ')}${Object.keys(baseWeights).length > 3 ? ', …' : ''})`,
      EXIT_INPUT,
      'pass the weights of the model the adapter was trained on',
    );
  if (json) {
    console.log(
      JSON.stringify(
        reports.flatMap(([name, report]) =>
          report.map((m) => ({ adapter: name, ...moduleInspectionJson(m) })),
        ),
      ),
    );
    return 0;
  }
  for (const [name, report] of reports) {
    if (reports.length > 1) console.log(`adapter "${name}":`);
    const dora = report.some((m) => m.magnitude);
    const ia3 = report.some((m) => m.kind === 'ia3');
    console.log(
      textTable(
        [
          'module',
          'shape',
          'r',
          's',
          ia3 ? '‖l‖' : '‖A‖',
          ...(ia3 ? ['scales', 'l range'] : ['‖B‖']),
          '‖ΔW‖',
          'σ(ΔW)',
          'stable rank',
          ...(dora ? ['DoRA magnitude m'] : []),
          ...(opts.base && !ia3 ? ['task-specific directions (0-based index of σ(W), δ)'] : []),
        ],
        report.map((m) => [
          m.path,
          m.shape[0] > 0 ? m.shape.join('×') : '—',
          String(m.rank),
          m.scaling.toPrecision(3),
          m.normA.toPrecision(3),
          ...(m.ia3 ? [m.ia3.scales, range(m.ia3.values)] : [m.normB.toPrecision(3)]),
          m.normDelta.toPrecision(3),
          Array.from(m.spectrum.values.slice(0, Math.min(Math.max(m.rank, 1), 4)), (v) =>
            v.toPrecision(3),
          ).join(' ') || '—',
          m.spectrum.values.length ? m.spectrum.stableRank.toFixed(2) : '—',
          ...(dora ? [m.magnitude ? range(m.magnitude) : ''] : []),
          ...(opts.base && !ia3
            ? [
                m.directions
                  ? Array.from(
                      m.directions.indices,
                      (i) => `${i} (${m.directions!.rates[i]!.toPrecision(3)})`,
                    ).join(', ')
                  : 'base weight not found',
              ]
            : []),
        ]),
      ),
    );
  }
  if (all.some((m) => m.kind === 'ia3') && !baseWeights)
    console.log('IA3 modules have no factors: pass --base to see the ΔW they make (rank, norm, spectrum).');
  return 0;
}
