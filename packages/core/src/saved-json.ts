/**
 * Checks shared by every `fromJSON` of a saved model, beside `Matrix.toJSON` / `Matrix.fromJSON`:
 * the format name and version, and number arrays of a stated length.
 *
 * @module
 */
import { FormatError } from './errors.js';

/** Decodes a JSON number array of a stated length (null entries become NaN). @throws FormatError otherwise */
export function vectorFromJSON(json: unknown, length: number, where: string): Float64Array {
  if (!Array.isArray(json) || json.length !== length)
    throw new FormatError(
      `${where}: expected an array of ${length} numbers (got ${Array.isArray(json) ? `${json.length} entries` : typeof json})`,
    );
  return Float64Array.from(json as unknown[], (v) => (typeof v === 'number' ? v : Number.NaN));
}

/**
 * Requires `json` to be an object with the given `format` name and `version`.
 * @param where - the caller, e.g. `IpalModel.fromJSON`
 * @throws FormatError naming both the expected and the found format and version
 */
export function assertSavedFormat(where: string, json: unknown, format: string, version = 1): void {
  const saved = json as { format?: unknown; version?: unknown } | null;
  if (saved?.format !== format || saved.version !== version)
    throw new FormatError(
      `${where}: expected format ${format} version ${version}, got ${JSON.stringify(saved?.format)} version ${saved?.version}`,
    );
}
