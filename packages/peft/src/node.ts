/**
 * Node-only helpers of `@numts/peft`: adapter directories on disk.
 *
 * @module
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FormatError } from '@numts/core';
import type { AdapterFiles } from './hf-format.js';

/** File names of an HF adapter directory. */
export const ADAPTER_CONFIG_NAME = 'adapter_config.json';
/** File names of an HF adapter directory. */
export const ADAPTER_WEIGHTS_NAME = 'adapter_model.safetensors';

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
  return { config, weights: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength) };
}

/** Writes the two adapter files into `dir` (created when missing). */
export function writeAdapterDir(dir: string, files: AdapterFiles): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, ADAPTER_CONFIG_NAME), files.config);
  writeFileSync(join(dir, ADAPTER_WEIGHTS_NAME), files.weights);
}
