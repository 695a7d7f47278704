import { writeFileSync } from 'node:fs';
import { readBytes } from './io.ts';
import { extname } from 'node:path';
import type { Command } from 'commander';
import { BiometricError } from '../biometrics/errors.ts';
import { decodeImage } from '../biometrics/image/decode.ts';
import { grayImage, type GrayImage } from '../biometrics/image/gray-image.ts';
import { encodeGrayPng } from '../biometrics/image/png-encode.ts';
import { decodeWsq, encodeWsq, readWsqInfo } from '../biometrics/image/wsq/index.ts';
import { printJson, toOutputJson } from './output.ts';

/** A user-facing failure: printed as one line, exit code 2. */
class CliFailure extends Error {}

function readInput(path: string): Uint8Array {
  return readBytes(path, 'image');
}

function writeOutput(path: string, bytes: Uint8Array): void {
  try {
    writeFileSync(path, bytes);
  } catch (e) {
    throw new CliFailure(`cannot write ${path}: ${(e as Error).message}`);
  }
}

/** Binary PGM (P5), 8-bit: the simplest interchange for tools without PNG. */
function decodePgm(bytes: Uint8Array, ppi: number): GrayImage {
  const header: string[] = [];
  let i = 0;
  while (header.length < 4 && i < bytes.length) {
    while (i < bytes.length && /\s/.test(String.fromCharCode(bytes[i]))) i++;
    if (bytes[i] === 0x23) {
      while (i < bytes.length && bytes[i] !== 0x0a) i++;
      continue;
    }
    let token = '';
    while (i < bytes.length && !/\s/.test(String.fromCharCode(bytes[i]))) token += String.fromCharCode(bytes[i++]);
    header.push(token);
  }
  i++;
  const [magic, w, h, max] = header;
  if (magic !== 'P5' || Number(max) !== 255) throw new BiometricError('IMAGE_UNSUPPORTED', 'only 8-bit binary PGM (P5, maxval 255) is read', 0);
  const width = Number(w);
  const height = Number(h);
  if (i + width * height > bytes.length) throw new BiometricError('IMAGE_TRUNCATED', 'PGM pixel data runs past the end of the file', i);
  return grayImage(width, height, ppi, bytes.slice(i, i + width * height));
}

function encodePgm(image: GrayImage): Uint8Array {
  const header = new TextEncoder().encode(`P5\n${image.width} ${image.height}\n255\n`);
  const out = new Uint8Array(header.length + image.pixels.length);
  out.set(header);
  out.set(image.pixels, header.length);
  return out;
}

function readImage(path: string): GrayImage {
  const bytes = readInput(path);
  if (extname(path).toLowerCase() === '.pgm' || (bytes[0] === 0x50 && bytes[1] === 0x35)) return decodePgm(bytes, 500);
  return decodeImage(bytes);
}

function writeImage(path: string, image: GrayImage): void {
  writeOutput(path, extname(path).toLowerCase() === '.pgm' ? encodePgm(image) : encodeGrayPng(image));
}

function psnr(a: Uint8Array, b: Uint8Array): number {
  let se = 0;
  for (let i = 0; i < a.length; i++) se += (a[i] - b[i]) ** 2;
  return se === 0 ? Infinity : 10 * Math.log10((255 * 255 * a.length) / se);
}

/** Runs a command body; turns expected failures into a one-line message and exit code 2. */
function run(body: () => void): void {
  try {
    body();
  } catch (e) {
    if (e instanceof BiometricError) process.stderr.write(`seccom: ${e.code}: ${e.message}\n`);
    else if (e instanceof CliFailure) process.stderr.write(`seccom: ${e.message}\n`);
    else process.stderr.write(`seccom: unexpected error: ${(e as Error)?.message ?? String(e)}\n`);
    process.exitCode = 2;
  }
}

const round = (v: number, digits: number): number => (Number.isFinite(v) ? Number(v.toFixed(digits)) : v);

/** Registers the `seccom wsq …` subcommands. */
export function registerWsqCommands(program: Command): void {
  const wsq = program.command('wsq').description('FBI WSQ fingerprint image compression (decode / encode)');

  wsq
    .command('decode')
    .description('decode a WSQ file to PNG (or to binary PGM when the output ends in .pgm)')
    .argument('<in>', 'WSQ file')
    .argument('<out>', 'output image (.png or .pgm)')
    .option('--json', 'print a JSON summary')
    .action((input: string, output: string, opts: { json?: boolean }) =>
      run(() => {
        const bytes = readInput(input);
        const info = readWsqInfo(bytes);
        const image = decodeWsq(bytes);
        writeImage(output, image);
        const summary = { input, output, width: image.width, height: image.height, ppi: image.ppi, bytes: bytes.length, bitrate: round((bytes.length * 8) / (image.width * image.height), 4), nistBitrate: info.nistcom?.get('WSQ_BITRATE') };
        if (opts.json) printJson(summary);
        else process.stdout.write(`${input}: ${image.width} × ${image.height}, ${image.ppi} ppi, ${summary.bitrate} bits/pixel → ${output}\n`);
      }),
    );

  wsq
    .command('encode')
    .description('encode an image (PNG, JPEG, TIFF, WSQ or binary PGM) as WSQ')
    .argument('<in>', 'input image')
    .argument('<out>', 'output WSQ file')
    .option('--bitrate <bpp>', 'target bit rate in bits per pixel', '0.75')
    .option('--json', 'print a JSON summary')
    .action((input: string, output: string, opts: { bitrate: string; json?: boolean }) =>
      run(() => {
        const bitrate = Number(opts.bitrate);
        if (!Number.isFinite(bitrate)) throw new CliFailure(`--bitrate must be a number, got ${opts.bitrate}`);
        const image = readImage(input);
        const encoded = encodeWsq(image, { bitrate });
        writeOutput(output, encoded);
        const decoded = decodeWsq(encoded);
        const summary = {
          input,
          output,
          width: image.width,
          height: image.height,
          ppi: image.ppi,
          targetBitrate: bitrate,
          bitrate: round((encoded.length * 8) / (image.width * image.height), 4),
          bytes: encoded.length,
          compressionRatio: round((image.width * image.height) / encoded.length, 2),
          psnr: round(psnr(image.pixels, decoded.pixels), 2),
        };
        process.stdout.write(
          opts.json ? `${JSON.stringify(toOutputJson(summary))}\n` : `${input}: ${image.width} × ${image.height} → ${output}: ${encoded.length} bytes, ${summary.bitrate} bits/pixel (target ${bitrate}), PSNR ${summary.psnr} dB\n`,
        );
      }),
    );
}
