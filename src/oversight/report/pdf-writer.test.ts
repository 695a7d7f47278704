import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wrap } from './pdf.ts';
import { pdfString, pdfTextString, PdfWriter, textWidth, toWinAnsi } from './pdf-writer.ts';

describe('PDF text', () => {
  it('maps typographic characters to WinAnsi and spells out what it lacks', () => {
    expect(toWinAnsi('July–September — “q” • é × ²')).toBe('July\x96September \x97 \x93q\x94 \x95 é × ²');
    expect(toWinAnsi('φ̂ ≥ τ̂², √n, χ² ≤ 1 − p')).toBe('phi >= tau², sqrtn, chi² <= 1 - p');
    expect(toWinAnsi('中\u0007')).toBe('? ');
  });

  it('escapes parentheses and backslashes and keeps the stream 7-bit', () => {
    expect(pdfString('a(b)c\\d')).toBe('(a\\(b\\)c\\\\d)');
    expect(pdfString('\x96é')).toBe('(\\226\\351)');
    expect(pdfTextString('A–')).toBe('<FEFF00412013>');
  });

  it('measures Helvetica with the standard metrics', () => {
    expect(textWidth('Hello', 'F1', 10)).toBeCloseTo(((722 + 556 + 222 + 222 + 556) * 10) / 1000, 9);
    expect(textWidth('abc', 'F3', 10)).toBeCloseTo(18, 9);
  });

  it('wraps any text into lines no wider than the column', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.integer({ min: 20, max: 400 }), (s, width) => {
        const text = toWinAnsi(s);
        const lines = wrap(text, 'F1', 9, width);
        for (const line of lines) if (line.length > 1) expect(textWidth(line, 'F1', 9)).toBeLessThanOrEqual(width + 1e-9);
        expect(lines.join('').replace(/ /g, '')).toBe(text.replace(/\n/g, '').replace(/ /g, ''));
      }),
      { numRuns: 300 },
    );
  });
});

describe('PDF writer', () => {
  it('refuses no pages, a bad image and an unknown image name with a typed error', () => {
    expect(() => new PdfWriter().finish()).toThrow(/at least one page/);
    expect(() => new PdfWriter().addImage({ width: 2, height: 2, rgb: new Uint8Array(3) })).toThrow(/3 bytes for 2 × 2/);
    const w = new PdfWriter();
    w.addPage(100, 100, '', ['Im9']);
    expect(() => w.finish()).toThrow(/unknown image Im9/);
  });
});
