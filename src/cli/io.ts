import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, extname } from 'node:path';
import { createRequire } from 'node:module';
import { BiometricError } from '../biometrics/errors.ts';
import { decodeImage } from '../biometrics/image/decode.ts';
import type { GrayImage } from '../biometrics/image/gray-image.ts';
import type { FingerprintTemplate } from '../biometrics/template/template.ts';
import { decodeIso19794_2_2005, encodeIso19794_2_2005 } from '../biometrics/template/iso19794-2-2005.ts';
import { decodeIncits378_2004, encodeIncits378_2004 } from '../biometrics/template/incits378-2004.ts';
import { decodeNativeTemplate, encodeNativeTemplate, isNativeTemplate } from '../biometrics/template/native.ts';

import { readFileBounded, type FileKind } from '../platform/files/index.ts';
import { UsageError } from './errors.ts';

export { UsageError };

const KIND_WORDS: Record<FileKind, string> = { image: 'fingerprint image', template: 'template', transaction: 'ANSI/NIST transaction', rules: 'rules file', scenario: 'scenario file', policy: 'policy document', csv: 'CSV table' };

/**
 * The one way the CLI reads a file: a regular file within the size limit of its kind
 * (`FILE_LIMITS`), checked before reading and capped while reading. A missing file is a
 * UsageError; a device, pipe or directory (NOT_A_FILE) or an oversized file (FILE_TOO_LARGE)
 * an InputFileError; both print one line and exit 2.
 */
export function readBytes(path: string, kind: FileKind = 'image'): Uint8Array {
  try {
    return readFileBounded(path, kind, KIND_WORDS[kind]);
  } catch (error) {
    if ((error as { code?: string }).code === 'NO_SUCH_FILE') throw new UsageError(`no such file: ${path}`);
    throw error;
  }
}

/** The same, as UTF-8 text. */
export function readText(path: string, kind: FileKind): string {
  return Buffer.from(readBytes(path, kind)).toString('utf8');
}

export function writeBytes(path: string, bytes: Uint8Array | string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
}

export const TEMPLATE_EXTENSIONS = new Set(['.iso', '.ist', '.fmr', '.ansi', '.incits', '.tpl', '.sct']);

export type TemplateFormat = 'native' | 'iso' | 'incits';

/** ISO/IEC 19794-2:2005 and INCITS 378-2004 share their magic; the length field tells them apart. */
export function sniffTemplateFormat(bytes: Uint8Array): TemplateFormat | undefined {
  if (isNativeTemplate(bytes)) return 'native';
  if (bytes.length < 14 || bytes[0] !== 0x46 || bytes[1] !== 0x4d || bytes[2] !== 0x52 || bytes[3] !== 0) return undefined;
  const u32 = ((bytes[8] << 24) | (bytes[9] << 16) | (bytes[10] << 8) | bytes[11]) >>> 0;
  if (u32 === bytes.length) return 'iso';
  return 'incits';
}

export function decodeTemplateBytes(bytes: Uint8Array, format = sniffTemplateFormat(bytes)): FingerprintTemplate {
  switch (format) {
    case 'native':
      return decodeNativeTemplate(bytes);
    case 'iso':
      return decodeIso19794_2_2005(bytes);
    case 'incits':
      return decodeIncits378_2004(bytes);
    default:
      throw new BiometricError('TEMPLATE_FORMAT', 'not a template this program reads (native, ISO/IEC 19794-2:2005 or ANSI INCITS 378-2004)', 0);
  }
}

export function encodeTemplateBytes(template: FingerprintTemplate, format: TemplateFormat): Uint8Array {
  switch (format) {
    case 'native':
      return encodeNativeTemplate(template);
    case 'iso':
      return encodeIso19794_2_2005(template);
    case 'incits':
      return encodeIncits378_2004(template);
  }
}

export function readImage(path: string, ppi?: number): GrayImage {
  return decodeImage(readBytes(path), ppi === undefined ? {} : { ppi });
}

/** A file given to `fp compare`: a template file, or an image to extract. */
export function isTemplatePath(path: string, bytes: Uint8Array): boolean {
  return TEMPLATE_EXTENSIONS.has(extname(path).toLowerCase()) || sniffTemplateFormat(bytes) !== undefined;
}

/** Rasterises an SVG (plots) to PNG bytes. */
export function svgToPng(svg: string, width = 1400): Uint8Array {
  // resvg is a native addon: loaded on first use, so the commands that draw nothing (and every
  // command reading a file through this module) start without it.
  const { Resvg } = createRequire(import.meta.url)('@resvg/resvg-js') as typeof import('@resvg/resvg-js');
  const resvg = new Resvg(svg, { fitTo: { mode: 'width', value: width }, background: 'white', font: { loadSystemFonts: true } });
  return resvg.render().asPng();
}

export function parsePositiveNumber(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${name} must be a positive number, got "${value}"`);
  return n;
}
