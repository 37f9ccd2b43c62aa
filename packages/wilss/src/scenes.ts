/**
 * Procedural scenes of the Shapes-WILSS benchmark (packages/wilss/README.md, "The problem and the protocol"): 32×32 RGB images with a smooth
 * textured background, 1–3 anti-aliased shapes with random colour and fill, their pixel masks and
 * image-level labels; optionally a look-alike partner object placed touching a given object (the
 * conflict generator). Everything is a function of the seed.
 *
 * @module
 */
import { DomainError, Rng } from '@numts/core';
import { PARTNER, rasterize, SHAPE_NAMES, type ShapeName, shapeId } from './shapes.js';

/** Image side in pixels. */
export const IMAGE_SIZE = 32;

/** One scene: image (3×32×32, channel-major, values in [0, 1]), mask and image labels. */
export interface Scene {
  /** RGB planes, [3, 32, 32] row-major. */
  image: Float32Array;
  /** Class id per pixel (0 = background; a pixel belongs to the top object covering ≥ half of it). */
  mask: Uint8Array;
  /** Class ids with at least 8 visible pixels, ascending. */
  labels: number[];
}

/** What a scene may contain. */
export interface SceneSpec {
  /** Class ids objects are drawn from (uniformly). */
  classes: readonly number[];
  /** Objects to draw from `classes` (default 1–3). */
  count?: readonly [number, number];
  /** Class ids that must appear once each (drawn first, before the random ones). */
  required?: readonly number[];
  /** Probability of placing, touching each required object, its look-alike partner (default 0). */
  partnerProbability?: number;
  /** Class ids partners may come from (default: any). */
  partnerPool?: readonly number[];
}

const S = IMAGE_SIZE;
const masks = new Map<string, Float32Array>();
function coverage(name: ShapeName, size: number): Float32Array {
  const key = `${name}:${size}`;
  let c = masks.get(key);
  if (!c) {
    c = rasterize(name, size);
    masks.set(key, c);
  }
  return c;
}

function background(rng: Rng, image: Float32Array): void {
  const base = [rng.uniform(0.15, 0.85), rng.uniform(0.15, 0.85), rng.uniform(0.15, 0.85)];
  const waves = Array.from({ length: 2 }, () => ({
    fx: rng.uniform(-0.25, 0.25),
    fy: rng.uniform(-0.25, 0.25),
    phase: rng.uniform(0, 2 * Math.PI),
    amp: [rng.uniform(-0.15, 0.15), rng.uniform(-0.15, 0.15), rng.uniform(-0.15, 0.15)],
  }));
  for (let c = 0; c < 3; c++)
    for (let y = 0; y < S; y++)
      for (let x = 0; x < S; x++) {
        let v = base[c]!;
        for (const w of waves) v += w.amp[c]! * Math.sin(w.fx * x + w.fy * y + w.phase);
        image[c * S * S + y * S + x] = v;
      }
  // Clutter: thin lines that belong to no class.
  const lines = rng.int(0, 3);
  for (let l = 0; l < lines; l++) {
    const color = [rng.uniform(), rng.uniform(), rng.uniform()];
    const horizontal = rng.uniform() < 0.5;
    const at = rng.int(0, S);
    for (let t = 0; t < S; t++) {
      const [x, y] = horizontal ? [t, at] : [at, t];
      for (let c = 0; c < 3; c++)
        image[c * S * S + y * S + x] = 0.5 * image[c * S * S + y * S + x]! + 0.5 * color[c]!;
    }
  }
}

interface Placed {
  id: number;
  x0: number;
  y0: number;
  size: number;
}

function drawObject(rng: Rng, image: Float32Array, owner: Int16Array, index: number, o: Placed): void {
  const cov = coverage(SHAPE_NAMES[o.id - 1]!, o.size);
  // Local background mean under the box, for the contrast floor.
  const mean = [0, 0, 0];
  let n = 0;
  for (let y = Math.max(0, o.y0); y < Math.min(S, o.y0 + o.size); y++)
    for (let x = Math.max(0, o.x0); x < Math.min(S, o.x0 + o.size); x++) {
      for (let c = 0; c < 3; c++) mean[c]! += image[c * S * S + y * S + x]!;
      n++;
    }
  for (let c = 0; c < 3; c++) mean[c] = mean[c]! / Math.max(1, n);
  let color = [0, 0, 0];
  for (let tries = 0; tries < 20; tries++) {
    color = [rng.uniform(), rng.uniform(), rng.uniform()];
    if (
      Math.abs(color[0]! - mean[0]!) + Math.abs(color[1]! - mean[1]!) + Math.abs(color[2]! - mean[2]!) >=
      0.6
    )
      break;
  }
  const second = color.map((v) => Math.min(1, Math.max(0, v + rng.uniform(-0.3, 0.3))));
  const fill = rng.int(0, 3); // 0 solid, 1 stripes, 2 checker
  const period = rng.int(2, 4);
  for (let y = 0; y < o.size; y++)
    for (let x = 0; x < o.size; x++) {
      const a = cov[y * o.size + x]!;
      const gx = o.x0 + x;
      const gy = o.y0 + y;
      if (a === 0 || gx < 0 || gy < 0 || gx >= S || gy >= S) continue;
      const alt =
        fill === 1
          ? Math.floor(y / period) % 2 === 1
          : fill === 2
            ? (Math.floor(x / period) + Math.floor(y / period)) % 2 === 1
            : false;
      const col = alt ? second : color;
      for (let c = 0; c < 3; c++) {
        const p = c * S * S + gy * S + gx;
        image[p] = (1 - a) * image[p]! + a * col[c]!;
      }
      if (a >= 0.5) owner[gy * S + gx] = index;
    }
}

