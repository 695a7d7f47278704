/**
 * The program's EBTS messages: the booking's criminal tenprint submission (CAR), the FBI's
 * submission results (SRE) and the tenprint error response (ERRT).
 */
import { NistError } from '../errors.ts';
import { fieldOf, itemsOf, recordsOfType, textOf, transactionType, type1 } from '../access.ts';
import { buildTransaction, taggedRecord, type FieldInput } from '../build.ts';
import { parseTransaction } from '../parse.ts';
import { serializeTransaction } from '../serialize.ts';
import type { NistRecord, Transaction } from '../model.ts';

/** A charge: NCIC offense code (4 digits) and the arrest offense literal. */
export interface Charge {
  readonly ncicCode: string;
  readonly literal: string;
  /** Date of offense, CCYYMMDD, when known. */
  readonly offenseDate?: string;
}

export type FingerprintCompression = 'WSQ20' | 'NONE';

/** One rolled fingerprint image, position 1–10 (1 right thumb … 10 left little). */
export interface FingerprintImage {
  readonly position: number;
  /** WSQ bytes, or raw 8-bit grayscale row-major pixels when compression is NONE. */
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly ppi: number;
  readonly compression: FingerprintCompression;
}

/** A jail booking as it travels to the FBI. Codes are EBTS/NCIC codes. */
export interface Booking {
  /** ORI of the arresting agency (9 characters), also written as the controlling agency (2.073 CRI). */
  readonly arrestingAgencyOri: string;
  /** CCYYMMDD. */
  readonly dateOfArrest: string;
  /** "SURNAME,GIVEN NAMES". */
  readonly name: string;
  /** CCYYMMDD, or 00000000 when unknown. */
  readonly dateOfBirth: string;
  /** EBTS sex code: M, F, X … */
  readonly sex: string;
  /** EBTS race code: A, B, I, U, W. */
  readonly race: string;
  /** NCIC place-of-birth code (T2_POB table). */
  readonly placeOfBirth: string;
  /** Claimed citizenship, NCIC country code (T2_CTZ table); undefined when not claimed. */
  readonly citizenship: string | undefined;
  /** EBTS height: "510" = 5 ft 10 in; "000" unknown. */
  readonly height: string;
  /** Pounds. */
  readonly weightLb: number;
  /** EBTS eye colour code (BRO, BLU …). */
  readonly eyeColor: string;
  /** EBTS hair colour code (BLK, BRO …). */
  readonly hairColor: string;
  readonly charges: readonly Charge[];
  readonly fingerprints: readonly FingerprintImage[];
  /** Originating agency case number (2.009 OCA), when any. */
  readonly caseNumber: string | undefined;
}

export interface EnvelopeOptions {
  /** 1.009 TCN, 10–40 characters. */
  readonly controlNumber: string;
  /** 1.007 DAI, e.g. the FBI's "DCFBIWAK0". */
  readonly destinationOri: string;
  /** 1.005 CCYYMMDD. */
  readonly date: string;
  /** 1.008 ORI; for a CAR defaults to the arresting agency. */
  readonly originatingOri?: string;
}

const VERSION = '0400'; // EBTS 9.1 is written against ANSI/NIST-ITL 1-2007
const NTR = '19.69';

function need(cond: boolean, message: string): void {
  if (!cond) throw new NistError('BAD_VALUE', message);
}

function formatWeight(lb: number): string {
  need(Number.isInteger(lb) && lb >= 0 && lb <= 999, `weight must be 0–999 lb, got ${lb}`);
  return String(lb).padStart(3, '0');
}

/** Builds the Type-14 record of one fingerprint. */
function fingerprintRecord(fp: FingerprintImage, idc: number, ori: string, date: string): NistRecord {
  need(Number.isInteger(fp.position) && fp.position >= 1 && fp.position <= 10, `finger position must be 1–10, got ${fp.position}`);
  need(Number.isInteger(fp.ppi) && fp.ppi > 0 && fp.ppi < 10000, `ppi must be a positive integer, got ${fp.ppi}`);
  need(Number.isInteger(fp.width) && fp.width > 0 && Number.isInteger(fp.height) && fp.height > 0, 'image width and height must be positive integers');
  if (fp.compression === 'NONE') {
    need(fp.data.length === fp.width * fp.height, `raw image of finger ${fp.position} must hold width × height bytes`);
  }
  return taggedRecord(14, {
    2: String(idc).padStart(2, '0'),
    3: '1', // live-scan rolled
    4: ori,
    5: date,
    6: String(fp.width),
    7: String(fp.height),
    8: '1', // pixels per inch
    9: String(fp.ppi),
    10: String(fp.ppi),
    11: fp.compression,
    12: '8',
    13: String(fp.position).padStart(2, '0'),
    999: fp.data,
  });
}

