/**
 * Binarization of the enhanced image: a pixel is ridge when the filter response is positive
 * inside the foreground. Small specks of ridge (islands) are removed and small valley holes
 * inside ridges (lakes) are filled, since both would become false minutiae after thinning.
 * Ridges are treated as 8-connected and valleys as 4-connected (the dual pair).
 */
export function binarize(enhanced: Float32Array, mask: Uint8Array, width: number, height: number, minArea = 50): Uint8Array {
  const n = width * height;
  const ridge = new Uint8Array(n);
  for (let i = 0; i < n; i++) ridge[i] = mask[i] && enhanced[i] > 0 ? 1 : 0;
  removeSmall(ridge, width, height, 1, minArea, true);
  // Valley holes: 4-connected components of non-ridge inside the mask that are small.
  removeSmall(ridge, width, height, 0, minArea, false, mask);
  return ridge;
}

/**
 * Flips to the opposite value every connected component of `value` smaller than `minArea`.
 * With `within`, only components entirely inside it (not touching its outside) are flipped.
 */
function removeSmall(img: Uint8Array, w: number, h: number, value: number, minArea: number, eight: boolean, within?: Uint8Array): void {
  const n = w * h;
  const seen = new Uint8Array(n);
  const stack = new Int32Array(n);
  const comp = new Int32Array(n);
  const dxs = eight ? [-1, 0, 1, -1, 1, -1, 0, 1] : [0, -1, 1, 0];
  const dys = eight ? [-1, -1, -1, 0, 0, 1, 1, 1] : [-1, 0, 0, 1];
  const nn = dxs.length;
  for (let s = 0; s < n; s++) {
    if (img[s] !== value || seen[s] || (within && !within[s])) continue;
    let top = 0;
    let size = 0;
    let touches = false;
    stack[top++] = s;
    seen[s] = 1;
    while (top > 0) {
      const p = stack[--top];
      comp[size++] = p;
      const x = p % w;
      const y = (p - x) / w;
      const inner = x > 0 && y > 0 && x < w - 1 && y < h - 1;
      for (let k = 0; k < nn; k++) {
        let q: number;
        if (inner) q = p + dys[k] * w + dxs[k];
        else {
          const xx = x + dxs[k];
          const yy = y + dys[k];
          if (xx < 0 || yy < 0 || xx >= w || yy >= h) {
            touches = true;
            continue;
          }
          q = yy * w + xx;
        }
        if (img[q] !== value || seen[q]) continue;
        if (within && !within[q]) {
          touches = true;
          continue;
        }
        seen[q] = 1;
        stack[top++] = q;
      }
    }
    if (size < minArea && !(within && touches)) for (let k = 0; k < size; k++) img[comp[k]] = 1 - value;
  }
}
