/**
 * The adapter slot of Linear, Conv2d and Embedding: a layer whose forward pass can be taken over
 * by an attached adapter module (LoRA and its relatives in `@numts/peft`), while the layer keeps
 * its own weights and its own computation as {@link AdaptableLayer.baseForward}.
 *
 * @module
 */
import { ShapeError } from '@numts/core';
import type { Variable } from '../variable.js';
import { Module } from './module.js';

/**
 * A module attached to a layer that computes the adapted output. It calls the layer's
 * `baseForward` when it needs the frozen computation.
 */
export abstract class LayerAdapter extends Module {
  /** The adapted output of the layer for input `x`. */
  abstract override forward(x: Variable): Variable;
}

/**
 * A layer with one optional adapter. Without an adapter `forward` is `baseForward`; with one,
 * the adapter's `forward` runs instead. The adapter is a child named `adapter`, so its parameters
 * appear as `<layer>.adapter.<name>` in `namedParameters` and state dicts.
 */
export abstract class AdaptableLayer extends Module {
  #adapter: LayerAdapter | undefined;

  /** The attached adapter, if any. */
  get adapter(): LayerAdapter | undefined {
    return this.#adapter;
  }

  /**
   * Attaches an adapter.
   * @throws ShapeError when the layer already has one
   */
  attachAdapter(adapter: LayerAdapter): void {
    if (this.#adapter)
      throw new ShapeError(`${this.constructor.name}.attachAdapter: the layer already has an adapter`);
    this.#adapter = this.child('adapter', adapter);
  }

  /** Removes the adapter (if any) and returns it. */
  detachAdapter(): LayerAdapter | undefined {
    const a = this.#adapter;
    if (a) {
      this.removeChild('adapter');
      this.#adapter = undefined;
    }
    return a;
  }

  /** The layer's own computation, ignoring any adapter. */
  abstract baseForward(x: Variable): Variable;

  /** The adapter's output when one is attached, else {@link AdaptableLayer.baseForward}. */
  forward(x: Variable): Variable {
    return this.#adapter ? this.#adapter.forward(x) : this.baseForward(x);
  }
}
