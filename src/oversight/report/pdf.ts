import { chartDescription, chartSvg } from './charts.ts';
import { cellText, suppressionNote, validateReport } from './format.ts';
import type { Report, ReportTable } from './model.ts';
import { num, PdfWriter, pdfString, textWidth, toWinAnsi, type FontName, type PdfInfo, type RgbImage } from './pdf-writer.ts';

/**
 * Lays a report out on A4 pages: title, summary, sections with wrapped text, charts as images
 * (rasterised by the caller's `rasterize`, e.g. resvg in raster.ts) with their description as
 * caption, tables whose text columns wrap and whose header repeats on each page, drill-downs as
 * lists of ids, notes, and "title — page i of n" footers.
 */

export type Rasterize = (svg: string, widthPx: number) => RgbImage;

export interface PdfOptions {
  rasterize: Rasterize;
  /** Creation date for the document information (the caller owns the clock). */
  created?: Date;
  /** Most ids listed per drill-down in print; default 300 (the HTML and JSON have them all). */
  maxDetailItems?: number;
}

const PAGE_W = 595.28;
const PAGE_H = 841.89;
const MARGIN = 56;
const BOTTOM = 60;
const CONTENT_W = PAGE_W - 2 * MARGIN;
const TEXT = '0.1 0.1 0.1';
const MUTED = '0.33 0.33 0.33';

/** Splits WinAnsi text into lines no wider than `width` (long words are cut). */
export function wrap(text: string, font: FontName, size: number, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/ +/)) {
      const candidate = line ? `${line} ${word}` : word;
      if (textWidth(candidate, font, size) <= width) {
        line = candidate;
        continue;
      }
      if (line) lines.push(line);
      let w = word;
      while (textWidth(w, font, size) > width && w.length > 1) {
        let k = w.length - 1;
        while (k > 1 && textWidth(w.slice(0, k), font, size) > width) k--;
        lines.push(w.slice(0, k));
        w = w.slice(k);
      }
      line = w;
    }
    lines.push(line);
  }
  return lines;
}

class Layout {
  private readonly pages: { ops: string[]; images: string[] }[] = [];
  private y = 0;
  constructor(
    readonly pdf: PdfWriter,
    readonly title: string,
  ) {
    this.newPage();
  }

  private get page() {
    return this.pages[this.pages.length - 1];
  }

  newPage(): void {
    this.pages.push({ ops: [], images: [] });
    this.y = PAGE_H - MARGIN;
  }

  /** Starts a new page unless `height` points still fit. */
  ensure(height: number): void {
    if (this.y - height < BOTTOM && this.y < PAGE_H - MARGIN - 1) this.newPage();
  }

  get remaining(): number {
    return this.y - BOTTOM;
  }

  space(h: number): void {
    this.y -= h;
  }

  text(x: number, y: number, winAnsi: string, font: FontName, size: number, color = TEXT): void {
    this.page.ops.push(`BT ${color} rg /${font} ${num(size)} Tf ${num(x)} ${num(y)} Td ${pdfString(winAnsi)} Tj ET`);
  }

  /** Wrapped text at the cursor, breaking pages between lines. */
  paragraph(text: string, font: FontName = 'F1', size = 10, color = TEXT, indent = 0, bullet?: string): void {
    const leading = size * 1.35;
    const lines = wrap(toWinAnsi(text), font, size, CONTENT_W - indent);
    lines.forEach((line, i) => {
      this.ensure(leading);
      this.y -= leading;
      if (i === 0 && bullet) this.text(MARGIN + indent - 10, this.y + 2, toWinAnsi(bullet), 'F1', size, color);
      this.text(MARGIN + indent, this.y + 2, line, font, size, color);
    });
  }

  rule(x1: number, y1: number, x2: number, y2: number, gray = 0.7, width = 0.5): void {
    this.page.ops.push(`${num(gray)} G ${num(width)} w ${num(x1)} ${num(y1)} m ${num(x2)} ${num(y2)} l S`);
  }

