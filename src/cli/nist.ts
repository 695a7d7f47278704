import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { describeError, UsageError } from './errors.ts';
import { addCarCommand } from './nist-car.ts';
import { readBytes, readText } from './io.ts';
import { extractTemplate } from '../biometrics/extract/index.ts';
import { encodeGrayPng } from '../biometrics/image/png-encode.ts';
import { encodeNativeTemplate } from '../biometrics/template/native.ts';
import { fingerprintImagesOf } from '../nist/fingerprints.ts';
import { decodeWsq } from '../biometrics/image/wsq/index.ts';
import {
  decodeText,
  imagesOf,
  readTransaction,
  serializeTransaction,
  serializeWithLayout,
  type NistImage,
  type NistWarning,
  type ReadMode,
  type NistRecord,
  type Transaction,
} from '../nist/index.ts';
import { parseEbtsRules, validate, type EbtsRules } from '../nist/ebts/index.ts';
import { listEnvelope, printJson } from './output.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DEFAULT_RULES = resolve(REPO_ROOT, '../shared/data/ebts/EBTS9.1_ENUS.txt');

function readInput(path: string): Uint8Array {
  return readBytes(path, 'transaction');
}

/**
 * Reads a transaction; lenient unless `--strict` (src/nist/README.md): known quirks come back as
 * warnings, anything else wrong is a NistError (exit 2).
 */
function load(path: string, mode: ReadMode = 'lenient'): { bytes: Uint8Array; t: Transaction; warnings: readonly NistWarning[] } {
  const bytes = readInput(path);
  const { transaction, warnings } = readTransaction(bytes, { mode });
  return { bytes, t: transaction, warnings };
}

/** One stderr line per reading quirk (terminal output; --json carries them in the document). */
export function warningLine(file: string, w: NistWarning): string {
  return `seccom: warning: ${file}: ${w.code} at offset ${w.offset} (record ${w.recordIndex}, Type-${w.recordType}${w.tag !== undefined ? `, field ${w.tag}` : ''}): ${w.message}`;
}

function printWarnings(file: string, warnings: readonly NistWarning[]): void {
  for (const w of warnings) process.stderr.write(`${warningLine(file, w)}\n`);
}

/** The --json form of the reading warnings: a list in the envelope of docs/output.md. */
function warningsJson(warnings: readonly NistWarning[]): ReturnType<typeof listEnvelope> {
  return listEnvelope(warnings.map((w) => ({ code: w.code, message: w.message, offset: w.offset, recordIndex: w.recordIndex, recordType: w.recordType, tag: w.tag ?? null })));
}

const STRICT_HELP = 'read strictly: refuse the file at its first quirk (exit 2) instead of warning';

/** Runs a command body; turns expected failures into a one-line message and a non-zero exit. */
function run(body: () => number | void): void {
  try {
    const code = body();
    if (typeof code === 'number' && code !== 0) process.exitCode = code;
  } catch (e) {
    const { line, exitCode } = describeError(e);
    process.stderr.write(`${line}\n`);
    process.exitCode = exitCode;
  }
}

/** Recognises common image formats by their first bytes. */
export function sniffFormat(data: Uint8Array): string {
  if (data[0] === 0xff && data[1] === 0xa0) return 'WSQ';
  if (data[0] === 0xff && data[1] === 0xd8) return 'JPEG';
  if (data[0] === 0x89 && data[1] === 0x50 && data[2] === 0x4e && data[3] === 0x47) return 'PNG';
  if (data[0] === 0x00 && data[1] === 0x00 && data[2] === 0x00 && data[3] === 0x0c && data[4] === 0x6a && data[5] === 0x50) return 'JPEG2000';
  if (data[0] === 0xff && data[1] === 0x4f && data[2] === 0xff && data[3] === 0x51) return 'JPEG2000 codestream';
  return 'binary';
}

function isText(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b < 0x1e && b !== 0x09 && b !== 0x0a && b !== 0x0d) return false;
  return true;
}

function showValue(bytes: Uint8Array): string {
  const text = decodeText(bytes).split('\x1e').join(' <RS> ').split('\x1f').join('<US>').replace(/\r?\n/g, '\\n');
  return text.length > 160 ? `${text.slice(0, 160)}… (${bytes.length} bytes)` : text;
}

