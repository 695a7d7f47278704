/**
 * The engine's minutiae template — what extraction produces and comparison consumes.
 *
 * Conventions (the same as ISO/IEC 19794-2 so import/export is a change of units only):
 * - `x`, `y` in pixels at `resolution` ppi (always 500 for templates we extract), origin at
 *   the top-left corner of the image, y growing downwards;
 * - `direction` in radians in [0, 2π), counter-clockwise from the positive x axis as seen
 *   on the image (so a direction pointing up the image is π/2);
 * - a ridge ending points out of the ridge, the way the ridge would continue; a bifurcation
 *   points away from its stem, between the two branches (the direction of the valley that
 *   ends there), so that an ending and a bifurcation of the same ridge feature agree;
 * - `quality` 0–100 (ISO's scale).
 */
export type MinutiaType = 'ending' | 'bifurcation' | 'other';

export interface Minutia {
  x: number;
  y: number;
  direction: number;
  type: MinutiaType;
  quality: number;
}

export interface FingerprintTemplate {
  /** Size of the image the minutiae were found in, at `resolution`. */
  width: number;
  height: number;
  /** Pixels per inch of the coordinates (500 for our extractor). */
  resolution: number;
  /** Image quality 0–100 (0 = no usable fingerprint). */
  quality: number;
  minutiae: Minutia[];
}
