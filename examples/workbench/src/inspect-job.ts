/**
 * The Inspect screen's job: read a peft adapter folder (adapter_config.json and
 * adapter_model.safetensors, or one subfolder per named adapter) and, optionally, the base model's
 * weights; report per adapted module its rank, scale, norms, the singular spectrum of ΔW and, with
 * the base weights, its task-specific directions — as `numts peft inspect` does.
 *
 * @module
 */
import { DomainError } from '@numts/core';
import { readSafetensors } from '@numts/io';
import { vitKeyFromCheckpoint } from '@numts/models';
import { inspectAdapter, moduleInspectionJson } from '@numts/peft';
import { InputProblem, parsing } from './input-problem.js';
import type { InputFile, InspectedModule, InspectResult } from './protocol.js';
import { baseName, extension, type ReadProgress, readAll } from './read-files.js';

const CONFIG = 'adapter_config.json';
const WEIGHTS = 'adapter_model.safetensors';
const NUMTS = 'numts_adapter.json';
const HINT =
  'an adapter folder as peft save_pretrained writes it: adapter_config.json and adapter_model.safetensors (optionally the base model’s .safetensors beside it)';

function folderOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/** Runs the job on the dropped files. */
export async function inspectJob(
  files: InputFile[],
  directions: number,
  progress: ReadProgress,
): Promise<InspectResult> {
  const named = (name: string) => files.filter((f) => baseName(f.path) === name);
  const configs = named(CONFIG);
  const weights = named(WEIGHTS);
  const bases = files.filter((f) => extension(f.path) === 'safetensors' && baseName(f.path) !== WEIGHTS);
  const pickled = files.find((f) => baseName(f.path) === 'adapter_model.bin');
  for (const w of weights)
    if (!configs.some((c) => folderOf(c.path) === folderOf(w.path)))
      throw new InputProblem(
        w.path,
        `${CONFIG} is missing beside it: the adapter cannot be read without its config`,
        HINT,
      );
  if (configs.length === 0)
    throw new InputProblem(
      pickled?.path,
      `no ${CONFIG} among ${files.map((f) => f.path).join(', ') || 'the dropped files'}${pickled ? ' (and pickled adapter_model.bin files are not supported)' : ''}`,
      HINT,
    );
  for (const c of configs)
    if (!weights.some((w) => folderOf(w.path) === folderOf(c.path)))
      throw new InputProblem(
        c.path,
        `${WEIGHTS} is missing beside it`,
        pickled ? 'save the adapter with safe_serialization=True' : HINT,
      );
  if (bases.length > 1)
    throw new InputProblem(
      undefined,
      `more than one base weights file: ${bases.map((b) => b.path).join(', ')}`,
      'at most one base model .safetensors file',
    );
  const needed = [...configs, ...weights, ...named(NUMTS), ...bases];
  const bytes = await readAll(needed, progress, 0.3);
  const text = (path: string) => new TextDecoder().decode(bytes.get(path));
  const base = bases[0];
  const baseWeights =
    base &&
    parsing(base.path, 'the base model’s weights as a safetensors file', () =>
      Object.fromEntries(
        Object.entries(readSafetensors(bytes.get(base.path)!).tensors).map(([k, t]) => [
          vitKeyFromCheckpoint(k),
          t,
        ]),
      ),
    );
  const adapters = configs
    .map((c) => folderOf(c.path))
    .sort()
    .map((dir) => ({ dir, name: configs.length === 1 ? 'default' : baseName(dir) || 'default' }));
  const modules: InspectedModule[] = [];
  adapters.forEach(({ dir, name }, i) => {
    progress(0.3 + (0.7 * i) / adapters.length, `inspecting adapter ${name}`);
    const at = (file: string) => (dir ? `${dir}/${file}` : file);
    const numts = bytes.has(at(NUMTS)) ? text(at(NUMTS)) : undefined;
    let report: ReturnType<typeof inspectAdapter>;
    try {
      report = inspectAdapter(
        { config: text(at(CONFIG)), weights: bytes.get(at(WEIGHTS))!, ...(numts ? { numts } : {}) },
        { baseWeights, directions },
      );
    } catch (e) {
      if (e instanceof DomainError && !baseWeights)
        throw new InputProblem(dir || at(CONFIG), e.message, 'add the base model’s .safetensors file');
      throw new InputProblem(dir || at(WEIGHTS), (e as Error).message, HINT);
    }
    for (const m of report) modules.push({ adapter: name, ...moduleInspectionJson(m) });
  });
  if (
    base &&
    modules.length > 0 &&
    !modules.some((m) => m.directions || (m.kind === 'ia3' && m.shape[0] > 0))
  )
    throw new InputProblem(
      base.path,
      `holds no weight of the adapted modules (looked for ${modules
        .slice(0, 3)
        .map((m) => `${m.path}.weight`)
        .join(', ')})`,
      'the weights of the model the adapter was trained on',
    );
  return {
    job: 'inspect',
    adapters: adapters.map((a) => a.name),
    ...(base ? { base: base.path } : {}),
    modules,
  };
}
