import { announceSkip } from '@numts/testing';
import { describe, expect, it } from 'vitest';
import { fashionMnistAvailable, fashionMnistDir, loadFashionMnist } from '../src/node.js';

const available = fashionMnistAvailable();
if (!available)
  announceSkip(
    'the Fashion-MNIST loader test',
    fashionMnistDir(),
    'Debian: apt-get install dataset-fashion-mnist, or set NUMTS_FASHION_MNIST_DIR to a folder with its IDX files',
  );

describe.skipIf(!available)('Fashion-MNIST from the Debian package', () => {
  it('loads 60k + 10k images in [0, 1] with labels 0..9', () => {
    const { train, test } = loadFashionMnist();
    expect([train.n, test.n]).toEqual([60000, 10000]);
    expect(train.x.length).toBe(60000 * 784);
    let max = 0;
    for (let i = 0; i < 784 * 100; i++) max = Math.max(max, train.x[i]!);
    expect(max).toBeLessThanOrEqual(1);
    const counts = new Array(10).fill(0);
    for (const y of test.y) counts[y]++;
    expect(counts).toEqual(new Array(10).fill(1000));
  });
});
