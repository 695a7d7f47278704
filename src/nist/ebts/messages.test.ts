import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseTransaction, serializeTransaction } from '../index.ts';
import { buildCar, buildCarBytes, buildErrt, buildSre, readCar, readErrt, readSre } from './messages.ts';
import { parseEbtsRules } from './rules.ts';
import { sampleBooking } from './testing.ts';
import { validate } from './validate.ts';

const envelope = { controlNumber: 'CA0190000-20110615-0001', destinationOri: 'DCFBIWAK0', date: '20110615' };
const ebtsDir = fileURLToPath(new URL('../../../../shared/data/ebts/', import.meta.url));
const haveRules = existsSync(`${ebtsDir}EBTS9.1_ENUS.txt`);

describe('CAR (criminal tenprint submission)', () => {
  it('round-trips a booking through bytes', () => {
    const b = sampleBooking();
    const back = readCar(buildCarBytes(b, envelope));
    expect(back).toEqual(b);
  });

  it('writes ten Type-14 fingerprint records listed in 1.003 CNT', () => {
    const t = parseTransaction(buildCarBytes(sampleBooking(), envelope));
    expect(t.records.map((r) => r.type)).toEqual([1, 2, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14]);
    expect(serializeTransaction(t)).toEqual(buildCarBytes(sampleBooking(), envelope));
  });

  it('rejects a finger position outside 1–10', () => {
    const b = { ...sampleBooking(), fingerprints: [{ ...sampleBooking().fingerprints[0], position: 11 }] };
    expect(() => buildCar(b, envelope)).toThrow(/finger position/);
  });

  it.skipIf(!haveRules)('is EBTS 9.1 conformant', () => {
    const tables = Object.fromEntries(['T2_CTZ.txt', 'T2_POB.txt', 'T2_SMT.txt'].map((f) => [f, readFileSync(ebtsDir + f, 'utf8')]));
    const rules = parseEbtsRules(readFileSync(`${ebtsDir}EBTS9.1_ENUS.txt`, 'utf8'), { codeTables: tables });
    for (const t of [
      buildCar({ ...sampleBooking(), fingerprints: sampleBooking().fingerprints.map((f) => ({ ...f, width: 800, height: 750, compression: 'WSQ20' as const })) }, envelope),
      buildSre({ controlReference: envelope.controlNumber, name: 'GARCIA,JUAN CARLOS', controllingAgency: 'CA0190000', result: { kind: 'non-ident' } }, { ...envelope, destinationOri: 'CA0190000' }),
      buildErrt({ controlReference: envelope.controlNumber, problems: ['missing 2.018'] }, { ...envelope, destinationOri: 'CA0190000' }),
    ]) {
      const report = validate(t, rules);
      expect(report.violations.filter((v) => v.severity === 'error')).toEqual([]);
    }
  });
});

describe('SRE (submission results)', () => {
  it('round-trips an identification with its rap sheet', () => {
    const sre = {
      controlReference: envelope.controlNumber,
      name: 'GARCIA,JUAN CARLOS',
      controllingAgency: 'CA0190000',
      result: { kind: 'ident' as const, fbiNumber: '123456AB7', rapSheet: 'ARREST 2009-01-02 CA0190000\nCHARGE 1313 SIMPLE ASSAULT' },
    };
    const back = readSre(serializeTransaction(buildSre(sre, { ...envelope, destinationOri: 'CA0190000' })));
    expect(back).toMatchObject(sre);
    expect(back.envelope.originatingOri).toBe('DCFBIWAK0');
  });

  it('round-trips a non-ident', () => {
    const sre = { controlReference: envelope.controlNumber, name: 'DOE,JOHN', controllingAgency: 'CA0190000', result: { kind: 'non-ident' as const } };
    expect(readSre(serializeTransaction(buildSre(sre, envelope)))).toMatchObject(sre);
  });
});

describe('ERRT (tenprint transaction error)', () => {
  it('round-trips the problem list', () => {
    const errt = { controlReference: envelope.controlNumber, problems: ['2.018 NAM missing', 'CAR needs 1–14 fingerprint records'] };
    expect(readErrt(serializeTransaction(buildErrt(errt, envelope)))).toMatchObject(errt);
  });

  it('folds more than eleven problems into the last message', () => {
    const problems = Array.from({ length: 15 }, (_, i) => `problem ${i + 1}`);
    const back = readErrt(serializeTransaction(buildErrt({ controlReference: 'X', problems }, envelope)));
    expect(back.problems).toHaveLength(11);
    expect(back.problems[10]).toMatch(/and 5 more/);
  });

  it('refuses to read an ERRT as a CAR', () => {
    expect(() => readCar(serializeTransaction(buildErrt({ controlReference: 'X', problems: ['p'] }, envelope)))).toThrow(/expected a CAR/);
  });
});
