/**
 * Node-only helpers of `@numts/peft`: adapter directories on disk.
 *
 * @module
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FormatError } from '@numts/core';
import type { AdapterFiles } from './hf-format.js';

/** File names of an HF adapter directory. */
export const ADAPTER_CONFIG_NAME = 'adapter_config.json';
/** File names of an HF adapter directory. */
export const ADAPTER_WEIGHTS_NAME = 'adapter_model.safetensors';
/** The numts configuration beside the peft files (numts adapters only; peft never reads it). */
export const NUMTS_CONFIG_NAME = 'numts_adapter.json';

/**
 * Reads `adapter_config.json` and `adapter_model.safetensors` from a directory.
 * @throws FormatError when a file is missing (the legacy `adapter_model.bin` is not supported)
 */
export function readAdapterDir(dir: string): AdapterFiles {
  const read = (name: string) => {
    try {
      return readFileSync(join(dir, name));
    } catch (e) {
      const hint =
        name === ADAPTER_WEIGHTS_NAME ? ' (pickled adapter_model.bin files are not supported)' : '';
      throw new FormatError(`readAdapterDir: cannot read ${join(dir, name)}${hint}: ${(e as Error).message}`);
    }
  };
  const config = read(ADAPTER_CONFIG_NAME).toString('utf8');
  const buf = read(ADAPTER_WEIGHTS_NAME);
  const numtsPath = join(dir, NUMTS_CONFIG_NAME);
  const numts = existsSync(numtsPath) ? readFileSync(numtsPath, 'utf8') : undefined;
  return {
    config,
    weights: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength),
    ...(numts ? { numts } : {}),
  };
}

/** Writes the two adapter files into `dir` (created when missing). */
export function writeAdapterDir(dir: string, files: AdapterFiles): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, ADAPTER_CONFIG_NAME), files.config);
  writeFileSync(join(dir, ADAPTER_WEIGHTS_NAME), files.weights);
  if (files.numts !== undefined) writeFileSync(join(dir, NUMTS_CONFIG_NAME), files.numts);
}
