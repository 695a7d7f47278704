// The detainer audit's read model over a large synthetic case log on SQLite: a rebuild from
// scratch, an incremental refresh after 1 % more cases, and the audit itself (as of a date,
// per jurisdiction). The log is hand-built (src/oversight/audit/testing.ts) so it can be large
// and contain every ending, including holds past their limit.
// Run: node --import tsx bench/detainer-audit.bench.ts [detainerCases=20000] [otherCases=60000]
// (writes bench/results/detainer-audit.json)
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { caseLogMigrations, recordEvent } from '../src/agencies/case-log/index.ts';
import { createJurisdictions, jurisdictionMigrations } from '../src/agencies/jurisdictions/index.ts';
import { createRng } from '../src/biometrics/synth/random.ts';
import { ManualClock } from '../src/platform/clock/index.ts';
import { assertMigrated, openStore, type Store } from '../src/platform/store/index.ts';
import { auditStoredDetainers, rebuildDetainerAudit, refreshDetainerAudit } from '../src/oversight/audit/index.ts';
import type { LogEvent } from '../src/oversight/audit/project.ts';
import { CaseLogBuilder, H } from '../src/oversight/audit/testing.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const detainerCases = Number(process.argv[2] ?? 20_000);
const otherCases = Number(process.argv[3] ?? 60_000);
const ORIS = Array.from({ length: 40 }, (_, i) => `TX${String(1000000 + i * 7919).slice(0, 7)}`);
const rng = createRng('detainer-audit-bench');
const pick = (n: number) => rng.nextUint32() % n;

function detainerCase(i: number): LogEvent[] {
  const ori = ORIS[pick(ORIS.length)];
  const t0 = Date.parse('2011-01-03T15:00:00Z') + pick(3 * 365) * 86_400_000 + pick(86_400) * 1000;
  const id = `DET-B${i}`;
  const b = new CaseLogBuilder(`CASE-B${i}`, ori).booked(t0).criminalSearch(t0 + 1000, pick(3)).iar(t0 + 2000, 'ewi', pick(50) === 0 ? ['claimed'] : []).review(t0 + 3000, '2011-12-29-detainer-form').issued(t0 + 3000, id, { aor: `A${ori.slice(2, 4)}` });
  if (pick(10) === 0) return b.declined(t0 + 4000, id).events;
  b.received(t0 + 4000, id);
  if (pick(20) !== 0) b.copyServed(t0 + 4000);
  const due = t0 + (1 + pick(30)) * 86_400_000;
  const expiry = due + 48 * H + (pick(3) === 0 ? 48 * H : 0);
  b.holdStarted(due, id, due, expiry);
  const end = pick(10);
  if (end < 6) b.custody(due + pick(40) * H, id);
  else if (end < 9) b.lapsed(expiry + (pick(25) === 0 ? pick(72) * H : 0), id, expiry);
  else b.lifted(due + 2 * H, id).released(due + 2 * H, 'detainer-lifted', id);
  if (pick(3) === 0) b.disposition(due + 10 * 86_400_000, pick(2) === 0 ? 'conviction' : 'dismissal');
  return b.events;
}

function otherCase(i: number): LogEvent[] {
  const t0 = Date.parse('2011-01-03T15:00:00Z') + pick(3 * 365) * 86_400_000;
  const b = new CaseLogBuilder(`CASE-O${i}`, ORIS[pick(ORIS.length)]).booked(t0).criminalSearch(t0 + 1000, pick(2));
  if (pick(2) === 0) b.iar(t0 + 2000, 'lpr').review(t0 + 3000, '2011-06-17-discretion', 'no-action');
  b.released(t0 + 86_400_000, 'release-due', null).disposition(t0 + 20 * 86_400_000, 'conviction');
  return b.events;
}

async function write(store: Store, cases: LogEvent[][]) {
  for (let i = 0; i < cases.length; i += 500) {
    await store.transaction(async (trx) => {
      for (const events of cases.slice(i, i + 500)) for (const e of events) await recordEvent(trx, e);
    });
  }
}

