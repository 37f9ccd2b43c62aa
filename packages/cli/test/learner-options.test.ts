import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MULTILABEL_METHODS } from '@numts/multilabel';
import { PLL_METHODS } from '@numts/pll';
import { describe, expect, it } from 'vitest';
import { MULTILABEL_HELP, PLL_HELP } from '../src/help.js';
import { parseLearnerOptions } from '../src/learner-options.js';
import { FIX, runNumts } from './run-numts.js';

const schema = { k: 'integer', alpha: 'number', base: ['pl-aggd', 'pl-cl'] } as const;

describe('parseLearnerOptions', () => {
  it('parses integers, numbers and words by the schema', () => {
    expect({ ...parseLearnerOptions('m', schema, ['k=15', 'alpha=0.3', 'base=pl-cl']) }).toEqual({
      k: 15,
      alpha: 0.3,
      base: 'pl-cl',
    });
    expect({ ...parseLearnerOptions('m', schema, undefined) }).toEqual({});
  });

  it('rejects unknown keys with the list of valid ones, bad kinds, repeats and malformed pairs', () => {
    expect(() => parseLearnerOptions('plcl', schema, ['kk=3'])).toThrow(
      '--opt: plcl has no option "kk"; valid options: k, alpha, base',
    );
    expect(() => parseLearnerOptions('m', schema, ['constructor=1'])).toThrow('has no option "constructor"');
    expect(() => parseLearnerOptions('m', schema, ['k=1.5'])).toThrow(
      '--opt k must be a finite integer (got "1.5")',
    );
    expect(() => parseLearnerOptions('m', schema, ['alpha='])).toThrow(
      '--opt alpha must be a finite number (got "")',
    );
    expect(() => parseLearnerOptions('m', schema, ['alpha=NaN'])).toThrow('must be a finite number');
    expect(() => parseLearnerOptions('m', schema, ['base=svm'])).toThrow(
      '--opt base must be one of pl-aggd, pl-cl (got "svm")',
    );
    expect(() => parseLearnerOptions('m', schema, ['k=1', 'k=2'])).toThrow(
      '--opt: k is given twice (1 and 2)',
    );
    expect(() => parseLearnerOptions('m', schema, ['k'])).toThrow('--opt must be key=value (got "k")');
    expect(() => parseLearnerOptions('m', schema, ['=3'])).toThrow('--opt must be key=value');
  });

  it('the eval helps list every method and every option of it', () => {
    for (const [help, methods] of [
      [PLL_HELP, PLL_METHODS],
      [MULTILABEL_HELP, MULTILABEL_METHODS],
    ] as const) {
      const helpLines = help.split('\n');
      for (const [method, { options }] of Object.entries(methods)) {
        const line = helpLines.findIndex((l) => /^ {2}\S/.test(l) && l.trimStart().startsWith(`${method} `));
        expect(line, method).toBeGreaterThan(0);
        // A method's entry may continue on deeper-indented lines that do not start a new method.
        const lines = [helpLines[line]!];
        for (const l of helpLines.slice(line + 1)) {
          if (!/^ {4,}\S/.test(l)) break;
          lines.push(l);
        }
        const text = lines.join(' ');
        for (const key of Object.keys(options))
          expect(text, `${method} ${key}`).toMatch(new RegExp(`\\b${key}\\b`));
      }
    }
  });
});

describe('numts pll eval --opt', () => {
  const dir = mkdtempSync(join(tmpdir(), 'numts-opt-'));
  const data = join(FIX, 'pll-small.mat');
  const pllEval = (method: string, ...args: string[]) =>
    runNumts(dir, 'pll', 'eval', '--data', data, '--folds', '3', '--method', method, ...args);

  it('passes options to the learner and reports them', () => {
    const r = pllEval('plcl', '--opt', 'k=15', '--opt', 'alpha=0.3', '--json');
    expect(r.code, r.err).toBe(0);
    const res = JSON.parse(r.out);
    expect(res.options).toEqual({ k: 15, alpha: 0.3 });
    expect(res.accuracy).toHaveLength(3);
  });

  it('an option changes what the learner does (plknn k=1 vs its default k=10)', () => {
    const run = (...opt: string[]) => JSON.parse(pllEval('plknn', ...opt, '--json').out).accuracy as number[];
    const byDefault = run();
    expect(run('--opt', 'k=10')).toEqual(byDefault);
    expect(run('--opt', 'k=1')).not.toEqual(byDefault);
  });

  it('rejects an unknown option with the valid ones, and an out-of-range value with the learner rule', () => {
    const unknown = runNumts(dir, 'pll', 'eval', '--data', data, '--method', 'plcl', '--opt', 'depth=3');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain(
      '--opt: plcl has no option "depth"; valid options: k, maxIter, gamma, mu, lambda, alpha, beta, sigma',
    );
    const range = pllEval('plcl', '--opt', 'lambda=-1');
    expect(range.code).toBe(2);
    expect(range.err).toContain('--opt lambda=-1: fitPlcl: lambda must be a finite number > 0 (got -1)');
    expect(range.err).toContain('hint: plcl refuses this value');
    const ml = runNumts(
      dir,
      'multilabel',
      'eval',
      '--data',
      'x.arff',
      '--labels',
      'x.xml',
      '--method',
      'mlknn',
      '--opt',
      'depth=3',
    );
    expect(ml.code).toBe(2);
    expect(ml.err).toContain('--opt: mlknn has no option "depth"; valid options: k, smoothing');
  });
});
