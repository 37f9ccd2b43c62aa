/**
 * Coordinate search over tuned constants on validation scores: one constant at a time from the
 * starting values, each on its grid, the grid extended past an edge while the best value sits
 * there (up to a number of extensions or a bound), ties to the value nearest the start (so that
 * equal scores never push a grid outwards). The scorer is injected, so the rule is tested alone;
 * a scorer that answers `null` (a score not recorded yet) stops the search where it stands, so a
 * page can show a search in progress without training anything.
 */

/** A tuned constant: its start, first grid, and the next grid point beyond an edge (null at a bound). */
export interface SearchedConstant<K extends string = string> {
  name: K;
  start: number;
  grid: number[];
  beyond: (edge: number, upward: boolean) => number | null;
  /** Distances for tie-breaking are log-ratios (for scale parameters such as rates). */
  logScale?: boolean;
}

/** What the search tried for one constant and what it chose. */
export interface SearchTrace<K extends string = string> {
  name: K;
  values: number[];
  scores: number[];
  chosen: number;
  /** The chosen value has a tried neighbour on both sides. */
  interior: boolean;
  /** The search of this constant stopped at a score not recorded yet: `chosen` is the best so far. */
  pending?: true;
}

/**
 * Runs the search; `score` gets the full assignment (fixed values, the constants searched so far
 * at their chosen values, the others at their starts) and returns the validation score (higher is
 * better), or null when that score is not available yet; then the search stops, `complete` is
 * false and the last trace (marked `pending`) holds the values scored so far. Each assignment is
 * scored once.
 */
export async function coordinateSearch<K extends string>(
  constants: readonly SearchedConstant<K>[],
  score: (assignment: Record<K, number>) => Promise<number | null>,
  options: { fixed?: Partial<Record<K, number>>; maxExtensions?: number } = {},
): Promise<{ chosen: Record<K, number>; searched: SearchTrace<K>[]; complete: boolean }> {
  const current = { ...options.fixed } as Record<K, number>;
  for (const c of constants) current[c.name] = c.start;
  const maxExtensions = options.maxExtensions ?? 3;
  const searched: SearchTrace<K>[] = [];
  // The start of one constant's grid is the choice of the previous one's: score it once.
  const memo = new Map<string, Promise<number | null>>();
  const scoreOnce = (a: Record<K, number>) => {
    const key = JSON.stringify(Object.entries(a).sort(([x], [y]) => x.localeCompare(y)));
    if (!memo.has(key)) memo.set(key, score(a));
    return memo.get(key)!;
  };
  for (const c of constants) {
    const values = [...c.grid];
    const scores = new Map<number, number>();
    const distance = (v: number) => Math.abs(c.logScale ? Math.log(v / c.start) : v - c.start);
    for (let extensions = 0; ; extensions++) {
      for (const v of values) {
        if (scores.has(v)) continue;
        const s = await scoreOnce({ ...current, [c.name]: v });
        if (s === null) {
          const scored = values.filter((x) => scores.has(x));
          const bestSoFar = scored.reduce(
            (a, b) => (scores.get(b)! > scores.get(a)! ? b : a),
            scored[0] ?? Number.NaN,
          );
          searched.push({
            name: c.name,
            values: scored,
            scores: scored.map((x) => scores.get(x)!),
            chosen: bestSoFar,
            interior: false,
            pending: true,
          });
          return { chosen: current, searched, complete: false };
        }
        scores.set(v, s);
      }
      const best = values.reduce((a, b) =>
        scores.get(b)! > scores.get(a)! || (scores.get(b) === scores.get(a) && distance(b) < distance(a))
          ? b
          : a,
      );
      const atLow = best === values[0];
      const atHigh = best === values[values.length - 1];
      const next =
        extensions >= maxExtensions
          ? null
          : atLow
            ? c.beyond(best, false)
            : atHigh
              ? c.beyond(best, true)
              : null;
      if (next === null) {
        current[c.name] = best;
        searched.push({
          name: c.name,
          values: [...values],
          scores: values.map((v) => scores.get(v)!),
          chosen: best,
          interior: !atLow && !atHigh,
        });
        break;
      }
      if (atLow) values.unshift(next);
      else values.push(next);
    }
  }
  return { chosen: current, searched, complete: true };
}

/** Grid steps of a fixed size inside [lo, hi]. */
export const linearSteps = (size: number, lo: number, hi: number) => (edge: number, upward: boolean) => {
  const next = Number((edge + (upward ? size : -size)).toFixed(4));
  return next < lo || next > hi ? null : next;
};

/**
 * Half-decade steps inside [lo, hi]: the grid points 10^(j/2) to three significant digits
 * (…, 0.316, 1, 3.16, 10, 31.6, …), the edge snapped to the nearest one first.
 */
export const halfDecades = (lo: number, hi: number) => (edge: number, upward: boolean) => {
  const j = Math.round(2 * Math.log10(edge)) + (upward ? 1 : -1);
  const next = Number((10 ** (j / 2)).toPrecision(3));
  return next < lo || next > hi ? null : next;
};

/** A constant's allowed values, in increasing order, for a search that moves along them. */
export interface Ladder<K extends string = string> {
  name: K;
  ladder: readonly number[];
  logScale?: boolean;
}

/** The next value of a ladder past an edge (null past either end). */
export const ladderSteps = (ladder: readonly number[]) => (edge: number, upward: boolean) => {
  const i = ladder.indexOf(edge);
  if (i < 0) throw new Error(`ladderSteps: edge ${edge} is not a value of the ladder [${ladder.join(', ')}]`);
  const j = i + (upward ? 1 : -1);
  return j < 0 || j >= ladder.length ? null : ladder[j]!;
};

/**
 * A constant searched again from a value of its ladder: the grid is that value and its neighbours
 * on the ladder (one of them missing at an end), extended along the ladder.
 */
export function aroundOnLadder<K extends string>(l: Ladder<K>, value: number): SearchedConstant<K> {
  const i = l.ladder.indexOf(value);
  if (i < 0)
    throw new Error(
      `aroundOnLadder: ${l.name} = ${value} is not a value of its ladder [${l.ladder.join(', ')}]`,
    );
  return {
    name: l.name,
    start: value,
    grid: l.ladder.slice(Math.max(0, i - 1), i + 2),
    beyond: ladderSteps(l.ladder),
    ...(l.logScale ? { logScale: true } : {}),
  };
}
