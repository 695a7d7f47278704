import type { Booking } from './messages.ts';

/** A complete synthetic booking (ten tiny prints, alternately WSQ-tagged and raw) for tests of the EBTS messages. */
export function sampleBooking(): Booking {
  const fingerprints = Array.from({ length: 10 }, (_, k) => ({
    position: k + 1,
    data: k % 2 === 0 ? new Uint8Array([0xff, 0xa0, k, 0x1c, 0x1d, 0xff, 0xa1]) : new Uint8Array(4 * 3).fill(k),
    width: 4,
    height: 3,
    ppi: 500,
    compression: k % 2 === 0 ? ('WSQ20' as const) : ('NONE' as const),
  }));
  return {
    arrestingAgencyOri: 'CA0190000',
    dateOfArrest: '20110615',
    name: 'GARCIA,JUAN CARLOS',
    dateOfBirth: '19850304',
    sex: 'M',
    race: 'W',
    placeOfBirth: 'MX',
    citizenship: 'US',
    height: '510',
    weightLb: 172,
    eyeColor: 'BRO',
    hairColor: 'BLK',
    charges: [
      { ncicCode: '5404', literal: 'DRIVING UNDER INFLUENCE', offenseDate: '20110614' },
      { ncicCode: '1313', literal: 'SIMPLE ASSAULT' },
    ],
    fingerprints,
    caseNumber: 'SJ-2011-000123',
  };
}
