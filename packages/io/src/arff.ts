/**
 * WEKA ARFF files (dense and sparse rows), MULAN label lists (XML) and MEKA's `-C` relation option.
 *
 * @module
 */
import { CsrMatrix, DomainError, FormatError, Matrix, ShapeError } from '@numts/core';

/** An attribute declaration. */
export interface ArffAttribute {
  name: string;
  type: 'numeric' | 'nominal' | 'string';
  /** Declared values of a nominal attribute, in declaration order. */
  values?: string[];
  /** True when every declared nominal value parses as a number (then the value itself is stored). */
  numericNominal?: boolean;
}

/** A parsed ARFF file. */
export interface ArffData {
  relation: string;
  attributes: ArffAttribute[];
  /** Number of rows. */
  rows: number;
  /**
   * rows × attributes, row-major. Numeric attributes hold their value; nominal attributes hold the
   * value itself when every declared value is numeric, otherwise the 0-based index of the value in
   * the declaration; string attributes hold NaN (their text is in `strings`); `?` is NaN.
   */
  data: Float64Array;
  /**
   * With `parseArff(…, { sparse: true })`: the same values as compressed sparse rows (rows ×
   * attributes; zeros and string attributes not stored), and `data` is empty.
   */
  sparse?: CsrMatrix;
  /** Text of the string attributes: strings[attribute index][row]. */
  strings: Record<number, string[]>;
  /** Number of `?` (missing) values. */
  missing: number;
}

function decodeText(fn: string, input: string | Uint8Array | ArrayBuffer): string {
  if (typeof input === 'string') return input;
  if (input instanceof Uint8Array || input instanceof ArrayBuffer)
    return new TextDecoder('utf-8').decode(input);
  throw new TypeError(`${fn}: input must be a string, a Uint8Array or an ArrayBuffer`);
}

/** Splits a comma-separated list, honouring '…' and "…" quotes and backslash escapes. */
function splitQuoted(s: string, line: number, sep = ','): string[] {
  const out: string[] = [];
  let cur = '';
  let quote = '';
  let quotedToken = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === '\\' && i + 1 < s.length) cur += s[++i];
      else if (c === quote) quote = '';
      else cur += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      quotedToken = true;
      if (cur.trim() === '') cur = ''; // whitespace before an opening quote is not part of the value
    } else if (c === sep) {
      out.push(quotedToken ? cur : cur.trim());
      cur = '';
      quotedToken = false;
    } else if (!(quotedToken && /\s/.test(c))) cur += c;
  }
  if (quote) throw new FormatError(`parseArff: unterminated quote on line ${line}`, { line });
  out.push(quotedToken ? cur : cur.trim());
  return out;
}

/** Reads a possibly quoted name at the start of s; returns it and the rest. */
function takeName(s: string, line: number): [string, string] {
  s = s.trimStart();
  const q = s[0];
  if (q === "'" || q === '"') {
    let i = 1;
    let name = '';
    while (i < s.length && s[i] !== q) {
      if (s[i] === '\\' && i + 1 < s.length) i++;
      name += s[i++];
    }
    if (i >= s.length) throw new FormatError(`parseArff: unterminated quoted name on line ${line}`, { line });
    return [name, s.slice(i + 1)];
  }
  const m = /^(\S+)([\s\S]*)$/.exec(s);
  if (!m) throw new FormatError(`parseArff: missing name on line ${line}`, { line });
  return [m[1]!, m[2]!];
}

