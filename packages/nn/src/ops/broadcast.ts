/**
 * Elementwise arithmetic with NumPy broadcasting, and unary functions.
 *
 * @module
 */
import { ShapeError } from '@numts/core';
import { alloc, assertVariable, type Buf, gradOf, record, type Variable } from '../variable.js';

/** The broadcast shape of two shapes (NumPy rules). */
export function broadcastShapes(fn: string, a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) {
      throw new ShapeError(
        `${fn}: shapes [${a.join(', ')}] and [${b.join(', ')}] do not broadcast (dimension ${i}: ${x} vs ${y})`,
      );
    }
    out[i] = x === 1 ? y : x;
  }
  return out;
}

/** Strides of `shape` aligned to `out` (0 on broadcast dimensions). */
function broadcastStrides(shape: readonly number[], out: readonly number[]): number[] {
  const st = new Array<number>(out.length).fill(0);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const k = out.length - shape.length + i;
    st[k] = shape[i] === 1 ? 0 : s;
    s *= shape[i]!;
  }
  return st;
}

/** Calls f(outIndex, aIndex, bIndex) over the broadcast iteration space. */
function forBroadcast(
  out: readonly number[],
  sa: number[],
  sb: number[],
  f: (o: number, ia: number, ib: number) => void,
): void {
  const nd = out.length;
  const total = out.reduce((x, y) => x * y, 1);
  if (total === 0) return;
  const idx = new Array<number>(nd).fill(0);
  let ia = 0;
  let ib = 0;
  for (let o = 0; o < total; o++) {
    f(o, ia, ib);
    for (let k = nd - 1; k >= 0; k--) {
      idx[k]!++;
      ia += sa[k]!;
      ib += sb[k]!;
      if (idx[k]! < out[k]!) break;
      ia -= sa[k]! * out[k]!;
      ib -= sb[k]! * out[k]!;
      idx[k] = 0;
    }
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

type Binary = {
  f: (x: number, y: number) => number;
  da: (x: number, y: number, g: number) => number;
  db: (x: number, y: number, g: number) => number;
};

const ADD: Binary = { f: (x, y) => x + y, da: (_x, _y, g) => g, db: (_x, _y, g) => g };
const SUB: Binary = { f: (x, y) => x - y, da: (_x, _y, g) => g, db: (_x, _y, g) => -g };
const MUL: Binary = { f: (x, y) => x * y, da: (_x, y, g) => g * y, db: (x, _y, g) => g * x };
const DIV: Binary = { f: (x, y) => x / y, da: (_x, y, g) => g / y, db: (x, y, g) => (-g * x) / (y * y) };

// Explicit loops for the common ops: the same arithmetic as the closures of ADD / SUB / MUL, in the
// same order (so the same bits), without a call per element.

function sameShapeForward(op: Binary, ad: Buf, bd: Buf, out: Buf): void {
  const n = out.length;
  if (op === ADD) for (let i = 0; i < n; i++) out[i] = ad[i]! + bd[i]!;
  else if (op === SUB) for (let i = 0; i < n; i++) out[i] = ad[i]! - bd[i]!;
  else for (let i = 0; i < n; i++) out[i] = ad[i]! * bd[i]!;
}

/** acc += g. */
function addInto(acc: Buf, g: Buf): void {
  for (let i = 0; i < g.length; i++) acc[i] = acc[i]! + g[i]!;
}

/** acc += −g. */
function subtractInto(acc: Buf, g: Buf): void {
  for (let i = 0; i < g.length; i++) acc[i] = acc[i]! + -g[i]!;
}

/** acc += g ⊙ y. */
function addProductInto(acc: Buf, g: Buf, y: Buf): void {
  for (let i = 0; i < g.length; i++) acc[i] = acc[i]! + g[i]! * y[i]!;
}

/** True when `b` (leading 1s aside) is the trailing dimensions of `out`: it repeats as one contiguous block. */
function isTrailingBlock(b: readonly number[], out: readonly number[]): boolean {
  let lead = 0;
  while (lead < b.length && b[lead] === 1) lead++;
  const rest = b.length - lead;
  for (let i = 0; i < rest; i++) if (b[lead + i] !== out[out.length - rest + i]) return false;
  return true;
}

/** a + b where b repeats along a's leading dimensions (a bias or an embedding table): out[o] = a[o] + b[o mod |b|]. */
function addRepeated(a: Variable, b: Variable, shape: number[], size: number): Variable {
  const ad = a.data;
  const bd = b.data;
  const block = bd.length;
  const out = alloc(size);
  for (let o0 = 0; o0 < size; o0 += block) for (let j = 0; j < block; j++) out[o0 + j] = ad[o0 + j]! + bd[j]!;
  return record(out, shape, [a, b], (g) => {
    if (a.requiresGrad) addInto(gradOf(a), g);
    if (b.requiresGrad) {
      // Summed over the repeats in the order of the broadcast loop (repeat by repeat).
      const gb = gradOf(b);
      for (let o0 = 0; o0 < size; o0 += block) for (let j = 0; j < block; j++) gb[j] = gb[j]! + g[o0 + j]!;
    }
  });
}

function binary(fn: string, a: Variable, b: Variable, op: Binary): Variable {
  assertVariable(fn, 'a', a);
  assertVariable(fn, 'b', b);
  const ad = a.data;
  const bd = b.data;
  if (sameShape(a.shape, b.shape)) {
    const out = alloc(ad.length);
    if (op === ADD || op === SUB || op === MUL) sameShapeForward(op, ad, bd, out);
    else for (let i = 0; i < out.length; i++) out[i] = op.f(ad[i]!, bd[i]!);
    return record(out, a.shape, [a, b], (g) => {
      if (a.requiresGrad) {
        const ga = gradOf(a);
        if (op === ADD || op === SUB) addInto(ga, g);
        else if (op === MUL) addProductInto(ga, g, bd);
        else for (let i = 0; i < g.length; i++) ga[i] = ga[i]! + op.da(ad[i]!, bd[i]!, g[i]!);
      }
      if (b.requiresGrad) {
        const gb = gradOf(b);
        if (op === ADD) addInto(gb, g);
        else if (op === SUB) subtractInto(gb, g);
        else if (op === MUL) addProductInto(gb, g, ad);
        else for (let i = 0; i < g.length; i++) gb[i] = gb[i]! + op.db(ad[i]!, bd[i]!, g[i]!);
      }
    });
  }
  const shape = broadcastShapes(fn, a.shape, b.shape);
  const size = shape.reduce((x, y) => x * y, 1);
  if (op === ADD && sameShape(a.shape, shape) && bd.length > 0 && isTrailingBlock(b.shape, shape))
    return addRepeated(a, b, shape, size);
  const sa = broadcastStrides(a.shape, shape);
  const sb = broadcastStrides(b.shape, shape);
  const out = alloc(size);
  forBroadcast(shape, sa, sb, (o, ia, ib) => {
    out[o] = op.f(ad[ia]!, bd[ib]!);
  });
  return record(out, shape, [a, b], (g) => {
    const ga = a.requiresGrad ? gradOf(a) : null;
    const gb = b.requiresGrad ? gradOf(b) : null;
    forBroadcast(shape, sa, sb, (o, ia, ib) => {
      if (ga) ga[ia] = ga[ia]! + op.da(ad[ia]!, bd[ib]!, g[o]!);
      if (gb) gb[ib] = gb[ib]! + op.db(ad[ia]!, bd[ib]!, g[o]!);
    });
  });
}

/** a + b with broadcasting. @throws ShapeError when the shapes do not broadcast */
export function add(a: Variable, b: Variable): Variable {
  return binary('add', a, b, ADD);
}
/** a − b with broadcasting. */
export function sub(a: Variable, b: Variable): Variable {
  return binary('sub', a, b, SUB);
}
/** a ⊙ b with broadcasting. */
export function mul(a: Variable, b: Variable): Variable {
  return binary('mul', a, b, MUL);
}
/** a ⊘ b with broadcasting. */
export function div(a: Variable, b: Variable): Variable {
  return binary('div', a, b, DIV);
}

/** @internal A unary elementwise op with derivative d(x, y) (y = f(x)). */
export function unary(
  fn: string,
  x: Variable,
  f: (v: number) => number,
  d: (v: number, y: number) => number,
): Variable {
  assertVariable(fn, 'x', x);
  const xd = x.data;
  const out = alloc(xd.length);
  for (let i = 0; i < out.length; i++) out[i] = f(xd[i]!);
  return record(out, x.shape, [x], (g: Buf) => {
    const gx = gradOf(x);
    for (let i = 0; i < g.length; i++) gx[i] = gx[i]! + g[i]! * d(xd[i]!, out[i]!);
  });
}

/** s·x + c for scalars s and c. */
export function affine(x: Variable, s: number, c = 0): Variable {
  // The loops of `unary` with f(v) = s·v + c and f′ = s written out (same bits, no call per element).
  assertVariable('affine', 'x', x);
  const xd = x.data;
  const out = alloc(xd.length);
  for (let i = 0; i < out.length; i++) out[i] = s * xd[i]! + c;
  return record(out, x.shape, [x], (g: Buf) => {
    const gx = gradOf(x);
    for (let i = 0; i < g.length; i++) gx[i] = gx[i]! + g[i]! * s;
  });
}
/** −x. */
export function neg(x: Variable): Variable {
  return affine(x, -1);
}
/** eˣ. */
export function exp(x: Variable): Variable {
  return unary('exp', x, Math.exp, (_v, y) => y);
}
/** ln x. */
export function log(x: Variable): Variable {
  return unary('log', x, Math.log, (v) => 1 / v);
}
/** √x. */
export function sqrt(x: Variable): Variable {
  return unary('sqrt', x, Math.sqrt, (_v, y) => 0.5 / y);
}
/** x². */
export function square(x: Variable): Variable {
  return unary(
    'square',
    x,
    (v) => v * v,
    (v) => 2 * v,
  );
}
/** xᵖ for a scalar p. */
export function pow(x: Variable, p: number): Variable {
  return unary(
    'pow',
    x,
    (v) => v ** p,
    (v) => p * v ** (p - 1),
  );
}
