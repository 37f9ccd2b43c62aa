/**
 * Reading and writing the files the subcommands take: .npy arrays as matrices and tensors.
 *
 * @module
 */
import { accessSync, constants, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Matrix, type NumericArray, Tensor } from '@numts/core';
import { readNpy, writeNpy } from '@numts/io';
import { asInputError, CliError, EXIT_INPUT, fileError } from './cli-error.js';

/** The bytes of an input file; a missing file, a directory or a permission problem names the path. */
export function readInput(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw fileError(e, path);
  }
}

/**
 * Checks, before any long work, that `path` can be written: its directory exists and is writable,
 * and the path is not a directory.
 */
export function checkWritable(path: string, option: string): void {
  const dir = dirname(resolve(path));
  try {
    if (!statSync(dir).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    accessSync(dir, constants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(
      `${option} ${path}: ${code === 'ENOENT' ? `the directory ${dir} does not exist` : code === 'ENOTDIR' ? `${dir} is not a directory` : `the directory ${dir} is not writable`}`,
      EXIT_INPUT,
      'choose an output path in an existing, writable directory',
    );
  }
  if (existsSync(path) && statSync(path).isDirectory())
    throw new CliError(`${option} ${path}: is a directory, not a file`, EXIT_INPUT, 'give a file name');
}

/** Reads a .npy file as a Float64 tensor (contiguous). */
export function readTensor(path: string): Tensor<Float64Array> {
  const bytes = readInput(path);
  let t: Tensor<NumericArray>;
  try {
    t = readNpy(bytes);
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
