/**
 * Tenprint input: any subset of the ten finger positions (NIST codes 1–10: 1 right thumb …
 * 5 right little, 6 left thumb … 10 left little), each with a minutiae template.
 */
import type { FingerprintTemplate } from '../template/template.ts';
import { SearchError } from './errors.ts';
import { packFinger, type PackedFinger } from './features.ts';

export const FINGER_POSITIONS = 10;

export interface TenprintFinger {
  readonly position: number;
  readonly template: FingerprintTemplate;
}

export type Tenprint = readonly TenprintFinger[];

export interface PackedTenprintFinger extends PackedFinger {
  readonly position: number;
}

export interface SkippedFinger {
  readonly position: number;
  readonly reason: 'blank';
}

export interface PackedTenprint {
  /** Usable fingers (at least one minutia), by ascending position. */
  readonly fingers: readonly PackedTenprintFinger[];
  /** Fingers given but not usable (no minutiae). */
  readonly skipped: readonly SkippedFinger[];
}

/**
 * Validates and packs a tenprint. Refuses (SearchError) a non-array, no fingers, a position
 * that is not an integer 1–10, a position given twice, and malformed templates. Blank fingers
 * (zero minutiae) are not errors: they are listed in `skipped`.
 */
export function packTenprint(tenprint: Tenprint, what = 'tenprint'): PackedTenprint {
  if (!Array.isArray(tenprint)) throw new SearchError('NO_FINGERS', `${what}: expected a list of fingers`);
  if (tenprint.length === 0) throw new SearchError('NO_FINGERS', `${what}: no fingers`);
  const seen = new Set<number>();
  const fingers: PackedTenprintFinger[] = [];
  const skipped: SkippedFinger[] = [];
  for (const f of tenprint) {
    const position = f?.position;
    if (typeof position !== 'number' || !Number.isInteger(position) || position < 1 || position > FINGER_POSITIONS) {
      throw new SearchError('FINGER_POSITION', `${what}: finger position must be an integer 1–10, got ${String(position)}`);
    }
    if (seen.has(position)) throw new SearchError('DUPLICATE_FINGER', `${what}: finger position ${position} given twice`);
    seen.add(position);
    const packed = packFinger(f.template, `${what} finger ${position}`);
    if (packed.minutiae.length === 0) skipped.push({ position, reason: 'blank' });
    else fingers.push({ ...packed, position });
  }
  fingers.sort((a, b) => a.position - b.position);
  skipped.sort((a, b) => a.position - b.position);
  return { fingers, skipped };
}
