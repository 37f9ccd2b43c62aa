import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TASKS } from '../lib/peft-v2-plan.js';
import { taskDataT } from '../lib/peft-v2-run-t.js';
import {
  BOS,
  corpus,
  digit,
  EOS,
  letter,
  MOD,
  PAD,
  pretrainedT,
  REV,
  SEP,
  SEQUENCE,
  taskExamples,
} from '../lib/peft-v2-testbed-t.js';

describe('peft v2 test bed T', () => {
  it('the corpus is seeded, packed into whole fragments, and never holds the held-out tasks', () => {
    const a = corpus(50, 7);
    expect(a).toEqual(corpus(50, 7));
    expect(a).not.toEqual(corpus(50, 8));
    for (let s = 0; s < 50; s++) {
      const seq = Array.from(a.subarray(s * SEQUENCE, (s + 1) * SEQUENCE));
      expect(seq[0]).toBe(BOS);
      expect(seq.includes(REV) || seq.includes(MOD)).toBe(false);
      // letters a–j only (the reversal task draws from the same ten)
      expect(seq.some((t) => t > letter(9) && t <= letter(25))).toBe(false);
      // every BOS is closed by an EOS before the padding starts
      const used = seq.indexOf(PAD) < 0 ? seq : seq.slice(0, seq.indexOf(PAD));
      expect(used.filter((t) => t === BOS).length).toBe(used.filter((t) => t === EOS).length);
      expect(used.at(-1)).toBe(EOS);
    }
  });

  it('task examples: reversal and descending sort of the corpus letters a–j; exactly one choice is (a + b) mod 7', () => {
    for (const ex of taskExamples('reverse-a-j', 50, 3)) {
      const xs = ex.prompt.slice(2, ex.prompt.indexOf(SEP));
      expect(ex.answer).toEqual([...xs].reverse().concat(EOS));
      for (const x of xs) expect(x >= letter(0) && x <= letter(9)).toBe(true);
    }
    for (const ex of taskExamples('sort-desc', 50, 3)) {
      const xs = ex.prompt.slice(2, ex.prompt.indexOf(SEP));
      expect(ex.answer).toEqual([...xs].sort((a, b) => b - a).concat(EOS));
      for (const x of xs) expect(x >= letter(0) && x <= letter(9)).toBe(true);
    }
    for (const ex of taskExamples('reverse-8-14-n200', 50, 3)) {
      const xs = ex.prompt.slice(2, ex.prompt.indexOf(SEP));
      expect(xs.length >= 8 && xs.length <= 14).toBe(true);
      expect(ex.answer).toEqual([...xs].reverse().concat(EOS));
    }
    // sort-desc-n200 differs from sort-desc only in the number of training examples.
    expect(taskExamples('sort-desc-n200', 20, 3)).toEqual(taskExamples('sort-desc', 20, 3));
    for (const ex of taskExamples('choice-mod', 50, 3)) {
      const [a, b] = [ex.prompt[1]! - digit(0), ex.prompt[2]! - digit(0)];
      expect(ex.candidates!.filter((c) => c === digit((a + b) % 7)).length).toBe(1);
      expect(new Set(ex.candidates).size).toBe(4);
      expect(ex.answer).toEqual([digit((a + b) % 7)]);
    }
  });

  it('trains the tasks of registration 6 on 200 examples and earlier tasks on 2 000; validation and test sets as before', () => {
    for (const task of ['reverse-8-14-n200', 'sort-desc-n200'] as const) {
      const d = taskDataT(task, false);
      expect([d.train.length, d.val.length, d.test.length]).toEqual([200, 300, 1000]);
    }
    expect(taskDataT('reverse-a-j', false).train.length).toBe(2000);
    expect(TASKS.T.map((t) => t.id)).toEqual(['reverse-8-14-n200', 'sort-desc-n200']);
  });

  it('is a Hugging Face LLaMA checkpoint, regenerated bit for bit from its seed (smoke size)', () => {
    const dirs = [mkdtempSync(join(tmpdir(), 'numts-t-')), mkdtempSync(join(tmpdir(), 'numts-t-'))];
    try {
      const bytes = dirs.map((cacheDir) => {
        const { dir } = pretrainedT({ smoke: true, cacheDir });
        expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).model_type).toBe('llama');
        return readFileSync(join(dir, 'model.safetensors'));
      });
      expect(bytes[0]!.equals(bytes[1]!)).toBe(true);
    } finally {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    }
  });
});
