import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../biometrics/synth/random.ts';
import { newTrackingCode, parseTrackingCode } from './codes.ts';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const arbCode = fc.string({ minLength: 1, maxLength: 12 }).map((seed) => newTrackingCode(createRng(`codes:${seed}`)));

describe('tracking codes', () => {
  it('look like CRCL-XXXX-XXXX-XXXX-XXXX-X and differ from one draw to the next', () => {
    const rng = createRng('codes');
    const codes = Array.from({ length: 2000 }, () => newTrackingCode(rng));
    for (const c of codes) expect(c).toMatch(/^CRCL-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]$/);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('read back as typed by a person: lower case, spaces, no hyphens, O for 0 and I or L for 1', () => {
    fc.assert(
      fc.property(arbCode, (code) => {
        expect(parseTrackingCode(code)).toBe(code);
        expect(parseTrackingCode(` ${code.toLowerCase().replaceAll('-', ' ')} `)).toBe(code);
        expect(parseTrackingCode(code.slice(5).replaceAll('-', '').replaceAll('0', 'O').replaceAll('1', 'l'))).toBe(code);
      }),
    );
  });

  it('every single mistyped character is caught as malformed, before any lookup', () => {
    fc.assert(
      fc.property(arbCode, fc.nat(16), fc.nat(31), (code, position, shift) => {
        const chars = code.slice(5).replaceAll('-', '').split('');
        const replaced = ALPHABET[(ALPHABET.indexOf(chars[position]) + 1 + (shift % 31)) % 32];
        chars[position] = replaced;
        expect(() => parseTrackingCode(chars.join(''))).toThrow(expect.objectContaining({ name: 'ComplaintError', code: 'MALFORMED_TRACKING_CODE' }));
      }),
      { numRuns: 500 },
    );
  });

  it('a swap of two different neighbouring characters is caught almost always', () => {
    const rng = createRng('swaps');
    let caught = 0;
    let swaps = 0;
    for (let i = 0; i < 300; i++) {
      const chars = newTrackingCode(rng).slice(5).replaceAll('-', '').split('');
      for (let p = 0; p < 16; p++) {
        if (chars[p] === chars[p + 1]) continue;
        const swapped = [...chars];
        [swapped[p], swapped[p + 1]] = [swapped[p + 1], swapped[p]];
        swaps++;
        try {
          parseTrackingCode(swapped.join(''));
        } catch {
          caught++;
        }
      }
    }
    expect(caught / swaps).toBeGreaterThan(0.95);
  });

  it('anything else is malformed, with a reason', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (s) => {
        try {
          const code = parseTrackingCode(s);
          expect(code).toMatch(/^CRCL-/);
        } catch (error) {
          expect(error).toMatchObject({ name: 'ComplaintError', code: 'MALFORMED_TRACKING_CODE' });
        }
      }),
      { numRuns: 1000 },
    );
    expect(() => parseTrackingCode('CRCL-1234')).toThrow(/17 characters/);
    expect(() => parseTrackingCode('CRCL-UUUU-UUUU-UUUU-UUUU-U')).toThrow(/"U" cannot appear/);
  });
});
