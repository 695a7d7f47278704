/**
 * ISO/IEC 19794-2:2005 finger minutiae records: 'FMR\0',' 20\0', u32 record length, u16
 * capture equipment, u16 width, u16 height, u16 x/y resolution (px/cm), u8 #views, u8 reserved;
 * per view: finger position, view/impression, quality, #minutiae; per minutia 6 bytes
 * (type<<14|x, reserved<<14|y, angle in 360/256° units counter-clockwise, quality); u16
 * extended data length + blocks (kept as bytes).
 */
import { readRecord, recordToTemplate, templateToRecord, writeRecord } from './finger-minutiae-record.ts';
import type { FingerMinutiaeRecord, RecordFormat, RecordOptions } from './finger-minutiae-record.ts';
import type { FingerprintTemplate } from './template.ts';

export type { FingerMinutiaeRecord, FingerView, RecordMinutia, RecordOptions } from './finger-minutiae-record.ts';

const ISO: RecordFormat = { name: 'ISO/IEC 19794-2:2005', angleUnits: 256, incits: false };

/** Parses a record; throws BiometricError (TEMPLATE_FORMAT / _TRUNCATED / _VERSION, with offset). */
export function readIso19794_2_2005(bytes: Uint8Array): FingerMinutiaeRecord {
  return readRecord(bytes, ISO);
}

export function writeIso19794_2_2005(record: FingerMinutiaeRecord): Uint8Array {
  return writeRecord(record, ISO);
}

/** The record's finger view `view` (default the first) as our template. */
export function isoRecordToTemplate(record: FingerMinutiaeRecord, view = 0): FingerprintTemplate {
  return recordToTemplate(record, ISO, view);
}

export function templateToIsoRecord(t: FingerprintTemplate, opts?: RecordOptions): FingerMinutiaeRecord {
  return templateToRecord(t, ISO, opts);
}

/** Bytes → template (first finger view). */
export function decodeIso19794_2_2005(bytes: Uint8Array, view = 0): FingerprintTemplate {
  return isoRecordToTemplate(readIso19794_2_2005(bytes), view);
}

/** Template → bytes (one finger view; positions rounded to pixels, angles to 360/256°). */
export function encodeIso19794_2_2005(t: FingerprintTemplate, opts?: RecordOptions): Uint8Array {
  return writeIso19794_2_2005(templateToIsoRecord(t, opts));
}
