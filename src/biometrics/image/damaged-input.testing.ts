/**
 * Test helper: the damaged-input property every image decoder must hold — a truncated or
 * byte-flipped copy of a valid file decodes to a well-formed image or throws a BiometricError,
 * and does so quickly.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { BiometricError } from '../errors.ts';
import type { GrayImage } from './gray-image.ts';

export function checkDamagedCopies(valid: readonly Uint8Array[], decode: (bytes: Uint8Array) => GrayImage, repair?: (bytes: Uint8Array) => void): void {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: valid.length - 1 }),
      fc.option(fc.nat()),
      fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), { maxLength: 8 }),
      fc.boolean(),
      (which, cut, flips, fix) => {
        const source = valid[which];
        const bytes = source.slice(0, cut === null ? source.length : cut % (source.length + 1));
        for (const f of flips) if (bytes.length > 0) bytes[f.at % bytes.length] = f.value;
        // Optionally make the damage consistent (e.g. PNG chunk CRCs) so it reaches deeper code.
        if (fix && repair) repair(bytes);
        const started = performance.now();
        try {
          const image = decode(bytes);
          expect(image.pixels.length).toBe(image.width * image.height);
        } catch (e) {
          if (!(e instanceof BiometricError)) throw e;
        }
        expect(performance.now() - started).toBeLessThan(2000);
      },
    ),
    { numRuns: 300, seed: 20240607 },
  );
}
