/**
 * Checkpoints of long trainings in the reproductions (a base model, a pretrained test bed): the
 * module's state dict, the optimizer's state and a few strings of metadata in one safetensors
 * file, written to a temporary name and renamed so that a stop while writing leaves the previous
 * checkpoint. A training that stopped continues from it bit for bit instead of starting over.
 *
 * @module
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { readSafetensors, writeSafetensors } from '@numts/io';
import type { OptimizerState } from '@numts/nn';

/** What a checkpoint holds. */
export interface TrainingCheckpoint {
  weights: Record<string, { data: Float32Array | Float64Array; shape: number[] }>;
  optimizer: OptimizerState;
  metadata: Record<string, string>;
}

/** Writes the checkpoint atomically. */
export function writeCheckpoint(path: string, c: TrainingCheckpoint): void {
  const tensors: Record<string, { data: Float32Array | Float64Array; shape: number[] }> = {};
  for (const [k, v] of Object.entries(c.weights)) tensors[`model/${k}`] = v;
  for (const [k, v] of Object.entries(c.optimizer.slots))
    tensors[`optim/${k}`] = { data: v, shape: [v.length] };
  const dtypes = Object.fromEntries(
    Object.entries(tensors).map(([k, v]) => [
      k,
      v.data instanceof Float64Array ? ('F64' as const) : ('F32' as const),
    ]),
  );
  const metadata = { ...c.metadata, steps: String(c.optimizer.steps) };
  writeFileSync(`${path}.tmp`, writeSafetensors(tensors, { dtypes, metadata }));
  renameSync(`${path}.tmp`, path);
}

/** The checkpoint at `path`, or null when there is none. */
export function readCheckpoint(path: string): TrainingCheckpoint | null {
  if (!existsSync(path)) return null;
  const { tensors, metadata } = readSafetensors(readFileSync(path));
  const weights: TrainingCheckpoint['weights'] = {};
  const slots: OptimizerState['slots'] = {};
  for (const [k, t] of Object.entries(tensors)) {
    const data = t.data as Float32Array | Float64Array;
    if (k.startsWith('model/')) weights[k.slice(6)] = { data, shape: [...t.shape] };
    else if (k.startsWith('optim/')) slots[k.slice(6)] = data;
  }
  const { steps, ...rest } = metadata;
  return { weights, optimizer: { steps: Number(steps), slots }, metadata: rest };
}

/** Removes a checkpoint once its training has finished. */
export function removeCheckpoint(path: string): void {
  rmSync(path, { force: true });
}
