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

/** Maps an error of the file system on `path` to one line that names the path and the problem. */
export function fileError(e: unknown, path: string): CliError {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT')
    return new CliError(`${path}: no such file or directory`, EXIT_INPUT, 'check the path');
  if (code === 'EISDIR')
    return new CliError(`${path}: is a directory, not a file`, EXIT_INPUT, 'pass a file');
  if (code === 'ENOTDIR')
    return new CliError(`${path}: a part of the path is not a directory`, EXIT_INPUT, 'check the path');
  if (code === 'EACCES' || code === 'EPERM')
    return new CliError(`${path}: permission denied`, EXIT_INPUT, 'check the file permissions');
  return new CliError(`${path}: ${(e as Error)?.message ?? String(e)}`, EXIT_INPUT);
}

/**
 * Maps a numts error thrown while reading or using an input to a CliError with a hint; `what`
 * names the input (a path) or the step that failed.
 */
export function asInputError(e: unknown, what: string): CliError {
  if (e instanceof CliError) return e;
  if ((e as NodeJS.ErrnoException)?.code) return fileError(e, (e as NodeJS.ErrnoException).path ?? what);
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
    return new CliError(`${what}: ${e.message}`, EXIT_INPUT, 'the data is outside what the method accepts');
  return new CliError(`${what}: ${(e as Error)?.message ?? String(e)}`, EXIT_INPUT);
}
