/**
 * Every indication of US citizenship is audited, detainer or not (issue 11, point 4): over
 * generated small sets of cases — an IAR with a naturalization record, a citizenship claim at
 * booking, both or neither, or status us-citizen (or no IAR at all); with or without a detainer; with or without a
 * supervisor review (queued, resolved verified, resolved not verified) — every case with an
 * indication appears exactly once in the audit's US-citizen findings, with its review and what
 * happened to it, and no other case appears. An indication is what the IAR carried, or a
 * supervisor verifying citizenship; a review alone (the guards also queue unknown statuses and
 * unknown offense codes) or a "not verified" resolution is not one.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { caseLogMigrations, recordEvent } from '../../agencies/case-log/index.ts';
import { createJurisdictions, jurisdictionMigrations } from '../../agencies/jurisdictions/index.ts';
import { ManualClock } from '../../platform/clock/index.ts';
import { assertMigrated, tablesOf, type Store } from '../../platform/store/index.ts';
import { freshStorePerTest, storeVariants } from '../../platform/store/testing.ts';
import { citizenCase, END_OF_TIME } from './findings.ts';
import { foldCase } from './project.ts';
import { auditStoredDetainers, rebuildDetainerAudit, refreshDetainerAudit } from './read-model.ts';
import { CaseLogBuilder, H, ms } from './testing.ts';

type Indication = 'naturalization-record' | 'claimed';
interface GeneratedCase {
  caseId: string;
  ori: string;
  /** null: no immigration match, so no IAR. */
  iar: { status: string; indications: Indication[] } | null;
  detainer: 'none' | 'issued' | 'held' | 'declined';
  review: 'none' | 'queued' | 'verified' | 'not-verified';
}

const ORIS = ['TX1010000', 'TX2270000'];
const START = ms('2012-03-05T15:00:00Z');

const arbCase = fc.record({
  ori: fc.constantFrom(...ORIS),
  iar: fc.option(fc.record({ status: fc.constantFrom('overstay', 'ewi', 'unknown', 'prior-removal', 'lpr', 'us-citizen'), indications: fc.subarray<Indication>(['naturalization-record', 'claimed']) }), { freq: 5 }),
  detainer: fc.constantFrom('none', 'issued', 'held', 'declined'),
  review: fc.constantFrom('none', 'queued', 'verified', 'not-verified'),
});
const arbCases = fc.array(arbCase, { minLength: 1, maxLength: 7 }).map((cs) => cs.map((c, i): GeneratedCase => ({ ...c, caseId: `C${i}` })));

/** One case's events as the agencies would log them, a day apart per case. */
function logOf(c: GeneratedCase, index: number) {
  const t0 = START + index * 24 * H;
  const b = new CaseLogBuilder(c.caseId, c.ori).booked(t0).criminalSearch(t0 + 1000, 1);
  if (c.iar) b.iar(t0 + 2000, c.iar.status, c.iar.indications);
  if (c.review !== 'none') b.supervisorQueued(t0 + 3000);
  if (c.review === 'verified' || c.review === 'not-verified') b.supervisorResolved(t0 + 4 * H, c.review, 'naturalization');
  const det = `DET-${c.caseId}`;
  if (c.detainer !== 'none') b.issued(t0 + 5 * H, det, { ori: c.ori, aor: 'HOU', policyVersion: '2011-12-29-detainer-form' });
  if (c.detainer === 'declined') b.declined(t0 + 5 * H + 1000, det);
  if (c.detainer === 'issued' || c.detainer === 'held') b.received(t0 + 5 * H + 1000, det).copyServed(t0 + 5 * H + 1000);
  if (c.detainer === 'held') b.holdStarted(t0 + 6 * H, det, t0 + 6 * H, t0 + 54 * H);
  return b.events;
}

const indicated = (c: GeneratedCase) => (c.iar?.indications.length ?? 0) > 0 || c.iar?.status === 'us-citizen' || c.review === 'verified';
const shownIndications = (c: GeneratedCase) => (c.iar === null ? [] : c.iar.indications.length > 0 ? c.iar.indications : c.iar.status === 'us-citizen' ? ['status us-citizen'] : []);

