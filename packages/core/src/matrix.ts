/**
 * Dense, strided two-dimensional arrays: {@link Matrix} (Float64) and {@link Matrix32} (Float32).
 *
 * Element (i, j) lives at `data[offset + i·rowStride + j·colStride]`. A freshly allocated matrix is
 * row-major and contiguous (`rowStride = cols`, `colStride = 1`, `offset = 0`); slices and
 * transposes are views that share `data`.
 *
 * @module
 */
import { FormatError, ShapeError } from './errors.js';
import { assertStridedLayout } from './strided.js';
import { assertInteger, assertSize } from './validate.js';

/** The floating-point storage types of numts matrices. */
export type FloatArray = Float64Array | Float32Array;

/** Optional layout of a matrix inside its `data` array. */
export interface MatrixLayout {
  /** Flat index of element (0, 0). Default 0. */
  offset?: number;
  /** Distance between rows. Default `cols` (row-major). */
  rowStride?: number;
  /** Distance between columns. Default 1. */
  colStride?: number;
}

/** Marks constructor calls from views whose layout was derived from an already valid matrix. */
const TRUSTED: unique symbol = Symbol('trusted layout');

/** A matrix as plain JSON: sizes and row-major entries (JSON has no NaN: a null entry decodes as NaN). */
export interface MatrixJson {
  rows: number;
  cols: number;
  data: number[];
}

/** Shared behaviour of {@link Matrix} and {@link Matrix32}. */
abstract class StridedMatrix<D extends FloatArray> {
  /** Backing storage; may be shared with other views. */
  readonly data: D;
  /** Number of rows. */
  readonly rows: number;
  /** Number of columns. */
  readonly cols: number;
  /** Flat index of element (0, 0). */
  readonly offset: number;
  /** Distance in `data` between consecutive rows. */
  readonly rowStride: number;
  /** Distance in `data` between consecutive columns. */
  readonly colStride: number;

  protected constructor(
    fn: string,
    rows: number,
    cols: number,
    data: D,
    layout: MatrixLayout,
    check: boolean,
  ) {
    const offset = layout.offset ?? 0;
    const rowStride = layout.rowStride ?? cols;
    const colStride = layout.colStride ?? 1;
    if (check) {
      assertSize(fn, 'rows', rows);
      assertSize(fn, 'cols', cols);
      assertInteger(fn, 'offset', offset);
      if (layout.rowStride === undefined && layout.colStride === undefined && layout.offset === undefined) {
        if (data.length !== rows * cols) {
          throw new ShapeError(
            `${fn}: data length must equal rows·cols = ${rows * cols} (got ${data.length})`,
          );
        }
      } else {
        assertStridedLayout(fn, 'matrix', data.length, [rows, cols], [rowStride, colStride], offset);
      }
    }
    this.data = data;
    this.rows = rows;
    this.cols = cols;
    this.offset = offset;
    this.rowStride = rowStride;
    this.colStride = colStride;
  }

  /** `[rows, cols]`, as in ndarray. */
  get shape(): [number, number] {
    return [this.rows, this.cols];
  }

  /** `[rowStride, colStride]`, as in ndarray. */
  get stride(): [number, number] {
    return [this.rowStride, this.colStride];
  }

  /** Number of elements, rows·cols. */
  get size(): number {
    return this.rows * this.cols;
  }

  /** True when the matrix is row-major and gap-free from `offset` (rowStride = cols, colStride = 1). */
  get isContiguous(): boolean {
    return (this.colStride === 1 || this.cols <= 1) && (this.rowStride === this.cols || this.rows <= 1);
  }

  /** Element (i, j); throws `ShapeError` for an index out of range. */
  get(i: number, j: number): number {
    this.checkIndex('get', i, j);
    return this.data[this.offset + i * this.rowStride + j * this.colStride]!;
  }

  /** Sets element (i, j); throws `ShapeError` for an index out of range. */
  set(i: number, j: number, value: number): void {
    this.checkIndex('set', i, j);
    this.data[this.offset + i * this.rowStride + j * this.colStride] = value;
  }

  /** The rows of the matrix as nested arrays. */
  toArray(): number[][] {
    const out: number[][] = [];
    for (let i = 0; i < this.rows; i++) {
      const row = new Array<number>(this.cols);
      for (let j = 0; j < this.cols; j++)
        row[j] = this.data[this.offset + i * this.rowStride + j * this.colStride]!;
      out.push(row);
    }
    return out;
  }

