/**
 * A progress display on stderr: a redrawn bar on a terminal, nothing otherwise (CI logs stay
 * clean), nothing with `--quiet` or `--json`.
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

/** Starts a progress bar labelled `label` when `enabled` and stderr is a terminal. */
export function startProgress(label: string, enabled: boolean): Progress {
  const tty = enabled && process.stderr.isTTY === true;
  const draw = (f: number) => {
    if (!tty) return;
    const width = 24;
    const filled = Math.round(Math.max(0, Math.min(1, f)) * width);
    process.stderr.write(
      `\r  [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${label} ${Math.round(100 * f)}%   `,
    );
  };
  draw(0);
  return {
    update: draw,
    done: () => {
      if (tty) process.stderr.write(`\r${' '.repeat(label.length + 40)}\r`);
    },
  };
}

/** A fixed-width text table. */
export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