function touching(rng: Rng, anchor: Placed, size: number): [number, number] {
  const side = rng.int(0, 4);
  const overlap = rng.int(1, 3);
  const slide = rng.int(-Math.floor(size / 3), Math.floor(size / 3) + 1);
  const cx = anchor.x0 + Math.floor((anchor.size - size) / 2) + slide;
  const cy = anchor.y0 + Math.floor((anchor.size - size) / 2) + slide;
  if (side === 0) return [anchor.x0 + anchor.size - overlap, cy];
  if (side === 1) return [anchor.x0 - size + overlap, cy];
  if (side === 2) return [cx, anchor.y0 + anchor.size - overlap];
  return [cx, anchor.y0 - size + overlap];
}

/**
 * Generates one scene. Objects are 10–16 px; a placement is retried when it would hide more than
 * 30 % of an earlier object or fall mostly outside the image.
 * @throws DomainError for an empty class list or unknown class ids
 */
export function generateScene(rng: Rng, spec: SceneSpec): Scene {
  const fn = 'generateScene';
  if (spec.classes.length === 0 && (spec.required ?? []).length === 0)
    throw new DomainError(`${fn}: classes must not be empty`);
  for (const c of [...spec.classes, ...(spec.required ?? [])])
    if (!Number.isInteger(c) || c < 1 || c > SHAPE_NAMES.length)
      throw new DomainError(`${fn}: class ids must be integers in [1, ${SHAPE_NAMES.length}] (got ${c})`);
  const image = new Float32Array(3 * S * S);
  background(rng, image);
  const owner = new Int16Array(S * S).fill(-1);
  const placed: Placed[] = [];
  const [lo, hi] = spec.count ?? [1, 3];
  const wanted: { id: number; near?: number }[] = [];
  for (const id of spec.required ?? []) {
    wanted.push({ id });
    if ((spec.partnerProbability ?? 0) > 0 && rng.uniform() < spec.partnerProbability!) {
      const partner = shapeId(PARTNER[SHAPE_NAMES[id - 1]!]);
      if (!spec.partnerPool || spec.partnerPool.includes(partner))
        wanted.push({ id: partner, near: wanted.length - 1 });
    }
  }
  const extra = spec.classes.length ? rng.int(lo, hi + 1) : 0;
  for (let k = 0; k < extra; k++) wanted.push({ id: spec.classes[rng.int(0, spec.classes.length)]! });
  for (const [k, w] of wanted.entries()) {
    const size = rng.int(10, 17);
    for (let tries = 0; tries < 30; tries++) {
      const anchor = w.near !== undefined ? placed[w.near] : undefined;
      const [x0, y0] = anchor
        ? touching(rng, anchor, size)
        : [rng.int(-2, S - size + 3), rng.int(-2, S - size + 3)];
      // Trial draw on copies to check the occlusion rule.
      const trialOwner = owner.slice();
      const trialImage = image.slice();
      const trialRng = new Rng(rng.int(0, 2 ** 30));
      drawObject(trialRng, trialImage, trialOwner, k, { id: w.id, x0, y0, size });
      const visible = (i: number, o: Int16Array) => o.reduce((a, v) => a + (v === i ? 1 : 0), 0);
      const ownPixels = visible(k, trialOwner);
      const ok = ownPixels >= 20 && placed.every((_, i) => visible(i, trialOwner) >= 0.7 * visible(i, owner));
      if (ok || tries === 29) {
        if (!ok && w.near === undefined) break; // give up on this object
        image.set(trialImage);
        owner.set(trialOwner);
        placed[k] = { id: w.id, x0, y0, size };
        break;
      }
    }
    if (!placed[k]) placed[k] = { id: w.id, x0: -100, y0: -100, size: 0 };
  }
  for (let c = 0; c < 3; c++)
    for (let p = 0; p < S * S; p++) {
      const i = c * S * S + p;
      image[i] = Math.min(1, Math.max(0, image[i]! + rng.normal(0, 0.04)));
    }
  const mask = new Uint8Array(S * S);
  const counts = new Map<number, number>();
  for (let p = 0; p < S * S; p++) {
    const o = owner[p]!;
    if (o >= 0) {
      const id = placed[o]!.id;
      mask[p] = id;
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
  }
  const labels = [...counts.entries()]
    .filter(([, n]) => n >= 8)
    .map(([id]) => id)
    .sort((a, b) => a - b);
  return { image, mask, labels };
}
