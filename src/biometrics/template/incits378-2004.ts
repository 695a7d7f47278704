/**
 * ANSI INCITS 378-2004 finger minutiae records: 'FMR\0',' 20\0', record length as u16 (or
 * 0x0000 followed by a u32 when the record is longer than 0xFFFF bytes), u32 CBEFF product
 * identifier (owner u16, type u16), u16 capture equipment (4-bit compliance, 12-bit id), u16
 * width, u16 height, u16 x/y resolution (px/cm), u8 #views, u8 reserved; views and minutiae as
 * in ISO/IEC 19794-2:2005 except the angle, in 2° units (0–179) counter-clockwise.
 */
import { readRecord, recordToTemplate, templateToRecord, writeRecord } from './finger-minutiae-record.ts';
import type { FingerMinutiaeRecord, RecordFormat, RecordOptions } from './finger-minutiae-record.ts';
import type { FingerprintTemplate } from './template.ts';

export type { FingerMinutiaeRecord, FingerView, RecordMinutia, RecordOptions } from './finger-minutiae-record.ts';

const INCITS: RecordFormat = { name: 'ANSI INCITS 378-2004', angleUnits: 180, incits: true };

export function readIncits378_2004(bytes: Uint8Array): FingerMinutiaeRecord {
  return readRecord(bytes, INCITS);
}

export function writeIncits378_2004(record: FingerMinutiaeRecord): Uint8Array {
  return writeRecord(record, INCITS);
}

export function incitsRecordToTemplate(record: FingerMinutiaeRecord, view = 0): FingerprintTemplate {
  return recordToTemplate(record, INCITS, view);
}

export function templateToIncitsRecord(t: FingerprintTemplate, opts?: RecordOptions): FingerMinutiaeRecord {
  return templateToRecord(t, INCITS, opts);
}

export function decodeIncits378_2004(bytes: Uint8Array, view = 0): FingerprintTemplate {
  return incitsRecordToTemplate(readIncits378_2004(bytes), view);
}

/** Template → bytes (one finger view; positions rounded to pixels, angles to 2°). */
export function encodeIncits378_2004(t: FingerprintTemplate, opts?: RecordOptions): Uint8Array {
  return writeIncits378_2004(templateToIncitsRecord(t, opts));
}
