import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeWsq } from '../biometrics/image/wsq/index.ts';
import { buildCarBytes, readCar } from '../nist/ebts/messages.ts';
import { parseEbtsRules, validate } from '../nist/ebts/index.ts';
import { parseTransaction } from '../nist/index.ts';
import { syntheticBooking } from './booking.ts';

const EBTS_DIR = new URL('../../../shared/data/ebts/', import.meta.url).pathname;

describe('a synthetic booking', () => {
  const booking = syntheticBooking('test-person', { ori: 'TX0150000', dateOfArrest: '20120301' });
  const car = buildCarBytes(booking, { controlNumber: 'SC20120301TEST0001', destinationOri: 'DCFBIWAK0', date: '20120301' });

  it('carries ten WSQ prints of 500 ppi that decode to fingerprint-sized images', () => {
    expect(booking.fingerprints.map((f) => f.position)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const image = decodeWsq(booking.fingerprints[0].data, { ppi: 500 });
    expect([image.width, image.height, image.ppi]).toEqual([booking.fingerprints[0].width, booking.fingerprints[0].height, 500]);
  });

  it('has an adult date of birth, known codes and at least one charge', () => {
    const age = 2012 - Number(booking.dateOfBirth.slice(0, 4));
    expect(age).toBeGreaterThanOrEqual(17);
    expect(age).toBeLessThanOrEqual(64);
    expect(booking.charges.length).toBeGreaterThan(0);
    for (const c of booking.charges) expect(c.ncicCode).toMatch(/^\d{4}$/);
  });

  it('travels as a CAR that reads back into the same booking', () => {
    const back = readCar(car);
    expect(back.name).toBe(booking.name);
    expect(back.charges.map((c) => c.ncicCode)).toEqual(booking.charges.map((c) => c.ncicCode));
    expect(back.fingerprints.map((f) => f.data.length)).toEqual(booking.fingerprints.map((f) => f.data.length));
  });

  it.skipIf(!existsSync(join(EBTS_DIR, 'EBTS9.1_ENUS.txt')))('passes the FBI EBTS 9.1 rules without errors (skipped when ../shared/data is absent)', () => {
    const codeTables = Object.fromEntries(
      readdirSync(EBTS_DIR)
        .filter((f) => /^T2_.*\.txt$/.test(f))
        .map((f) => [f, readFileSync(join(EBTS_DIR, f), 'utf8')]),
    );
    const rules = parseEbtsRules(readFileSync(join(EBTS_DIR, 'EBTS9.1_ENUS.txt'), 'utf8'), { codeTables });
    const report = validate(parseTransaction(car), rules);
    expect(report.violations.filter((v) => v.severity === 'error')).toEqual([]);
  });
});
