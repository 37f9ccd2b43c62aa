/**
 * Node helpers of `@numts/models`: checkpoints in a directory.
 *
 * @module
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FormatError } from '@numts/core';
import { type CheckpointFiles, fromPretrained, type PretrainedModel, toPretrained } from './pretrained.js';

/**
 * Loads a checkpoint directory written by transformers' `save_pretrained` (config.json and
 * model.safetensors, or its shards).
 * @throws FormatError when the directory or its files are missing or malformed
 */
export function loadPretrained(dir: string, options: { seed?: number } = {}): PretrainedModel {
  if (!existsSync(dir)) throw new FormatError(`loadPretrained: ${dir} does not exist`);
  const files: CheckpointFiles = {};
  for (const name of readdirSync(dir))
    if (name === 'config.json' || name.endsWith('.safetensors') || name === 'model.safetensors.index.json')
      files[name] = new Uint8Array(readFileSync(join(dir, name)));
  return fromPretrained(files, options);
}

/** Writes config.json and model.safetensors into `dir` (created when missing). */
export function savePretrained(model: PretrainedModel, dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(toPretrained(model))) writeFileSync(join(dir, name), content);
}
