/**
 * A progress display on stderr, with nothing with `--quiet` or `--json`: a redrawn bar on a
 * terminal; elsewhere (a pipe, a CI log) plain lines — one when a step starts, one at most every
 * 10 s while it runs, one when it ends — so a long run is never silent.
 *
 * @module
 */

/** A running step of the progress display. */
export interface Progress {
  /** Sets the fraction done (0…1). */
  update(fraction: number): void;
  /** Ends the step. */
  done(): void;
}

/** Seconds between two plain progress lines. */
const PLAIN_EVERY_MS = 10_000;

/** Starts a progress display labelled `label` when `enabled`. */
export function startProgress(label: string, enabled: boolean): Progress {
  if (!enabled) return { update: () => {}, done: () => {} };
  const t0 = performance.now();
  if (process.stderr.isTTY !== true) {
    let last = t0;
    process.stderr.write(`numts: ${label} …\n`);
    return {
      update: (f) => {
        const now = performance.now();
        if (now - last < PLAIN_EVERY_MS) return;
        last = now;
        process.stderr.write(
          `numts: ${label} ${Math.round(100 * f)}% (${((now - t0) / 1000).toFixed(0)} s)\n`,
        );
      },
      done: () =>
        process.stderr.write(`numts: ${label} done in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`),
    };
  }
  const draw = (f: number) => {
    const width = 24;
    const filled = Math.round(Math.max(0, Math.min(1, f)) * width);
    process.stderr.write(
      `\r  [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${label} ${Math.round(100 * f)}%   `,
    );
  };
  draw(0);
  return {
    update: draw,
    done: () => process.stderr.write(`\r${' '.repeat(label.length + 40)}\r`),
  };
}

/** A fixed-width text table. */
export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Formats a result value: integers as integers, other numbers in 4 significant digits. */
export function formatValue(v: number | boolean): string {
  if (typeof v === 'boolean') return String(v);
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e6 ? v.toPrecision(4) : v.toExponential(3);
}
