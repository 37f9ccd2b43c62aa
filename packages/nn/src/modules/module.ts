/**
 * The Module base class: named parameters and buffers, child modules, train/eval mode, state dicts.
 *
 * @module
 */
import { ShapeError } from '@numts/core';
import type { Variable } from '../variable.js';

/**
 * A layer or a model. Subclasses register their parameters with {@link Module.param}, their
 * sub-modules with {@link Module.child} and non-trainable state with {@link Module.buffer}, and
 * implement `forward`.
 */
export abstract class Module {
  /** Training mode (dropout active, batch norm on batch statistics). */
  training = true;
  private readonly params = new Map<string, Variable>();
  private readonly children = new Map<string, Module>();
  private readonly buffers = new Map<string, Float64Array>();

  /** Registers a trainable parameter under `name` and returns it. */
  protected param(name: string, v: Variable): Variable {
    v.requiresGrad = true;
    this.params.set(name, v);
    return v;
  }

  /** Registers a child module under `name` and returns it. */
  protected child<M extends Module>(name: string, m: M): M {
    this.children.set(name, m);
    return m;
  }

  /** Unregisters a child module (its parameters leave `namedParameters`). */
  protected removeChild(name: string): void {
    this.children.delete(name);
  }

  /** Registers non-trainable state (such as running statistics) under `name` and returns it. */
  protected buffer(name: string, b: Float64Array): Float64Array {
    this.buffers.set(name, b);
    return b;
  }

  /** Replaces a registered parameter (used by adapters that wrap a layer). */
  protected replaceParam(name: string, v: Variable): void {
    if (!this.params.has(name)) throw new ShapeError(`Module: no parameter named ${JSON.stringify(name)}`);
    this.params.set(name, v);
  }

  /** All parameters with dotted names (`fc1.weight`), depth first, in registration order. */
  namedParameters(prefix = ''): [string, Variable][] {
    const out: [string, Variable][] = [];
    for (const [k, v] of this.params) out.push([prefix + k, v]);
    for (const [k, m] of this.children) out.push(...m.namedParameters(`${prefix}${k}.`));
    return out;
  }

  /** All parameters. */
  parameters(): Variable[] {
    return this.namedParameters().map(([, v]) => v);
  }

  /** All buffers with dotted names. */
  namedBuffers(prefix = ''): [string, Float64Array][] {
    const out: [string, Float64Array][] = [];
    for (const [k, b] of this.buffers) out.push([prefix + k, b]);
    for (const [k, m] of this.children) out.push(...m.namedBuffers(`${prefix}${k}.`));
    return out;
  }

  /** Child modules with dotted names (this module excluded), depth first. */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [];
    for (const [k, m] of this.children) {
      out.push([prefix + k, m]);
      out.push(...m.namedModules(`${prefix}${k}.`));
    }
    return out;
  }

  /** Sets training mode here and in every child. */
  train(mode = true): this {
    this.training = mode;
    for (const m of this.children.values()) m.train(mode);
    return this;
  }

  /** Sets evaluation mode. */
  eval(): this {
    return this.train(false);
  }

  /** Clears every parameter's gradient. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  /** Number of scalars in trainable parameters (those with requiresGrad). */
  countParameters(options: { trainableOnly?: boolean } = {}): number {
    return this.parameters()
      .filter((p) => !(options.trainableOnly ?? true) || p.requiresGrad)
      .reduce((s, p) => s + p.size, 0);
  }

  /** Parameters and buffers by dotted name, as plain arrays with shapes (copies). */
  stateDict(): Record<string, { data: Float32Array | Float64Array; shape: number[] }> {
    const out: Record<string, { data: Float32Array | Float64Array; shape: number[] }> = {};
    for (const [k, v] of this.namedParameters()) out[k] = { data: v.data.slice(), shape: [...v.shape] };
    for (const [k, b] of this.namedBuffers()) out[k] = { data: b.slice(), shape: [b.length] };
    return out;
  }

  /**
   * Copies values from a state dict into the parameters and buffers of the same names.
   * @throws ShapeError for a missing key, an unexpected key (unless `strict` is false) or a shape mismatch
   */
  loadStateDict(
    sd: Record<string, { data: ArrayLike<number>; shape: readonly number[] }>,
    options: { strict?: boolean } = {},
  ): void {
    const strict = options.strict ?? true;
    const targets = new Map<string, { data: Float32Array | Float64Array; shape: readonly number[] }>();
    for (const [k, v] of this.namedParameters()) targets.set(k, v);
    for (const [k, b] of this.namedBuffers()) targets.set(k, { data: b, shape: [b.length] });
    for (const [k, t] of targets) {
      const src = sd[k];
      if (!src) {
        if (strict) throw new ShapeError(`loadStateDict: missing key ${JSON.stringify(k)}`);
        continue;
      }
      if (
        src.data.length !== t.data.length ||
        src.shape.length !== t.shape.length ||
        src.shape.some((d, i) => d !== t.shape[i])
      ) {
        throw new ShapeError(
          `loadStateDict: ${JSON.stringify(k)} has shape [${src.shape.join(', ')}] but the module expects [${t.shape.join(', ')}]`,
        );
      }
      for (let i = 0; i < t.data.length; i++) t.data[i] = src.data[i]!;
    }
    if (strict) {
      const extra = Object.keys(sd).filter((k) => !targets.has(k));
      if (extra.length)
        throw new ShapeError(
          `loadStateDict: unexpected keys ${extra
            .slice(0, 5)
            .map((k) => JSON.stringify(k))
            .join(', ')}`,
        );
    }
  }

  /** The module's computation. */
  abstract forward(x: Variable): Variable;
}
