/**
 * Choice of the compute backend behind the BLAS-level kernels: `'wasm'` (WebAssembly SIMD128
 * kernels emitted from TypeScript, see `wasm/`) or `'js'` (the pure TypeScript kernels, the
 * reference and the fallback).
 *
 * The default is `'wasm'` when the runtime supports WebAssembly SIMD, else `'js'`; the environment
 * variable `NUMTS_BACKEND=js|wasm` (read once, for tests and benchmarks) or {@link setBackend}
 * override it. Float64 results are bit-identical on both backends (same blocking, packing and
 * summation order).
 *
 * @module
 */
import { DomainError } from './errors.js';
import { loadWasmKernels } from './wasm/gemm-wasm.js';

/** The compute backends. */
export type Backend = 'js' | 'wasm';

let chosen: Backend | undefined;

/** True when this runtime can compile and run the wasm SIMD kernels. */
export function wasmSimdSupported(): boolean {
  return loadWasmKernels() !== null;
}

function fromEnvironment(): Backend | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const value = env?.NUMTS_BACKEND;
  if (value === undefined || value === '') return undefined;
  if (value !== 'js' && value !== 'wasm')
    throw new DomainError(`NUMTS_BACKEND must be "js" or "wasm" (got ${JSON.stringify(value)})`);
  return value;
}

/** The backend the kernels use now. */
export function getBackend(): Backend {
  if (chosen === undefined) {
    const requested = fromEnvironment();
    if (requested === 'wasm' && !wasmSimdSupported())
      throw new DomainError('NUMTS_BACKEND=wasm: this runtime has no WebAssembly SIMD support');
    chosen = requested ?? (wasmSimdSupported() ? 'wasm' : 'js');
  }
  return chosen;
}

/**
 * Selects the backend for every later kernel call.
 * @throws DomainError for an unknown name, or `'wasm'` on a runtime without WebAssembly SIMD
 * @example
 * ```ts
 * setBackend('js'); // the pure TypeScript kernels
 * ```
 */
export function setBackend(backend: Backend): void {
  if (backend !== 'js' && backend !== 'wasm')
    throw new DomainError(`setBackend: backend must be "js" or "wasm" (got ${JSON.stringify(backend)})`);
  if (backend === 'wasm' && !wasmSimdSupported())
    throw new DomainError('setBackend: this runtime has no WebAssembly SIMD support; use "js"');
  chosen = backend;
}
