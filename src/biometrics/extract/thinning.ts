/**
 * Skeletonisation of a binary ridge image (1 = ridge) to one-pixel-wide, 8-connected lines:
 * Zhang–Suen thinning driven by two 256-entry lookup tables over the 8-neighbourhood, followed
 * by a sequential pass that deletes "staircase" corner pixels whose removal keeps the skeleton
 * connected, so that every line pixel has exactly two neighbours (crossing number works cleanly).
 *
 * Neighbour bit order: N=1, NE=2, E=4, SE=8, S=16, SW=32, W=64, NW=128.
 */
const DX = [0, 1, 1, 1, 0, -1, -1, -1];
const DY = [-1, -1, 0, 1, 1, 1, 0, -1];

function bitCount(c: number): number {
  let b = 0;
  for (let k = 0; k < 8; k++) b += (c >> k) & 1;
  return b;
}

function transitions(c: number): number {
  let a = 0;
  for (let k = 0; k < 8; k++) if (!((c >> k) & 1) && (c >> ((k + 1) % 8)) & 1) a++;
  return a;
}

/** Number of 8-connected groups among the set neighbours of a pixel. */
function neighbourGroups(c: number): number {
  const set: number[] = [];
  for (let k = 0; k < 8; k++) if ((c >> k) & 1) set.push(k);
  const parent = set.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  for (let i = 0; i < set.length; i++)
    for (let j = i + 1; j < set.length; j++) {
      if (Math.max(Math.abs(DX[set[i]] - DX[set[j]]), Math.abs(DY[set[i]] - DY[set[j]])) <= 1) parent[find(i)] = find(j);
    }
  let g = 0;
  for (let i = 0; i < set.length; i++) if (find(i) === i) g++;
  return g;
}

const ZS1 = new Uint8Array(256);
const ZS2 = new Uint8Array(256);
const STAIR = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  const b = bitCount(c);
  const a = transitions(c);
  const n = c & 1;
  const e = (c >> 2) & 1;
  const s = (c >> 4) & 1;
  const w = (c >> 6) & 1;
  if (b >= 2 && b <= 6 && a === 1) {
    if (!(n && e && s) && !(e && s && w)) ZS1[c] = 1;
    if (!(n && e && w) && !(n && s && w)) ZS2[c] = 1;
  }
  const corner = (n && e) || (e && s) || (s && w) || (w && n);
  if (corner && b >= 2 && neighbourGroups(c) === 1) STAIR[c] = 1;
}

/** 8-neighbourhood code of pixel i; the image must have a zero one-pixel frame. */
export function neighbourCode(img: Uint8Array, i: number, w: number): number {
  return (
    img[i - w] |
    (img[i - w + 1] << 1) |
    (img[i + 1] << 2) |
    (img[i + w + 1] << 3) |
    (img[i + w] << 4) |
    (img[i + w - 1] << 5) |
    (img[i - 1] << 6) |
    (img[i - w - 1] << 7)
  );
}

export function thin(binary: Uint8Array, width: number, height: number): Uint8Array {
  const img = binary.slice();
  // Clear the one-pixel frame so neighbour lookups never leave the image.
  for (let x = 0; x < width; x++) { img[x] = 0; img[(height - 1) * width + x] = 0; }
  for (let y = 0; y < height; y++) { img[y * width] = 0; img[y * width + width - 1] = 0; }
  if (width < 3 || height < 3) return new Uint8Array(width * height);
  // Live list of ridge pixels, compacted after every iteration.
  let live = new Int32Array(img.length);
  let nLive = 0;
  for (let i = 0; i < img.length; i++) if (img[i]) live[nLive++] = i;
  live = live.subarray(0, nLive);
  const del = new Int32Array(nLive);
  for (let iter = 0; iter < 1000; iter++) {
    let changed = false;
    for (const table of [ZS1, ZS2]) {
      let nDel = 0;
      for (let k = 0; k < nLive; k++) {
        const i = live[k];
        if (img[i] && table[neighbourCode(img, i, width)]) del[nDel++] = i;
      }
      for (let k = 0; k < nDel; k++) img[del[k]] = 0;
      if (nDel) changed = true;
    }
    let m = 0;
    for (let k = 0; k < nLive; k++) if (img[live[k]]) live[m++] = live[k];
    nLive = m;
    if (!changed) break;
  }
  for (let k = 0; k < nLive; k++) {
    const i = live[k];
    if (img[i] && STAIR[neighbourCode(img, i, width)]) img[i] = 0;
  }
  return img;
}
