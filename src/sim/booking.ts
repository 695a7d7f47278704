/**
 * Synthetic bookings: a jail booking with demographics, charges and ten synthetic rolled
 * fingerprints, reproducible from a seed. Used for demo CAR files now and by the simulator
 * later. Names and attributes are drawn from small fixed lists; nothing here describes a real
 * person.
 */
import { encodeWsq } from '../biometrics/image/wsq/index.ts';
import { createRng, synthesizeFinger, type Rng } from '../biometrics/synth/index.ts';
import type { Booking, Charge, FingerprintImage } from '../nist/ebts/messages.ts';

const SURNAMES = ['GARCIA', 'SMITH', 'NGUYEN', 'JOHNSON', 'HERNANDEZ', 'WILLIAMS', 'LOPEZ', 'BROWN', 'PATEL', 'MARTINEZ', 'DAVIS', 'REYES', 'MILLER', 'SANTOS', 'WILSON'];
const GIVEN = { M: ['JOSE', 'JAMES', 'MICHAEL', 'LUIS', 'DAVID', 'ANH', 'ROBERT', 'CARLOS', 'RAJ', 'JOHN'], F: ['MARIA', 'MARY', 'JENNIFER', 'ANA', 'LINDA', 'THI', 'PATRICIA', 'ROSA', 'PRIYA', 'SUSAN'] };
/** Place of birth (T2_POB) with the citizenship a person born there would usually claim (T2_CTZ). */
const BIRTHPLACES: ReadonlyArray<readonly [pob: string, ctz: string, weight: number]> = [
  ['CA', 'US', 20],
  ['TX', 'US', 15],
  ['NY', 'US', 10],
  ['MM', 'MM', 20],
  ['GT', 'GT', 6],
  ['DR', 'DR', 4],
  ['PI', 'PI', 3],
  ['II', 'II', 2],
];
/** NCIC offense categories with a literal; weights loosely follow the UCR arrest mix (DOMAIN.md §8). */
const CHARGES: ReadonlyArray<readonly [code: string, literal: string, weight: number]> = [
  ['5499', 'TRAFFIC OFFENSE', 22],
  ['3599', 'DANGEROUS DRUGS', 20],
  ['1399', 'ASSAULT', 13],
  ['2399', 'LARCENY', 10],
  ['5399', 'PUBLIC PEACE', 9],
  ['4199', 'LIQUOR', 8],
  ['2299', 'BURGLARY', 4],
  ['4899', 'OBSTRUCTING POLICE', 4],
  ['5299', 'WEAPON OFFENSE', 3],
  ['1299', 'ROBBERY', 2],
  ['2699', 'FRAUD', 3],
  ['0399', 'IMMIGRATION', 2],
];

function weighted<T extends readonly [...unknown[], number]>(rng: Rng, table: readonly T[]): T {
  const total = table.reduce((sum, row) => sum + (row[row.length - 1] as number), 0);
  let x = rng.uniform() * total;
  for (const row of table) {
    x -= row[row.length - 1] as number;
    if (x < 0) return row;
  }
  return table[table.length - 1];
}

export interface SyntheticBookingOptions {
  /** ORI of the booking agency. */
  ori: string;
  /** Date of arrest, CCYYMMDD. */
  dateOfArrest: string;
  /** WSQ bit rate of the fingerprint images (default 0.75 bits per pixel). */
  bitrate?: number;
  onFinger?: (done: number, total: number) => void;
}

/** A booking drawn from `seed`: same seed, same person, same prints, byte for byte. */
export function syntheticBooking(seed: string, options: SyntheticBookingOptions): Booking {
  const rng = createRng(`booking:${seed}`);
  const sex = rng.uniform() < 0.76 ? 'M' : 'F';
  const [pob, ctz] = weighted(rng, BIRTHPLACES);
  const year = Number(options.dateOfArrest.slice(0, 4)) - (18 + Math.floor(rng.uniform() * 45));
  const month = 1 + Math.floor(rng.uniform() * 12);
  const day = 1 + Math.floor(rng.uniform() * 28);
  const chargeCount = 1 + Math.floor(rng.uniform() * rng.uniform() * 3);
  const charges: Charge[] = [];
  for (let k = 0; k < chargeCount; k++) {
    const [ncicCode, literal] = weighted(rng, CHARGES);
    if (!charges.some((c) => c.ncicCode === ncicCode)) charges.push({ ncicCode, literal });
  }
  const fingerprints: FingerprintImage[] = [];
  for (let position = 1; position <= 10; position++) {
    const image = synthesizeFinger(`person:${seed}`, position, 0);
    fingerprints.push({ position, data: encodeWsq(image, { bitrate: options.bitrate ?? 0.75 }), width: image.width, height: image.height, ppi: image.ppi, compression: 'WSQ20' });
    options.onFinger?.(position, 10);
  }
  const feet = sex === 'M' ? 5 + Math.floor(rng.uniform() * 1.6) : 5 + Math.floor(rng.uniform() * 1.15);
  const inches = Math.floor(rng.uniform() * 12);
  return {
    arrestingAgencyOri: options.ori,
    dateOfArrest: options.dateOfArrest,
    name: `${SURNAMES[Math.floor(rng.uniform() * SURNAMES.length)]},${GIVEN[sex][Math.floor(rng.uniform() * GIVEN[sex].length)]}`,
    dateOfBirth: `${year}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}`,
    sex,
    race: rng.uniform() < 0.25 ? 'B' : rng.uniform() < 0.9 ? 'W' : 'A',
    placeOfBirth: pob,
    citizenship: rng.uniform() < 0.85 ? ctz : undefined,
    height: `${feet}${String(inches).padStart(2, '0')}`,
    weightLb: 110 + Math.floor(rng.uniform() * 120),
    eyeColor: rng.uniform() < 0.7 ? 'BRO' : 'BLU',
    hairColor: rng.uniform() < 0.7 ? 'BLK' : 'BRO',
    charges,
    fingerprints,
    caseNumber: `SYN${Math.floor(rng.uniform() * 1e7)}`,
  };
}
