/**
 * The arrays in the files of the Verify screen, by name: a .npy file is one array named after the
 * file (A.npy → "A"), an .npz archive, a MAT-file and a safetensors file give one array per entry.
 *
 * @module
 */
import { Matrix, type NumericArray, type Tensor } from '@numts/core';
import { matToTensor, readMat, readNpy, readNpz, readSafetensors } from '@numts/io';
import { InputProblem, parsing } from './input-problem.js';
import { baseName, extension } from './read-files.js';

/** A Float64 array (row-major) with its shape and the file it came from. */
export interface NamedArray {
  name: string;
  file: string;
  shape: number[];
  data: Float64Array;
}

const EXPECTED: Record<string, string> = {
  npy: 'a NumPy .npy file as numpy.save writes it, holding a matrix or a vector',
  npz: 'a NumPy .npz archive as numpy.savez writes it',
  mat: 'a MATLAB v5/v7 MAT-file (save -v7, or scipy.io.savemat) with numeric variables',
  safetensors: 'a safetensors file of numeric tensors',
};

function toFloat64(t: Tensor<NumericArray>): { shape: number[]; data: Float64Array } {
  const c = t.clone();
  return { shape: [...t.shape], data: Float64Array.from(c.data as ArrayLike<number>, Number) };
}

/** Every array of one file. */
export function arraysOfFile(path: string, bytes: Uint8Array): NamedArray[] {
  const ext = extension(path);
  const expected = EXPECTED[ext];
  if (expected === undefined)
    throw new InputProblem(
      path,
      `cannot read arrays from a .${ext || '(no extension)'} file`,
      'matrices as .npy, .npz, .mat or .safetensors files',
    );
  const file = baseName(path);
  return parsing(path, expected, () => {
    if (ext === 'npy') return [{ name: file.slice(0, -4), file, ...toFloat64(readNpy(bytes)) }];
    if (ext === 'npz')
      return Object.entries(readNpz(bytes)).map(([name, t]) => ({ name, file, ...toFloat64(t) }));
    if (ext === 'mat')
      return Object.entries(readMat(bytes))
        .filter(([, v]) => v.kind === 'numeric')
        .map(([name, v]) => ({ name, file, ...toFloat64(matToTensor(v)) }));
    return Object.entries(readSafetensors(bytes).tensors).map(([name, t]) => ({
      name,
      file,
      ...toFloat64(t),
    }));
  });
}

/** The array as a matrix (2-d), or an InputProblem saying what it is instead. */
export function asMatrix(a: NamedArray, role: string): Matrix {
  if (a.shape.length !== 2)
    throw new InputProblem(
      a.file,
      `${a.name} has shape (${a.shape.join(', ')}), but ${role} must be a matrix`,
      `${role} as a 2-d array`,
    );
  return new Matrix(a.shape[0]!, a.shape[1]!, a.data);
}

/** The array as a vector: 1-d, or a matrix with one row or one column. */
export function asVector(a: NamedArray, role: string): Float64Array {
  const long = a.shape.filter((d) => d !== 1);
  if (long.length > 1)
    throw new InputProblem(
      a.file,
      `${a.name} has shape (${a.shape.join(', ')}), but ${role} must be a vector`,
      `${role} as a 1-d array`,
    );
  return a.data;
}