  /** Copies the elements in row-major order into a fresh contiguous array of the same type. */
  protected copyData(): D {
    const out = new (this.data.constructor as new (n: number) => D)(this.rows * this.cols);
    if (this.isContiguous) {
      out.set(this.data.subarray(this.offset, this.offset + this.rows * this.cols) as never);
      return out;
    }
    let w = 0;
    for (let i = 0; i < this.rows; i++) {
      let q = this.offset + i * this.rowStride;
      for (let j = 0; j < this.cols; j++, q += this.colStride) out[w++] = this.data[q]!;
    }
    return out;
  }

  /** Validates slice bounds and returns the layout of the view. */
  protected sliceLayout(r0: number, r1: number, c0: number, c1: number): MatrixLayout {
    for (const [name, v, max] of [
      ['rowStart', r0, this.rows],
      ['rowEnd', r1, this.rows],
      ['colStart', c0, this.cols],
      ['colEnd', c1, this.cols],
    ] as const) {
      assertSize('slice', name, v);
      if (v > max) throw new ShapeError(`slice: ${name} must be at most ${max} (got ${v})`);
    }
    if (r1 < r0) throw new ShapeError(`slice: rowEnd must be ≥ rowStart (got ${r0}..${r1})`);
    if (c1 < c0) throw new ShapeError(`slice: colEnd must be ≥ colStart (got ${c0}..${c1})`);
    return {
      offset: this.offset + r0 * this.rowStride + c0 * this.colStride,
      rowStride: this.rowStride,
      colStride: this.colStride,
    };
  }

  private checkIndex(fn: string, i: number, j: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.rows || !Number.isInteger(j) || j < 0 || j >= this.cols) {
      throw new ShapeError(`${fn}: index (${i}, ${j}) is outside a ${this.rows}x${this.cols} matrix`);
    }
  }
}

/**
 * A Float64 matrix with strided storage.
 *
 * @example
 * ```ts
 * const a = new Matrix(2, 3, Float64Array.of(1, 2, 3, 4, 5, 6));
 * a.get(1, 0); // 4
 * a.T.get(0, 1); // 4 (a transposed view)
 * ```
 */
export class Matrix extends StridedMatrix<Float64Array> {
  /**
   * @param rows - number of rows (non-negative integer)
   * @param cols - number of columns (non-negative integer)
   * @param data - storage; a fresh zero-filled array when omitted. Without a layout its length must
   *   be rows·cols; with a layout every addressed index must lie inside it.
   * @param layout - offset and strides of a view into `data`
   * @throws ShapeError for non-integer or negative sizes, bad strides or too short `data`
   */
  constructor(
    rows: number,
    cols: number,
    data?: Float64Array,
    layout: MatrixLayout = {},
    trusted?: typeof TRUSTED,
  ) {
    if (trusted === TRUSTED) {
      super('Matrix', rows, cols, data!, layout, false);
      return;
    }
    if (data !== undefined && !(data instanceof Float64Array)) {
      throw new TypeError(
        `Matrix: data must be a Float64Array (got ${Object.prototype.toString.call(data)})`,
      );
    }
    assertSize('Matrix', 'rows', rows);
    assertSize('Matrix', 'cols', cols);
    super('Matrix', rows, cols, data ?? new Float64Array(rows * cols), layout, data !== undefined);
  }

  /** A view that trusts its arguments (for kernels that derived them from a valid matrix). */
  static view(
    rows: number,
    cols: number,
    data: Float64Array,
    offset: number,
    rowStride: number,
    colStride: number,
  ): Matrix {
    return new Matrix(rows, cols, data, { offset, rowStride, colStride }, TRUSTED);
  }

  /** The transpose as a view sharing `data` (no copy). */
  get T(): Matrix {
    return Matrix.view(this.cols, this.rows, this.data, this.offset, this.colStride, this.rowStride);
  }

  /** A contiguous row-major copy. */
  clone(): Matrix {
    return new Matrix(this.rows, this.cols, this.copyData());
  }

  /** The JSON form `{ rows, cols, data }` (row-major entries) that saved models use. */
  toJSON(): MatrixJson {
    return { rows: this.rows, cols: this.cols, data: Array.from(this.copyData()) };
  }

