/**
 * The engine's minutiae template — what extraction produces and comparison consumes.
 *
 * Conventions (the same as ISO/IEC 19794-2 so import/export is a change of units only):
 * - `x`, `y` in pixels at `resolution` ppi (always 500 for templates we extract), origin at
 *   the top-left corner of the image, y growing downwards;
 * - `direction` in radians in [0, 2π), counter-clockwise from the positive x axis as seen
 *   on the image (so a direction pointing up the image is π/2);
 * - a ridge ending points back along its ridge, into the ridge body; a bifurcation points away
 *   from its stem, between the two branches. An ending of the ridges is a bifurcation of the
 *   valleys and vice versa, and both point the same way, so when two impressions disagree on a
 *   minutia's type (they often do) they still agree on its direction;
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