function parseAttribute(rest: string, line: number): ArffAttribute {
  const [name, typeText] = takeName(rest, line);
  const t = typeText.trim();
  if (t.startsWith('{')) {
    const close = t.lastIndexOf('}');
    if (close < 0)
      throw new FormatError(
        `parseArff: nominal attribute ${JSON.stringify(name)} on line ${line} has no closing }`,
        { line },
      );
    const values = splitQuoted(t.slice(1, close), line);
    const numericNominal = values.every((v) => v.trim() !== '' && Number.isFinite(Number(v)));
    return { name, type: 'nominal', values, numericNominal };
  }
  const kind = t.split(/\s+/)[0]!.toLowerCase();
  if (kind === 'numeric' || kind === 'real' || kind === 'integer') return { name, type: 'numeric' };
  if (kind === 'string') return { name, type: 'string' };
  throw new FormatError(
    `parseArff: attribute ${JSON.stringify(name)} on line ${line} has unsupported type ${JSON.stringify(t)} (numeric, real, integer, string or {…})`,
    {
      line,
    },
  );
}

/** Options of {@link parseArff}. */
export interface ParseArffOptions {
  /**
   * Keep the values as compressed sparse rows (`ArffData.sparse`) instead of a dense array: memory
   * in the nonzeros, for bag-of-words files. Missing values (`?`) are then an error.
   */
  sparse?: boolean;
}

/**
 * Parses an ARFF file: `@relation`, `@attribute` (numeric/real/integer, nominal `{…}`, string;
 * names quoted or not), `@data` with dense or sparse (`{index value, …}`, 0-based) rows, `%`
 * comments and `?` for missing values.
 * @throws FormatError naming the line for a malformed header, a row with the wrong number of
 *   values, a non-numeric value for a numeric attribute, an undeclared nominal value, or a sparse
 *   index out of range
 */
