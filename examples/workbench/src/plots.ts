/**
 * The workbench's pictures, drawn without a plotting library: a log-scale spectrum (SVG), the
 * orthogonality heat map (canvas) and a small linear bar chart of a spectrum for table cells (SVG).
 *
 * @module
 */

const SVG = 'http://www.w3.org/2000/svg';

function svgEl(tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/**
 * Values (largest first) against their index on a log₁₀ axis. Zeros and values below 1e-300 sit on
 * the bottom edge, marked as such.
 */
export function spectrumPlot(values: readonly number[], label: string): SVGElement {
  const w = 520;
  const h = 240;
  const left = 64;
  const bottom = 36;
  const positive = values.filter((v) => v > 1e-300 && Number.isFinite(v));
  const hi = Math.ceil(Math.log10(Math.max(...positive, 1e-300)));
  let lo = Math.floor(Math.log10(Math.min(...positive, 10 ** hi)));
  if (lo === hi) lo = hi - 1;
  const x = (i: number) => left + ((w - left - 12) * i) / Math.max(values.length - 1, 1);
  const y = (v: number) => {
    const l = v > 1e-300 ? Math.log10(v) : lo;
    return 10 + ((h - bottom - 10) * (hi - l)) / (hi - lo);
  };
  const svg = svgEl('svg', {
    viewBox: `0 0 ${w} ${h}`,
    width: '100%',
    role: 'img',
    'aria-label': `${label} on a log scale: ${values.length} values from ${fmt(values[0] ?? 0)} to ${fmt(values.at(-1) ?? 0)}`,
    class: 'plot',
  });
  const step = Math.max(1, Math.ceil((hi - lo) / 8));
  for (let e = lo; e <= hi; e += step) {
    svg.append(svgEl('line', { x1: left, x2: w - 12, y1: y(10 ** e), y2: y(10 ** e), class: 'grid' }));
    svg.append(
      svgEl('text', { x: left - 6, y: y(10 ** e) + 4, 'text-anchor': 'end', class: 'tick' }, `1e${e}`),
    );
  }
  svg.append(
    svgEl(
      'text',
      { x: (left + w) / 2, y: h - 6, 'text-anchor': 'middle', class: 'tick' },
      `index (0 … ${values.length - 1})`,
    ),
  );
  svg.append(
    svgEl(
      'text',
      { x: 12, y: h / 2, transform: `rotate(-90 12 ${h / 2})`, 'text-anchor': 'middle', class: 'tick' },
      label,
    ),
  );
  const points = values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  svg.append(svgEl('polyline', { points, class: 'series' }));
  if (values.length <= 64)
    values.forEach((v, i) => {
      svg.append(svgEl('circle', { cx: x(i), cy: y(v), r: 2.5, class: v > 1e-300 ? 'dot' : 'dot zero' }));
    });
  return svg;
}

function fmt(v: number): string {
  return v === 0 ? '0' : v.toExponential(2);
}

/** Colour of |FᵀF − I| in units of ε: white at ≤ 1 ε, deep blue at 10⁴ ε, red beyond, magenta for NaN. */
function heatColour(v: number): [number, number, number] {
  if (Number.isNaN(v)) return [214, 0, 214];
  if (v > 1e4) return [200, 30, 30];
  const t = v <= 1 ? 0 : Math.log10(v) / 4;
  return [Math.round(255 - 225 * t), Math.round(255 - 190 * t), Math.round(255 - 80 * t)];
}

/** The heat map of a size×size grid, scaled up to about 320 px, with its legend. */
export function heatMap(values: Float32Array, size: number, title: string, pooled: number): HTMLElement {
  const figure = document.createElement('figure');
  const canvas = document.createElement('canvas');
  const scale = Math.max(1, Math.floor(320 / size));
  canvas.width = size * scale;
  canvas.height = size * scale;
  canvas.setAttribute('role', 'img');
  let worst = 0;
  for (const v of values) if (!(worst >= v)) worst = v;
  canvas.setAttribute(
    'aria-label',
    `${title}: largest entry ${Number.isNaN(worst) ? 'NaN' : `${worst.toPrecision(3)} ε`}`,
  );
  const ctx = canvas.getContext('2d')!;
  const image = ctx.createImageData(size, size);
  values.forEach((v, i) => {
    const [r, g, b] = heatColour(v);
    image.data.set([r, g, b, 255], 4 * i);
  });
  const tile = document.createElement('canvas');
  tile.width = size;
  tile.height = size;
  tile.getContext('2d')!.putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(tile, 0, 0, size * scale, size * scale);
  const caption = document.createElement('figcaption');
  caption.textContent = `|${title}| in units of ε = 2⁻⁵²${pooled > 1 ? ` (each cell the largest of ${pooled}×${pooled} entries)` : ''}: white ≤ 1 ε, blue up to 10⁴ ε, red beyond, magenta NaN. Largest: ${Number.isNaN(worst) ? 'NaN' : `${worst.toPrecision(3)} ε`}.`;
  figure.append(canvas, caption);
  return figure;
}

/** A small bar chart of a spectrum for a table cell: each value relative to the largest. */
export function sparkBars(values: readonly number[]): SVGElement {
  const w = 96;
  const h = 24;
  const svg = svgEl('svg', {
    viewBox: `0 0 ${w} ${h}`,
    width: w,
    height: h,
    'aria-hidden': 'true',
    class: 'spark',
  });
  const top = Math.max(...values, 0);
  if (!(top > 0)) return svg;
  const bw = w / Math.max(values.length, 1);
  values.forEach((v, i) => {
    const bh = Math.max(1, (v / top) * (h - 2));
    svg.append(svgEl('rect', { x: i * bw + 0.5, y: h - bh, width: Math.max(bw - 1, 1), height: bh }));
  });
  return svg;
}
