/**
 * Participation as routing: the one place that turns a jurisdiction's participation mode into
 * where its messages go. Agencies ask `routingFor` and follow it; no other code branches on
 * the mode.
 */
export const PARTICIPATION_MODES = ['not-activated', 'activated', 'opted-out-of-iar', 'share-after-conviction', 'declines-detainers', 'withdrawn'] as const;
export type ParticipationMode = (typeof PARTICIPATION_MODES)[number];

export interface Participation {
  mode: ParticipationMode;
  /** Since when (epoch ms); null for the initial "not activated". */
  effectiveAt: number | null;
  /** declines-detainers: NCIC codes (4 digits) or offense blocks (2 digits) the jail still honours detainers for. */
  seriousOffenses: string[];
}

export interface Routing {
  /** Whether the state bureau sends the prints to IDENT: at booking, only after a conviction, or not at all. */
  immigrationSearch: 'at-booking' | 'after-conviction' | 'never';
  /** Whether LESC sends the IAR to the jail as well as to the field office. */
  iarToJail: boolean;
  /** Whether the jail honours a detainer for a person with these charges' NCIC codes. */
  honoursDetainer(ncicCodes: readonly string[]): boolean;
}

export function routingFor(p: Participation): Routing {
  const honoursAll = () => true;
  switch (p.mode) {
    case 'not-activated':
    case 'withdrawn':
      return { immigrationSearch: 'never', iarToJail: false, honoursDetainer: honoursAll };
    case 'activated':
      return { immigrationSearch: 'at-booking', iarToJail: true, honoursDetainer: honoursAll };
    case 'opted-out-of-iar':
      return { immigrationSearch: 'at-booking', iarToJail: false, honoursDetainer: honoursAll };
    case 'share-after-conviction':
      return { immigrationSearch: 'after-conviction', iarToJail: true, honoursDetainer: honoursAll };
    case 'declines-detainers':
      return {
        immigrationSearch: 'at-booking',
        iarToJail: true,
        honoursDetainer: (codes) => codes.some((code) => p.seriousOffenses.some((s) => (s.length === 2 ? code.startsWith(s) : code === s))),
      };
  }
}