  fill(x: number, y: number, w: number, h: number, rgb: string): void {
    this.page.ops.push(`${rgb} rg ${num(x)} ${num(y)} ${num(w)} ${num(h)} re f`);
  }

  image(name: string, w: number, h: number): void {
    this.ensure(h);
    this.y -= h;
    this.page.ops.push(`q ${num(w)} 0 0 ${num(h)} ${num(MARGIN + (CONTENT_W - w) / 2)} ${num(this.y)} cm /${name} Do Q`);
    this.page.images.push(name);
  }

  cursor(): number {
    return this.y;
  }

  moveTo(y: number): void {
    this.y = y;
  }

  finish(info: PdfInfo): Uint8Array {
    const n = this.pages.length;
    this.pages.forEach((p, i) => {
      const footer = toWinAnsi(`${this.title} — page ${i + 1} of ${n}`);
      p.ops.push(`BT ${MUTED} rg /F1 8 Tf ${num(PAGE_W - MARGIN - textWidth(footer, 'F1', 8))} ${num(BOTTOM - 28)} Td ${pdfString(footer)} Tj ET`);
      this.pdf.addPage(PAGE_W, PAGE_H, p.ops.join('\n'), [...new Set(p.images)]);
    });
    return this.pdf.finish(info);
  }
}

function layTable(l: Layout, t: ReportTable, threshold: number): void {
  const size = 8.5;
  const leading = size * 1.3;
  const pad = 4;
  const head = t.columns.map((c) => toWinAnsi(c.label));
  const cells = t.rows.map((row) => row.map((cell, k) => cellText(cell, t.columns[k], threshold)));
  // Natural widths; text columns shrink (and wrap) when the table is wider than the page.
  const natural = t.columns.map((_, k) => Math.max(textWidth(head[k], 'F2', size), ...cells.map((r) => textWidth(toWinAnsi(r[k].text), 'F1', size))) + 2 * pad);
  const widths = natural.map((w) => Math.min(w, CONTENT_W));
  let total = widths.reduce((a, w) => a + w, 0);
  if (total > CONTENT_W) {
    // Cap the widest columns at the width C where Σ min(w, C) fills the page: narrow columns keep their width.
    let lo = 0;
    let hi = CONTENT_W;
    for (let it = 0; it < 50; it++) {
      const mid = (lo + hi) / 2;
      if (widths.reduce((a, w) => a + Math.min(w, mid), 0) > CONTENT_W) hi = mid;
      else lo = mid;
    }
    for (let k = 0; k < widths.length; k++) widths[k] = Math.min(widths[k], lo);
    total = widths.reduce((a, w) => a + w, 0);
  }
  l.ensure(60);
  l.paragraph(t.caption, 'F2', 10);
  l.space(3);
  const headLines = head.map((h, k) => wrap(h, 'F2', size, widths[k] - 2 * pad));
  const headHeight = Math.max(...headLines.map((x) => x.length), 1) * leading + 2 * pad;
  const drawHeader = (): void => {
    const top = l.cursor();
    l.fill(MARGIN, top - headHeight, total, headHeight, '0.93 0.95 0.97');
    let x = MARGIN;
    headLines.forEach((lines, k) => {
      lines.forEach((line, j) => l.text(x + pad, top - pad - (j + 1) * leading + 2.5, line, 'F2', size));
      x += widths[k];
    });
    l.rule(MARGIN, top - headHeight, MARGIN + total, top - headHeight, 0.4, 0.8);
    l.moveTo(top - headHeight);
  };
  l.ensure(headHeight + leading + 2 * pad);
  drawHeader();
  if (cells.length === 0) {
    l.paragraph(t.empty ?? 'No rows.', 'F1', size, MUTED);
  }
  for (const row of cells) {
    const lines = row.map((c, k) => wrap(toWinAnsi(c.text), c.suppressed ? 'F1' : k === 0 ? 'F2' : 'F1', size, widths[k] - 2 * pad));
    const h = Math.max(...lines.map((x) => x.length), 1) * leading + 2 * pad;
    if (l.remaining < h) {
      l.newPage();
      drawHeader();
    }
    const top = l.cursor();
    let x = MARGIN;
    row.forEach((c, k) => {
      const font: FontName = k === 0 ? 'F2' : 'F1';
      lines[k].forEach((line, j) => {
        const w = textWidth(line, font, size);
        const tx = c.align === 'right' ? x + widths[k] - pad - w : x + pad;
        l.text(tx, top - pad - (j + 1) * leading + 2.5, line, font, size, c.suppressed ? MUTED : TEXT);
      });
      x += widths[k];
    });
    l.rule(MARGIN, top - h, MARGIN + total, top - h, 0.8, 0.4);
    l.moveTo(top - h);
  }
  if (t.note) {
    l.space(3);
    l.paragraph(t.note, 'F1', 8, MUTED);
  }
  l.space(10);
}