export function parseArff(
  input: string | Uint8Array | ArrayBuffer,
  options: ParseArffOptions = {},
): ArffData {
  const fn = 'parseArff';
  const sparse = options.sparse ?? false;
  const text = decodeText(fn, input);
  const lines = text.split(/\r\n|\r|\n/); // Windows, Unix and classic Mac line ends
  let relation = '';
  const attributes: ArffAttribute[] = [];
  let li = 0;
  for (; li < lines.length; li++) {
    const raw = lines[li]!.trim();
    if (raw === '' || raw.startsWith('%')) continue;
    const lower = raw.slice(0, 10).toLowerCase();
    if (lower.startsWith('@relation')) [relation] = takeName(raw.slice(9), li + 1);
    else if (lower.startsWith('@attribute')) attributes.push(parseAttribute(raw.slice(10), li + 1));
    else if (lower.startsWith('@data')) {
      li++;
      break;
    } else
      throw new FormatError(`${fn}: unexpected header line ${li + 1}: ${JSON.stringify(raw.slice(0, 60))}`, {
        line: li + 1,
      });
    if (li === lines.length - 1) throw new FormatError(`${fn}: no @data section`, { line: li + 1 });
  }
  if (attributes.length === 0)
    throw new FormatError(`${fn}: no @attribute declarations before @data`, { line: li });
  const d = attributes.length;
  const nominalIndex = attributes.map((a) =>
    a.type === 'nominal' ? new Map(a.values!.map((v, i) => [v, i])) : null,
  );
  const strings: Record<number, string[]> = {};
  const stringColumns: number[] = [];
  attributes.forEach((a, j) => {
    if (a.type === 'string') {
      strings[j] = [];
      stringColumns.push(j);
    }
  });
  // Each row is decoded into `row`, then kept densely (data, grown by doubling: the line count
  // times the attribute count is no bound on the rows) or as its nonzeros.
  let data = new Float64Array(sparse ? 0 : Math.max(16, Math.min(lines.length - li, 256) * d));
  const row = new Float64Array(d);
  const indptr: number[] = [0];
  const indices: number[] = [];
  const values: number[] = [];
  let rows = 0;
  let missing = 0;
  const decode = (j: number, token: string, line: number): number => {
    const a = attributes[j]!;
    if (token === '?') {
      missing++;
      if (a.type === 'string') strings[j]![rows] = '';
      return Number.NaN;
    }
    if (a.type === 'numeric') {
      const v = Number(token);
      if (token === '' || Number.isNaN(v)) {
        throw new FormatError(
          `${fn}: line ${line}: value ${JSON.stringify(token)} of numeric attribute ${JSON.stringify(a.name)} is not a number`,
          { line },
        );
      }
      return v;
    }
    if (a.type === 'nominal') {
      const idx = nominalIndex[j]!.get(token);
      if (idx === undefined) {
        throw new FormatError(
          `${fn}: line ${line}: ${JSON.stringify(token)} is not a declared value of nominal attribute ${JSON.stringify(a.name)}`,
          { line },
        );
      }
      return a.numericNominal ? Number(token) : idx;
    }
    strings[j]![rows] = token;
    return Number.NaN;
  };
  for (; li < lines.length; li++) {
    const raw = lines[li]!.trim();
    if (raw === '' || raw[0] === '%') continue;
    const line = li + 1;
    if (raw[0] === '{') {
      if (raw[raw.length - 1] !== '}')
        throw new FormatError(`${fn}: line ${line}: sparse row does not end with }`, { line });
      // Absent entries are 0 (the first declared value for nominal attributes whose value 0 is declared).
      row.fill(0);
      for (const j of stringColumns) {
        row[j] = Number.NaN; // an omitted string value is empty, and strings read as NaN
        strings[j]![rows] = '';
      }
      const inner = raw.slice(1, -1).trim();
      if (inner.length > 0) {
        for (const pair of splitQuoted(inner, line)) {
          const m = /^(\d+)\s+([\s\S]*)$/.exec(pair.trim());
          if (!m)
            throw new FormatError(
              `${fn}: line ${line}: sparse entry ${JSON.stringify(pair)} is not "index value"`,
              { line },
            );
          const j = Number(m[1]);
          if (j >= d)
            throw new FormatError(
              `${fn}: line ${line}: sparse index ${j} is out of range (the file declares ${d} attributes)`,
              { line },
            );
          let token = m[2]!.trim();
          if ((token[0] === "'" || token[0] === '"') && token[token.length - 1] === token[0])
            token = token.slice(1, -1);
          row[j] = decode(j, token, line);
        }
      }
    } else {
      const tokens = raw.includes("'") || raw.includes('"') ? splitQuoted(raw, line) : raw.split(',');
      if (tokens.length !== d) {
        throw new FormatError(
          `${fn}: line ${line}: row has ${tokens.length} values but ${d} attributes are declared`,
          { line },
        );
      }
      for (let j = 0; j < d; j++) {
        const a = attributes[j]!;
        const tok = tokens[j]!;
        if (a.type === 'numeric') {
          const v = +tok; // fast path; the checks below catch what + accepts but ARFF does not
          if (
            !Number.isNaN(v) &&
            tok.length > 0 &&
            tok.charCodeAt(0) !== 32 &&
            tok.charCodeAt(tok.length - 1) !== 32
          ) {
            row[j] = v;
            continue;
          }
        }
        row[j] = decode(j, tok.trim(), line);
      }
    }
    if (sparse) {
      for (let j = 0; j < d; j++) {
        const v = row[j]!;
        if (v === 0 || attributes[j]!.type === 'string') continue;
        if (Number.isNaN(v))
          throw new FormatError(
            `${fn}: line ${line}: attribute ${JSON.stringify(attributes[j]!.name)} is missing (?), which sparse: true cannot keep`,
            { line },
          );
        indices.push(j);
        values.push(v);
      }
      indptr.push(values.length);
    } else {
      if ((rows + 1) * d > data.length) {
        const grown = new Float64Array(data.length * 2);
        grown.set(data);
        data = grown;
      }
      data.set(row, rows * d);
    }
    rows++;
  }
  if (sparse)
    return {
      relation,
      attributes,
      rows,
      data: new Float64Array(0),
      sparse: new CsrMatrix(
        rows,
        d,
        Int32Array.from(indptr),
        Int32Array.from(indices),
        Float64Array.from(values),
      ),
      strings,
      missing,
    };
  return { relation, attributes, rows, data: data.slice(0, rows * d), strings, missing };
}

