import { describe, expect, it } from 'vitest';
import { PARTICIPATION_MODES, routingFor, type ParticipationMode } from './routing.ts';

const routing = (mode: ParticipationMode, seriousOffenses: string[] = []) => routingFor({ mode, effectiveAt: 0, seriousOffenses });

describe('Participation as routing', () => {
  it('searches IDENT at booking only in the activated modes, after conviction when sharing after conviction, never otherwise', () => {
    expect(Object.fromEntries(PARTICIPATION_MODES.map((m) => [m, routing(m, ['09']).immigrationSearch]))).toEqual({
      'not-activated': 'never',
      activated: 'at-booking',
      'opted-out-of-iar': 'at-booking',
      'share-after-conviction': 'after-conviction',
      'declines-detainers': 'at-booking',
      withdrawn: 'never',
    });
  });

  it('withholds the IAR from a jail that opted out of receiving it', () => {
    expect(routing('opted-out-of-iar').iarToJail).toBe(false);
    expect(routing('activated').iarToJail).toBe(true);
  });

  it('honours detainers under a TRUST-Act rule only for listed codes or blocks', () => {
    const r = routing('declines-detainers', ['09', '1201']);
    expect(r.honoursDetainer(['0911'])).toBe(true);
    expect(r.honoursDetainer(['1201'])).toBe(true);
    expect(r.honoursDetainer(['1299', '5399'])).toBe(false);
    expect(routing('activated').honoursDetainer(['5399'])).toBe(true);
  });
});
