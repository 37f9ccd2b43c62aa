import { Matrix } from '@numts/core';
import {
  eigh,
  lu,
  qr,
  qrPivoted,
  rank,
  svd,
  verifyEigh,
  verifyLu,
  verifyQr,
  verifySvd,
} from './packages/decompositions/src/index.ts';

const a = new Matrix(
  3,
  8,
  Float64Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 5e-324, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
);
const f = svd(a);
console.log(f.s, JSON.stringify(verifySvd(a, { u: f.u!, s: f.s, vt: f.vt! })));
const q = qr(a);
console.log(JSON.stringify(verifyQr(a, { q: q.q!, r: q.r })), q.r.toArray());
const fin = (x: ArrayLike<number>) => Array.from(x).every(Number.isFinite);
console.log(
  fin(f.u!.data),
  fin(f.vt!.data),
  fin(q.q!.data),
  fin(qrPivoted(a).r.data),
  fin(lu(a).u.data),
  rank(a),
);
console.log(qrPivoted(a));
