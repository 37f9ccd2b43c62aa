import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Matrix, Tensor } from '@numts/core';
import { describe, expect, it } from 'vitest';
import { readNpyFile, readSafetensorsFile, writeNpyFile, writeSafetensorsFile } from '../src/node.js';

describe('@numts/io/node path helpers', () => {
  it('write and read .npy and safetensors files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'numts-io-'));
    try {
      writeNpyFile(join(dir, 'a.npy'), new Matrix(2, 2, Float64Array.of(1, 2, 3, 4)));
      expect(readNpyFile(join(dir, 'a.npy')).toFlatArray()).toEqual([1, 2, 3, 4]);
      writeSafetensorsFile(
        join(dir, 'w.safetensors'),
        { w: new Tensor(Float64Array.of(0.5), [1]) },
        { dtype: 'F64' },
      );
      expect(readSafetensorsFile(join(dir, 'w.safetensors')).tensors.w!.toFlatArray()).toEqual([0.5]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
