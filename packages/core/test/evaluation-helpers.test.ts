import { describe, expect, it } from 'vitest';
import { DomainError, kFoldSplits, meanAndStd, parseOptionValue, ShapeError } from '../src/index.js';

describe('meanAndStd', () => {
  it('gives the mean and the sample standard deviation', () => {
    const { mean, std } = meanAndStd([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(mean).toBe(5);
    expect(std).toBeCloseTo(Math.sqrt(32 / 7), 14);
    expect(meanAndStd([3])).toEqual({ mean: 3, std: 0 });
  });
  it('refuses an empty list', () => {
    expect(() => meanAndStd([])).toThrow(new ShapeError('meanAndStd: values must not be empty'));
  });
});

describe('parseOptionValue', () => {
  it('parses numbers, integers and words by their kind', () => {
    expect(parseOptionValue('gamma', 'number', '0.05')).toBe(0.05);
    expect(parseOptionValue('k', 'integer', '10')).toBe(10);
    expect(parseOptionValue('base', ['pl-aggd', 'pl-cl'], 'pl-cl')).toBe('pl-cl');
  });
  it('names the option, the kind and the text it refuses', () => {
    expect(() => parseOptionValue('k', 'integer', '2.5')).toThrow(
      new DomainError('k must be a finite integer (got "2.5")'),
    );
    expect(() => parseOptionValue('gamma', 'number', '')).toThrow('gamma must be a finite number (got "")');
    expect(() => parseOptionValue('gamma', 'number', 'Infinity')).toThrow(DomainError);
    expect(() => parseOptionValue('base', ['pl-aggd', 'pl-cl'], 'svm')).toThrow(
      'base must be one of pl-aggd, pl-cl (got "svm")',
    );
  });
});

describe('kFoldSplits', () => {
  it('puts every row in exactly one test fold, fold sizes within 1, the same for the same seed', () => {
    const folds = kFoldSplits(23, 4, 9);
    const seen = new Int32Array(23);
    for (const f of folds) {
      for (const t of f.test) seen[t]!++;
      expect(f.train.length + f.test.length).toBe(23);
      expect([5, 6]).toContain(f.test.length);
    }
    expect([...seen]).toEqual(new Array(23).fill(1));
    expect(kFoldSplits(23, 4, 9)).toEqual(folds);
    expect(kFoldSplits(23, 4, 10)).not.toEqual(folds);
  });
  it('refuses a fold count outside [2, n]', () => {
    expect(() => kFoldSplits(5, 6, 0)).toThrow(/kFoldSplits: folds must be/);
  });
});
