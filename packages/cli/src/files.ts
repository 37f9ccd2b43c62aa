/**
 * Reading and writing the files the subcommands take: .npy arrays as matrices and tensors.
 *
 * @module
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Matrix, type NumericArray, Tensor } from '@numts/core';
import { readNpy, writeNpy } from '@numts/io';
import { asInputError, CliError, EXIT_INPUT } from './cli-error.js';

/** Reads a .npy file as a Float64 tensor (contiguous). */
export function readTensor(path: string): Tensor<Float64Array> {
  let t: Tensor<NumericArray>;
  try {
    t = readNpy(readFileSync(path));
  } catch (e) {
    throw asInputError(e, path);
  }
  const c = t.clone();
  return new Tensor(Float64Array.from(c.data as ArrayLike<number>, Number), [...t.shape]);
}

/** Reads a 2-d .npy file as a Matrix. */
export function readMatrix(path: string): Matrix {
  const t = readTensor(path);
  if (t.shape.length !== 2)
    throw new CliError(
      `${path}: expected a 2-d array, got shape (${t.shape.join(', ')})`,
      EXIT_INPUT,
      'save a matrix with numpy.save',
    );
  return new Matrix(t.shape[0]!, t.shape[1]!, t.data);
}

/** Reads a 1-d .npy file. */
export function readVector(path: string): Float64Array {
  const t = readTensor(path);
  if (t.shape.length !== 1)
    throw new CliError(
      `${path}: expected a 1-d array, got shape (${t.shape.join(', ')})`,
      EXIT_INPUT,
      'save a vector with numpy.save',
    );
  return t.data;
}

/** Writes a Matrix, a vector or a tensor as .npy. */
export function writeArray(path: string, x: Matrix | Float64Array | Tensor<NumericArray>): void {
  const value = x instanceof Float64Array ? (new Tensor(x, [x.length]) as Tensor<NumericArray>) : x;
  writeFileSync(path, writeNpy(value));
}