/** Builds the criminal tenprint submission (TOT CAR) of a booking. */
export function buildCar(booking: Booking, envelope: EnvelopeOptions): Transaction {
  need(/^[A-Z0-9]{9}$/.test(booking.arrestingAgencyOri), `ORI must be 9 uppercase letters/digits, got "${booking.arrestingAgencyOri}"`);
  need(booking.fingerprints.length >= 1 && booking.fingerprints.length <= 10, 'a booking carries one to ten fingerprint images');
  need(new Set(booking.fingerprints.map((f) => f.position)).size === booking.fingerprints.length, 'finger positions must be distinct');
  need(booking.charges.length >= 1 && booking.charges.length <= 40, 'a booking carries one to forty charges');
  for (const c of booking.charges) {
    need(/^\d{4}$/.test(c.ncicCode), `NCIC offense code must be four digits, got "${c.ncicCode}"`);
    need(![...c.literal].some((ch) => ch.charCodeAt(0) >= 0x1c && ch.charCodeAt(0) <= 0x1f), 'charge literal may not contain separators');
  }
  const type2: Record<number, FieldInput | undefined> = {
    2: '00',
    5: 'Y',
    9: booking.caseNumber,
    18: booking.name,
    20: booking.placeOfBirth,
    21: booking.citizenship,
    22: booking.dateOfBirth,
    24: booking.sex,
    25: booking.race,
    27: booking.height,
    29: formatWeight(booking.weightLb),
    31: booking.eyeColor,
    32: booking.hairColor,
    45: booking.dateOfArrest,
    47: booking.charges.map((c) => [c.offenseDate ?? '', `${c.ncicCode} ${c.literal}`]),
    73: booking.arrestingAgencyOri,
  };
  const prints = [...booking.fingerprints].sort((a, b) => a.position - b.position);
  return buildTransaction(
    {
      version: VERSION,
      transactionType: 'CAR',
      date: envelope.date,
      priority: '2',
      destinationAgency: envelope.destinationOri,
      originatingAgency: envelope.originatingOri ?? booking.arrestingAgencyOri,
      controlNumber: envelope.controlNumber,
      nativeScanningResolution: NTR,
      nominalTransmittingResolution: NTR,
      domain: ['NORAM'],
    },
    [taggedRecord(2, type2), ...prints.map((fp, i) => fingerprintRecord(fp, i + 1, booking.arrestingAgencyOri, envelope.date))],
  );
}

/** buildCar, serialized. */
export function buildCarBytes(booking: Booking, envelope: EnvelopeOptions): Uint8Array {
  return serializeTransaction(buildCar(booking, envelope));
}

function requireTot(t: Transaction, tot: string): NistRecord {
  const actual = transactionType(t);
  if (actual !== tot) throw new NistError('BAD_VALUE', `expected a ${tot} transaction, got ${actual ?? 'none'}`, { recordIndex: 0, fieldTag: '1.004' });
  const [type2] = recordsOfType(t, 2);
  if (!type2) throw new NistError('BAD_VALUE', `${tot} transaction has no Type-2 record`);
  return type2.record;
}

function mandatoryText(r: NistRecord, n: number): string {
  const v = textOf(r, n);
  const tag = `2.${String(n).padStart(3, '0')}`;
  if (v === undefined) throw new NistError('BAD_VALUE', `mandatory field ${tag} is missing`, { offset: r.offset, fieldTag: tag });
  return v;
}

function envelopeOf(t: Transaction): EnvelopeOptions & { controlReference: string | undefined } {
  const t1 = type1(t);
  return {
    controlNumber: textOf(t1, 9) ?? '',
    destinationOri: textOf(t1, 7) ?? '',
    date: textOf(t1, 5) ?? '',
    originatingOri: textOf(t1, 8) ?? '',
    controlReference: textOf(t1, 10),
  };
}

