/**
 * Compressed sparse rows (CSR), the layout of scipy's `csr_matrix`: row i's nonzeros are
 * `values[indptr[i]..indptr[i+1])` in columns `indices[…]`, ascending. For the sparse feature
 * matrices of text and tag data (bag-of-words ARFF files), where densifying costs rows × columns.
 *
 * @module
 */
import { DomainError, NonFiniteError, ShapeError } from './errors.js';
import { Matrix } from './matrix.js';

function assertSize(fn: string, name: string, v: number): void {
  if (!Number.isInteger(v) || v < 0 || v > 2 ** 31 - 1)
    throw new ShapeError(`${fn}: ${name} must be an integer in [0, 2^31 − 1] (got ${v})`);
}

/** The row-major values of a dense matrix, without a copy when it already is one from offset 0. */
function denseRows(b: Matrix): ArrayLike<number> {
  return b.isContiguous && b.offset === 0 ? b.data : b.clone().data;
}

/** A real sparse matrix in compressed sparse row form. */
export class CsrMatrix {
  readonly rows: number;
  readonly cols: number;
  /** rows + 1 offsets into indices and values; indptr[0] = 0, non-decreasing. */
  readonly indptr: Int32Array;
  /** Column of each stored value, strictly ascending within a row. */
  readonly indices: Int32Array;
  /** The stored values (finite; explicit zeros are allowed). */
  readonly values: Float64Array;

  /**
   * Wraps the three arrays (not copied) after checking them.
   * @throws ShapeError for sizes that do not fit (indptr of rows + 1 entries from 0 to the number
   *   of values, non-decreasing; indices as many as values), a column outside [0, cols) or not
   *   strictly ascending within its row
   * @throws NonFiniteError for a NaN or infinite value
   */
  constructor(rows: number, cols: number, indptr: Int32Array, indices: Int32Array, values: Float64Array) {
    const fn = 'CsrMatrix';
    assertSize(fn, 'rows', rows);
    assertSize(fn, 'cols', cols);
    if (indptr.length !== rows + 1)
      throw new ShapeError(`${fn}: indptr must have rows + 1 = ${rows + 1} entries (got ${indptr.length})`);
    if (indices.length !== values.length)
      throw new ShapeError(
        `${fn}: indices and values must have the same length (got ${indices.length} and ${values.length})`,
      );
    if (indptr[0] !== 0 || indptr[rows] !== values.length)
      throw new ShapeError(
        `${fn}: indptr must run from 0 to the number of values ${values.length} (got ${indptr[0]} … ${indptr[rows]})`,
      );
    for (let i = 0; i < rows; i++) {
      const start = indptr[i]!;
      const end = indptr[i + 1]!;
      if (end < start)
        throw new ShapeError(`${fn}: indptr must not decrease (row ${i}: ${start} then ${end})`);
      for (let p = start; p < end; p++) {
        const j = indices[p]!;
        if (j < 0 || j >= cols)
          throw new ShapeError(`${fn}: column ${j} of row ${i} is outside [0, ${cols})`);
        if (p > start && j <= indices[p - 1]!)
          throw new ShapeError(
            `${fn}: the columns of row ${i} must be strictly ascending (${indices[p - 1]} then ${j})`,
          );
        if (!Number.isFinite(values[p]!))
          throw new NonFiniteError(`${fn}: values must be finite (row ${i}, column ${j} is ${values[p]})`, p);
      }
    }
    this.rows = rows;
    this.cols = cols;
    this.indptr = indptr;
    this.indices = indices;
    this.values = values;
  }

  /** Number of stored values. */
  get nnz(): number {
    return this.values.length;
  }

  /** The nonzeros of a dense matrix (−0 is a zero). @throws NonFiniteError for NaN or ±Infinity */
  static fromDense(a: Matrix): CsrMatrix {
    const indptr = new Int32Array(a.rows + 1);
    const indices: number[] = [];
    const values: number[] = [];
    for (let i = 0; i < a.rows; i++) {
      for (let j = 0; j < a.cols; j++) {
        const v = a.get(i, j);
        if (!Number.isFinite(v))
          throw new NonFiniteError(
            `CsrMatrix.fromDense: a must be finite (row ${i}, column ${j} is ${v})`,
            i,
          );
        if (v !== 0) {
          indices.push(j);
          values.push(v);
        }
      }
      indptr[i + 1] = values.length;
    }
    return new CsrMatrix(a.rows, a.cols, indptr, Int32Array.from(indices), Float64Array.from(values));
  }

