/**
 * Delimited text (CSV, TSV, whitespace-separated) with a typed numeric fast path.
 *
 * @module
 */
import { FormatError, Matrix } from '@numts/core';

/** Options of {@link parseCsv}. */
export interface CsvOptions {
  /** Field separator: a character, or `'whitespace'` for runs of spaces and tabs. Default: guessed from the first line (tab, comma, semicolon, else whitespace). */
  delimiter?: string;
  /** Whether the first non-empty line holds column names. Default: guessed (true when it has a non-numeric field). */
  header?: boolean;
  /** Lines starting with this are skipped (default '#'). */
  comment?: string;
}

/** A parsed numeric table. */
export interface CsvTable {
  /** Column names (from the header, or `c0, c1, …`). */
  columns: string[];
  /** The values, rows × columns. */
  matrix: Matrix;
}

function guessDelimiter(line: string): string {
  if (line.includes('\t')) return '\t';
  if (line.includes(',')) return ',';
  if (line.includes(';')) return ';';
  return 'whitespace';
}

function split(line: string, delimiter: string): string[] {
  return delimiter === 'whitespace'
    ? line.trim().split(/[ \t]+/)
    : line.split(delimiter).map((s) => s.trim());
}

/**
 * Parses a numeric table. Empty lines and comment lines are skipped; quoted fields are unquoted
 * (no embedded delimiters in numeric tables). Empty fields and `NA`/`NaN`/`?` are NaN.
 * @throws FormatError naming the line for a row with the wrong number of fields or a non-numeric field
 * @example
 * ```ts
 * parseCsv('a,b\n1,2\n3,4').matrix.toArray(); // [[1, 2], [3, 4]]
 * ```
 */
export function parseCsv(input: string | Uint8Array | ArrayBuffer, options: CsvOptions = {}): CsvTable {
  const text = typeof input === 'string' ? input : new TextDecoder('utf-8').decode(input);
  const comment = options.comment ?? '#';
  const lines = text.split(/\r\n|\r|\n/); // Windows, Unix and classic Mac line ends
  let first = 0;
  while (
    first < lines.length &&
    (lines[first]!.trim() === '' || lines[first]!.trimStart().startsWith(comment))
  )
    first++;
  if (first === lines.length) return { columns: [], matrix: new Matrix(0, 0) };
  const delimiter = options.delimiter ?? guessDelimiter(lines[first]!);
  const unquote = (s: string) =>
    s.length >= 2 && (s[0] === '"' || s[0] === "'") && s[s.length - 1] === s[0] ? s.slice(1, -1) : s;
  const head = split(lines[first]!, delimiter).map(unquote);
  const header =
    options.header ?? head.some((f) => f !== '' && Number.isNaN(Number(f)) && !/^(na|nan|\?)$/i.test(f));
  const columns = header ? head : head.map((_, i) => `c${i}`);
  const d = columns.length;
  const values: number[] = [];
  let rows = 0;
  for (let li = header ? first + 1 : first; li < lines.length; li++) {
    const raw = lines[li]!;
    if (raw.trim() === '' || raw.trimStart().startsWith(comment)) continue;
    const fields = split(raw, delimiter);
    if (fields.length !== d) {
      throw new FormatError(
        `parseCsv: line ${li + 1} has ${fields.length} fields but ${d} columns are expected`,
        { line: li + 1 },
      );
    }
    for (let j = 0; j < d; j++) {
      const f = unquote(fields[j]!);
      if (f === '' || /^(na|nan|\?)$/i.test(f)) {
        values.push(Number.NaN);
        continue;
      }
      const v = Number(f);
      if (Number.isNaN(v))
        throw new FormatError(
          `parseCsv: line ${li + 1}, column ${JSON.stringify(columns[j])}: ${JSON.stringify(f)} is not a number`,
          { line: li + 1 },
        );
      values.push(v);
    }
    rows++;
  }
  return { columns, matrix: new Matrix(rows, d, Float64Array.from(values)) };
}
