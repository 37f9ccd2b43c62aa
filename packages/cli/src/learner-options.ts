/**
 * `--opt key=value` of the eval commands: the option schema of each learner and the parser that
 * checks a user's options against it. Ranges are checked by the learner itself (its errors name the
 * option and the rule); this file checks that the key exists and that the value has the right kind.
 *
 * @module
 */
import { DomainError, describeOptionKind, type OptionSchema, parseOptionValue } from '@numts/core';
import { CliError, EXIT_USAGE } from './cli-error.js';

/** `--help` lines listing each option of `schema` and its kind. */
export function describeSchema(schema: OptionSchema): string {
  return Object.entries(schema)
    .map(([name, kind]) => `${name} (${describeOptionKind(kind)})`)
    .join(', ');
}

/**
 * Parses repeated `--opt key=value` arguments for the learner `method` against `schema`.
 *
 * @throws CliError (usage) when an argument is not `key=value`, names an option the learner does not
 * have (the message lists the valid ones), repeats an option, or gives a value of the wrong kind.
 */
export function parseLearnerOptions(
  method: string,
  schema: OptionSchema,
  args: readonly string[] | undefined,
): Record<string, number | string> {
  const out: Record<string, number | string> = Object.create(null);
  const valid = Object.keys(schema);
  for (const arg of args ?? []) {
    const eq = arg.indexOf('=');
    if (eq <= 0)
      throw new CliError(
        `--opt must be key=value (got ${JSON.stringify(arg)})`,
        EXIT_USAGE,
        `options of ${method}: ${describeSchema(schema)}`,
      );
    const key = arg.slice(0, eq);
    const text = arg.slice(eq + 1);
    const kind = Object.hasOwn(schema, key) ? schema[key] : undefined;
    if (kind === undefined)
      throw new CliError(
        `--opt: ${method} has no option ${JSON.stringify(key)}; valid options: ${valid.length ? valid.join(', ') : '(none)'}`,
        EXIT_USAGE,
      );
    if (Object.hasOwn(out, key))
      throw new CliError(`--opt: ${key} is given twice (${out[key]} and ${text})`, EXIT_USAGE);
    try {
      out[key] = parseOptionValue(key, kind, text);
    } catch (e) {
      throw new CliError(`--opt ${(e as Error).message}`, EXIT_USAGE);
    }
  }
  return out;
}

/**
 * When `e` is a learner's range error about one of the options the user gave with `--opt`, a usage
 * error naming that option (exit 2, not "bad data"); otherwise undefined.
 */
export function optionRangeError(
  e: unknown,
  method: string,
  given: Readonly<Record<string, number | string>>,
  command = 'pll eval',
): CliError | undefined {
  if (!(e instanceof DomainError)) return undefined;
  const key = Object.keys(given).find((k) => new RegExp(`(^|[\\s:])${k} must\\b`).test(e.message));
  if (key === undefined) return undefined;
  return new CliError(
    `--opt ${key}=${given[key]}: ${e.message}`,
    EXIT_USAGE,
    `${method} refuses this value; see numts ${command} --help`,
  );
}