  /**
   * From (row, column, value) triplets in any order; values at the same position are summed
   * (scipy's `coo_matrix(…).tocsr()`).
   * @throws ShapeError when the three arrays differ in length or a position is outside the shape
   */
  static fromTriplets(
    rows: number,
    cols: number,
    r: ArrayLike<number>,
    c: ArrayLike<number>,
    v: ArrayLike<number>,
  ): CsrMatrix {
    const fn = 'CsrMatrix.fromTriplets';
    assertSize(fn, 'rows', rows);
    assertSize(fn, 'cols', cols);
    if (r.length !== c.length || r.length !== v.length)
      throw new ShapeError(
        `${fn}: rows, columns and values must have the same length (got ${r.length}, ${c.length}, ${v.length})`,
      );
    const order = Array.from({ length: r.length }, (_, k) => k);
    for (const k of order) {
      const [i, j] = [r[k]!, c[k]!];
      if (!Number.isInteger(i) || i < 0 || i >= rows || !Number.isInteger(j) || j < 0 || j >= cols)
        throw new ShapeError(`${fn}: position (${i}, ${j}) of entry ${k} is outside ${rows}×${cols}`);
    }
    order.sort((x, y) => r[x]! - r[y]! || c[x]! - c[y]! || x - y);
    const indptr = new Int32Array(rows + 1);
    const indices: number[] = [];
    const values: number[] = [];
    let lastRow = -1;
    let lastCol = -1;
    for (const k of order) {
      const [i, j] = [r[k]!, c[k]!];
      if (i === lastRow && j === lastCol) values[values.length - 1] = values[values.length - 1]! + v[k]!;
      else {
        indices.push(j);
        values.push(v[k]!);
        indptr[i + 1]!++;
        [lastRow, lastCol] = [i, j];
      }
    }
    for (let i = 0; i < rows; i++) indptr[i + 1] = indptr[i + 1]! + indptr[i]!;
    return new CsrMatrix(rows, cols, indptr, Int32Array.from(indices), Float64Array.from(values));
  }

  /** The dense matrix. */
  toDense(): Matrix {
    const out = new Matrix(this.rows, this.cols);
    for (let i = 0; i < this.rows; i++)
      for (let p = this.indptr[i]!; p < this.indptr[i + 1]!; p++)
        out.data[i * this.cols + this.indices[p]!] = this.values[p]!;
    return out;
  }

  /** Aᵀ, also in CSR (a counting sort by column: O(nnz + rows + cols)). */
  transpose(): CsrMatrix {
    const { rows, cols, indptr, indices, values } = this;
    const counts = new Int32Array(cols + 1);
    for (let p = 0; p < indices.length; p++) counts[indices[p]! + 1]!++;
    for (let j = 0; j < cols; j++) counts[j + 1] = counts[j + 1]! + counts[j]!;
    const tIndptr = Int32Array.from(counts);
    const next = counts.subarray(0, cols);
    const tIndices = new Int32Array(indices.length);
    const tValues = new Float64Array(values.length);
    for (let i = 0; i < rows; i++)
      for (let p = indptr[i]!; p < indptr[i + 1]!; p++) {
        const q = next[indices[p]!]!++;
        tIndices[q] = i;
        tValues[q] = values[p]!;
      }
    return new CsrMatrix(cols, rows, tIndptr, tIndices, tValues);
  }

  /**
   * A·B for a dense B (cols × k): each stored a_ij adds a_ij·B(j, :) to row i of the result.
   * @throws ShapeError when B has not `cols` rows
   */
  matmul(b: Matrix): Matrix {
    if (b.rows !== this.cols)
      throw new ShapeError(`CsrMatrix.matmul: b must have ${this.cols} rows (got ${b.rows}×${b.cols})`);
    const k = b.cols;
    const bd = denseRows(b);
    const out = new Matrix(this.rows, k);
    for (let i = 0; i < this.rows; i++) {
      const o = i * k;
      for (let p = this.indptr[i]!; p < this.indptr[i + 1]!; p++) {
        const v = this.values[p]!;
        const r = this.indices[p]! * k;
        for (let c = 0; c < k; c++) out.data[o + c] = out.data[o + c]! + v * bd[r + c]!;
      }
    }
    return out;
  }