/** The finding a case must get: its indications, its review and its outcome. */
function expectFinding(c: GeneratedCase, found: ReturnType<typeof citizenCase>, index: number) {
  const t0 = START + index * 24 * H;
  expect(found).not.toBeNull();
  expect(found).toMatchObject({
    caseId: c.caseId,
    ori: c.ori,
    basis: c.review === 'verified' ? 'verified' : 'indication',
    indications: shownIndications(c),
    indicatedAt: c.iar ? t0 + 2000 : null,
    reviewQueuedAt: c.review === 'none' ? null : t0 + 3000,
    review: c.review === 'verified' || c.review === 'not-verified' ? { at: t0 + 4 * H, verdict: c.review, basis: 'naturalization' } : null,
    detainerIds: c.detainer === 'none' ? [] : [`DET-${c.caseId}`],
  });
  expect(found!.text).toMatch(c.detainer === 'none' ? /no detainer was issued/ : new RegExp(`detainer DET-${c.caseId} issued`));
  expect(found!.text).toMatch(c.review === 'none' ? /no supervisor review/ : c.review === 'queued' ? /queued for supervisor review/ : new RegExp(`citizenship ${c.review}`));
}

describe('every indication of US citizenship is audited, detainer or not', () => {
  it('case by case: a case with an indication gets exactly its finding, any other case none', () => {
    fc.assert(
      fc.property(arbCases, (cases) => {
        cases.forEach((c, i) => {
          const found = citizenCase(foldCase(c.caseId, logOf(c, i)), END_OF_TIME);
          if (indicated(c)) expectFinding(c, found, i);
          else expect(found).toBeNull();
        });
      }),
      { numRuns: 400 },
    );
  });

  const sqlite = storeVariants.find((v) => v.kind === 'sqlite')!;
  const freshStore = freshStorePerTest(sqlite, afterEach);

  it('through the read model: each indicated case once in usCitizens, no other case, on a refresh and a rebuild alike', async () => {
    const clock = new ManualClock(ms('2012-01-01T00:00:00Z'));
    const store: Store = await freshStore(clock);
    assertMigrated(await store.migrate([caseLogMigrations, jurisdictionMigrations]));
    const registry = createJurisdictions({ clock });
    await store.transaction(async (trx) => {
      await registry.register(trx, { ori: 'TX1010000', name: 'Harris County Sheriff', state: 'TX', county: 'Harris', timeZone: 'America/Chicago', aor: 'HOU' });
      await registry.register(trx, { ori: 'TX2270000', name: 'Travis County Sheriff', state: 'TX', county: 'Travis', timeZone: 'America/Chicago', aor: 'SNA' });
    });
    await fc.assert(
      fc.asyncProperty(arbCases, async (cases) => {
        await tablesOf<{ case_log_events: { seq: number } }>(store.db).deleteFrom('case_log_events').execute();
        await store.transaction(async (trx) => {
          for (const [i, c] of cases.entries()) for (const e of logOf(c, i)) await recordEvent(trx, e);
        });
        await rebuildDetainerAudit(store);
        const asOf = START + (cases.length + 5) * 24 * H;
        const audit = await auditStoredDetainers(store.db, { asOf });
        const ids = audit.usCitizens.map((x) => x.caseId);
        expect(new Set(ids).size).toBe(ids.length);
        expect([...ids].sort()).toEqual(cases.filter(indicated).map((c) => c.caseId).sort());
        cases.forEach((c, i) => {
          if (indicated(c)) expectFinding(c, audit.usCitizens.find((x) => x.caseId === c.caseId) ?? null, i);
        });
        // Incremental refresh over the same log says the same.
        await refreshDetainerAudit(store);
        expect((await auditStoredDetainers(store.db, { asOf })).usCitizens).toEqual(audit.usCitizens);
      }),
      { numRuns: 25 },
    );
  });
});
