import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without type declarations
import { GENERATED, generate } from '../scripts/generate-float32.mjs';

const kernels = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'kernels');

describe('generated Float32 kernels', () => {
  it('are up to date with their Float64 sources (run scripts/generate-float32.mjs)', () => {
    for (const [src, dst] of GENERATED as [string, string][]) {
      expect(readFileSync(join(kernels, dst), 'utf8')).toBe(
        generate(readFileSync(join(kernels, src), 'utf8')),
      );
    }
  });
});
