/**
 * What linked suppression costs and what it fixes (issue 11, point 7): the share of published
 * cells withheld when each table is decided on its own (as before) and when everything one
 * report publishes is decided together (`publish`, src/oversight/interop/suppress.ts), and how
 * many withheld small counts the linked audit (`auditLinked`: sound bound propagation over
 * every relation between the report's tables) pins exactly in each, and how many of those no complement could protect (`unprotected`).
 *
 * Untimed set-up: the seeded synthetic case log (src/oversight/facts/synthetic.ts — events as
 * the agencies write them) of `--bookings` bookings in `--jurisdictions` jurisdictions,
 * Oct 2008 – Sep 2013, into a SQLite store; facts and interoperability counts rebuilt.
 * Then for each report (by state and by jurisdiction; every month, FY and since activation,
 * and `--fy 2011`) with k = 10: cells, withheld (primary, complementary), pinned, wall time.
 *
 *   node --import tsx bench/suppression.bench.ts [--bookings 20000] [--jurisdictions 60] [--out suppression.json]
 *     → bench/results/suppression.json (or the --out name there)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../src/platform/clock/index.ts';
import { openStore } from '../src/platform/store/index.ts';
import { rebuildFacts } from '../src/oversight/facts/index.ts';
import { appendSyntheticEvents, registerSyntheticJurisdictions } from '../src/oversight/facts/synthetic-store.ts';
import { syntheticLog, type SynthEvent } from '../src/oversight/facts/synthetic.ts';
import { COLUMNS, interopCounts, interopStats, publish, type ColumnKey, type InteropQuery, type InteropStats } from '../src/oversight/interop/index.ts';
import { linkedSystem } from '../src/oversight/interop/publish.ts';
import { auditLinked, suppressLinked } from '../src/oversight/interop/suppress.ts';
import { SUPPRESSION_PROTECTION, suppress, tableWithTotals, type Suppression } from '../src/oversight/stats/suppress.ts';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const BOOKINGS = Number(arg('--bookings') ?? 20_000);
const JURISDICTIONS = Number(arg('--jurisdictions') ?? 60);
const OUT = arg('--out') ?? 'suppression.json';
const K = 10;
const SEED = 'suppression-bench';

const STAGES: { total: ColumnKey | null; parts: ColumnKey[] }[] = [
  { total: null, parts: ['submissions'] },
  { total: 'matches', parts: ['matches:level-1', 'matches:other'] },
  { total: 'arrests', parts: ['arrests:level-1', 'arrests:level-2', 'arrests:level-3', 'arrests:non-criminal'] },
  { total: 'removals', parts: ['removals:level-1', 'removals:level-2', 'removals:level-3', 'removals:non-criminal'] },
];

/** The way before this change: one table per period and stage, decided on its own (stats/suppress.ts). Cells in linkedSystem's layout. */
function perTable(stats: InteropStats, cellOf: (row: number, period: number, column: number) => number, size: number): Suppression[] {
  const cells: Suppression[] = new Array<Suppression>(size).fill(null);
  const rows = stats.by === 'nation' ? [stats.total] : stats.units;
  const nationRow = stats.by === 'nation' ? 0 : stats.units.length;
  const col = new Map(COLUMNS.map((c, i) => [c.key as ColumnKey, i]));
  for (let p = 0; p < stats.periods.length; p++) {
    for (const stage of STAGES) {
      const t = tableWithTotals(rows.map((u) => stage.parts.map((k) => u.values[p][k])));
      const r = suppress(t.values, t.relations, K).cells;
      rows.forEach((_, ri) => {
        stage.parts.forEach((k, ci) => (cells[cellOf(ri, p, col.get(k)!)] = r[t.cell(ri, ci)]));
        if (stage.total !== null) cells[cellOf(ri, p, col.get(stage.total)!)] = r[t.rowTotal(ri)];
      });
      if (stats.by !== 'nation') {
        stage.parts.forEach((k, ci) => (cells[cellOf(nationRow, p, col.get(k)!)] = r[t.columnTotal(ci)]));
        if (stage.total !== null) cells[cellOf(nationRow, p, col.get(stage.total)!)] = r[t.grandTotal];
      }
    }
  }
  return cells;
}

