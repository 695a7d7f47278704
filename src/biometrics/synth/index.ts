import { BiometricError } from '../errors.ts';
import { renderImpression, type ImpressionOptions, type SyntheticImpression } from './impression.ts';
import { generateMaster, type MasterFingerprint, type MasterOptions } from './master.ts';
import { createRng, type Seed } from './random.ts';

export { createRng, hashSeed, Rng, toRng, type Seed } from './random.ts';
export {
  DEFAULT_CLASS_WEIGHTS,
  PATTERN_CLASSES,
  samplePatternClass,
  type FingertipShape,
  type PatternClass,
  type Point,
  type Singularities,
} from './pattern.ts';
export { generateMaster, validateMasterOptions, type MasterFingerprint, type MasterOptions } from './master.ts';
export {
  DEFAULT_IMPRESSION_HEIGHT,
  DEFAULT_IMPRESSION_WIDTH,
  renderImpression,
  validateImpressionOptions,
  type ImpressionOptions,
  type ImpressionPose,
  type SyntheticImpression,
} from './impression.ts';

/** The random stream of finger `position` (1–10, NIST finger codes) of an identity. */
export function fingerSeedKey(identitySeed: Seed, fingerPosition: number): string {
  if (!Number.isInteger(fingerPosition) || fingerPosition < 1 || fingerPosition > 10) {
    throw new BiometricError('INVALID_ARGUMENT', `finger position must be an integer 1–10, got ${String(fingerPosition)}`);
  }
  return createRng(identitySeed).fork(`finger-${fingerPosition}`).key;
}

/** The master of one finger of an identity; fingers of one identity are independent. */
export function masterForFinger(identitySeed: Seed, fingerPosition: number, options: MasterOptions = {}): MasterFingerprint {
  return generateMaster(fingerSeedKey(identitySeed, fingerPosition), options);
}

/** Impression `impression` (0, 1, 2 …) of a master, from the master's own stream. */
export function impressionOf(master: MasterFingerprint, impression: number, options: ImpressionOptions = {}): SyntheticImpression {
  if (!Number.isInteger(impression) || impression < 0) {
    throw new BiometricError('INVALID_ARGUMENT', `impression index must be a non-negative integer, got ${String(impression)}`);
  }
  return renderImpression(master, createRng(master.seedKey).fork(`impression-${impression}`), options);
}

// Masters take a few hundred milliseconds; keep the last few so repeated calls for one finger are cheap.
const cache: { key: string; master: MasterFingerprint }[] = [];
const CACHE_SIZE = 4;

/**
 * Impression `impression` (0-based) of finger `fingerPosition` (1–10) of an identity.
 * Reproducible: the same arguments always give byte-identical pixels, whatever was generated before.
 */
export function synthesizeFinger(
  identitySeed: Seed,
  fingerPosition: number,
  impression: number,
  options: { master?: MasterOptions; impression?: ImpressionOptions } = {},
): SyntheticImpression {
  const seedKey = fingerSeedKey(identitySeed, fingerPosition);
  const key = `${seedKey}\u0000${JSON.stringify(options.master ?? {})}`;
  let entry = cache.find((e) => e.key === key);
  if (!entry) {
    entry = { key, master: generateMaster(seedKey, options.master) };
    cache.unshift(entry);
    if (cache.length > CACHE_SIZE) cache.pop();
  }
  return impressionOf(entry.master, impression, options.impression);
}