/** The label names of a MULAN XML file (`<label name="…"/>`, hierarchical labels flattened). */
export function parseMulanXml(input: string | Uint8Array | ArrayBuffer): string[] {
  const text = decodeText('parseMulanXml', input);
  if (!/<labels[\s>]/.test(text))
    throw new FormatError('parseMulanXml: no <labels> element found', { offset: 0 });
  const names: string[] = [];
  const re = /<label\s+[^>]*?name\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    names.push(
      (m[1] ?? m[2]!).replace(
        /&(amp|lt|gt|quot|apos);/g,
        (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" })[e]!,
      ),
    );
  }
  if (names.length === 0)
    throw new FormatError('parseMulanXml: the <labels> element lists no <label name="…">', { offset: 0 });
  return names;
}

/** MEKA's label count from a relation name such as `emotions: -C 6` (positive: first q attributes; negative: last q). */
export function mekaLabelCount(relation: string): number | undefined {
  const m = /(?:^|\s|:)-C\s+(-?\d+)/.exec(relation);
  return m ? Number(m[1]) : undefined;
}

/** A multi-label data set (features dense, or compressed sparse rows with `sparse: true`). */
export interface MultiLabelData<X = Matrix> {
  /** n × d features. */
  x: X;
  /** n × q labels in {0, 1}, columns in ARFF order. */
  y: Matrix;
  featureNames: string[];
  /** Label names in ARFF order (the XML order may differ). */
  labelNames: string[];
  /** Attributes left out of the features (string attributes and identifier columns). */
  dropped: string[];
  relation: string;
}

/** Options of {@link loadMulan}. */
export interface LoadMulanOptions {
  /** Nominal features: `'value'` (default: the value when all declared values are numeric, else the 0-based index) or `'onehot'`. */
  nominal?: 'value' | 'onehot';
  /**
   * Drop identifier columns: nominal attributes whose value is different on every one of at least
   * 20 rows (genbase's `protein`). String attributes are always dropped. Default true.
   */
  dropIdentifiers?: boolean;
  /** What to do with `?` in the features: `'error'` (default) or `'nan'`. Missing labels are always an error. */
  missing?: 'error' | 'nan';
  /**
   * A {0,1} nominal attribute after the last label the XML names is almost surely a label the XML
   * left out, which would silently become a feature: `'error'` (default) refuses the file, naming
   * those attributes; `'features'` keeps them as features. (Only when the labels are not the first
   * attributes — MEKA's layout, where what follows the labels is features.)
   */
  trailingBinary?: 'error' | 'features';
  /**
   * Read the features into a CsrMatrix without densifying them (bag-of-words data sets). Missing
   * values are then an error, and nominal features keep their value (no `'onehot'`).
   */
  sparse?: boolean;
}

/**
 * Loads a MULAN data set: the ARFF file and its XML label list (or, without XML, MEKA's `-C q`
 * in the relation name). Labels are found by name, so the XML order does not matter; Y's columns
 * follow the ARFF order.
 * @throws FormatError for malformed files, labels named in the XML but absent from the ARFF file,
 *   label values other than 0/1, or missing values
 * @throws DomainError when neither XML nor a MEKA `-C` option says which attributes are labels
 */
