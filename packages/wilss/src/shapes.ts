/**
 * The shape classes of the Shapes-WILSS benchmark and their rasterizer: each shape is an inside
 * test on the object's box in coordinates u, v ∈ [−1, 1] (v grows downwards); pixels get the
 * fraction of 4×4 sub-samples that fall inside (anti-aliased coverage).
 *
 * @module
 */

/** Names of the 20 shape classes; ids are 1-based (0 is background). The first 10 form the 10-class set. */
export const SHAPE_NAMES = [
  'circle',
  'square',
  'triangle',
  'plus',
  'star',
  'ring',
  'hollow-square',
  'inverted-triangle',
  'x-cross',
  'hexagon',
  'diamond',
  'pentagon',
  'heart',
  'crescent',
  'arrow',
  'T',
  'L',
  'H',
  'semicircle',
  'trapezoid',
] as const;

/** A shape's name. */
export type ShapeName = (typeof SHAPE_NAMES)[number];

/**
 * Look-alike partners (new class → old class) used by the conflict generator: ring↔circle,
 * hollow-square↔square, x-cross↔plus, inverted-triangle↔triangle, and by analogy for the rest.
 */
export const PARTNER: Readonly<Record<ShapeName, ShapeName>> = {
  ring: 'circle',
  'hollow-square': 'square',
  'x-cross': 'plus',
  'inverted-triangle': 'triangle',
  star: 'plus',
  hexagon: 'circle',
  circle: 'ring',
  square: 'hollow-square',
  plus: 'x-cross',
  triangle: 'inverted-triangle',
  diamond: 'square',
  pentagon: 'hexagon',
  heart: 'circle',
  crescent: 'circle',
  arrow: 'triangle',
  T: 'plus',
  L: 'square',
  H: 'hollow-square',
  semicircle: 'circle',
  trapezoid: 'triangle',
};

/** The 1-based class id of a shape name. */
export function shapeId(name: ShapeName): number {
  return SHAPE_NAMES.indexOf(name) + 1;
}

function inPolygon(u: number, v: number, pts: readonly (readonly [number, number])[]): boolean {
  let inside = false;
  for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) {
    const [xi, yi] = pts[i]!;
    const [xj, yj] = pts[j]!;
    if (yi > v !== yj > v && u < ((xj - xi) * (v - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function regular(n: number, radius: number, phase: number): [number, number][] {
  return Array.from({ length: n }, (_, k) => {
    const a = phase + (2 * Math.PI * k) / n;
    return [radius * Math.cos(a), radius * Math.sin(a)] as [number, number];
  });
}

const STAR = Array.from({ length: 10 }, (_, k) => {
  const r = k % 2 === 0 ? 0.98 : 0.42;
  const a = -Math.PI / 2 + (Math.PI * k) / 5;
  return [r * Math.cos(a), r * Math.sin(a)] as [number, number];
});
const HEXAGON = regular(6, 0.95, 0);
const PENTAGON = regular(5, 0.95, -Math.PI / 2);
const TRIANGLE: [number, number][] = [
  [0, -0.92],
  [-0.92, 0.8],
  [0.92, 0.8],
];
const INV_TRIANGLE: [number, number][] = TRIANGLE.map(([x, y]) => [x, -y]);
const ARROW: [number, number][] = [
  [-0.9, -0.25],
  [0.2, -0.25],
  [0.2, -0.7],
  [0.95, 0],
  [0.2, 0.7],
  [0.2, 0.25],
  [-0.9, 0.25],
];
const TRAPEZOID: [number, number][] = [
  [-0.45, -0.6],
  [0.45, -0.6],
  [0.95, 0.6],
  [-0.95, 0.6],
];

const INSIDE: Record<ShapeName, (u: number, v: number) => boolean> = {
  circle: (u, v) => u * u + v * v <= 0.92,
  square: (u, v) => Math.abs(u) <= 0.82 && Math.abs(v) <= 0.82,
  triangle: (u, v) => inPolygon(u, v, TRIANGLE),
  plus: (u, v) => (Math.abs(u) <= 0.3 && Math.abs(v) <= 0.92) || (Math.abs(v) <= 0.3 && Math.abs(u) <= 0.92),
  star: (u, v) => inPolygon(u, v, STAR),
  ring: (u, v) => {
    const r2 = u * u + v * v;
    return r2 <= 0.92 && r2 >= 0.3;
  },
  'hollow-square': (u, v) =>
    Math.abs(u) <= 0.82 && Math.abs(v) <= 0.82 && !(Math.abs(u) <= 0.45 && Math.abs(v) <= 0.45),
  'inverted-triangle': (u, v) => inPolygon(u, v, INV_TRIANGLE),
  'x-cross': (u, v) => {
    const a = (u + v) / Math.SQRT2;
    const b = (u - v) / Math.SQRT2;
    return (Math.abs(a) <= 0.28 && Math.abs(b) <= 0.95) || (Math.abs(b) <= 0.28 && Math.abs(a) <= 0.95);
  },
  hexagon: (u, v) => inPolygon(u, v, HEXAGON),
  diamond: (u, v) => Math.abs(u) + Math.abs(v) <= 0.95,
  pentagon: (u, v) => inPolygon(u, v, PENTAGON),
  heart: (u, v) => {
    const x = u * 1.15;
    const y = -v * 1.15 + 0.25;
    return (x * x + y * y - 1) ** 3 - x * x * y * y * y <= 0;
  },
  crescent: (u, v) => u * u + v * v <= 0.9 && (u - 0.4) ** 2 + v * v > 0.55,
  arrow: (u, v) => inPolygon(u, v, ARROW),
  T: (u, v) =>
    (v <= -0.45 && v >= -0.9 && Math.abs(u) <= 0.9) || (Math.abs(u) <= 0.25 && v >= -0.9 && v <= 0.9),
  L: (u, v) =>
    (u >= -0.8 && u <= -0.35 && Math.abs(v) <= 0.9) || (v >= 0.45 && v <= 0.9 && u >= -0.8 && u <= 0.85),
  H: (u, v) =>
    (Math.abs(v) <= 0.9 && (Math.abs(u + 0.62) <= 0.25 || Math.abs(u - 0.62) <= 0.25)) ||
    (Math.abs(v) <= 0.2 && Math.abs(u) <= 0.9),
  semicircle: (u, v) => u * u + v * v <= 0.92 && v <= 0.15,
  trapezoid: (u, v) => inPolygon(u, v, TRAPEZOID),
};

/**
 * Anti-aliased coverage of a shape in a size×size box: coverage[y·size + x] is the fraction of
 * 4×4 sub-samples of pixel (x, y) inside the shape.
 */
export function rasterize(name: ShapeName, size: number): Float32Array {
  const inside = INSIDE[name];
  const out = new Float32Array(size * size);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      let hits = 0;
      for (let sy = 0; sy < 4; sy++)
        for (let sx = 0; sx < 4; sx++) {
          const u = ((x + (sx + 0.5) / 4) / size) * 2 - 1;
          const v = ((y + (sy + 0.5) / 4) / size) * 2 - 1;
          if (inside(u, v)) hits++;
        }
      out[y * size + x] = hits / 16;
    }
  return out;
}
