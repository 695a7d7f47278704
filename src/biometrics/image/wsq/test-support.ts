/**
 * Helpers shared by the WSQ tests and benchmark (no I/O here: callers read the files).
 * `extractType4Wsq` pulls the WSQ streams out of an ANSI/NIST-ITL file's Type-4 records so the
 * conformance tests do not depend on the full ANSI/NIST parser.
 */

export interface Type4Image {
  readonly idc: number;
  readonly fingerPosition: number;
  readonly width: number;
  readonly height: number;
  /** 0 uncompressed, 1 WSQ. */
  readonly compression: number;
  readonly data: Uint8Array;
}

/** The images of the Type-4 records, in file order. */
export function extractType4Wsq(bytes: Uint8Array): Type4Image[] {
  const text = (from: number, to: number): string => String.fromCharCode(...bytes.subarray(from, to));
  const asciiLength = (at: number): number => {
    // "n.001:<length>" up to the first GS (0x1D).
    let end = at;
    while (end < bytes.length && bytes[end] !== 0x1d && bytes[end] !== 0x1c) end++;
    const field = text(at, end);
    const colon = field.indexOf(':');
    return Number(field.slice(colon + 1));
  };
  // Record types in order come from field 1.003 (CNT): "1␟n␞2␟id␞4␟id…".
  const type1Length = asciiLength(0);
  const type1 = text(0, type1Length);
  const cntStart = type1.indexOf('1.003:');
  const cntEnd = type1.indexOf('\x1d', cntStart);
  const cnt = cntStart < 0 ? '' : type1.slice(cntStart + 6, cntEnd < 0 ? undefined : cntEnd);
  const types = cnt
    .split('\x1e')
    .slice(1)
    .map((s) => Number(s.split('\x1f')[0]));
  const out: Type4Image[] = [];
  let at = type1Length;
  for (const type of types) {
    if (at >= bytes.length) break;
    if (type === 2 || type === 9 || type >= 10) {
      at += asciiLength(at);
    } else {
      const length = ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0;
      if (type === 4) {
        const width = (bytes[at + 13] << 8) | bytes[at + 14];
        const height = (bytes[at + 15] << 8) | bytes[at + 16];
        out.push({ idc: bytes[at + 4], fingerPosition: bytes[at + 6], width, height, compression: bytes[at + 17], data: bytes.subarray(at + 18, at + length) });
      }
      at += length;
    }
  }
  return out;
}

export function maxAbsDiff(a: Uint8Array, b: Uint8Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (d > max) max = d;
  }
  return max;
}

/** Peak signal-to-noise ratio in dB of `b` against the original `a`. */
export function psnr(a: Uint8Array, b: Uint8Array): number {
  let se = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    se += d * d;
  }
  if (se === 0) return Infinity;
  return 10 * Math.log10((255 * 255 * a.length) / se);
}

/** A deterministic synthetic fingerprint-like image: curved ridges, a soft border and noise. */
export function syntheticFingerprint(width: number, height: number, seed = 1): { width: number; height: number; ppi: number; pixels: Uint8Array } {
  let state = seed >>> 0 || 1;
  const random = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 0x100000000;
  };
  const pixels = new Uint8Array(width * height);
  const cx = width / 2;
  const cy = height / 2;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const r = Math.hypot(x - cx, (y - cy) * 1.3);
      const ridge = Math.sin(r / 1.6 + Math.atan2(y - cy, x - cx) * 2);
      const fade = Math.max(0, Math.min(1, (Math.min(width, height) * 0.45 - r * 0.8) / 20));
      const v = 200 - fade * (70 + 60 * ridge) + (random() - 0.5) * 12;
      pixels[y * width + x] = Math.max(0, Math.min(255, Math.round(v)));
    }
  }
  return { width, height, ppi: 500, pixels };
}
