/**
 * Out-of-memory as a clear error: a method that allocates memory growing with its input (an n×n
 * kernel, say) runs its allocations through {@link guardAllocation}, so that when the runtime
 * cannot provide the arrays the caller reads what was asked for and why, instead of the bare
 * `RangeError: Array buffer allocation failed` of the typed-array constructor.
 *
 * @module
 */
import { DomainError } from './errors.js';

/** Whether an error is the runtime's refusal to allocate an ArrayBuffer or typed array. */
export function isAllocationFailure(e: unknown): boolean {
  return (
    e instanceof RangeError &&
    /allocation failed|Array buffer allocation|Invalid typed array length|Invalid array buffer length|out of memory/i.test(
      e.message,
    )
  );
}

/**
 * Runs `work`; an allocation failure inside it becomes a DomainError that names the function, what
 * was being built and the memory it needs (`bytes`), e.g. `fitPlcl: not enough memory for the
 * n×n kernel of 10939 training rows (about 3829 MB in all); train on fewer rows`.
 * @throws DomainError when the runtime cannot allocate the arrays; other errors pass through
 */
export function guardAllocation<T>(
  fn: string,
  what: string,
  bytes: number,
  advice: string,
  work: () => T,
): T {
  try {
    return work();
  } catch (e) {
    if (!isAllocationFailure(e)) throw e;
    const mb = Math.ceil(bytes / 2 ** 20);
    throw new DomainError(`${fn}: not enough memory for ${what} (about ${mb} MB in all); ${advice}`);
  }
}
