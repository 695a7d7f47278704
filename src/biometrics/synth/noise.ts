import type { Rng } from './random.ts';

/**
 * Smooth random fields: value noise on a coarse lattice of uniform values in [-1, 1],
 * interpolated with a smoothstep (C¹) blend. `cell` is the lattice spacing in pixels, i.e.
 * roughly the correlation length of the field.
 */
export function valueNoise(rng: Rng, width: number, height: number, cell: number): Float32Array {
  const gw = Math.ceil(width / cell) + 2;
  const gh = Math.ceil(height / cell) + 2;
  const lattice = new Float32Array(gw * gh);
  for (let i = 0; i < lattice.length; i++) lattice[i] = rng.uniform(-1, 1);
  // Random sub-cell offset so lattice points do not line up with the image origin.
  const ox = rng.uniform(0, cell);
  const oy = rng.uniform(0, cell);
  const out = new Float32Array(width * height);
  const inv = 1 / cell;
  // Precompute per-column lattice index and blend weight.
  const xi = new Int32Array(width);
  const xt = new Float32Array(width);
  for (let x = 0; x < width; x++) {
    const gx = (x + ox) * inv;
    const i = Math.floor(gx);
    const t = gx - i;
    xi[x] = i;
    xt[x] = t * t * (3 - 2 * t);
  }
  for (let y = 0; y < height; y++) {
    const gy = (y + oy) * inv;
    const j = Math.floor(gy);
    let ty = gy - j;
    ty = ty * ty * (3 - 2 * ty);
    const r0 = j * gw;
    const r1 = r0 + gw;
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const i = xi[x];
      const tx = xt[x];
      const top = lattice[r0 + i] + (lattice[r0 + i + 1] - lattice[r0 + i]) * tx;
      const bottom = lattice[r1 + i] + (lattice[r1 + i + 1] - lattice[r1 + i]) * tx;
      out[row + x] = top + (bottom - top) * ty;
    }
  }
  return out;
}

/** Sum of value-noise octaves (cell, cell/2, …), normalised back to roughly [-1, 1]. */
export function fractalNoise(rng: Rng, width: number, height: number, cell: number, octaves: number): Float32Array {
  const out = new Float32Array(width * height);
  let amplitude = 1;
  let total = 0;
  for (let o = 0; o < octaves; o++) {
    const layer = valueNoise(rng, width, height, Math.max(2, cell / 2 ** o));
    for (let i = 0; i < out.length; i++) out[i] += amplitude * layer[i];
    total += amplitude;
    amplitude *= 0.5;
  }
  for (let i = 0; i < out.length; i++) out[i] /= total;
  return out;
}

/** Bilinear sample of a row-major float field; coordinates are clamped to the field. */
export function sampleBilinear(field: Float32Array, width: number, height: number, x: number, y: number): number {
  if (x < 0) x = 0;
  else if (x > width - 1) x = width - 1;
  if (y < 0) y = 0;
  else if (y > height - 1) y = height - 1;
  const x0 = Math.min(width - 2, Math.floor(x));
  const y0 = Math.min(height - 2, Math.floor(y));
  const tx = x - x0;
  const ty = y - y0;
  const i = y0 * width + x0;
  const top = field[i] + (field[i + 1] - field[i]) * tx;
  const bottom = field[i + width] + (field[i + width + 1] - field[i + width]) * tx;
  return top + (bottom - top) * ty;
}
