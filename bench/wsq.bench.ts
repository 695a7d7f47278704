// WSQ codec throughput on one core: decode and encode megapixels per second over the reference
// images (sample.wsq and the 14 Type-4 WSQ images of the NIST ten-print card), plus the bit rate
// and PSNR the encoder reaches at 0.75 and 2.25 bits per pixel. Times are process CPU time
// (user + system), so other work on a shared machine distorts them less than wall-clock time.
// Usage: node --import tsx bench/wsq.bench.ts   → prints a table, writes bench/results/wsq.json
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeWsq, encodeWsq } from '../src/biometrics/image/wsq/index.ts';
import { extractType4Wsq, psnr, syntheticFingerprint } from '../src/biometrics/image/wsq/test-support.ts';
import type { GrayImage } from '../src/biometrics/image/gray-image.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const DATA = `${ROOT}../shared/data/`;

interface Item {
  name: string;
  wsq: Uint8Array;
}

function references(): Item[] {
  if (!existsSync(`${DATA}wsq/sample.wsq`)) {
    console.warn('(../shared/data not present: benchmarking synthetic images encoded at 0.75 bpp instead)');
    return [512, 800].map((size, i) => ({ name: `synthetic-${size}`, wsq: encodeWsq(syntheticFingerprint(size, size, i + 1), { bitrate: 0.75 }) }));
  }
  const items: Item[] = [{ name: 'sample.wsq', wsq: new Uint8Array(readFileSync(`${DATA}wsq/sample.wsq`)) }];
  const card = new Uint8Array(readFileSync(`${DATA}ansi-nist/nist-reference/type-4-tpcard.an2`));
  for (const r of extractType4Wsq(card)) items.push({ name: `tpcard fgp ${r.fingerPosition}`, wsq: r.data });
  return items;
}

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Best of `rounds` timed passes (each pass runs `body` over every item) after one warm-up. */
function bestRate(megapixels: number, rounds: number, body: () => void): number {
  body();
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t0 = cpuMs();
    body();
    best = Math.min(best, cpuMs() - t0);
  }
  return megapixels / (best / 1000);
}

const items = references();
const images: GrayImage[] = items.map((i) => decodeWsq(i.wsq));
const megapixels = images.reduce((s, im) => s + (im.width * im.height) / 1e6, 0);

const decodeRate = bestRate(megapixels, 5, () => {
  for (const i of items) decodeWsq(i.wsq);
});
const encodeRate = bestRate(megapixels, 5, () => {
  for (const im of images) encodeWsq(im, { bitrate: 0.75 });
});

// A synthetic ridge pattern with sensor-like noise shows the rate/quality trade-off on content
// that has not been through WSQ before.
const synthetic = syntheticFingerprint(800, 750, 11);
const qualitySet: { name: string; image: GrayImage }[] = [{ name: 'synthetic (fresh)', image: synthetic }, ...images.map((image, k) => ({ name: items[k].name, image }))];
const quality = qualitySet.map(({ name, image: im }) => {
  const row: Record<string, number | string> = { image: name, size: `${im.width}×${im.height}` };
  for (const bitrate of [0.75, 2.25]) {
    const enc = encodeWsq(im, { bitrate });
    row[`bpp@${bitrate}`] = Number(((enc.length * 8) / (im.width * im.height)).toFixed(3));
    row[`psnr@${bitrate}`] = Number(psnr(im.pixels, decodeWsq(enc).pixels).toFixed(2));
  }
  return row;
});

console.log(`WSQ codec, ${items.length} images, ${megapixels.toFixed(2)} MP per pass, one core (CPU time, best of 5)`);
console.table([
  { operation: 'decode', 'MP/s': Number(decodeRate.toFixed(2)), target: 10, ok: decodeRate >= 10 },
  { operation: 'encode @0.75', 'MP/s': Number(encodeRate.toFixed(2)), target: 5, ok: encodeRate >= 5 },
]);
console.log('Bit rate and PSNR (the references are decoded WSQ images, so re-encoding them flatters PSNR):');
console.table(quality);

mkdirSync(`${ROOT}bench/results`, { recursive: true });
const result = {
  date: new Date().toISOString(),
  node: process.version,
  images: items.length,
  megapixelsPerPass: Number(megapixels.toFixed(3)),
  decodeMegapixelsPerSecond: Number(decodeRate.toFixed(2)),
  encodeMegapixelsPerSecond: Number(encodeRate.toFixed(2)),
  targets: { decode: 10, encode: 5 },
  quality,
};
writeFileSync(`${ROOT}bench/results/wsq.json`, `${JSON.stringify(result, null, 2)}\n`);
console.log('wrote bench/results/wsq.json');
