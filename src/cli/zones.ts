/** The time zone of every jurisdiction in a store, by ORI, for printing instants where they happened. */
import { createJurisdictions } from '../agencies/jurisdictions/index.ts';
import { systemClock } from '../platform/clock/index.ts';
import type { Store } from '../platform/store/index.ts';

export async function zonesOfStore(store: Store): Promise<Map<string, string>> {
  try {
    const all = await createJurisdictions({ clock: systemClock }).list(store.db);
    return new Map(all.map((j) => [j.ori, j.timeZone]));
  } catch {
    // A store without the agencies' tables (e.g. a complaints-only store) has no places.
    return new Map();
  }
}

/** The one zone shared by every jurisdiction, else UTC: for instants of a whole run. */
export function commonZone(zones: Iterable<string>): string {
  const set = new Set(zones);
  return set.size === 1 ? [...set][0] : 'UTC';
}
