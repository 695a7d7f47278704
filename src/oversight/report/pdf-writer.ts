import { zlibSync } from 'fflate';
import { ReportError } from './errors.ts';

/**
 * A small PDF 1.7 writer: pages with content streams, the standard Type 1 fonts Helvetica,
 * Helvetica-Bold and Courier (WinAnsiEncoding, no embedding: every PDF reader has them), and
 * 8-bit RGB images compressed with Flate. It writes a classic cross-reference table with exact
 * byte offsets. Text outside WinAnsi is transliterated (φ → phi, ≥ → >=) so nothing prints as a
 * missing glyph. This is all a statistical report needs; it avoids a PDF library's font and
 * install-time baggage.
 */

export type FontName = 'F1' | 'F2' | 'F3';
export const FONTS: Record<FontName, string> = { F1: 'Helvetica', F2: 'Helvetica-Bold', F3: 'Courier' };

// Advance widths (1/1000 em) of ASCII 32–126 in the standard Helvetica and Helvetica-Bold metrics.
const HELVETICA = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778,
  722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
  556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];
const HELVETICA_BOLD = [
  278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667, 611, 778,
  722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,
  611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
];
const HIGH_WIDTHS: Record<number, number> = { 0x85: 1000, 0x91: 222, 0x92: 222, 0x93: 333, 0x94: 333, 0x95: 350, 0x96: 556, 0x97: 1000, 0xa0: 278, 0xb0: 400, 0xb7: 278, 0xd7: 584, 0xb1: 584 };

// Unicode → WinAnsi (cp1252) for 0x80–0x9F; 0xA0–0xFF are Latin-1 itself.
const CP1252: Record<string, number> = {
  '€': 0x80, '‚': 0x82, ƒ: 0x83, '„': 0x84, '…': 0x85, '†': 0x86, '‡': 0x87, ˆ: 0x88, '‰': 0x89, Š: 0x8a, '‹': 0x8b, Œ: 0x8c, Ž: 0x8e,
  '‘': 0x91, '’': 0x92, '“': 0x93, '”': 0x94, '•': 0x95, '–': 0x96, '—': 0x97, '˜': 0x98, '™': 0x99, š: 0x9a, '›': 0x9b, œ: 0x9c, ž: 0x9e, Ÿ: 0x9f,
};
const SUBSTITUTES: Record<string, string> = {
  φ: 'phi', τ: 'tau', θ: 'theta', χ: 'chi', α: 'alpha', β: 'beta', μ: 'mu', σ: 'sigma', '√': 'sqrt', '≥': '>=', '≤': '<=', '−': '-', '→': '->', '←': '<-', '≈': '~', '≠': '!=',
  '\u2009': ' ', '\u202f': ' ', '\u2002': ' ', '\u2003': ' ', '\u2011': '-', '✓': 'v',
};

/** Text as WinAnsi code units (one char per byte, all < 256). */
export function toWinAnsi(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code === 0x09) out += ' ';
    else if (code >= 0x300 && code <= 0x36f) continue; // combining marks (the hat of φ̂): dropped
    else if ((code >= 0x20 && code < 0x7f) || (code >= 0xa0 && code <= 0xff)) out += ch;
    else if (CP1252[ch] !== undefined) out += String.fromCharCode(CP1252[ch]);
    else if (SUBSTITUTES[ch] !== undefined) out += SUBSTITUTES[ch];
    else if (code < 0x20 || code === 0x7f) out += ' ';
    else out += '?';
  }
  return out;
}

/** Width of a WinAnsi string in points. */
export function textWidth(winAnsi: string, font: FontName, size: number): number {
  if (font === 'F3') return winAnsi.length * 0.6 * size;
  const table = font === 'F2' ? HELVETICA_BOLD : HELVETICA;
  let w = 0;
  for (let i = 0; i < winAnsi.length; i++) {
    const c = winAnsi.charCodeAt(i);
    w += c >= 32 && c <= 126 ? table[c - 32] : (HIGH_WIDTHS[c] ?? 556);
  }
  return (w * size) / 1000;
}

/** A PDF string literal: backslash, parentheses escaped; bytes ≥ 128 as octal so the stream stays 7-bit. */
export function pdfString(winAnsi: string): string {
  let out = '(';
  for (let i = 0; i < winAnsi.length; i++) {
    const c = winAnsi.charCodeAt(i);
    if (c === 0x28 || c === 0x29 || c === 0x5c) out += `\\${winAnsi[i]}`;
    else if (c < 32 || c > 126) out += `\\${c.toString(8).padStart(3, '0')}`;
    else out += winAnsi[i];
  }
  return `${out})`;
}

/** A text string outside content streams (document information): UTF-16BE with a byte-order mark, as hex. */
export function pdfTextString(text: string): string {
  let hex = '<FEFF';
  for (let i = 0; i < text.length; i++) hex += text.charCodeAt(i).toString(16).padStart(4, '0').toUpperCase();
  return `${hex}>`;
}

/** A number in a content stream: at most 3 decimals, never NaN/Infinity. */
export function num(v: number): string {
  if (!Number.isFinite(v)) throw new ReportError('INVALID_REPORT', `a PDF coordinate is ${v}`);
  const r = Math.round(v * 1000) / 1000;
  return Object.is(r, -0) ? '0' : r.toString();
}

