/**
 * The option schema of a learner: which options a user may set by name (from a command line, a
 * form, a config file) and what kind of value each takes. Ranges are checked by the learner itself.
 *
 * @module
 */
import { DomainError } from './errors.js';

/** The kind of value an option takes: a number, an integer, or one of a list of words. */
export type OptionKind = 'number' | 'integer' | readonly string[];

/** Option name → kind, for one learner. */
export type OptionSchema = Readonly<Record<string, OptionKind>>;

/** "number", "integer" or "one of a, b". */
export function describeOptionKind(kind: OptionKind): string {
  return typeof kind === 'string' ? kind : `one of ${kind.join(', ')}`;
}

/**
 * Parses the text a user typed for option `name` of kind `kind`.
 * @throws DomainError `<name> must be …` naming the kind and the text when it does not fit
 */
export function parseOptionValue(name: string, kind: OptionKind, text: string): number | string {
  if (typeof kind === 'string') {
    const value = text.trim() === '' ? Number.NaN : Number(text);
    if (!Number.isFinite(value) || (kind === 'integer' && !Number.isInteger(value)))
      throw new DomainError(
        `${name} must be a finite ${kind === 'integer' ? 'integer' : 'number'} (got ${JSON.stringify(text)})`,
      );
    return value;
  }
  if (!kind.includes(text))
    throw new DomainError(`${name} must be ${describeOptionKind(kind)} (got ${JSON.stringify(text)})`);
  return text;
}
