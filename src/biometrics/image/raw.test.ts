import { describe, expect, it } from 'vitest';
import { BiometricError } from '../errors.ts';
import { decodeRaw } from './raw.ts';

function errorOf(f: () => unknown): BiometricError {
  try {
    f();
  } catch (e) {
    if (e instanceof BiometricError) return e;
    throw e;
  }
  throw new Error('expected a BiometricError');
}

describe('decodeRaw', () => {
  it('wraps exactly width × height bytes as an image, copying them', () => {
    const bytes = Uint8Array.from({ length: 12 }, (_, i) => i * 20);
    const image = decodeRaw(bytes, { width: 4, height: 3, ppi: 1000 });
    expect(image).toMatchObject({ width: 4, height: 3, ppi: 1000 });
    expect(image.pixels).toEqual(bytes);
    bytes[0] = 99;
    expect(image.pixels[0]).toBe(0);
  });

  it('assumes 500 ppi when none is given', () => {
    expect(decodeRaw(new Uint8Array(4), { width: 2, height: 2 }).ppi).toBe(500);
  });

  it('refuses too few bytes as truncated and too many as malformed', () => {
    expect(errorOf(() => decodeRaw(new Uint8Array(11), { width: 4, height: 3 })).code).toBe('IMAGE_TRUNCATED');
    expect(errorOf(() => decodeRaw(new Uint8Array(13), { width: 4, height: 3 })).code).toBe('IMAGE_FORMAT');
  });

  it('refuses bad dimensions and resolutions before looking at the bytes', () => {
    expect(errorOf(() => decodeRaw(new Uint8Array(0), { width: 4001, height: 4001 })).code).toBe('IMAGE_DIMENSIONS');
    expect(errorOf(() => decodeRaw(new Uint8Array(0), { width: 0, height: 3 })).code).toBe('IMAGE_DIMENSIONS');
    expect(errorOf(() => decodeRaw(new Uint8Array(6), { width: 2.5, height: 2 })).code).toBe('IMAGE_DIMENSIONS');
    expect(errorOf(() => decodeRaw(new Uint8Array(4), { width: 2, height: 2, ppi: 100 })).code).toBe('IMAGE_RESOLUTION');
  });
});
