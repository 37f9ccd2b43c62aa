/**
 * Module state dicts as safetensors bytes (with a `format` entry in the metadata).
 *
 * @module
 */
import { readSafetensors, writeSafetensors } from '@numts/io';
import type { Module } from './modules/module.js';

/** The module's parameters and buffers as safetensors bytes (F32 or F64 as stored, so exact; names as in `stateDict`). */
export function saveStateDict(module: Module, metadata: Record<string, string> = {}): Uint8Array {
  const sd = module.stateDict();
  // Float32 values are written as F32, Float64 ones (buffers, float64 mode) as F64: both exactly.
  const dtypes = Object.fromEntries(
    Object.entries(sd).map(([k, v]) => [
      k,
      v.data instanceof Float64Array ? ('F64' as const) : ('F32' as const),
    ]),
  );
  return writeSafetensors(
    Object.fromEntries(Object.entries(sd).map(([k, v]) => [k, { data: v.data, shape: v.shape }])),
    { dtypes, metadata: { format: 'numts', ...metadata } },
  );
}

/** Loads safetensors bytes written by {@link saveStateDict} (or by PyTorch with the same names). */
export function loadStateDict(
  module: Module,
  bytes: Uint8Array,
  options: { strict?: boolean } = {},
): Record<string, string> {
  const { tensors, metadata } = readSafetensors(bytes);
  module.loadStateDict(
    Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, { data: t.data, shape: [...t.shape] }])),
    options,
  );
  return metadata;
}