function binaryHeader(r: NistRecord & { kind: 'binary' }): Record<string, unknown> {
  const h = r.header;
  if (r.type >= 3 && r.type <= 6) {
    return { idc: h[0], imp: h[1], fgp: Array.from(h.subarray(2, 8)), isr: h[8], hll: (h[9] << 8) | h[10], vll: (h[11] << 8) | h[12], gca: h[13] };
  }
  if (r.type === 8) return { idc: h[0], sig: h[1], srt: h[2], isr: h[3], hll: (h[4] << 8) | h[5], vll: (h[6] << 8) | h[7] };
  return { idc: h[0] };
}

function dumpJson(t: Transaction): unknown {
  const { layout } = serializeWithLayout(t);
  return {
    records: t.records.map((r, i) => {
      const where = layout.records[i];
      if (r.kind === 'binary') {
        return { index: i, type: r.type, kind: r.kind, offset: r.offset ?? where.offset, length: where.length, header: binaryHeader(r), data: { bytes: r.data.length, format: sniffFormat(r.data) } };
      }
      return {
        index: i,
        type: r.type,
        kind: r.kind,
        offset: r.offset ?? where.offset,
        length: where.length,
        fields: r.fields.map((f, j) =>
          f.fieldNumber === 999 || !isText(f.value)
            ? { tag: f.tag, offset: f.offset ?? where.fields[j], binary: { bytes: f.value.length, format: sniffFormat(f.value) } }
            : { tag: f.tag, offset: f.offset ?? where.fields[j], value: decodeText(f.value) },
        ),
      };
    }),
  };
}

function dumpText(t: Transaction): string {
  const { layout } = serializeWithLayout(t);
  const lines: string[] = [];
  t.records.forEach((r, i) => {
    const where = layout.records[i];
    lines.push(`record ${i}: Type-${r.type} (${r.kind}) at offset ${r.offset ?? where.offset}, ${where.length} bytes`);
    if (r.kind === 'binary') {
      lines.push(`  header ${JSON.stringify(binaryHeader(r))}`);
      lines.push(`  data   <${sniffFormat(r.data)}, ${r.data.length} bytes>`);
    } else {
      for (const f of r.fields) {
        const shown = f.fieldNumber === 999 || !isText(f.value) ? `<${sniffFormat(f.value)}, ${f.value.length} bytes>` : showValue(f.value);
        lines.push(`  ${f.tag.padEnd(8)} ${shown}`);
      }
    }
  });
  return lines.join('\n');
}

/** Loads the rules file and any code tables it references (file://NAME) that sit beside it. */
export function loadRules(path: string): EbtsRules {
  if (!existsSync(path)) throw new UsageError(`EBTS rules file not found: ${path} (pass --rules <EBTS9.1_ENUS.txt>)`);
  const text = readText(path, 'rules');
  const codeTables: Record<string, string> = {};
  for (const m of text.matchAll(/file:\/\/([A-Za-z0-9_.-]+)/g)) {
    const p = join(dirname(path), m[1]);
    if (existsSync(p)) codeTables[m[1]] = readText(p, 'rules');
  }
  return parseEbtsRules(text, { codeTables });
}

function imageFileName(img: NistImage, ext: string): string {
  const pos = img.positions.length > 0 ? `-pos${img.positions.join('_')}` : '';
  return `r${String(img.recordIndex).padStart(2, '0')}-type${img.recordType}${pos}.${ext}`;
}

const EXTENSIONS: Record<string, string> = { WSQ: 'wsq', JPEG: 'jpg', PNG: 'png', JPEG2000: 'jp2', 'JPEG2000 codestream': 'j2k' };