function timed<T>(fn: () => Promise<T>): Promise<{ result: T; wallMs: number; cpuMs: number }> {
  const cpu = process.cpuUsage();
  const t = performance.now();
  return fn().then((result) => {
    const used = process.cpuUsage(cpu);
    return { result, wallMs: Math.round(performance.now() - t), cpuMs: Math.round((used.user + used.system) / 1000) };
  });
}

const dir = mkdtempSync(join(tmpdir(), 'seccom-audit-bench-'));
try {
  const clock = new ManualClock(Date.parse('2011-01-01T00:00:00Z'));
  const store = await openStore({ kind: 'sqlite', path: join(dir, 'log.db') }, { clock });
  assertMigrated(await store.migrate([caseLogMigrations, jurisdictionMigrations]));
  const registry = createJurisdictions({ clock });
  await store.transaction(async (trx) => {
    for (const ori of ORIS) await registry.register(trx, { ori, name: `County ${ori}`, state: 'TX', county: ori, timeZone: 'America/Chicago', aor: `A${ori.slice(2, 4)}` });
  });
  const cases = [...Array.from({ length: detainerCases }, (_, i) => detainerCase(i)), ...Array.from({ length: otherCases }, (_, i) => otherCase(i))];
  const events = cases.reduce((n, c) => n + c.length, 0);
  console.log(`writing ${events.toLocaleString('en-US')} events of ${cases.length.toLocaleString('en-US')} cases (${detainerCases.toLocaleString('en-US')} with a detainer)…`);
  await write(store, cases);

  const rebuild = await timed(() => rebuildDetainerAudit(store));
  const extra = Array.from({ length: Math.ceil(detainerCases / 100) }, (_, i) => detainerCase(detainerCases + i));
  await write(store, extra);
  const refresh = await timed(() => refreshDetainerAudit(store));
  const audit = await timed(() => auditStoredDetainers(store.db, { asOf: Date.parse('2014-06-01T00:00:00Z') }));
  await store.close();

  const rows = [
    ['rebuild', rebuild.wallMs, rebuild.cpuMs, `${rebuild.result.eventsRead.toLocaleString('en-US')} events read, ${rebuild.result.casesRefolded.toLocaleString('en-US')} cases folded`],
    ['refresh (+1 %)', refresh.wallMs, refresh.cpuMs, `${refresh.result.eventsRead.toLocaleString('en-US')} events read, ${refresh.result.casesRefolded.toLocaleString('en-US')} cases folded`],
    ['audit as of a date', audit.wallMs, audit.cpuMs, `${audit.result.totals.detainers.toLocaleString('en-US')} detainers, ${audit.result.totals.flagged.toLocaleString('en-US')} flagged, ${audit.result.groups.length} jurisdictions`],
  ] as const;
  console.log('\nstep                 wall ms   CPU ms  ');
  for (const [step, wall, cpu, note] of rows) console.log(`${step.padEnd(20)} ${String(wall).padStart(8)} ${String(cpu).padStart(8)}   ${note}`);
  const load = loadavg().map((x) => Math.round(x * 100) / 100);
  console.log(`\nevents/s in the rebuild: ${Math.round(events / (rebuild.wallMs / 1000)).toLocaleString('en-US')} (wall), ${Math.round(events / (rebuild.cpuMs / 1000)).toLocaleString('en-US')} (CPU); load average ${load.join(' ')}`);
  mkdirSync(`${root}bench/results`, { recursive: true });
  writeFileSync(
    `${root}bench/results/detainer-audit.json`,
    `${JSON.stringify({ node: process.version, date: new Date().toISOString(), loadAverage: load, events, cases: cases.length, detainerCases, extraCases: extra.length, findings: audit.result.totals.findings, steps: Object.fromEntries(rows.map(([step, wallMs, cpuMs, note]) => [step, { wallMs, cpuMs, note }])) }, null, 2)}\n`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
