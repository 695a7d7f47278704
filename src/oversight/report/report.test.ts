import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chartSvg, proportionChartSvg, stackedChartSvg } from './charts.ts';
import { ReportError } from './errors.ts';
import { reportHtml } from './html.ts';
import { LEVEL_CATEGORIES, type Report, type StackedChart } from './model.ts';
import { reportPdf } from './pdf.ts';
import { rasterizeSvg } from './raster.ts';
import { sampleReport } from './testing.ts';

const BAD = /NaN|undefined|Infinity|\[object Object\]/;

function hasTool(name: string): boolean {
  try {
    execFileSync(name, ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const latin1 = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');

describe('HTML report', () => {
  const html = reportHtml(sampleReport());

  it('is one self-contained page: no scripts, no external resources', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<html lang="en">');
    expect(html).not.toMatch(/<script|<link |src="http|href="http/);
    expect(html).toContain('@media print');
  });

  it('escapes text everywhere, including titles, cells and list items', () => {
    expect(html).toContain('<title>Quarterly statistical review &lt;2011Q3&gt; &amp; &quot;test&quot;</title>');
    expect(html).toContain('with &lt;angle brackets&gt; &amp; ampersands');
    expect(html).toContain('<li>two &lt;b&gt;</li>');
    expect(html).not.toContain('<b>');
  });

  it('contains no NaN, undefined or Infinity', () => {
    expect(html).not.toMatch(BAD);
  });

  it('shows suppressed cells as "<10" and "—" with a note that explains both', () => {
    expect(html).toContain('<td class="num suppressed"><abbr title="fewer than 10: withheld">&lt;10</abbr></td>');
    expect(html).toContain('<abbr title="withheld so that totals do not reveal a small count">—</abbr>');
    expect(html).toContain('&quot;&lt;10&quot; marks a count from 1 to 9');
    expect(html).toContain('&quot;—&quot; marks a count withheld so that totals cannot reveal');
  });

  it('gives every chart a title and a description, labels axes and ties them with aria-labelledby', () => {
    const svgs = html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
    expect(svgs.length).toBe(5);
    const ids = new Set<string>();
    for (const svg of svgs) {
      const m = /aria-labelledby="([^ ]+)-title \1-desc"/.exec(svg);
      expect(m).not.toBeNull();
      expect(ids.has(m![1])).toBe(false);
      ids.add(m![1]);
      expect(svg).toMatch(/<title id="[^"]+">[^<]+<\/title>/);
      expect(svg).toMatch(/<desc id="[^"]+">[^<]+<\/desc>/);
    }
    expect(html).toMatch(/<figcaption>Stacked bars: Arrests by category per period, 2010-10 to 2011-09/);
  });

  it('uses table captions, column and row headers, and lists the drill-down cases', () => {
    expect(html).toContain('<caption>Flagged jurisdictions</caption>');
    expect(html).toContain('<th scope="col">Jurisdiction</th>');
    expect(html).toContain('<th scope="row">CA0070000</th>');
    expect(html).toMatch(/<details><summary>Cases behind CA0070000 \(180\)<\/summary><ul><li>case-0<\/li>/);
    expect(html).toContain('No jurisdiction was flagged.');
  });

  it('renders an empty report and empty charts with an explanation', () => {
    const empty = reportHtml({ title: 'Nothing', sections: [] });
    expect(empty).toMatch(/no data to report for the period/);
    const noData = reportHtml({
      title: 'Empty quarter',
      sections: [
        {
          heading: 'ICE arrests',
          blocks: [
            { kind: 'chart', chart: { kind: 'stacked', title: 'Arrests', periods: [], series: [] } },
            { kind: 'chart', chart: { kind: 'proportions', title: 'Shares', periods: ['2011-07'], series: [{ key: 'a', label: 'A', values: [0] }] } },
            { kind: 'chart', chart: { kind: 'activation', title: 'Series', periods: ['2011-07'], unit: { label: 'X', share: [null] }, activationIndex: 0 } },
          ],
        },
      ],
    });
    expect(noData.match(/No data to plot: /g)?.length).toBe(3);
    expect(noData).toMatch(/every count is zero or withheld over 2011-07/);
    expect(noData).not.toMatch(BAD);
  });

  it('refuses impossible data with a typed error', () => {
    const bad = (values: (number | null)[]): Report => ({ title: 'T', sections: [{ heading: 'h', blocks: [{ kind: 'chart', chart: { kind: 'stacked', title: 'c', periods: ['a', 'b'], series: [{ key: 'k', label: 'K', values }] } }] }] });
    expect(() => reportHtml(bad([1, Number.NaN]))).toThrow(ReportError);
    expect(() => reportHtml(bad([1, -2]))).toThrow(/negative/);
    expect(() => reportHtml(bad([1]))).toThrow(/1 values for 2 periods/);
    expect(() => reportHtml({ title: ' ', sections: [] })).toThrow(/needs a title/);
    expect(() => reportHtml({ title: 'T', sections: [{ heading: 'h', blocks: [{ kind: 'table', table: { caption: 'c', columns: [{ label: 'a' }], rows: [[1, 2]] } }] }] })).toThrow(/2 cells for 1 columns/);
  });
});

describe('charts', () => {
  const periods = ['2011-07', '2011-08', '2011-09'];

  it('stacks the Level categories with the Okabe–Ito colours and a legend', () => {
    const chart: StackedChart = { kind: 'stacked', title: 'Arrests', periods, series: LEVEL_CATEGORIES.map((c, k) => ({ ...c, values: [k + 1, k + 2, k + 3] })) };
    const svg = stackedChartSvg(chart);
    for (const c of LEVEL_CATEGORIES) {
      expect(svg).toContain(`fill="${c.color}"`);
      expect(svg).toContain(`>${c.label}</text>`);
    }
    expect(svg).toContain('<title>2011-09, No criminal record: 6</title>');
  });

  it('leaves a period blank in proportions when one of its counts is withheld', () => {
    const svg = proportionChartSvg({ kind: 'proportions', title: 'Shares', periods, series: [{ key: 'a', label: 'A', values: [1, null, 3] }, { key: 'b', label: 'B', values: [1, 1, 1] }] });
    expect(svg).not.toContain('2011-08, A');
    expect(svg).toContain('<title>2011-09, A: 75 % (3 of 4)</title>');
    expect(svg).toMatch(/1 period\(s\) with no total or a withheld count are left blank/);
  });

  it('never prints NaN, undefined or Infinity for any finite data with gaps and zeros', () => {
    const value = fc.oneof(fc.constant(null), fc.constant(0), fc.integer({ min: 0, max: 1_000_000 }));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 1, max: 5 }), fc.array(value, { maxLength: 150 }), fc.boolean(), fc.integer({ min: 0, max: 40 }), (n, k, pool, lines, act) => {
        const periods = Array.from({ length: n }, (_, i) => `m${i}`);
        const series = Array.from({ length: k }, (_, j) => ({ key: `s${j}`, label: `S<${j}>`, values: periods.map((_, i) => pool[(i * k + j) % Math.max(1, pool.length)] ?? null) }));
        const share = series[0].values.map((v) => (v === null ? null : v / 1_000_000));
        const svgs = [
          chartSvg({ kind: 'stacked', title: 't', periods, series }),
          chartSvg({ kind: 'proportions', title: 't', periods, series, style: lines ? 'lines' : 'stacked' }),
          chartSvg({ kind: 'activation', title: 't', periods, unit: { label: 'u', share }, reference: { label: 'r', share: [...share].reverse() }, fitted: share, activationIndex: Math.min(act, n) }),
        ];
        for (const svg of svgs) {
          expect(svg).not.toMatch(BAD);
          expect(svg).not.toMatch(/S<\d>/);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('rasterises with resvg: the bars are drawn in their colours', () => {
    const chart: StackedChart = { kind: 'stacked', title: 'Arrests', periods, series: LEVEL_CATEGORIES.map((c) => ({ ...c, values: [10, 10, 10] })) };
    const img = rasterizeSvg(stackedChartSvg(chart), 760);
    expect(img.width).toBe(760);
    let vermillion = 0;
    for (let i = 0; i < img.width * img.height; i++) if (img.rgb[3 * i] === 0xd5 && img.rgb[3 * i + 1] === 0x5e && img.rgb[3 * i + 2] === 0x00) vermillion++;
    expect(vermillion).toBeGreaterThan(1000);
  });
});

describe('PDF report', () => {
  const pdf = reportPdf(sampleReport(), { rasterize: rasterizeSvg, created: new Date(Date.UTC(2011, 9, 15, 12)) });
  const text = latin1(pdf);

  it('has a consistent cross-reference table: every offset points at its object', () => {
    expect(text.startsWith('%PDF-1.7\n')).toBe(true);
    expect(text.endsWith('%%EOF\n')).toBe(true);
    const startxref = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(text)![1]);
    expect(text.slice(startxref, startxref + 4)).toBe('xref');
    const [, first, count] = /^xref\n(\d+) (\d+)\n/.exec(text.slice(startxref))!.map(Number);
    expect(first).toBe(0);
    const entries = text.slice(startxref).split('\n').slice(3, 2 + count);
    entries.forEach((e, i) => {
      const offset = Number(e.slice(0, 10));
      expect(text.slice(offset, offset + `${i + 1} 0 obj`.length)).toBe(`${i + 1} 0 obj`);
    });
    expect(text).toMatch(/\/Size \d+ \/Root 1 0 R \/Info \d+ 0 R/);
    expect(text).toContain('/CreationDate (D:20111015120000Z)');
    // Every stream's /Length is the exact number of bytes between "stream\n" and "\nendstream".
    for (const m of text.matchAll(/\/Length (\d+) >>\nstream\n/g)) {
      const start = m.index! + m[0].length;
      expect(text.slice(start + Number(m[1]), start + Number(m[1]) + 10)).toBe('\nendstream');
    }
  });

  it('contains no NaN, undefined or Infinity', () => {
    expect(text).not.toMatch(BAD);
  });

  it('opens in poppler: page count, title and the text of tables and suppressed cells', (ctx) => {
    if (!hasTool('pdfinfo') || !hasTool('pdftotext')) {
      ctx.skip();
      console.log('pdfinfo/pdftotext not installed (apt-get install poppler-utils): PDF checked structurally only');
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'report-pdf-'));
    const file = join(dir, 'r.pdf');
    writeFileSync(file, pdf);
    const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
    expect(info).toMatch(/Title:\s+Quarterly statistical review <2011Q3> & "test"/);
    expect(info).toMatch(/Subject:\s+Activated jurisdictions, July–September 2011/);
    expect(Number(/Pages:\s+(\d+)/.exec(info)![1])).toBeGreaterThanOrEqual(3);
    const body = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(body).toContain('Flagged jurisdictions');
    expect(body).toMatch(/CA0080000\s+CA\s+<10\s+—\s+—\s+small/);
    expect(body).toContain('phi = 1.8, tau² >= 0');
    expect(body).toMatch(/page 1 of \d/);
    expect(body).toContain('case-179');
  });

  it('writes an empty report as one page that says why', (ctx) => {
    const empty = reportPdf({ title: 'Empty', sections: [] }, { rasterize: rasterizeSvg });
    expect(latin1(empty)).toContain('/Count 1 ');
    if (!hasTool('pdftotext')) return ctx.skip();
    const dir = mkdtempSync(join(tmpdir(), 'report-pdf-'));
    writeFileSync(join(dir, 'e.pdf'), empty);
    expect(execFileSync('pdftotext', [join(dir, 'e.pdf'), '-'], { encoding: 'utf8' })).toMatch(/no data to report/);
  });
});
