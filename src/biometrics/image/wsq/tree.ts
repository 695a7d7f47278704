/**
 * The WSQ decomposition geometry: the 20-node wavelet tree (which rectangles are split, and
 * whether each split stores its highpass half first) and the 60 quantized subband rectangles.
 * Both depend only on the image width and height and follow the specification's layout.
 */

export interface WaveletNode {
  x: number;
  y: number;
  lenx: number;
  leny: number;
  /** Rows (horizontal split) store the highpass half first. */
  invRows: boolean;
  /** Columns (vertical split) store the highpass half first. */
  invCols: boolean;
}

export interface Subband {
  x: number;
  y: number;
  lenx: number;
  leny: number;
}

const INV_ROWS = new Set([2, 4, 7, 9, 11, 13, 16, 18]);
const INV_COLS = new Set([3, 5, 8, 9, 12, 13, 17, 18]);

function splitFour(tree: WaveletNode[], parent: number, first: number, lenx: number, leny: number, x: number, y: number, skipFourth: boolean): void {
  const p = tree[parent];
  p.x = x;
  p.y = y;
  p.lenx = lenx;
  p.leny = leny;
  const a = tree[first];
  const b = tree[first + 1];
  const c = tree[first + 2];
  a.x = x;
  c.x = x;
  a.y = y;
  b.y = y;
  if (lenx % 2 === 0) {
    a.lenx = lenx / 2;
    b.lenx = a.lenx;
  } else if (parent === 4) {
    a.lenx = (lenx - 1) / 2;
    b.lenx = a.lenx + 1;
  } else {
    a.lenx = (lenx + 1) / 2;
    b.lenx = a.lenx - 1;
  }
  b.x = a.lenx + x;
  c.lenx = a.lenx;
  if (leny % 2 === 0) {
    a.leny = leny / 2;
    c.leny = a.leny;
  } else if (parent === 5) {
    a.leny = (leny - 1) / 2;
    c.leny = a.leny + 1;
  } else {
    a.leny = (leny + 1) / 2;
    c.leny = a.leny - 1;
  }
  c.y = a.leny + y;
  b.leny = a.leny;
  if (!skipFourth) {
    const d = tree[first + 3];
    d.lenx = b.lenx;
    d.x = b.x;
    d.leny = c.leny;
    d.y = c.y;
  }
}

export function buildWaveletTree(width: number, height: number): WaveletNode[] {
  const tree: WaveletNode[] = [];
  for (let i = 0; i < 20; i++) tree.push({ x: 0, y: 0, lenx: 0, leny: 0, invRows: INV_ROWS.has(i), invCols: INV_COLS.has(i) });
  splitFour(tree, 0, 1, width, height, 0, 0, true);
  const w1 = tree[1];
  const lenx = w1.lenx % 2 === 0 ? w1.lenx / 2 : (w1.lenx + 1) / 2;
  const lenx2 = w1.lenx % 2 === 0 ? lenx : lenx - 1;
  const leny = w1.leny % 2 === 0 ? w1.leny / 2 : (w1.leny + 1) / 2;
  const leny2 = w1.leny % 2 === 0 ? leny : leny - 1;
  splitFour(tree, 4, 6, lenx2, leny, lenx, 0, false);
  splitFour(tree, 5, 10, lenx, leny2, 0, leny, false);
  splitFour(tree, 14, 15, lenx, leny, 0, 0, false);
  const w15 = tree[15];
  tree[19].x = 0;
  tree[19].y = 0;
  tree[19].lenx = Math.ceil(w15.lenx / 2);
  tree[19].leny = Math.ceil(w15.leny / 2);
  return tree;
}

/** A 2 × 2 group of subbands, first (top-left) one larger when the length is odd. */
function groupOfFour(q: Subband[], p: number, lenx: number, leny: number, x: number, y: number): void {
  q[p].x = x;
  q[p + 2].x = x;
  q[p].y = y;
  q[p + 1].y = y;
  q[p].lenx = Math.ceil(lenx / 2);
  q[p + 2].lenx = q[p].lenx;
  q[p + 1].lenx = Math.floor(lenx / 2);
  q[p + 3].lenx = q[p + 1].lenx;
  q[p + 1].x = x + q[p].lenx;
  q[p + 3].x = q[p + 1].x;
  q[p].leny = Math.ceil(leny / 2);
  q[p + 1].leny = q[p].leny;
  q[p + 2].leny = Math.floor(leny / 2);
  q[p + 3].leny = q[p + 2].leny;
  q[p + 2].y = y + q[p].leny;
  q[p + 3].y = q[p + 2].y;
}