export function loadMulan(
  arff: string | Uint8Array | ArrayBuffer,
  xml: string | Uint8Array | ArrayBuffer | undefined,
  options: LoadMulanOptions & { sparse: true },
): MultiLabelData<CsrMatrix>;
export function loadMulan(
  arff: string | Uint8Array | ArrayBuffer,
  xml?: string | Uint8Array | ArrayBuffer,
  options?: LoadMulanOptions & { sparse?: false },
): MultiLabelData;
export function loadMulan(
  arff: string | Uint8Array | ArrayBuffer,
  xml?: string | Uint8Array | ArrayBuffer,
  options?: LoadMulanOptions,
): MultiLabelData<Matrix | CsrMatrix>;
export function loadMulan(
  arff: string | Uint8Array | ArrayBuffer,
  xml?: string | Uint8Array | ArrayBuffer,
  options: LoadMulanOptions = {},
): MultiLabelData<Matrix | CsrMatrix> {
  if (options.sparse && options.nominal === 'onehot')
    throw new DomainError('loadMulan: nominal "onehot" is not available with sparse: true');
  const parsed = parseArff(arff, { sparse: options.sparse ?? false });
  const d = parsed.attributes.length;
  let labelIdx: number[];
  if (xml !== undefined) {
    const names = parseMulanXml(xml);
    const pos = new Map(parsed.attributes.map((a, j) => [a.name, j]));
    const missingNames = names.filter((n) => !pos.has(n));
    if (missingNames.length) {
      throw new FormatError(
        `loadMulan: labels ${missingNames
          .slice(0, 5)
          .map((n) => JSON.stringify(n))
          .join(', ')} of the XML file are not attributes of the ARFF file`,
        {
          offset: 0,
        },
      );
    }
    labelIdx = names.map((n) => pos.get(n)!).sort((a, b) => a - b);
    if ((options.trailingBinary ?? 'error') === 'error' && labelIdx[0]! > 0) {
      const extra = parsed.attributes
        .slice(labelIdx.at(-1)! + 1)
        .filter(
          (a) => a.type === 'nominal' && a.values!.length === 2 && [...a.values!].sort().join() === '0,1',
        )
        .map((a) => a.name);
      if (extra.length)
        throw new FormatError(
          `loadMulan: the XML file lists ${names.length} labels, but the ARFF file has ${extra.length} more {0,1} attribute${extra.length > 1 ? 's' : ''} after them (${extra
            .slice(0, 5)
            .map((n) => JSON.stringify(n))
            .join(
              ', ',
            )}) that would be used as features; list every label in the XML, or pass trailingBinary: 'features'`,
          { offset: 0 },
        );
    }
  } else {
    const q = mekaLabelCount(parsed.relation);
    if (q === undefined || q === 0) {
      throw new DomainError(
        'loadMulan: give the MULAN XML label file, or a relation name with a MEKA "-C q" option',
      );
    }
    if (Math.abs(q) >= d)
      throw new FormatError(
        `loadMulan: the relation's MEKA option "-C ${q}" names ${Math.abs(q)} label attributes but the file declares ${d} attributes in all (at least one must be a feature)`,
        { line: 1 },
      );
    labelIdx =
      q > 0 ? Array.from({ length: q }, (_, i) => i) : Array.from({ length: -q }, (_, i) => d + q + i);
  }
  if (parsed.sparse) return sparseMulan(parsed, parsed.sparse, labelIdx, options.dropIdentifiers ?? true);
  const isLabel = new Set(labelIdx);
  const n = parsed.rows;
  const col = (j: number) => Array.from({ length: n }, (_, i) => parsed.data[i * d + j]!);
  const dropped: string[] = [];
  const featureCols: { j: number; onehot: boolean }[] = [];
  const dropIds = options.dropIdentifiers ?? true;
  parsed.attributes.forEach((a, j) => {
    if (isLabel.has(j)) return;
    if (a.type === 'string') {
      dropped.push(a.name);
      return;
    }
    if (dropIds && a.type === 'nominal' && n >= 20 && new Set(col(j)).size === n) {
      dropped.push(a.name);
      return;
    }
    featureCols.push({ j, onehot: options.nominal === 'onehot' && a.type === 'nominal' });
  });
  const featureNames: string[] = [];
  for (const { j, onehot } of featureCols) {
    const a = parsed.attributes[j]!;
    if (onehot) for (const v of a.values!) featureNames.push(`${a.name}=${v}`);
    else featureNames.push(a.name);
  }
  const x = new Matrix(n, featureNames.length);
  const y = new Matrix(n, labelIdx.length);
  const allowNaN = options.missing === 'nan';
  for (let i = 0; i < n; i++) {
    let w = 0;
    for (const { j, onehot } of featureCols) {
      const v = parsed.data[i * d + j]!;
      if (Number.isNaN(v) && !allowNaN) {
        throw new FormatError(
          `loadMulan: row ${i} has a missing value (?) in feature ${JSON.stringify(parsed.attributes[j]!.name)}; pass missing: 'nan' to keep it`,
          {
            offset: 0,
          },
        );
      }
      if (onehot) {
        const a = parsed.attributes[j]!;
        const idx = a.numericNominal ? a.values!.findIndex((s) => Number(s) === v) : v;
        for (let k = 0; k < a.values!.length; k++)
          x.data[i * x.cols + w + k] = Number.isNaN(v) ? Number.NaN : k === idx ? 1 : 0;
        w += a.values!.length;
      } else x.data[i * x.cols + w++] = v;
    }
    labelIdx.forEach((j, k) => {
      const v = parsed.data[i * d + j]!;
      if (v !== 0 && v !== 1) {
        throw new FormatError(
          `loadMulan: row ${i}, label ${JSON.stringify(parsed.attributes[j]!.name)} is ${v}, not 0 or 1`,
          { offset: 0 },
        );
      }
      y.data[i * y.cols + k] = v;
    });
  }
  if (labelIdx.length === 0) throw new ShapeError('loadMulan: no label attributes');
  return {
    x,
    y,
    featureNames,
    labelNames: labelIdx.map((j) => parsed.attributes[j]!.name),
    dropped,
    relation: parsed.relation,
  };
}