  /**
   * Decodes the JSON form of {@link Matrix.toJSON}, checking the sizes against the data present.
   * @param where - names the caller and the field in the error message, e.g. `PlCl.fromJSON: coef`
   * @throws FormatError when rows/cols are not sizes or data is not an array of rows·cols entries
   */
  static fromJSON(json: unknown, where = 'Matrix.fromJSON'): Matrix {
    const m = json as Partial<MatrixJson> | null;
    const rows = m?.rows;
    const cols = m?.cols;
    if (!Number.isSafeInteger(rows) || !Number.isSafeInteger(cols) || rows! < 0 || cols! < 0)
      throw new FormatError(
        `${where}: rows and cols must be non-negative integers (got ${rows} and ${cols})`,
      );
    const data = m?.data;
    if (!Array.isArray(data) || data.length !== rows! * cols!)
      throw new FormatError(
        `${where}: data must be an array of rows·cols = ${rows! * cols!} numbers (got ${Array.isArray(data) ? data.length : typeof data})`,
      );
    return new Matrix(
      rows!,
      cols!,
      Float64Array.from(data, (v: unknown) => (typeof v === 'number' ? v : Number.NaN)),
    );
  }

  /** This matrix when it is contiguous with offset 0, otherwise a contiguous copy. */
  toContiguous(): Matrix {
    return this.isContiguous && this.offset === 0 && this.data.length === this.size ? this : this.clone();
  }

  /**
   * The view of rows `rowStart ≤ i < rowEnd` and columns `colStart ≤ j < colEnd` (no copy).
   * @throws ShapeError when a bound is outside the matrix or an end precedes its start
   */
  slice(rowStart: number, rowEnd: number, colStart = 0, colEnd = this.cols): Matrix {
    const l = this.sliceLayout(rowStart, rowEnd, colStart, colEnd);
    return Matrix.view(
      rowEnd - rowStart,
      colEnd - colStart,
      this.data,
      l.offset!,
      l.rowStride!,
      l.colStride!,
    );
  }

  /** A Float32 copy (rounded to nearest). */
  toFloat32(): Matrix32 {
    return new Matrix32(this.rows, this.cols, Float32Array.from(this.copyData()));
  }
}

/** A Float32 matrix with strided storage; the storage type of `@numts/nn`. */
export class Matrix32 extends StridedMatrix<Float32Array> {
  /**
   * @param rows - number of rows (non-negative integer)
   * @param cols - number of columns (non-negative integer)
   * @param data - storage; a fresh zero-filled array when omitted
   * @param layout - offset and strides of a view into `data`
   * @throws ShapeError for non-integer or negative sizes, bad strides or too short `data`
   */
  constructor(
    rows: number,
    cols: number,
    data?: Float32Array,
    layout: MatrixLayout = {},
    trusted?: typeof TRUSTED,
  ) {
    if (trusted === TRUSTED) {
      super('Matrix32', rows, cols, data!, layout, false);
      return;
    }
    if (data !== undefined && !(data instanceof Float32Array)) {
      throw new TypeError(
        `Matrix32: data must be a Float32Array (got ${Object.prototype.toString.call(data)})`,
      );
    }
    assertSize('Matrix32', 'rows', rows);
    assertSize('Matrix32', 'cols', cols);
    super('Matrix32', rows, cols, data ?? new Float32Array(rows * cols), layout, data !== undefined);
  }

  /** A view that trusts its arguments. */
  static view(
    rows: number,
    cols: number,
    data: Float32Array,
    offset: number,
    rowStride: number,
    colStride: number,
  ): Matrix32 {
    return new Matrix32(rows, cols, data, { offset, rowStride, colStride }, TRUSTED);
  }

  /** The transpose as a view sharing `data` (no copy). */
  get T(): Matrix32 {
    return Matrix32.view(this.cols, this.rows, this.data, this.offset, this.colStride, this.rowStride);
  }

  /** A contiguous row-major copy. */
  clone(): Matrix32 {
    return new Matrix32(this.rows, this.cols, this.copyData());
  }

  /** The view of a block of rows and columns (no copy). */
  slice(rowStart: number, rowEnd: number, colStart = 0, colEnd = this.cols): Matrix32 {
    const l = this.sliceLayout(rowStart, rowEnd, colStart, colEnd);
    return Matrix32.view(
      rowEnd - rowStart,
      colEnd - colStart,
      this.data,
      l.offset!,
      l.rowStride!,
      l.colStride!,
    );
  }

  /** A Float64 copy (exact). */
  toFloat64(): Matrix {
    return new Matrix(this.rows, this.cols, Float64Array.from(this.copyData()));
  }
}
