import { describe, expect, it } from 'vitest';
import { ConfusionMatrix, summarize } from '../src/index.js';

describe('confusion-matrix metrics', () => {
  it('match a hand-computed confusion matrix', () => {
    // 3 classes (bg, old 1, new 2). GT / prediction pairs:
    const gt = [0, 0, 0, 1, 1, 2, 2, 2, 255];
    const pred = [0, 0, 1, 1, 2, 2, 2, 0, 1];
    const cm = new ConfusionMatrix(3).add(gt, pred);
    // counts[g][p]: g0: p0 2, p1 1; g1: p1 1, p2 1; g2: p2 2, p0 1 (255 ignored).
    expect(Array.from(cm.counts)).toEqual([2, 1, 0, 0, 1, 1, 1, 0, 2]);
    const iou = cm.iou();
    // IoU0 = 2/(3+3−2) = 0.5; IoU1 = 1/(2+2−1) = 1/3; IoU2 = 2/(3+3−2) = 0.5
    expect(Array.from(iou)).toEqual([0.5, 1 / 3, 0.5]);
    const s = summarize(cm, 1);
    expect(s.old).toBeCloseTo(1 / 3, 15);
    expect(s.new).toBeCloseTo(0.5, 15);
    expect(s.all).toBeCloseTo((0.5 + 1 / 3 + 0.5) / 3, 15);
    expect(s.pixelAccuracy).toBeCloseTo(5 / 8, 15);
  });

  it('leave classes absent from GT and prediction out of the means', () => {
    const s = summarize(new ConfusionMatrix(4).add([0, 1], [0, 1]), 2);
    expect(Number.isNaN(s.perClass[2]!)).toBe(true);
    expect(s.old).toBe(1);
    expect(Number.isNaN(s.new)).toBe(true);
    expect(() => new ConfusionMatrix(2).add([0], [2])).toThrow(
      'ConfusionMatrix.add: prediction 2 at pixel 0 is outside [0, 2)',
    );
  });
});
