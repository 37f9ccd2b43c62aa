/** Adapter constructors validate their own arguments (not only injectAdapters). */
import { Conv2d, Embedding, Linear } from '@numts/nn';
import { describe, expect, it } from 'vitest';
import {
  CoreLoraAdapter,
  DoraAdapter,
  LoraAdapter,
  LoraDashAdapter,
  ParallelAdapter,
  TriLoraAdapter,
} from '../src/index.js';

const linear = () => new Linear(3, 4, { seed: 1 });

describe('adapter constructors reject bad ranks, alphas and dropouts by name', () => {
  const makers: [string, (rank: number, extra?: object) => unknown][] = [
    ['lora', (rank, extra) => new LoraAdapter(linear(), { rank, ...extra })],
    ['dora', (rank, extra) => new DoraAdapter(linear(), { rank, ...extra })],
    ['lora-dash', (rank, extra) => new LoraDashAdapter(linear(), { rank, dashDirections: 1, ...extra })],
    ['parallel', (rank, extra) => new ParallelAdapter(linear(), { rank, ...extra })],
    ['trilora', (rank) => new TriLoraAdapter(linear(), { rank })],
    ['moslora', (rank, extra) => new CoreLoraAdapter(linear(), 'moslora', { rank, scaling: 1, ...extra })],
    ['flora', (rank, extra) => new CoreLoraAdapter(linear(), 'flora', { rank, scaling: 1, ...extra })],
  ];
  for (const [name, make] of makers) {
    it(name, () => {
      expect(() => make(0)).toThrow(
        new RegExp(
          `${name}: rank must be an integer in \\[1, 3\\] for this Linear \\(min\\(out, in\\) = 3; got 0\\)`,
        ),
      );
      expect(() => make(100)).toThrow(/got 100\)/);
      expect(() => make(2.5)).toThrow(/got 2.5\)/);
      if (name !== 'trilora')
        expect(() => make(2, { dropout: 1 })).toThrow(/dropout must lie in \[0, 1\) \(got 1\)/);
      expect(make(3)).toBeDefined();
    });
  }

  it('alpha must be positive and finite; Conv2d and Embedding limits follow the layer', () => {
    expect(() => new LoraAdapter(linear(), { rank: 2, alpha: Number.NaN })).toThrow(
      /alpha must be a positive finite number \(got NaN\)/,
    );
    expect(() => new LoraAdapter(linear(), { rank: 2, alpha: 0 })).toThrow(/got 0\)/);
    expect(() => new LoraAdapter(new Conv2d(2, 3, 3, { seed: 1 }), { rank: 3 })).not.toThrow();
    expect(() => new LoraAdapter(new Conv2d(2, 3, 3, { seed: 1 }), { rank: 4 })).toThrow(
      /\[1, 3\] for this Conv2d/,
    );
    expect(() => new LoraAdapter(new Conv2d(2, 3, 1, { seed: 1 }), { rank: 3 })).toThrow(
      /rank must be an integer in \[1, 2\] for this Conv2d/,
    );
    expect(() => new LoraAdapter(new Embedding(5, 2, { seed: 1 }), { rank: 3 })).toThrow(
      /\[1, 2\] for this Embedding/,
    );
  });
});
