/**
 * Synthetic tenprints for benchmarks: identity i of a seed is ten statistical templates
 * (src/biometrics/synth/templates.ts); impression 0 is enrolled, 1, 2 … are later bookings.
 */
import type { Tenprint } from '../../biometrics/search/index.ts';
import { syntheticTemplate } from '../../biometrics/synth/templates.ts';

export function syntheticTenprint(seed: string, identity: number, impression: number, positions: readonly number[] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]): Tenprint {
  return positions.map((position) => ({ position, template: syntheticTemplate(`${seed}/person-${identity}`, position, impression) }));
}
