/**
 * The autograd value: a dense row-major array with a shape, an optional gradient, and the
 * closure that sends its gradient to the values it was computed from.
 *
 * Storage is Float32Array by default (`setDefaultDtype('float64')` switches new values to
 * Float64Array, which the gradient tests use for finite differences). A process uses one dtype
 * for its hot loops, so the kernels stay monomorphic.
 *
 * @module
 */
import { ShapeError, shapeSize } from '@numts/core';

/** Storage of a Variable. */
export type Buf = Float32Array | Float64Array;

/** Element type of new Variables. */
export type Dtype = 'float32' | 'float64';

let defaultDtype: Dtype = 'float32';
let gradEnabled = true;

/** Sets the element type of new Variables (default `'float32'`). */
export function setDefaultDtype(dtype: Dtype): void {
  if (dtype !== 'float32' && dtype !== 'float64')
    throw new ShapeError(`setDefaultDtype: dtype must be "float32" or "float64" (got ${String(dtype)})`);
  defaultDtype = dtype;
}

/** The element type of new Variables. */
export function getDefaultDtype(): Dtype {
  return defaultDtype;
}

/** A zero-filled buffer of the default dtype. */
export function alloc(n: number): Buf {
  return defaultDtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
}

/** Runs `fn` with gradient recording switched off (evaluation, updates). */
export function noGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/** True when operations record the graph. */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/**
 * A node of the computation graph.
 *
 * @example
 * ```ts
 * const x = Variable.from([1, 2, 3], [3], { requiresGrad: true });
 * const y = sum(mul(x, x));
 * y.backward();
 * x.grad; // [2, 4, 6]
 * ```
 */
export class Variable {
  /** Values, row-major (C order). */
  data: Buf;
  /** Dimension sizes. */
  readonly shape: readonly number[];
  /** Accumulated gradient (same size as data), or null before the first backward pass. */
  grad: Buf | null = null;
  /** Whether gradients flow to this value. */
  requiresGrad: boolean;
  /** @internal Values this one was computed from. */
  parents: Variable[] = [];
  /** @internal Sends this value's gradient to its parents. */
  backwardFn: (() => void) | null = null;
  /** Optional name (parameters carry their state-dict key). */
  name: string | undefined;
  /**
   * How many optimizer steps have updated this value in place (the optimizers of this package
   * advance it), so that modules can count training steps without being told.
   */
  version = 0;

  constructor(data: Buf, shape: readonly number[], requiresGrad = false) {
    if (data.length !== shapeSize(shape)) {
      throw new ShapeError(
        `Variable: data length ${data.length} does not match shape [${shape.join(', ')}] (${shapeSize(shape)} elements)`,
      );
    }
    this.data = data;
    this.shape = Object.freeze([...shape]);
    this.requiresGrad = requiresGrad;
  }

  /** A Variable of the default dtype holding a copy of `values`. */
  static from(
    values: ArrayLike<number>,
    shape: readonly number[],
    options: { requiresGrad?: boolean } = {},
  ): Variable {
    const data = alloc(values.length);
    for (let i = 0; i < values.length; i++) data[i] = values[i]!;
    return new Variable(data, shape, options.requiresGrad ?? false);
  }

  /** A zero Variable of the default dtype. */
  static zeros(shape: readonly number[], options: { requiresGrad?: boolean } = {}): Variable {
    return new Variable(alloc(shapeSize(shape)), shape, options.requiresGrad ?? false);
  }

  /** Number of elements. */
  get size(): number {
    return this.data.length;
  }

  /** The value of a one-element Variable. */
  item(): number {
    if (this.data.length !== 1)
      throw new ShapeError(`Variable.item: the value has ${this.data.length} elements, not 1`);
    return this.data[0]!;
  }

  /** A Variable sharing the data but cut from the graph: gradients do not flow through it. */
  detach(): Variable {
    return new Variable(this.data, this.shape, false);
  }

  /** Clears the gradient. */
  zeroGrad(): void {
    this.grad = null;
  }

  /**
   * Back-propagates from this value. A scalar starts from gradient 1; any other shape needs
   * `grad`. Gradients of leaves (parameters) accumulate across calls; those of intermediate values
   * are recomputed on every call.
   * @throws ShapeError when the value is not a scalar and no gradient is given
   */
  backward(grad?: ArrayLike<number>): void {
    if (grad === undefined && this.data.length !== 1) {
      throw new ShapeError(
        `backward: the value has shape [${this.shape.join(', ')}]; pass its gradient or call backward on a scalar`,
      );
    }
    if (grad !== undefined && grad.length !== this.data.length) {
      throw new ShapeError(
        `backward: grad has ${grad.length} elements but the value has ${this.data.length}`,
      );
    }
    const order = topologicalOrder(this);
    for (const v of order) if (v.parents.length > 0) v.grad = null;
    const g = alloc(this.data.length);
    if (grad === undefined) g[0] = 1;
    else for (let i = 0; i < g.length; i++) g[i] = grad[i]!;
    this.grad = g;
    for (let i = order.length - 1; i >= 0; i--) {
      const v = order[i]!;
      if (v.backwardFn && v.grad) v.backwardFn();
    }
  }
}

/** Nodes reachable from `root` through requiresGrad parents, parents before children. */
function topologicalOrder(root: Variable): Variable[] {
  const order: Variable[] = [];
  const seen = new Set<Variable>();
  const stack: [Variable, number][] = [[root, 0]];
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    const [v, i] = top;
    if (i === 0) {
      if (seen.has(v)) {
        stack.pop();
        continue;
      }
      seen.add(v);
    }
    if (i < v.parents.length) {
      top[1]++;
      const p = v.parents[i]!;
      if (p.requiresGrad && !seen.has(p)) stack.push([p, 0]);
    } else {
      order.push(v);
      stack.pop();
    }
  }
  return order;
}

/** @internal Creates an op result that records `backward` when any parent needs a gradient. */
export function record(
  data: Buf,
  shape: readonly number[],
  parents: Variable[],
  backward: (grad: Buf) => void,
): Variable {
  const needs = gradEnabled && parents.some((p) => p.requiresGrad);
  const out = new Variable(data, shape, needs);
  if (needs) {
    out.parents = parents;
    out.backwardFn = () => backward(out.grad!);
  }
  return out;
}

/** @internal Adds g into v.grad (allocating it) when v needs a gradient. */
export function accumulate(v: Variable, g: ArrayLike<number>): void {
  if (!v.requiresGrad) return;
  if (!v.grad) {
    v.grad = alloc(v.data.length);
  }
  const t = v.grad;
  for (let i = 0; i < t.length; i++) t[i] = t[i]! + g[i]!;
}

/** @internal The gradient buffer of v, allocated on demand (for ops that scatter into it). */
export function gradOf(v: Variable): Buf {
  if (!v.grad) v.grad = alloc(v.data.length);
  return v.grad;
}

/** @internal Asserts that a value is a Variable. */
export function assertVariable(fn: string, name: string, v: unknown): asserts v is Variable {
  if (!(v instanceof Variable)) throw new TypeError(`${fn}: ${name} must be a Variable`);
}
