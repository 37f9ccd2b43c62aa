/**
 * A problem with one of the user's files: which file, what went wrong (the io error's message),
 * and what the workbench expected there. The worker sends all three to the page.
 *
 * @module
 */
export class InputProblem extends Error {
  constructor(
    /** The file's name or path in the dropped folder; undefined when no single file is at fault. */
    readonly file: string | undefined,
    message: string,
    /** What a good input looks like. */
    readonly expected: string,
  ) {
    super(message);
    this.name = 'InputProblem';
  }
}

/** Runs `parse`; any error it throws becomes an InputProblem naming the file (when one is at fault). */
export function parsing<T>(file: string | undefined, expected: string, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof InputProblem) throw e;
    throw new InputProblem(file, (e as Error).message, expected);
  }
}
