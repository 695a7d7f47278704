import { chartDescription, chartSvg, escapeXml } from './charts.ts';
import { cellText, suppressionNote, validateReport } from './format.ts';
import type { Report, ReportBlock, ReportTable } from './model.ts';

/**
 * A report as one self-contained HTML file: inline SVG charts (each a <figure> with its
 * description as caption), tables with captions and scoped headers, suppressed cells marked
 * "<10" / "—" with an explanation, drill-downs in <details>, and print CSS (A4, no page break
 * inside a chart or a table row). No scripts, no external resources.
 */

const CSS = `
:root { color-scheme: light; }
body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; color: #1a1a1a; background: #ffffff; margin: 0 auto; max-width: 60rem; padding: 1.5rem; line-height: 1.45; }
h1 { font-size: 1.7rem; margin-bottom: 0.2rem; }
.subtitle { font-size: 1.1rem; color: #333333; margin-top: 0; }
.generated { color: #555555; font-size: 0.9rem; }
h2 { font-size: 1.3rem; border-bottom: 2px solid #0072B2; padding-bottom: 0.2rem; margin-top: 2rem; }
figure { margin: 1rem 0; }
figure svg { max-width: 100%; height: auto; }
figcaption { font-size: 0.9rem; color: #333333; }
table { border-collapse: collapse; margin: 1rem 0; font-size: 0.9rem; }
caption { text-align: left; font-weight: bold; padding-bottom: 0.3rem; }
th, td { border: 1px solid #bbbbbb; padding: 0.25rem 0.5rem; vertical-align: top; }
th { background: #eef3f8; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.suppressed { color: #555555; font-style: italic; }
.table-note, .empty { font-size: 0.85rem; color: #333333; }
details { margin: 0.5rem 0; }
details ul { columns: 3 14rem; font-family: "DejaVu Sans Mono", monospace; font-size: 0.85rem; }
.notes { font-size: 0.9rem; }
:focus { outline: 3px solid #E69F00; }
@media print {
  @page { size: A4; margin: 16mm; }
  body { max-width: none; padding: 0; font-size: 10pt; }
  h2 { break-after: avoid; }
  figure, tr { break-inside: avoid; }
  thead { display: table-header-group; }
  details > * { display: block; }
  details summary { list-style: none; }
}
`;

function tableHtml(t: ReportTable, threshold: number): string {
  const head = t.columns.map((col) => `<th scope="col">${escapeXml(col.label)}</th>`).join('');
  const out = [`<table>`, `<caption>${escapeXml(t.caption)}</caption>`, `<thead><tr>${head}</tr></thead>`, '<tbody>'];
  if (t.rows.length === 0) {
    out.push(`<tr><td class="empty" colspan="${Math.max(1, t.columns.length)}">${escapeXml(t.empty ?? 'No rows.')}</td></tr>`);
  }
  for (const row of t.rows) {
    const cells = row.map((cell, k) => {
      const col = t.columns[k];
      const ct = cellText(cell, col, threshold);
      const cls = [ct.align === 'right' ? 'num' : '', ct.suppressed ? 'suppressed' : ''].filter(Boolean).join(' ');
      const title = ct.suppressed === 'primary' ? `fewer than ${threshold}: withheld` : ct.suppressed === 'complementary' ? 'withheld so that totals do not reveal a small count' : ct.title;
      const body = title ? `<abbr title="${escapeXml(title)}">${escapeXml(ct.text)}</abbr>` : escapeXml(ct.text);
      // The first column names the row.
      return k === 0 ? `<th scope="row"${cls ? ` class="${cls}"` : ''}>${body}</th>` : `<td${cls ? ` class="${cls}"` : ''}>${body}</td>`;
    });
    out.push(`<tr>${cells.join('')}</tr>`);
  }
  out.push('</tbody></table>');
  if (t.note) out.push(`<p class="table-note">${escapeXml(t.note)}</p>`);
  return out.join('\n');
}

function blockHtml(b: ReportBlock, threshold: number, chartId: () => string): string {
  switch (b.kind) {
    case 'text':
      return `<p>${escapeXml(b.text)}</p>`;
    case 'list':
      return b.items.length ? `<ul>${b.items.map((i) => `<li>${escapeXml(i)}</li>`).join('')}</ul>` : '';
    case 'chart': {
      const svg = chartSvg(b.chart, { id: chartId() });
      return `<figure>\n${svg}\n<figcaption>${escapeXml(chartDescription(svg))}</figcaption>\n</figure>`;
    }
    case 'table':
      return tableHtml(b.table, threshold);
    case 'details':
      return `<details><summary>${escapeXml(b.summary)}</summary>${b.items.length ? `<ul>${b.items.map((i) => `<li>${escapeXml(i)}</li>`).join('')}</ul>` : '<p>None.</p>'}</details>`;
  }
}

export function reportHtml(report: Report): string {
  validateReport(report);
  const threshold = report.suppressionThreshold ?? 10;
  let charts = 0;
  const chartId = (): string => `chart-${++charts}`;
  const tables = report.sections.flatMap((s) => s.blocks.flatMap((b) => (b.kind === 'table' ? [b.table] : [])));
  const sup = suppressionNote(tables, threshold);
  const body: string[] = [`<header>`, `<h1>${escapeXml(report.title)}</h1>`];
  if (report.subtitle) body.push(`<p class="subtitle">${escapeXml(report.subtitle)}</p>`);
  if (report.generated) body.push(`<p class="generated">${escapeXml(report.generated)}</p>`);
  body.push('</header>', '<main>');
  for (const p of report.summary ?? []) body.push(`<p>${escapeXml(p)}</p>`);
  if (report.sections.length === 0) body.push('<p class="empty">This report has no sections: there were no data to report for the period.</p>');
  report.sections.forEach((s, i) => {
    body.push(`<section aria-labelledby="section-${i + 1}">`, `<h2 id="section-${i + 1}">${escapeXml(s.heading)}</h2>`);
    if (s.blocks.length === 0) body.push('<p class="empty">Nothing to show in this section.</p>');
    for (const b of s.blocks) body.push(blockHtml(b, threshold, chartId));
    body.push('</section>');
  });
  const notes = [...(report.notes ?? []), ...(sup ? [sup] : [])];
  if (notes.length) {
    body.push('<section class="notes" aria-labelledby="notes">', '<h2 id="notes">Notes</h2>', `<ul>${notes.map((n) => `<li>${escapeXml(n)}</li>`).join('')}</ul>`, '</section>');
  }
  body.push('</main>');
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeXml(report.title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    ...body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