/** Registers the `seccom nist …` subcommands. */
export function registerNistCommands(program: Command): void {
  const nist = program.command('nist').description('ANSI/NIST-ITL transactions: dump, EBTS validation, round trip, image export');

  nist
    .command('dump')
    .description('list the records and fields of a transaction (image data summarised)')
    .argument('<file>', 'ANSI/NIST-ITL traditional-encoding file (.an2, .eft)')
    .option('--json', 'print JSON (reading quirks in "warnings")')
    .option('--strict', STRICT_HELP)
    .action((file: string, opts: { json?: boolean; strict?: boolean }) =>
      run(() => {
        const { t, warnings } = load(file, opts.strict ? 'strict' : 'lenient');
        if (opts.json) {
          printJson({ ...(dumpJson(t) as object), warnings: warningsJson(warnings) });
        } else {
          printWarnings(file, warnings);
          process.stdout.write(`${dumpText(t)}\n`);
        }
      }),
    );

  nist
    .command('validate')
    .description('check a transaction against the FBI EBTS verification rules; exit 1 when invalid')
    .argument('<file>', 'ANSI/NIST-ITL file')
    .option('--rules <path>', 'EBTS verification file', DEFAULT_RULES)
    .option('--json', 'print JSON')
    .action((file: string, opts: { rules: string; json?: boolean }) =>
      run(() => {
        const rules = loadRules(opts.rules);
        // Read leniently so that every quirk is reported as a violation (with its offset), not just the first.
        const { t, warnings } = load(file);
        const report = validate(t, rules, { readWarnings: warnings });
        if (opts.json) {
          printJson({ file, ...report });
        } else {
          const errors = report.violations.filter((v) => v.severity === 'error').length;
          const lines = report.violations.map(
            (v) =>
              `${v.severity === 'error' ? 'ERROR  ' : 'warning'} @${v.offset} record ${v.recordIndex} ${v.fieldTag ?? '-'} [${v.rule}] ${v.message}`,
          );
          lines.push(`${file}: ${report.transactionType ?? '?'} — ${report.valid ? 'valid' : 'INVALID'} (${errors} error(s), ${report.violations.length - errors} warning(s))`);
          process.stdout.write(`${lines.join('\n')}\n`);
        }
        return report.valid ? 0 : 1;
      }),
    );

  nist
    .command('roundtrip')
    .description('parse and re-encode; exit 0 only when the bytes are identical')
    .argument('<file>', 'ANSI/NIST-ITL file')
    .option('--json', 'print { file, records, inputBytes, outputBytes, identical, firstDifference, warnings } as JSON')
    .option('--strict', STRICT_HELP)
    .action((file: string, opts: { json?: boolean; strict?: boolean }) =>
      run(() => {
        const { bytes, t, warnings } = load(file, opts.strict ? 'strict' : 'lenient');
        const out = serializeTransaction(t);
        let diff = -1;
        for (let i = 0; i < Math.max(out.length, bytes.length); i++) {
          if (out[i] !== bytes[i]) {
            diff = i;
            break;
          }
        }
        if (opts.json) {
          printJson({ file, records: t.records.length, inputBytes: bytes.length, outputBytes: out.length, identical: diff < 0, firstDifference: diff < 0 ? null : diff, warnings: warningsJson(warnings) });
          return diff < 0 ? 0 : 1;
        }
        printWarnings(file, warnings);
        // Quirks in the fields (foreign tags, repeated fields, a CNT count) are written back as read; a
        // wrong LEN is written corrected, so such a file does not round-trip and the command says where.
        const quirks = warnings.length > 0 ? `; not a conforming file: ${warnings.length} reading quirk(s)` : '';
        if (diff < 0) {
          process.stdout.write(`${file}: ${t.records.length} records, ${bytes.length} bytes, re-encoded byte-identically${quirks ? `${quirks} kept as read` : ''}\n`);
          return 0;
        }
        const fixed = warnings.some((w) => w.code === 'LENGTH_MISMATCH') ? ' (record lengths are written corrected)' : '';
        process.stdout.write(`${file}: re-encoding differs at byte offset ${diff} (input ${bytes.length} bytes, output ${out.length} bytes)${fixed}${quirks}\n`);
        return 1;
      }),
    );

  nist
    .command('images')
    .description('write every image of a transaction to a folder (WSQ and raw images as PNG)')
    .argument('<file>', 'ANSI/NIST-ITL file')
    .argument('<dir>', 'output folder (created if missing)')
    .option('--segment', 'also write the fingertips segmented from slaps (13, 14, 15), named by derived finger position')
    .option('--templates', 'also extract a template (native SCFT format) per finger image and fingertip')
    .option('--json', 'print a JSON summary (reading quirks in "warnings")')
    .option('--strict', STRICT_HELP)
    .action((file: string, dir: string, opts: { segment?: boolean; templates?: boolean; json?: boolean; strict?: boolean }) =>
      run(() => {
        const { t, warnings } = load(file, opts.strict ? 'strict' : 'lenient');
        if (!opts.json) printWarnings(file, warnings);
        mkdirSync(dir, { recursive: true });
        const images = imagesOf(t);
        const rows: Array<Record<string, unknown>> = [];
        const lines: string[] = [];
        for (const img of images) {
          const format = sniffFormat(img.data);
          let name: string;
          let bytes: Uint8Array = img.data;
          let note = '';
          if (format === 'WSQ' || img.compression === 'WSQ20') {
            try {
              // The record's resolution wins over the NISTCOM comment inside the WSQ file.
              const gray = decodeWsq(img.data, img.ppi !== undefined && img.ppi >= 250 && img.ppi <= 2000 ? { ppi: img.ppi } : {});
              bytes = encodeGrayPng(gray);
              name = imageFileName(img, 'png');
              note = ' (decoded from WSQ)';
            } catch (e) {
              name = imageFileName(img, 'wsq');
              note = ` (kept as WSQ: ${(e as Error).message})`;
            }
          } else if (img.compression === 'NONE' && img.width && img.height && (img.bitsPerPixel ?? 8) === 8 && img.data.length === img.width * img.height) {
            bytes = encodeGrayPng({ width: img.width, height: img.height, ppi: img.ppi ?? 500, pixels: img.data });
            name = imageFileName(img, 'png');
            note = ' (raw grayscale)';
          } else {
            name = imageFileName(img, EXTENSIONS[format] ?? 'bin');
          }
          writeFileSync(join(dir, name), bytes);
          lines.push(`${join(dir, name)}: ${img.width ?? '?'}×${img.height ?? '?'} ${img.compression}${note}`);
          rows.push({ file: join(dir, name), recordIndex: img.recordIndex, recordType: img.recordType, positions: img.positions, compression: img.compression, width: img.width, height: img.height, ppi: img.ppi });
        }
        let written = images.length;
        if (opts.segment || opts.templates) {
          lines.push('', 'position  source        size        ppi  minutiae  quality  file');
          for (const item of fingerprintImagesOf(t, { segment: !!opts.segment, keepSlaps: true })) {
            if (!item.ok) {
              lines.push(`record ${item.recordIndex} position ${item.position}: ${item.error.message}`);
              rows.push({ recordIndex: item.recordIndex, position: item.position, error: item.error.message });
              continue;
            }
            const stem = `r${String(item.recordIndex).padStart(2, '0')}-type${item.recordType}-pos${item.slapPosition ?? item.position}${item.source === 'slap-segment' ? `-seg-pos${item.position}` : ''}`;
            const row: Record<string, unknown> = {
              recordIndex: item.recordIndex,
              position: item.position,
              source: item.source,
              ...(item.slapPosition !== undefined ? { slapPosition: item.slapPosition, box: item.box } : {}),
              width: item.image.width,
              height: item.image.height,
              ppi: item.image.ppi,
            };
            const files: string[] = [];
            if (item.source === 'slap-segment') {
              const path = join(dir, `${stem}.png`);
              writeFileSync(path, encodeGrayPng(item.image));
              files.push(path);
              written++;
            }
            const wholeSlap = item.source !== 'slap-segment' && item.position >= 13 && item.position <= 15;
            if (opts.templates && !wholeSlap) {
              const template = extractTemplate(item.image);
              const path = join(dir, `${stem}.scft`);
              writeFileSync(path, encodeNativeTemplate(template));
              files.push(path);
              row.minutiae = template.minutiae.length;
              row.quality = template.quality;
            }
            row.files = files;
            rows.push(row);
            const size = `${item.image.width}×${item.image.height}`;
            lines.push(
              `${String(item.position).padEnd(9)} ${item.source.padEnd(13)} ${size.padEnd(11)} ${String(item.image.ppi).padEnd(4)} ${String(row.minutiae ?? '-').padEnd(9)} ${String(row.quality ?? '-').padEnd(8)} ${files.join(', ')}`,
            );
          }
        }
        if (opts.json) {
          printJson({ file, dir, images: rows, warnings: warningsJson(warnings) });
        } else {
          lines.push(`${basename(file)}: ${written} image(s) written to ${dir}`);
          process.stdout.write(`${lines.join('\n')}\n`);
        }
      }),
    );

  addCarCommand(nist);
}