/**
 * The MULAN split of a sparse parse: labels into a dense 0/1 matrix, the other numeric and nominal
 * attributes (less string and identifier columns) into a CsrMatrix, never densified.
 */
function sparseMulan(
  parsed: ArffData,
  all: CsrMatrix,
  labelIdx: number[],
  dropIds: boolean,
): MultiLabelData<CsrMatrix> {
  if (labelIdx.length === 0) throw new ShapeError('loadMulan: no label attributes');
  const n = parsed.rows;
  const byColumn = all.transpose();
  const isLabel = new Set(labelIdx);
  const featureOf = new Int32Array(parsed.attributes.length).fill(-1);
  const featureNames: string[] = [];
  const dropped: string[] = [];
  parsed.attributes.forEach((a, j) => {
    if (isLabel.has(j)) return;
    if (a.type === 'string') {
      dropped.push(a.name);
      return;
    }
    if (dropIds && a.type === 'nominal' && n >= 20) {
      const start = byColumn.indptr[j]!;
      const end = byColumn.indptr[j + 1]!;
      const distinct = new Set(byColumn.values.subarray(start, end)).size + (end - start < n ? 1 : 0);
      if (distinct === n) {
        dropped.push(a.name);
        return;
      }
    }
    featureOf[j] = featureNames.length;
    featureNames.push(a.name);
  });
  const y = new Matrix(n, labelIdx.length);
  labelIdx.forEach((j, k) => {
    for (let p = byColumn.indptr[j]!; p < byColumn.indptr[j + 1]!; p++) {
      const v = byColumn.values[p]!;
      const i = byColumn.indices[p]!;
      if (v !== 1)
        throw new FormatError(
          `loadMulan: row ${i}, label ${JSON.stringify(parsed.attributes[j]!.name)} is ${v}, not 0 or 1`,
          { offset: 0 },
        );
      y.data[i * y.cols + k] = 1;
    }
  });
  const indptr = new Int32Array(n + 1);
  const indices: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let p = all.indptr[i]!; p < all.indptr[i + 1]!; p++) {
      const f = featureOf[all.indices[p]!]!;
      if (f < 0) continue;
      indices.push(f);
      values.push(all.values[p]!);
    }
    indptr[i + 1] = values.length;
  }
  return {
    x: new CsrMatrix(n, featureNames.length, indptr, Int32Array.from(indices), Float64Array.from(values)),
    y,
    featureNames,
    labelNames: labelIdx.map((j) => parsed.attributes[j]!.name),
    dropped,
    relation: parsed.relation,
  };
}