/** Reads a CAR transaction (bytes or parsed) back into a Booking. */
export function readCar(input: Uint8Array | Transaction): Booking {
  const t = input instanceof Uint8Array ? parseTransaction(input) : input;
  const r2 = requireTot(t, 'CAR');
  const charges: Charge[] = (itemsOf(r2, 47) ?? []).map((items, k) => {
    const [doo = '', aol = ''] = items;
    const m = /^(\d{4}) ([\s\S]*)$/.exec(aol);
    if (!m) throw new NistError('BAD_VALUE', `charge ${k + 1} (2.047 ASL) does not start with a four-digit NCIC offense code`, { fieldTag: '2.047' });
    return doo === '' ? { ncicCode: m[1], literal: m[2] } : { ncicCode: m[1], literal: m[2], offenseDate: doo };
  });
  const fingerprints: FingerprintImage[] = recordsOfType(t, 14).map(({ record, index }) => {
    const num = (n: number): number => {
      const v = textOf(record, n);
      if (v === undefined || !/^\d+$/.test(v)) throw new NistError('BAD_VALUE', `field 14.${String(n).padStart(3, '0')} must be a number`, { recordIndex: index });
      return Number(v);
    };
    const compression = textOf(record, 11);
    if (compression !== 'WSQ20' && compression !== 'NONE') {
      throw new NistError('BAD_VALUE', `unsupported compression ${compression ?? '(none)'}`, { recordIndex: index, fieldTag: '14.011' });
    }
    const slc = num(8);
    const hps = num(9);
    return {
      position: num(13),
      data: fieldOf(record, 999)?.value ?? new Uint8Array(),
      width: num(6),
      height: num(7),
      ppi: slc === 2 ? Math.round(hps * 2.54) : hps,
      compression,
    };
  });
  const weight = mandatoryText(r2, 29);
  return {
    arrestingAgencyOri: textOf(r2, 73)?.split('\x1e')[0] ?? textOf(type1(t), 8) ?? '',
    dateOfArrest: mandatoryText(r2, 45),
    name: mandatoryText(r2, 18),
    dateOfBirth: mandatoryText(r2, 22).split('\x1e')[0],
    sex: mandatoryText(r2, 24),
    race: mandatoryText(r2, 25),
    placeOfBirth: mandatoryText(r2, 20),
    citizenship: textOf(r2, 21),
    height: mandatoryText(r2, 27),
    weightLb: /^\d+$/.test(weight) ? Number(weight) : 0,
    eyeColor: mandatoryText(r2, 31),
    hairColor: mandatoryText(r2, 32),
    charges,
    fingerprints,
    caseNumber: textOf(r2, 9),
  };
}

/** Submission results: identification against an existing FBI subject, or none. */
export type SearchResult = { readonly kind: 'ident'; readonly fbiNumber: string; readonly rapSheet?: string } | { readonly kind: 'non-ident' };

export interface SubmissionResults {
  /** TCN of the submission being answered (1.010 TCR). */
  readonly controlReference: string;
  /** Subject's name as on the submission (2.018). */
  readonly name: string;
  /** Controlling agency (2.073 CRI), normally the arresting agency. */
  readonly controllingAgency: string;
  readonly result: SearchResult;
  readonly caseNumber?: string;
}

/** Builds the FBI's submission results (TOT SRE). The envelope's originatingOri is the FBI's. */
export function buildSre(sre: SubmissionResults, envelope: EnvelopeOptions): Transaction {
  if (sre.result.kind === 'ident') {
    need(/^[A-Z0-9]{1,9}$/.test(sre.result.fbiNumber), `FBI number must be 1–9 uppercase letters/digits, got "${sre.result.fbiNumber}"`);
  }
  return buildTransaction(
    {
      version: VERSION,
      transactionType: 'SRE',
      date: envelope.date,
      destinationAgency: envelope.destinationOri,
      originatingAgency: envelope.originatingOri ?? 'DCFBIWAK0',
      controlNumber: envelope.controlNumber,
      controlReference: sre.controlReference,
      nativeScanningResolution: '00.00',
      nominalTransmittingResolution: '00.00',
      domain: ['NORAM'],
    },
    [
      taggedRecord(2, {
        2: '00',
        9: sre.caseNumber,
        14: sre.result.kind === 'ident' ? sre.result.fbiNumber : undefined,
        18: sre.name,
        59: sre.result.kind === 'ident' ? 'I' : 'N',
        73: sre.controllingAgency,
        75: sre.result.kind === 'ident' ? sre.result.rapSheet : undefined,
      }),
    ],
  );
}