/** A 4 × 4 group of subbands; `invRows`/`invCols` put the smaller half first on odd lengths. */
function groupOfSixteen(q: Subband[], p: number, lenx: number, leny: number, x: number, y: number, invRows: boolean, invCols: boolean): void {
  let tempx: number;
  let temp2x: number;
  if (lenx % 2 === 0) {
    tempx = lenx / 2;
    temp2x = tempx;
  } else if (invCols) {
    temp2x = (lenx + 1) / 2;
    tempx = temp2x - 1;
  } else {
    tempx = (lenx + 1) / 2;
    temp2x = tempx - 1;
  }
  let tempy: number;
  let temp2y: number;
  if (leny % 2 === 0) {
    tempy = leny / 2;
    temp2y = tempy;
  } else if (invRows) {
    temp2y = (leny + 1) / 2;
    tempy = temp2y - 1;
  } else {
    tempy = (leny + 1) / 2;
    temp2y = tempy - 1;
  }
  // Top-left quarter: subbands p … p+3.
  groupOfFour(q, p, tempx, tempy, x, y);
  // Top-right quarter: p+4 … p+7 (odd widths put the smaller band on the left).
  q[p + 4].x = x + tempx;
  q[p + 6].x = q[p + 4].x;
  q[p + 4].y = y;
  q[p + 5].y = y;
  q[p + 6].y = q[p + 2].y;
  q[p + 7].y = q[p + 2].y;
  q[p + 4].leny = q[p].leny;
  q[p + 5].leny = q[p].leny;
  q[p + 6].leny = q[p + 2].leny;
  q[p + 7].leny = q[p + 2].leny;
  q[p + 5].lenx = Math.ceil(temp2x / 2);
  q[p + 4].lenx = Math.floor(temp2x / 2);
  q[p + 6].lenx = q[p + 4].lenx;
  q[p + 7].lenx = q[p + 5].lenx;
  q[p + 5].x = q[p + 4].x + q[p + 4].lenx;
  q[p + 7].x = q[p + 5].x;
  // Bottom-left quarter: p+8 … p+11 (odd heights put the smaller band on top).
  q[p + 8].x = x;
  q[p + 9].x = q[p + 1].x;
  q[p + 10].x = x;
  q[p + 11].x = q[p + 1].x;
  q[p + 8].y = y + tempy;
  q[p + 9].y = q[p + 8].y;
  q[p + 8].lenx = q[p].lenx;
  q[p + 9].lenx = q[p + 1].lenx;
  q[p + 10].lenx = q[p].lenx;
  q[p + 11].lenx = q[p + 1].lenx;
  q[p + 10].leny = Math.ceil(temp2y / 2);
  q[p + 11].leny = q[p + 10].leny;
  q[p + 8].leny = Math.floor(temp2y / 2);
  q[p + 9].leny = q[p + 8].leny;
  q[p + 10].y = q[p + 8].y + q[p + 8].leny;
  q[p + 11].y = q[p + 10].y;
  // Bottom-right quarter: p+12 … p+15.
  q[p + 12].x = q[p + 4].x;
  q[p + 13].x = q[p + 5].x;
  q[p + 14].x = q[p + 4].x;
  q[p + 15].x = q[p + 5].x;
  q[p + 12].y = q[p + 8].y;
  q[p + 13].y = q[p + 8].y;
  q[p + 14].y = q[p + 10].y;
  q[p + 15].y = q[p + 10].y;
  q[p + 12].lenx = q[p + 4].lenx;
  q[p + 13].lenx = q[p + 5].lenx;
  q[p + 14].lenx = q[p + 4].lenx;
  q[p + 15].lenx = q[p + 5].lenx;
  q[p + 12].leny = q[p + 8].leny;
  q[p + 13].leny = q[p + 8].leny;
  q[p + 14].leny = q[p + 10].leny;
  q[p + 15].leny = q[p + 10].leny;
}

/** The 64 subband rectangles (60 coded + 4 unused slots left empty), in coding order. */
export function buildSubbands(tree: readonly WaveletNode[]): Subband[] {
  const q: Subband[] = [];
  for (let i = 0; i < 64; i++) q.push({ x: 0, y: 0, lenx: 0, leny: 0 });
  const n = (i: number): WaveletNode => tree[i];
  groupOfSixteen(q, 3, n(14).lenx, n(14).leny, n(14).x, n(14).y, false, false);
  groupOfSixteen(q, 19, n(4).lenx, n(4).leny, n(4).x, n(4).y, false, true);
  groupOfSixteen(q, 48, n(0).lenx, n(0).leny, n(0).x, n(0).y, false, false);
  groupOfSixteen(q, 35, n(5).lenx, n(5).leny, n(5).x, n(5).y, true, false);
  groupOfFour(q, 0, n(19).lenx, n(19).leny, n(19).x, n(19).y);
  return q;
}
