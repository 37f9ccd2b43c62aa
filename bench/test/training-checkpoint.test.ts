import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '@numts/core';
import { Adam, crossEntropy, Linear, ReLU, Sequential, Variable } from '@numts/nn';
import { afterAll, describe, expect, it } from 'vitest';
import { readCheckpoint, removeCheckpoint, writeCheckpoint } from '../lib/training-checkpoint.js';

const dir = mkdtempSync(join(tmpdir(), 'numts-checkpoint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A small net, its optimizer and one seeded batch; `steps` Adam steps from the given start. */
function setup() {
  const rng = new Rng(3);
  const model = new Sequential(new Linear(5, 8, { rng }), ReLU(), new Linear(8, 3, { rng }));
  const opt = new Adam(model.parameters(), { lr: 0.01 });
  const x = new Variable(
    Float32Array.from({ length: 20 }, () => rng.normal()),
    [4, 5],
  );
  const y = Int32Array.of(0, 1, 2, 1);
  const steps = (count: number) => {
    for (let s = 0; s < count; s++) {
      opt.zeroGrad();
      crossEntropy(model.forward(x), y).backward();
      opt.step();
    }
  };
  return { model, opt, steps };
}

describe('training checkpoints', () => {
  it('a training resumed from its checkpoint file ends bit for bit where the uninterrupted one ends', () => {
    const straight = setup();
    straight.steps(6);
    const first = setup();
    first.steps(3);
    const path = join(dir, 'run.partial.safetensors');
    writeCheckpoint(path, {
      weights: first.model.stateDict(),
      optimizer: first.opt.stateDict(),
      metadata: { epochs: '3', curve: '[1,2]' },
    });
    expect(readdirSync(dir)).toEqual(['run.partial.safetensors']); // no temporary file left
    const saved = readCheckpoint(path)!;
    expect(saved.metadata).toEqual({ epochs: '3', curve: '[1,2]' });
    expect(saved.optimizer.steps).toBe(3);
    const resumed = setup();
    resumed.model.loadStateDict(saved.weights);
    resumed.opt.loadStateDict(saved.optimizer);
    resumed.steps(3);
    expect(resumed.model.stateDict()).toEqual(straight.model.stateDict());
    removeCheckpoint(path);
    expect(existsSync(path)).toBe(false);
    expect(readCheckpoint(path)).toBeNull();
  });
});
