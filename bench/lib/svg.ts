/** Minimal SVG line charts for the result pages (no dependencies; deterministic output). */

/** One line of a chart. */
export interface Series {
  name: string;
  points: [number, number][];
  /** Optional ± band half-widths, one per point (drawn as error bars). */
  errors?: number[];
}

const COLORS = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#ff7f0e',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
  '#000000',
  '#aec7e8',
];

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function ticks(lo: number, hi: number, n = 5): number[] {
  const span = hi - lo || 1;
  const step0 = span / n;
  const mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= step0)!;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-12; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** A line chart with axes, ticks and a legend. `logX` uses a log₂ x axis. */
export function lineChart(options: {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  logX?: boolean;
  width?: number;
  height?: number;
}): string {
  const W = options.width ?? 640;
  const H = options.height ?? 400;
  const m = { l: 60, r: 170, t: 36, b: 48 };
  const fx = (x: number) => (options.logX ? Math.log2(x) : x);
  const all = options.series.flatMap((s) =>
    s.points.map(([x, y], i) => [fx(x), y, s.errors?.[i] ?? 0] as const),
  );
  const xs = all.map((p) => p[0]);
  const ylo = Math.min(...all.map((p) => p[1] - p[2]));
  const yhi = Math.max(...all.map((p) => p[1] + p[2]));
  const pad = (yhi - ylo) * 0.05 || 0.01;
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), ylo - pad, yhi + pad];
  const sx = (x: number) => m.l + ((fx(x) - x0) / (x1 - x0 || 1)) * (W - m.l - m.r);
  const sy = (y: number) => H - m.b - ((y - y0) / (y1 - y0 || 1)) * (H - m.t - m.b);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2 - m.r / 2}" y="20" text-anchor="middle" font-size="14">${esc(options.title)}</text>`,
    `<line x1="${m.l}" y1="${H - m.b}" x2="${W - m.r}" y2="${H - m.b}" stroke="black"/>`,
    `<line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${H - m.b}" stroke="black"/>`,
  ];
  const xTicks = options.logX
    ? [...new Set(options.series.flatMap((s) => s.points.map((p) => p[0])))].sort((a, b) => a - b)
    : ticks(x0, x1);
  for (const t of xTicks)
    out.push(
      `<line x1="${sx(t).toFixed(1)}" y1="${H - m.b}" x2="${sx(t).toFixed(1)}" y2="${H - m.b + 4}" stroke="black"/>`,
      `<text x="${sx(t).toFixed(1)}" y="${H - m.b + 16}" text-anchor="middle">${t}</text>`,
    );
  for (const t of ticks(y0, y1))
    out.push(
      `<line x1="${m.l - 4}" y1="${sy(t).toFixed(1)}" x2="${W - m.r}" y2="${sy(t).toFixed(1)}" stroke="#ddd"/>`,
      `<text x="${m.l - 6}" y="${(sy(t) + 4).toFixed(1)}" text-anchor="end">${t}</text>`,
    );
  out.push(
    `<text x="${(m.l + W - m.r) / 2}" y="${H - 10}" text-anchor="middle">${esc(options.xLabel)}</text>`,
    `<text x="16" y="${(m.t + H - m.b) / 2}" text-anchor="middle" transform="rotate(-90 16 ${(m.t + H - m.b) / 2})">${esc(options.yLabel)}</text>`,
  );
  options.series.forEach((s, k) => {
    const c = COLORS[k % COLORS.length]!;
    const path = s.points
      .map(([x, y], i) => `${i ? 'L' : 'M'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`)
      .join(' ');
    out.push(`<path d="${path}" fill="none" stroke="${c}" stroke-width="1.8"/>`);
    s.points.forEach(([x, y], i) => {
      out.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="2.6" fill="${c}"/>`);
      const e = s.errors?.[i];
      if (e)
        out.push(
          `<line x1="${sx(x).toFixed(1)}" y1="${sy(y - e).toFixed(1)}" x2="${sx(x).toFixed(1)}" y2="${sy(y + e).toFixed(1)}" stroke="${c}"/>`,
        );
    });
    const ly = m.t + 14 + k * 16;
    out.push(
      `<line x1="${W - m.r + 10}" y1="${ly - 4}" x2="${W - m.r + 28}" y2="${ly - 4}" stroke="${c}" stroke-width="2"/>`,
      `<text x="${W - m.r + 32}" y="${ly}">${esc(s.name)}</text>`,
    );
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
