/**
 * Errors of the command line: a message, an exit code and a one-line hint.
 *
 * Exit codes: 0 success; 1 a verification failed; 2 usage error (unknown command or option,
 * missing argument); 3 an input file is missing, unreadable, of the wrong format or shape.
 *
 * @module
 */
import { DomainError, FormatError, NonFiniteError, ShapeError } from '@numts/core';

/** Exit code of a failed verification. */
export const EXIT_VERIFY_FAILED = 1;
/** Exit code of a usage error. */
export const EXIT_USAGE = 2;
/** Exit code of a bad input file. */
export const EXIT_INPUT = 3;

/** An error the command reports as `error: <message>` plus `hint: <hint>`, exiting with `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_USAGE,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Maps a numts error thrown while reading or using an input to a CliError with a hint. */
export function asInputError(e: unknown, what: string): CliError {
  if (e instanceof CliError) return e;
  if (e instanceof FormatError)
    return new CliError(`${what}: ${e.message}`, EXIT_INPUT, 'the file is not in the expected format');
  if (e instanceof ShapeError)
    return new CliError(
      `${what}: ${e.message}`,
      EXIT_INPUT,
      'the arrays do not fit together; check their shapes',
    );
  if (e instanceof NonFiniteError)
    return new CliError(`${what}: ${e.message}`, EXIT_INPUT, 'the input contains NaN or infinite values');
  if (e instanceof DomainError)
    return new CliError(`${what}: ${e.message}`, EXIT_USAGE, 'an option is out of range');
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'ENOENT')
    return new CliError(`${what}: no such file: ${err.path ?? ''}`, EXIT_INPUT, 'check the path');
  if (err?.code === 'EISDIR')
    return new CliError(`${what}: ${err.path ?? ''} is a directory, not a file`, EXIT_INPUT, 'pass a file');
  return new CliError(`${what}: ${(e as Error)?.message ?? String(e)}`, EXIT_INPUT);
}