function measure(stats: InteropStats, cells: Suppression[], published: number) {
  const { system } = linkedSystem(stats);
  const b = auditLinked(system, cells, K);
  let primary = 0;
  let complementary = 0;
  let pinned = 0;
  let narrow = 0;
  let complementsWorkedOut = 0;
  for (let i = 0; i < published; i++) {
    if (cells[i] === null) continue;
    if (cells[i] === 'primary') primary++;
    else complementary++;
    if (b[i].hi === b[i].lo) {
      if (cells[i] === 'primary') pinned++;
      else complementsWorkedOut++;
    }
    if (cells[i] === 'primary' && b[i].hi - b[i].lo < SUPPRESSION_PROTECTION) narrow++;
  }
  return { primary, complementary, withheldShare: Math.round((10_000 * (primary + complementary)) / published) / 10_000, smallCountsPinned: pinned, smallCountsNarrowerThanProtection: narrow, complementsWorkedOut };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'seccom-suppression-bench-'));
  const clock = new ManualClock(Date.UTC(2014, 0, 1));
  const store = await openStore({ kind: 'sqlite', path: join(dir, 'log.db') });
  const log = syntheticLog({ seed: SEED, bookings: BOOKINGS, jurisdictions: JURISDICTIONS });
  await registerSyntheticJurisdictions(store, log.jurisdictions);
  let batch: SynthEvent[] = [];
  let events = 0;
  for (const e of log.events()) {
    batch.push(e);
    events++;
    if (batch.length === 20_000) {
      await appendSyntheticEvents(store, batch);
      batch = [];
    }
  }
  if (batch.length > 0) await appendSyntheticEvents(store, batch);
  await rebuildFacts(store, { clock, subscribers: [interopCounts()] });
  const reports: Record<string, unknown>[] = [];
  const queries: { name: string; q: InteropQuery }[] = [
    { name: 'by state, every month + FY + since activation', q: { by: 'state' } },
    { name: 'by jurisdiction, every month + FY + since activation', q: { by: 'jurisdiction' } },
    { name: 'by state, --fy 2011', q: { by: 'state', fy: 2011 } },
    { name: 'by jurisdiction, --fy 2011', q: { by: 'jurisdiction', fy: 2011 } },
  ];
  for (const { name, q } of queries) {
    const stats = await interopStats(store.db, q);
    const { cell, rows } = linkedSystem(stats);
    const published = rows.length * stats.periods.length * COLUMNS.length;
    const t0 = performance.now();
    const before = perTable(stats, cell, published);
    const beforeMs = Math.round(performance.now() - t0);
    const t1 = performance.now();
    const p = publish(stats, K);
    const afterMs = Math.round(performance.now() - t1);
    const after: Suppression[] = new Array<Suppression>(published).fill(null);
    (stats.by === 'nation' ? [p.total] : [...p.units, p.total]).forEach((u, ri) => {
      for (let pi = 0; pi < stats.periods.length; pi++) COLUMNS.forEach((c, ci) => (after[cell(ri, pi, ci)] = u.suppressed[pi][c.key] ?? null));
    });
    const { system } = linkedSystem(stats);
    const unprotected = suppressLinked(system, { threshold: K }).unprotected.length;
    const row = { report: name, units: rows.length - (stats.by === 'nation' ? 0 : 1), periods: stats.periods.length, publishedCells: published, perTable: { ...measure(stats, before, published), wallMs: beforeMs }, linked: { ...measure(stats, after, published), wallMs: afterMs, unprotected } };
    reports.push(row);
    console.log(`${name.padEnd(52)} cells ${String(published).padStart(6)}   per table: withheld ${(100 * row.perTable.withheldShare).toFixed(1)} %, small pinned ${row.perTable.smallCountsPinned}   linked: withheld ${(100 * row.linked.withheldShare).toFixed(1)} %, small pinned ${row.linked.smallCountsPinned}, ${row.linked.wallMs} ms   (unprotected ${row.linked.unprotected})`);
  }
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  const out = { bench: 'suppression', issue: '11.7', threshold: K, protection: SUPPRESSION_PROTECTION, bookings: BOOKINGS, jurisdictions: JURISDICTIONS, events, seed: SEED, command: `node --import tsx bench/suppression.bench.ts --bookings ${BOOKINGS} --jurisdictions ${JURISDICTIONS}${OUT === 'suppression.json' ? '' : ` --out ${OUT}`}`, reports };
  writeFileSync(new URL(`./results/${OUT}`, import.meta.url), `${JSON.stringify(out, null, 2)}\n`);
}

await main();
