// ARFF and MULAN files read into compressed sparse rows: the same values as the dense reader,
// without a rows × attributes array.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DomainError } from '@numts/core';
import { announceSkip, SHARED_DATA, SHARED_REMEDY } from '@numts/testing';
import { describe, expect, it } from 'vitest';
import { loadMulan, parseArff } from '../src/index.js';

const ARFF = `@relation 'toy: -C 2'
@attribute l0 {0,1}
@attribute l1 {0,1}
@attribute word_a numeric
@attribute word_b numeric
@attribute kind {red,green}
@attribute note string
@data
{0 1, 2 3.5, 4 green}
1,0,0,2,red,'hello'
{1 1, 3 -1, 5 'x y'}
{}
`;

describe('sparse ARFF', () => {
  it('parseArff(…, { sparse: true }) holds the dense reader values (zeros and strings not stored)', () => {
    const dense = parseArff(ARFF);
    const sparse = parseArff(ARFF, { sparse: true });
    expect(sparse.data.length).toBe(0);
    const x = sparse.sparse!.toDense();
    const d = dense.attributes.length;
    for (let i = 0; i < dense.rows; i++)
      for (let j = 0; j < d; j++) {
        const want = dense.attributes[j]!.type === 'string' ? 0 : dense.data[i * d + j]!;
        expect(x.get(i, j), `row ${i}, attribute ${j}`).toBe(want);
      }
    expect(sparse.sparse!.nnz).toBe(7);
    expect(sparse.strings).toEqual(dense.strings);
  });

  it('a missing value cannot be kept sparse: the line is named', () => {
    expect(() => parseArff(`@relation r\n@attribute a numeric\n@data\n{0 ?}\n`, { sparse: true })).toThrow(
      'parseArff: line 4: attribute "a" is missing (?), which sparse: true cannot keep',
    );
  });

  it('loadMulan(…, { sparse: true }) gives the dense loader x as CSR and the same labels', () => {
    const dense = loadMulan(ARFF);
    const sparse = loadMulan(ARFF, undefined, { sparse: true });
    expect(sparse.x.toDense().toArray()).toEqual(dense.x.toArray());
    expect(sparse.y.toArray()).toEqual(dense.y.toArray());
    expect([sparse.featureNames, sparse.labelNames, sparse.dropped]).toEqual([
      dense.featureNames,
      dense.labelNames,
      dense.dropped,
    ]);
    expect(() => loadMulan(ARFF, undefined, { sparse: true, nominal: 'onehot' })).toThrow(
      new DomainError('loadMulan: nominal "onehot" is not available with sparse: true'),
    );
    const numericLabels = ARFF.replace('@attribute l0 {0,1}', '@attribute l0 numeric').replace(
      '{0 1, 2 3.5',
      '{0 2, 2 3.5',
    );
    expect(() => loadMulan(numericLabels, undefined, { sparse: true })).toThrow(
      'loadMulan: row 0, label "l0" is 2, not 0 or 1',
    );
  });

  const medical = join(SHARED_DATA, 'multilabel', 'medical.arff');
  if (!existsSync(medical)) announceSkip('sparse loading of the medical data set', medical, SHARED_REMEDY);
  it.skipIf(!existsSync(medical))(
    'medical (sparse bag of words): CSR equals the dense load, at a fraction of the memory',
    () => {
      const arff = readFileSync(medical);
      const xml = readFileSync(join(SHARED_DATA, 'multilabel', 'medical.xml'));
      const dense = loadMulan(arff, xml);
      const sparse = loadMulan(arff, xml, { sparse: true });
      expect(Array.from(sparse.x.toDense().data)).toEqual(Array.from(dense.x.data));
      expect(Array.from(sparse.y.data)).toEqual(Array.from(dense.y.data));
      expect(sparse.dropped).toEqual(dense.dropped);
      expect(sparse.x.nnz / (dense.x.rows * dense.x.cols)).toBeLessThan(0.05);
    },
  );
});