/** The report as PDF bytes. */
export function reportPdf(report: Report, options: PdfOptions): Uint8Array {
  validateReport(report);
  const threshold = report.suppressionThreshold ?? 10;
  const maxItems = options.maxDetailItems ?? 300;
  const pdf = new PdfWriter();
  const l = new Layout(pdf, report.title);
  l.paragraph(report.title, 'F2', 20);
  if (report.subtitle) l.paragraph(report.subtitle, 'F1', 13);
  if (report.generated) l.paragraph(report.generated, 'F1', 9, MUTED);
  l.space(8);
  for (const p of report.summary ?? []) {
    l.paragraph(p);
    l.space(4);
  }
  if (report.sections.length === 0) l.paragraph('This report has no sections: there were no data to report for the period.', 'F1', 10, MUTED);
  let charts = 0;
  for (const s of report.sections) {
    l.space(10);
    l.ensure(80); // keep a heading with what follows
    l.paragraph(s.heading, 'F2', 14);
    l.space(4);
    if (s.blocks.length === 0) l.paragraph('Nothing to show in this section.', 'F1', 10, MUTED);
    for (const b of s.blocks) {
      switch (b.kind) {
        case 'text':
          l.paragraph(b.text);
          l.space(5);
          break;
        case 'list':
          for (const item of b.items) l.paragraph(item, 'F1', 10, TEXT, 14, '•');
          l.space(5);
          break;
        case 'details': {
          l.paragraph(b.summary, 'F2', 9.5);
          const shown = b.items.slice(0, maxItems);
          const more = b.items.length - shown.length;
          l.paragraph(shown.length ? shown.join(', ') + (more > 0 ? ` … and ${more} more (all of them are in the HTML and JSON outputs)` : '') : 'None.', 'F3', 7.5, TEXT, 10);
          l.space(6);
          break;
        }
        case 'table':
          layTable(l, b.table, threshold);
          break;
        case 'chart': {
          const svg = chartSvg(b.chart, { id: `chart-${++charts}` });
          const m = /viewBox="0 0 ([\d.]+) ([\d.]+)"/.exec(svg);
          const aspect = m ? Number(m[2]) / Number(m[1]) : 0.55;
          const image = options.rasterize(svg, 1400);
          const name = pdf.addImage(image);
          const w = CONTENT_W;
          const h = Math.min(w * aspect, PAGE_H - MARGIN - BOTTOM - 60);
          l.ensure(h + 30);
          l.image(name, h / aspect, h);
          l.space(4);
          l.paragraph(chartDescription(svg), 'F1', 8, MUTED);
          l.space(10);
          break;
        }
      }
    }
  }
  const tables = report.sections.flatMap((s) => s.blocks.flatMap((b) => (b.kind === 'table' ? [b.table] : [])));
  const sup = suppressionNote(tables, threshold);
  const notes = [...(report.notes ?? []), ...(sup ? [sup] : [])];
  if (notes.length) {
    l.space(10);
    l.ensure(60);
    l.paragraph('Notes', 'F2', 14);
    l.space(4);
    for (const n of notes) l.paragraph(n, 'F1', 9, TEXT, 14, '•');
  }
  return l.finish({ title: report.title, subject: report.subtitle, created: options.created });
}
