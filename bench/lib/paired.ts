/**
 * Paired differences over seeds with 95 % Student-t intervals, and the verdicts the reproduction
 * pages give a claim from them (held / not held / inconclusive / incomplete).
 */
import { sampleStats } from './harness.js';

/** Two-sided 95 % Student-t quantiles by degrees of freedom (1–30). */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** A paired difference over seeds: mean, std and the 95 % t-interval (null below two seeds). */
export interface Paired {
  n: number;
  mean: number;
  std: number;
  ci: [number, number] | null;
}

export function paired(diffs: number[]): Paired {
  const { mean, std } = sampleStats(diffs);
  const n = diffs.length;
  if (n < 2) return { n, mean, std, ci: null };
  const h = T975[Math.min(n - 1, 30) - 1]! * (std / Math.sqrt(n));
  return { n, mean, std, ci: [mean - h, mean + h] };
}

/**
 * The difference of the means of two independent samples, mean(a) − mean(b), with Welch's 95 %
 * t-interval: standard error √(s_a²/n_a + s_b²/n_b), degrees of freedom by Welch–Satterthwaite,
 * rounded down (a wider interval, never a narrower one). `n` counts both samples; `std` is the
 * standard error. The interval is null until each sample has two values.
 */
export function welch(a: number[], b: number[]): Paired {
  const n = a.length + b.length;
  const sa = sampleStats(a);
  const sb = sampleStats(b);
  const mean = a.length && b.length ? sa.mean - sb.mean : Number.NaN;
  if (a.length < 2 || b.length < 2)
    return { n: a.length && b.length ? n : 0, mean, std: Number.NaN, ci: null };
  const va = (sa.std * sa.std) / a.length;
  const vb = (sb.std * sb.std) / b.length;
  const se = Math.sqrt(va + vb);
  if (se === 0) return { n, mean, std: 0, ci: [mean, mean] };
  const df = (va + vb) ** 2 / (va ** 2 / (a.length - 1) + vb ** 2 / (b.length - 1));
  const h = T975[Math.min(Math.max(1, Math.floor(df)), 30) - 1]! * se;
  return { n, mean, std: se, ci: [mean - h, mean + h] };
}

/** held when the interval is above 0, not held when below, inconclusive when it contains 0. */
export type Verdict = 'held' | 'not held' | 'inconclusive' | 'incomplete';

export function verdictAbove(p: Paired): Verdict {
  if (!p.ci) return 'incomplete';
  return p.ci[0] > 0 ? 'held' : p.ci[1] < 0 ? 'not held' : 'inconclusive';
}

/**
 * How a claim about a paired difference A − B (in points) is decided:
 * - `greater` (A > B): held when the interval lies above `margin` (the pre-registered minimum
 *   effect), not held when it lies below 0, otherwise inconclusive (it contains 0, or the effect
 *   may be below the minimum);
 * - `nonInferior` (A ≥ B): held when the interval lies above −margin, not held when it lies below
 *   −margin, otherwise inconclusive;
 * - `equivalent` (A ≈ B): held when the interval lies inside ±margin, not held when it lies outside
 *   it entirely, otherwise inconclusive.
 */
export type ClaimRule = 'greater' | 'nonInferior' | 'equivalent';

export function decide(p: Paired, rule: ClaimRule, margin: number): Verdict {
  if (!p.ci) return 'incomplete';
  const [lo, hi] = p.ci;
  if (rule === 'greater') return lo > margin ? 'held' : hi < 0 ? 'not held' : 'inconclusive';
  if (rule === 'nonInferior') return lo > -margin ? 'held' : hi < -margin ? 'not held' : 'inconclusive';
  return lo > -margin && hi < margin ? 'held' : lo > margin || hi < -margin ? 'not held' : 'inconclusive';
}

/** A number with its sign always written, and a true minus sign (U+2212) for negatives. */
export function signed(x: number, digits: number): string {
  const text = Math.abs(x).toFixed(digits);
  if (Number(text) === 0) return text;
  return `${x < 0 ? '−' : '+'}${text}`;
}

/**
 * A paired difference as the pages print it: `+1.23 [−0.40, +2.86]` (mean [95 % interval]),
 * each value multiplied by `scale` first (100 turns fractions into points). Without an interval,
 * the mean alone.
 */
export function intervalText(p: Paired, digits: number, scale = 1): string {
  const s = (x: number) => signed(scale * x, digits);
  return p.ci ? `${s(p.mean)} [${s(p.ci[0])}, ${s(p.ci[1])}]` : s(p.mean);
}

/**
 * Why a claim decided by {@link decide} is inconclusive, in words for the page ('' when it is not):
 * an interval that lies entirely below a `greater` claim's minimum effect rules that effect out,
 * which says more than "contains 0".
 */
export function inconclusiveReading(p: Paired, rule: ClaimRule, margin: number): string {
  if (!p.ci || decide(p, rule, margin) !== 'inconclusive') return '';
  const [lo, hi] = p.ci;
  if (rule === 'greater') {
    if (hi < margin)
      return `any effect is below the registered minimum: the interval excludes ${margin} or more`;
    if (lo >= 0) return `above 0, but the interval reaches below the registered minimum of ${margin}`;
    return `too wide to decide: the interval holds both 0 and the registered minimum of ${margin}`;
  }
  if (rule === 'nonInferior') return `the interval reaches below −${margin}, the registered margin`;
  return `the interval crosses the registered band of ±${margin}`;
}

/** Values as `mean ± std` (sample std), or the value alone when there is one: one seed has no spread. */
export function meanStdText(values: number[], format: (x: number) => string): string {
  const { mean, std } = sampleStats(values);
  return values.length < 2 ? format(mean) : `${format(mean)} ± ${format(std)}`;
}