export interface RgbImage {
  width: number;
  height: number;
  /** width × height × 3 bytes, rows top to bottom. */
  rgb: Uint8Array;
}

export interface PdfInfo {
  title?: string;
  author?: string;
  subject?: string;
  /** Creation time; omitted when not given (the writer has no clock). */
  created?: Date;
}

const enc = new TextEncoder();

function latin1(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

function pdfDate(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `D:${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
}

interface Page {
  width: number;
  height: number;
  content: string;
  images: string[];
}

export class PdfWriter {
  private readonly images: { name: string; image: RgbImage }[] = [];
  private readonly pages: Page[] = [];

  /** Registers an image; returns its resource name for `drawImage`. */
  addImage(image: RgbImage): string {
    if (!(Number.isInteger(image.width) && Number.isInteger(image.height) && image.width > 0 && image.height > 0)) throw new ReportError('INVALID_REPORT', `image size ${image.width} × ${image.height}`);
    if (image.rgb.length !== image.width * image.height * 3) throw new ReportError('INVALID_REPORT', `image data has ${image.rgb.length} bytes for ${image.width} × ${image.height} RGB`);
    const name = `Im${this.images.length + 1}`;
    this.images.push({ name, image });
    return name;
  }

  /** Adds a page with a content stream (operators; text already WinAnsi-escaped) and the images it draws. */
  addPage(width: number, height: number, content: string, images: string[] = []): void {
    this.pages.push({ width, height, content, images });
  }

  get pageCount(): number {
    return this.pages.length;
  }

  finish(info: PdfInfo = {}): Uint8Array {
    if (this.pages.length === 0) throw new ReportError('INVALID_REPORT', 'a PDF needs at least one page');
    const bodies: Uint8Array[] = [];
    const add = (parts: (string | Uint8Array)[]): number => {
      const chunks = parts.map((p) => (typeof p === 'string' ? latin1(p) : p));
      const total = chunks.reduce((a, c) => a + c.length, 0);
      const buf = new Uint8Array(total);
      let o = 0;
      for (const c of chunks) {
        buf.set(c, o);
        o += c.length;
      }
      bodies.push(buf);
      return bodies.length;
    };
    const stream = (dict: string, data: Uint8Array): number => add([`<< ${dict} /Length ${data.length} >>\nstream\n`, data, '\nendstream']);
    // Fixed numbering: 1 catalog, 2 pages, 3–5 fonts, then images, then page + content pairs, then info.
    add(['<< /Type /Catalog /Pages 2 0 R /Lang (en) /ViewerPreferences << /DisplayDocTitle true >> >>']);
    const pagesIndex = add(['']); // placeholder, filled once the kids are known
    const fontRefs = (Object.keys(FONTS) as FontName[]).map((f) => `/${f} ${add([`<< /Type /Font /Subtype /Type1 /BaseFont /${FONTS[f]} /Encoding /WinAnsiEncoding >>`])} 0 R`);
    const imageRef = new Map<string, number>();
    for (const { name, image } of this.images) {
      imageRef.set(name, stream(`/Type /XObject /Subtype /Image /Width ${image.width} /Height ${image.height} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode`, zlibSync(image.rgb, { level: 6 })));
    }
    const kids: number[] = [];
    for (const p of this.pages) {
      const content = stream('/Filter /FlateDecode', zlibSync(latin1(p.content), { level: 6 }));
      const xobjects = p.images.length ? ` /XObject << ${p.images.map((n) => `/${n} ${imageRef.get(n) ?? 0} 0 R`).join(' ')} >>` : '';
      for (const n of p.images) if (!imageRef.has(n)) throw new ReportError('INVALID_REPORT', `page draws unknown image ${n}`);
      kids.push(add([`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${num(p.width)} ${num(p.height)}] /Resources << /Font << ${fontRefs.join(' ')} >>${xobjects} /ProcSet [/PDF /Text /ImageC] >> /Contents ${content} 0 R >>`]));
    }
    bodies[pagesIndex - 1] = latin1(`<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>`);
    const infoParts = ['/Producer (secure-communities report writer)'];
    if (info.title) infoParts.push(`/Title ${pdfTextString(info.title)}`);
    if (info.author) infoParts.push(`/Author ${pdfTextString(info.author)}`);
    if (info.subject) infoParts.push(`/Subject ${pdfTextString(info.subject)}`);
    if (info.created) infoParts.push(`/CreationDate (${pdfDate(info.created)})`);
    const infoRef = add([`<< ${infoParts.join(' ')} >>`]);

    const header = latin1('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n');
    const pieces: Uint8Array[] = [header];
    const offsets: number[] = [];
    let offset = header.length;
    bodies.forEach((b, i) => {
      const head = enc.encode(`${i + 1} 0 obj\n`);
      const tail = enc.encode('\nendobj\n');
      offsets.push(offset);
      pieces.push(head, b, tail);
      offset += head.length + b.length + tail.length;
    });
    const xref = [`xref\n0 ${bodies.length + 1}\n`, '0000000000 65535 f \n', ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`)].join('');
    pieces.push(enc.encode(`${xref}trailer\n<< /Size ${bodies.length + 1} /Root 1 0 R /Info ${infoRef} 0 R >>\nstartxref\n${offset}\n%%EOF\n`));
    const total = pieces.reduce((a, p) => a + p.length, 0);
    const out = new Uint8Array(total);
    let o = 0;
    for (const p of pieces) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}