  /**
   * Aᵀ·B for a dense B (rows × k), without forming Aᵀ: each stored a_ij adds a_ij·B(i, :) to row j.
   * @throws ShapeError when B has not `rows` rows
   */
  transposeMatmul(b: Matrix): Matrix {
    if (b.rows !== this.rows)
      throw new ShapeError(
        `CsrMatrix.transposeMatmul: b must have ${this.rows} rows (got ${b.rows}×${b.cols})`,
      );
    const k = b.cols;
    const bd = denseRows(b);
    const out = new Matrix(this.cols, k);
    for (let i = 0; i < this.rows; i++) {
      const r = i * k;
      for (let p = this.indptr[i]!; p < this.indptr[i + 1]!; p++) {
        const v = this.values[p]!;
        const o = this.indices[p]! * k;
        for (let c = 0; c < k; c++) out.data[o + c] = out.data[o + c]! + v * bd[r + c]!;
      }
    }
    return out;
  }

  /** AᵀA (cols × cols, dense): the outer products of the rows' nonzeros, O(Σᵢ nnzᵢ²). */
  gram(): Matrix {
    const n = this.cols;
    const out = new Matrix(n, n);
    for (let i = 0; i < this.rows; i++) {
      const start = this.indptr[i]!;
      const end = this.indptr[i + 1]!;
      for (let p = start; p < end; p++) {
        const vp = this.values[p]!;
        const row = this.indices[p]! * n;
        for (let q = start; q < end; q++)
          out.data[row + this.indices[q]!] = out.data[row + this.indices[q]!]! + vp * this.values[q]!;
      }
    }
    return out;
  }

  /** Column sums (length cols). */
  columnSums(): Float64Array {
    const out = new Float64Array(this.cols);
    for (let p = 0; p < this.values.length; p++)
      out[this.indices[p]!] = out[this.indices[p]!]! + this.values[p]!;
    return out;
  }

  /** Euclidean norm of every row (length rows), scaled against overflow and underflow. */
  rowNorms(): Float64Array {
    const out = new Float64Array(this.rows);
    for (let i = 0; i < this.rows; i++) {
      let scale = 0;
      for (let p = this.indptr[i]!; p < this.indptr[i + 1]!; p++)
        scale = Math.max(scale, Math.abs(this.values[p]!));
      if (scale === 0) continue;
      let s = 0;
      for (let p = this.indptr[i]!; p < this.indptr[i + 1]!; p++) s += (this.values[p]! / scale) ** 2;
      out[i] = scale * Math.sqrt(s);
    }
    return out;
  }

  /**
   * The rows at `index` (in that order, repeats allowed), as scipy's `A[index]`.
   * @throws DomainError for an index that is not an integer in [0, rows)
   */
  takeRows(index: ArrayLike<number>): CsrMatrix {
    const indptr = new Int32Array(index.length + 1);
    let nnz = 0;
    for (let t = 0; t < index.length; t++) {
      const i = index[t]!;
      if (!Number.isInteger(i) || i < 0 || i >= this.rows)
        throw new DomainError(
          `CsrMatrix.takeRows: index ${t} must be an integer in [0, ${this.rows}) (got ${i})`,
        );
      nnz += this.indptr[i + 1]! - this.indptr[i]!;
      indptr[t + 1] = nnz;
    }
    const indices = new Int32Array(nnz);
    const values = new Float64Array(nnz);
    for (let t = 0; t < index.length; t++) {
      const i = index[t]!;
      indices.set(this.indices.subarray(this.indptr[i]!, this.indptr[i + 1]!), indptr[t]!);
      values.set(this.values.subarray(this.indptr[i]!, this.indptr[i + 1]!), indptr[t]!);
    }
    return new CsrMatrix(index.length, this.cols, indptr, indices, values);
  }
}
