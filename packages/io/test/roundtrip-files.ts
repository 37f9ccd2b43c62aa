/** The files numts writes for the numpy round trip (test-data/io/make_roundtrip.py), from its inputs. */
import { Tensor } from '@numts/core';
import { writeNpy, writeSafetensors } from '../src/index.js';

export interface RoundtripInputs {
  f16: number[];
  bf16: number[];
  i64: number[];
  bool: { shape: number[]; values: number[] };
  c16: { shape: number[]; real: number[]; imag: number[] };
  c8: { shape: number[]; real: number[]; imag: number[] };
}

/** Interleaved (real, imaginary) pairs with a trailing axis of 2, numts' complex layout. */
export function interleave(c: { shape: number[]; real: number[]; imag: number[] }): number[] {
  return c.real.flatMap((re, i) => [re, c.imag[i]!]);
}

export function numtsRoundtripFiles(inputs: RoundtripInputs): Record<string, Uint8Array> {
  const vec = (v: number[]) => new Tensor(Float64Array.from(v), [v.length]);
  return {
    'f16.npy': writeNpy(vec(inputs.f16), { dtype: 'f2' }),
    'i64.npy': writeNpy(vec(inputs.i64), { dtype: 'i8' }),
    'bool.npy': writeNpy(new Tensor(Uint8Array.from(inputs.bool.values), inputs.bool.shape), { bool: true }),
    'c16.npy': writeNpy(new Tensor(Float64Array.from(interleave(inputs.c16)), [...inputs.c16.shape, 2]), {
      complex: true,
    }),
    'c8.npy': writeNpy(new Tensor(Float32Array.from(interleave(inputs.c8)), [...inputs.c8.shape, 2]), {
      complex: true,
    }),
    'tensors.safetensors': writeSafetensors(
      {
        f16: vec(inputs.f16),
        bf16: vec(inputs.bf16),
        i64: { data: inputs.i64, shape: [2, 3] },
        bool: { data: inputs.bool.values, shape: inputs.bool.shape },
      },
      { dtypes: { f16: 'F16', bf16: 'BF16', i64: 'I64', bool: 'BOOL' } },
    ),
  };
}
