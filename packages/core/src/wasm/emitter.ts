/**
 * A small typed WebAssembly emitter: the kernels of the wasm backend are written in TypeScript as
 * calls on a {@link FunctionBuilder}, and {@link encodeModule} turns them into the bytes of a
 * module (binary format of the WebAssembly 2.0 core spec, with the fixed-width SIMD proposal that
 * is part of it). Only what the kernels use is here: i32 arithmetic and comparisons, structured
 * control flow, locals, scalar f64 loads, stores and arithmetic, and v128 loads, stores, splats and
 * f64x2 / f32x4 arithmetic.
 *
 * There is no C, no toolchain and no committed binary: the module is built from this source when
 * the backend loads, and its bytes are a pure function of the code (a test pins them).
 *
 * @module
 */

/** Value types (binary encodings of the spec). */
export const ValType = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b } as const;
/** One of the {@link ValType} encodings. */
export type ValType = (typeof ValType)[keyof typeof ValType];

/** Unsigned LEB128 of a non-negative integer below 2³². */
export function uleb(value: number, out: number[] = []): number[] {
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 of a 32-bit integer. */
export function sleb(value: number, out: number[] = []): number[] {
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

function utf8(name: string): number[] {
  const bytes = Array.from(new TextEncoder().encode(name));
  return [...uleb(bytes.length), ...bytes];
}

/** A local variable (or parameter) of a function under construction. */
export interface Local {
  readonly index: number;
  readonly type: ValType;
}

/** Locals declared together; the first ten destructure as `Local` (not `Local | undefined`). */
export type Locals = Local[] & Record<0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9, Local>;

/** A label of an enclosing block or loop, for `br` / `br_if`. */
export interface Label {
  readonly depth: number;
}

const SIMD = 0xfd;

/**
 * Builds the body of one function: parameters first, then locals declared with {@link local}.
 * Instructions are appended in stack-machine order; structured control takes callbacks so that
 * `end` is never forgotten and branch depths are computed, not written by hand.
 */
export class FunctionBuilder {
  readonly params: Locals;
  private readonly declared: Local[] = [];
  private readonly code: number[] = [];
  private depth = 0;

  constructor(
    readonly name: string,
    paramTypes: readonly ValType[],
    readonly results: readonly ValType[] = [],
  ) {
    this.params = paramTypes.map((type, index) => ({ index, type })) as Locals;
  }

  /** Declares a local of the given type. */
  local(type: ValType): Local {
    const l = { index: this.params.length + this.declared.length, type };
    this.declared.push(l);
    return l;
  }

  /** Declares `count` locals of one type (destructure them: `const [i, j] = f.locals(i32, 2)`). */
  locals(type: ValType, count: number): Locals {
    return Array.from({ length: count }, () => this.local(type)) as Locals;
  }

  private op(...bytes: number[]): this {
    this.code.push(...bytes);
    return this;
  }

  private simd(opcode: number, ...immediates: number[]): this {
    return this.op(SIMD, ...uleb(opcode), ...immediates);
  }

  private memarg(alignLog2: number, offset: number): number[] {
    return [...uleb(alignLog2), ...uleb(offset)];
  }

  get(l: Local): this {
    return this.op(0x20, ...uleb(l.index));
  }
  set(l: Local): this {
    return this.op(0x21, ...uleb(l.index));
  }
  tee(l: Local): this {
    return this.op(0x22, ...uleb(l.index));
  }
  i32(value: number): this {
    return this.op(0x41, ...sleb(value));
  }
  /** f64.const (eight little-endian bytes). */
  f64(value: number): this {
    const bytes = new DataView(new ArrayBuffer(8));
    bytes.setFloat64(0, value, true);
    return this.op(0x44, ...new Uint8Array(bytes.buffer));
  }
  i32Add(): this {
    return this.op(0x6a);
  }
  i32Sub(): this {
    return this.op(0x6b);
  }
  i32Mul(): this {
    return this.op(0x6c);
  }
  i32LtU(): this {
    return this.op(0x49);
  }
  i32Shl(): this {
    return this.op(0x74);
  }
  i32ShrU(): this {
    return this.op(0x76);
  }
  i32And(): this {
    return this.op(0x71);
  }
  /** i32.load with a 4-byte alignment hint. */
  i32Load(offset = 0): this {
    return this.op(0x28, ...this.memarg(2, offset));
  }
  /** f64.load with an 8-byte alignment hint. */
  f64Load(offset = 0): this {
    return this.op(0x2b, ...this.memarg(3, offset));
  }
  i32Eqz(): this {
    return this.op(0x45);
  }
  /** f64.eq (1 when the two operands are equal; +0 equals −0, NaN equals nothing). */
  f64Eq(): this {
    return this.op(0x61);
  }
  /** f64.store with an 8-byte alignment hint. */
  f64Store(offset = 0): this {
    return this.op(0x39, ...this.memarg(3, offset));
  }
  f64Add(): this {
    return this.op(0xa0);
  }
  f64Sub(): this {
    return this.op(0xa1);
  }
  f64Mul(): this {
    return this.op(0xa2);
  }
  /** f64x2.extract_lane. */
  f64x2ExtractLane(lane: 0 | 1): this {
    return this.simd(0x21, lane);
  }

  /** Runs `emit` on this builder (to splice a computed instruction into a chain). */
  call(emit: () => unknown): this {
    emit();
    return this;
  }

  /** local ← local + delta (i32). */
  addTo(l: Local, delta: number | Local): this {
    this.get(l);
    if (typeof delta === 'number') this.i32(delta);
    else this.get(delta);
    return this.i32Add().set(l);
  }

  v128Load(offset = 0): this {
    return this.simd(0x00, ...this.memarg(4, offset));
  }
  v128Store(offset = 0): this {
    return this.simd(0x0b, ...this.memarg(4, offset));
  }
  v128Load64Splat(offset = 0): this {
    return this.simd(0x0a, ...this.memarg(3, offset));
  }
  v128Load32Splat(offset = 0): this {
    return this.simd(0x09, ...this.memarg(2, offset));
  }
  /** v128.const of sixteen zero bytes. */
  v128Zero(): this {
    return this.simd(0x0c, ...new Array<number>(16).fill(0));
  }
  f64x2Splat(): this {
    return this.simd(0x14);
  }
  f64x2Neg(): this {
    return this.simd(0xed);
  }
  f64x2Add(): this {
    return this.simd(0xf0);
  }
  f64x2Sub(): this {
    return this.simd(0xf1);
  }
  f64x2Mul(): this {
    return this.simd(0xf2);
  }
  f32x4Add(): this {
    return this.simd(0xe4);
  }
  f32x4Mul(): this {
    return this.simd(0xe6);
  }

  /** `block … end`; the body receives the label a `br` jumps out with. */
  block(body: (out: Label) => void): this {
    this.op(0x02, 0x40);
    this.depth++;
    body({ depth: this.depth });
    this.depth--;
    return this.op(0x0b);
  }

  /** `loop … end`; the body receives the label a `br` jumps back to the top with. */
  loop(body: (top: Label) => void): this {
    this.op(0x03, 0x40);
    this.depth++;
    body({ depth: this.depth });
    this.depth--;
    return this.op(0x0b);
  }

  br(label: Label): this {
    return this.op(0x0c, ...uleb(this.depth - label.depth));
  }
  brIf(label: Label): this {
    return this.op(0x0d, ...uleb(this.depth - label.depth));
  }

  /** The encoded body: local declarations (one run per local), code, `end`. */
  encodeBody(): number[] {
    const decls: number[] = [...uleb(this.declared.length)];
    for (const l of this.declared) decls.push(1, l.type);
    const body = [...decls, ...this.code, 0x0b];
    return [...uleb(body.length), ...body];
  }

  /** The encoded function type. */
  encodeType(): number[] {
    return [
      0x60,
      ...uleb(this.params.length),
      ...this.params.map((p) => p.type),
      ...uleb(this.results.length),
      ...this.results,
    ];
  }
}

function section(id: number, payload: number[]): number[] {
  return [id, ...uleb(payload.length), ...payload];
}

function vector(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

/**
 * Encodes a module with one exported memory (`memory`, `minPages` pages of 64 KiB, growable) and
 * the given functions, each exported under its name.
 */
export function encodeModule(functions: readonly FunctionBuilder[], minPages: number): Uint8Array {
  const types = section(1, vector(functions.map((f) => f.encodeType())));
  const funcs = section(3, vector(functions.map((_, i) => uleb(i))));
  const memory = section(5, vector([[0x00, ...uleb(minPages)]]));
  const exports = section(
    7,
    vector([
      [...utf8('memory'), 0x02, 0x00],
      ...functions.map((f, i) => [...utf8(f.name), 0x00, ...uleb(i)]),
    ]),
  );
  const code = section(10, vector(functions.map((f) => f.encodeBody())));
  return Uint8Array.from([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...types,
    ...funcs,
    ...memory,
    ...exports,
    ...code,
  ]);
}
