import { existsSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BiometricError } from '../../errors.ts';
import { decodeWsq, encodeWsq } from './index.ts';
import { syntheticFingerprint } from './test-support.ts';

const SAMPLE = new URL('../../../../../shared/data/wsq/sample.wsq', import.meta.url).pathname;

/** Decoding must give an image or a BiometricError, nothing else. */
function decodesOrRefuses(bytes: Uint8Array): void {
  try {
    const image = decodeWsq(bytes);
    expect(image.pixels.length).toBe(image.width * image.height);
  } catch (error) {
    if (!(error instanceof BiometricError)) throw error;
    expect(typeof error.code).toBe('string');
  }
}

const damage = (base: Uint8Array): fc.Arbitrary<Uint8Array> =>
  fc.oneof(
    // Overwrite a few bytes (biased towards the headers, where the tables live).
    fc.array(fc.tuple(fc.nat({ max: base.length - 1 }), fc.nat({ max: 255 }), fc.boolean()), { minLength: 1, maxLength: 8 }).map((edits) => {
      const copy = base.slice();
      for (const [at, value, header] of edits) copy[header ? at % Math.min(base.length, 700) : at] = value;
      return copy;
    }),
    // Truncate anywhere.
    fc.nat({ max: base.length }).map((n) => base.slice(0, n)),
    // Cut a piece out of the middle.
    fc.tuple(fc.nat({ max: base.length - 1 }), fc.nat({ max: 64 })).map(([at, n]) => new Uint8Array([...base.subarray(0, at), ...base.subarray(at + n)])),
    // Insert random bytes.
    fc.tuple(fc.nat({ max: base.length }), fc.uint8Array({ minLength: 1, maxLength: 16 })).map(([at, bytes]) => new Uint8Array([...base.subarray(0, at), ...bytes, ...base.subarray(at)])),
  );

describe('WSQ decoder on damaged input', () => {
  const encoded = encodeWsq(syntheticFingerprint(96, 80, 5), { bitrate: 0.75 });

  it('gives an image or a BiometricError for any damaged copy of an encoded file', () => {
    fc.assert(fc.property(damage(encoded), (bytes) => decodesOrRefuses(bytes)), { numRuns: 300, seed: 42, interruptAfterTimeLimit: 30_000 });
  });

  it('gives an image or a BiometricError for arbitrary bytes after an SOI marker', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (tail) => decodesOrRefuses(new Uint8Array([0xff, 0xa0, ...tail]))),
      { numRuns: 300, seed: 7, interruptAfterTimeLimit: 10_000 },
    );
  });

  it('reports truncation with the byte offset where the data ran out', () => {
    const cut = encoded.slice(0, encoded.length - 40);
    expect(() => decodeWsq(cut)).toThrow(expect.objectContaining({ code: 'IMAGE_TRUNCATED' }));
  });

  it('refuses a frame header declaring more than 4000 pixels a side before allocating', () => {
    const copy = encoded.slice();
    // Find SOF and set the height to 0xFFFF.
    let i = 2;
    while (!(copy[i] === 0xff && copy[i + 1] === 0xa2)) i += 2 + ((copy[i + 2] << 8) | copy[i + 3]);
    copy[i + 6] = 0xff;
    copy[i + 7] = 0xff;
    expect(() => decodeWsq(copy)).toThrow(expect.objectContaining({ code: 'IMAGE_DIMENSIONS', offset: i + 2 }));
  });

  it.skipIf(!existsSync(SAMPLE))(`gives an image or a BiometricError for damaged copies of sample.wsq${existsSync(SAMPLE) ? '' : ' (skipped: ../shared/data is not present)'}`, () => {
    const sample = new Uint8Array(readFileSync(SAMPLE));
    fc.assert(fc.property(damage(sample), (bytes) => decodesOrRefuses(bytes)), { numRuns: 200, seed: 3, interruptAfterTimeLimit: 30_000 });
  });
});