/** Reads an SRE transaction. */
export function readSre(input: Uint8Array | Transaction): SubmissionResults & { envelope: ReturnType<typeof envelopeOf> } {
  const t = input instanceof Uint8Array ? parseTransaction(input) : input;
  const r2 = requireTot(t, 'SRE');
  const envelope = envelopeOf(t);
  const srf = mandatoryText(r2, 59);
  let result: SearchResult;
  if (srf === 'I') {
    const fbi = textOf(r2, 14);
    if (fbi === undefined) throw new NistError('BAD_VALUE', 'an identification (2.059 SRF = I) must carry the FBI number 2.014', { fieldTag: '2.014' });
    const rap = textOf(r2, 75);
    result = rap === undefined ? { kind: 'ident', fbiNumber: fbi } : { kind: 'ident', fbiNumber: fbi, rapSheet: rap };
  } else if (srf === 'N') {
    result = { kind: 'non-ident' };
  } else {
    throw new NistError('BAD_VALUE', `2.059 SRF must be I or N, got "${srf}"`, { fieldTag: '2.059' });
  }
  const oca = textOf(r2, 9);
  return {
    controlReference: envelope.controlReference ?? '',
    name: mandatoryText(r2, 18),
    controllingAgency: textOf(r2, 73) ?? '',
    result,
    ...(oca !== undefined ? { caseNumber: oca } : {}),
    envelope,
  };
}

export interface ErrorResponse {
  /** TCN of the submission being rejected (1.010 TCR). */
  readonly controlReference: string;
  /** Problems, one per 2.060 MSG subfield (EBTS allows 11; more are folded into the last). */
  readonly problems: readonly string[];
  readonly controllingAgency?: string;
}

const MAX_MSG = 11;
const MAX_MSG_LENGTH = 300;

function clean(text: string): string {
  const t = [...text].map((ch) => (ch.charCodeAt(0) < 0x20 ? ' ' : ch)).join('').trim();
  return t.length > MAX_MSG_LENGTH ? `${t.slice(0, MAX_MSG_LENGTH - 1)}…` : t || '(no detail)';
}

/** Builds a tenprint transaction error (TOT ERRT) listing the problems. */
export function buildErrt(errt: ErrorResponse, envelope: EnvelopeOptions): Transaction {
  need(errt.problems.length > 0, 'an ERRT lists at least one problem');
  let msgs = errt.problems.map(clean);
  if (msgs.length > MAX_MSG) msgs = [...msgs.slice(0, MAX_MSG - 1), clean(`and ${msgs.length - MAX_MSG + 1} more problem(s), first: ${msgs[MAX_MSG - 1]}`)];
  return buildTransaction(
    {
      version: VERSION,
      transactionType: 'ERRT',
      date: envelope.date,
      destinationAgency: envelope.destinationOri,
      originatingAgency: envelope.originatingOri ?? 'DCFBIWAK0',
      controlNumber: envelope.controlNumber,
      controlReference: errt.controlReference,
      nativeScanningResolution: '00.00',
      nominalTransmittingResolution: '00.00',
      domain: ['NORAM'],
    },
    [taggedRecord(2, { 2: '00', 60: msgs.map((m) => [m]), 73: errt.controllingAgency })],
  );
}

/** Reads an ERRT transaction. */
export function readErrt(input: Uint8Array | Transaction): ErrorResponse & { envelope: ReturnType<typeof envelopeOf> } {
  const t = input instanceof Uint8Array ? parseTransaction(input) : input;
  const r2 = requireTot(t, 'ERRT');
  const envelope = envelopeOf(t);
  const cri = textOf(r2, 73);
  return {
    controlReference: envelope.controlReference ?? '',
    problems: mandatoryText(r2, 60).split('\x1e'),
    ...(cri !== undefined ? { controllingAgency: cri } : {}),
    envelope,
  };
}
