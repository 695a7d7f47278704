/**
 * The synthetic generator writes what the agencies write: scenarios are run through the real
 * pipeline, the same stories are written by hand as `CaseScript`s (identifiers taken from the
 * pipeline's log, everything else from the scenario and the policy), and the two logs must
 * have the same events per case (agency, kind, detail fields) and give the same facts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { caseEvents } from '../../agencies/case-log/index.ts';
import { TemplateExtractor } from '../../agencies/tenprint/index.ts';
import { ManualClock } from '../../platform/clock/index.ts';
import { openStore, type Store } from '../../platform/store/index.ts';
import { holdExpiresAt } from '../../policy/detainer-clock.ts';
import { loadScenario, runScenario } from '../../sim/scenario.ts';
import { rebuildFacts } from './projection.ts';
import { readFacts } from './read.ts';
import { appendSyntheticEvents, registerSyntheticJurisdictions } from './synthetic-store.ts';
import { scriptEvents, syntheticLog, type CaseScript, type ScriptIar } from './synthetic.ts';

const SCENARIOS = join(import.meta.dirname, '../../../scenarios');
const dir = mkdtempSync(join(tmpdir(), 'seccom-synthetic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const extractor = new TemplateExtractor();
const clock = new ManualClock(Date.UTC(2015, 0, 1));
const at = (iso: string) => Date.parse(iso);
const ZONE = 'America/Chicago';

const ALPHA = { sex: 'M', race: 'W', yearOfBirth: 1972, placeOfBirth: 'MM', claimedCitizenship: 'MM' as string | null };
const NEW_FORM = { form: 'Form I-247 (12/11)', copyToDetainee: true, hotline: '(855) 448-6903' };
const OLD_FORM = { form: 'Form I-247 (edition before December 2011)', copyToDetainee: false, hotline: null };
const ROBBERY = [{ ncicCode: '1201', date: '2005-03-10', level: 1 as const }];
const PUBLIC_PEACE = [{ ncicCode: '5399', severity: 'misdemeanor' as const, maxSentenceMonths: null, level: 3 as const }];
const LARCENY = [{ ncicCode: '2399', severity: 'misdemeanor' as const, maxSentenceMonths: 12, level: 2 as const }];

/** The identifiers the pipeline drew for a case (they carry no meaning the facts use). */
interface Ids {
  caseId: string;
  fbiNumber: string;
  identityId: string;
  detainerId: string;
}

type Story = (ids: Ids) => CaseScript;

function base(ids: Ids, booked: string, version: string, over: Partial<CaseScript>): CaseScript {
  return {
    caseId: ids.caseId,
    ori: 'TX1010000',
    aor: 'HOU',
    jurisdictionName: 'Harris County Sheriff',
    bookedAt: at(booked),
    arrestDate: booked.slice(0, 10),
    policyVersion: version,
    demographics: ALPHA,
    charges: PUBLIC_PEACE,
    participation: 'activated',
    immigrationSearch: 'at-booking',
    iarToJail: true,
    criminal: { result: 'ident', fbiNumber: ids.fbiNumber, priorConvictions: 1 },
    dispositions: [],
    ident: { result: 'no-match', bestScore: 0 },
    ...over,
  };
}

function priorRemovalIar(ids: Ids, version: string, detainer: ScriptIar['detainer']): CaseScript['ident'] {
  return {
    result: 'match',
    identityId: ids.identityId,
    score: 478,
    iar: { status: 'prior-removal', statusReasons: ['removed on 2009-06-01 and found in the US again: prior removal'], citizenshipIndications: [], level: 1, convictionLevel: 1, priorConvictions: ROBBERY, policyVersion: version, decision: 'detainer', priority: 'P1', detainer },
  };
}

function hold(releaseDue: string) {
  const h = holdExpiresAt(at(releaseDue), ZONE);
  return { releaseDueAt: at(releaseDue), holdExpiresAt: h.expiresAtMs, excluded: h.excluded };
}

const STORIES: Record<string, Story[]> = {
  'prior-removal-level-1': [
    (ids) =>
      base(ids, '2012-03-05T09:00:00-06:00', '2011-12-29-detainer-form', {
        ident: priorRemovalIar(ids, '2011-12-29-detainer-form', { detainerId: ids.detainerId, ...NEW_FORM, ...hold('2012-03-12T17:00:00-05:00'), custodyAt: at('2012-03-13T10:00:00-05:00'), outcome: { at: at('2012-05-01T00:00:00Z'), outcome: 'removed' } }),
      }),
  ],
  'friday-before-holiday': [
    (ids) =>
      base(ids, '2013-01-15T09:00:00-06:00', '2012-12-21-detainer-criteria', {
        ident: priorRemovalIar(ids, '2012-12-21-detainer-criteria', { detainerId: ids.detainerId, ...NEW_FORM, ...hold('2013-01-18T17:00:00-06:00') }),
      }),
  ],
  'trust-act': [
    (ids) =>
      base(ids, '2014-02-03T09:00:00-06:00', '2012-12-21-detainer-criteria', {
        participation: 'declines-detainers',
        releaseDueAt: at('2014-02-04T17:00:00-06:00'),
        ident: priorRemovalIar(ids, '2012-12-21-detainer-criteria', { detainerId: ids.detainerId, ...NEW_FORM, declined: true }),
      }),
  ],
  'opted-out': [
    (ids) =>
      base(ids, '2011-09-01T10:00:00-05:00', '2011-06-17-discretion', {
        participation: 'opted-out-of-iar',
        iarToJail: false,
        ident: priorRemovalIar(ids, '2011-06-17-discretion', { detainerId: ids.detainerId, ...OLD_FORM }),
      }),
  ],
  'no-match': [
    (ids) =>
      base(ids, '2011-08-01T10:00:00-05:00', '2011-06-17-discretion', {
        demographics: { sex: 'M', race: 'W', yearOfBirth: 1985, placeOfBirth: 'TX', claimedCitizenship: 'US' },
        charges: LARCENY.map((c) => ({ ...c })),
        criminal: { result: 'non-ident', fbiNumber: ids.fbiNumber, priorConvictions: 0 },
        ident: { result: 'no-match', bestScore: 28 },
      }),
  ],
  'naturalized-citizen': [
    (ids) =>
      base(ids, '2013-05-02T10:00:00-05:00', '2012-12-21-detainer-criteria', {
        demographics: { ...ALPHA, claimedCitizenship: null },
        charges: LARCENY,
        criminal: { result: 'non-ident', fbiNumber: ids.fbiNumber, priorConvictions: 0 },
        ident: {
          result: 'match',
          identityId: ids.identityId,
          score: 478,
          iar: {
            status: 'overstay',
            statusReasons: ['naturalization record of 2001-03-01: citizenship indicated, to be verified'],
            citizenshipIndications: ['naturalization-record'],
            level: 2,
            convictionLevel: null,
            priorConvictions: [],
            policyVersion: '2012-12-21-detainer-criteria',
            decision: 'supervisor-review',
            priority: null,
            supervisorResolution: { at: at('2013-05-02T14:00:00-05:00'), citizenship: 'verified', basis: 'naturalization', note: 'Certificate of naturalization checked with USCIS.', then: 'no-action' },
          },
        },
      }),
  ],
  'conviction-only-with-dismissal': [
    (ids) =>
      base(ids, '2011-10-03T10:00:00-05:00', '2011-06-17-discretion', {
        participation: 'share-after-conviction',
        immigrationSearch: 'after-conviction',
        charges: LARCENY,
        criminal: { result: 'non-ident', fbiNumber: ids.fbiNumber, priorConvictions: 0 },
        dispositions: [{ at: at('2011-11-01T10:00:00-05:00'), outcome: 'conviction', ncicCodes: ['2399'] }],
        ident: {
          result: 'match',
          identityId: ids.identityId,
          score: 478,
          iar: { status: 'ewi', statusReasons: ['apprehended on 2004-06-01 after entering without inspection'], citizenshipIndications: [], level: 2, convictionLevel: 2, priorConvictions: [], policyVersion: '2011-06-17-discretion', decision: 'detainer', priority: 'P1', detainer: { detainerId: ids.detainerId, ...OLD_FORM } },
        },
      }),
    (ids) =>
      base(ids, '2011-12-01T09:00:00-06:00', '2011-06-17-discretion', {
        participation: 'share-after-conviction',
        immigrationSearch: 'after-conviction',
        charges: LARCENY,
        criminal: { result: 'ident', fbiNumber: ids.fbiNumber, priorConvictions: 0 },
        dispositions: [{ at: at('2011-12-20T09:00:00-06:00'), outcome: 'dismissal', ncicCodes: ['2399'] }],
      }),
  ],
};

async function idsOf(store: Store, caseId: string): Promise<Ids> {
  const events = await caseEvents(store.db, caseId);
  const detail = (kind: string, key: string) => String(events.find((e) => e.kind === kind)?.details[key] ?? '');
  return { caseId, fbiNumber: detail('criminal-search', 'fbiNumber'), identityId: detail('ident-match', 'identityId'), detainerId: detail('detainer-issued', 'detainerId') };
}

const shape = (e: { agency: string; kind: string; details: Record<string, unknown> }) => `${e.agency} ${e.kind} {${Object.keys(e.details).sort().join(',')}}`;

describe('the synthetic case log', () => {
  it('writes, case by case, the events the pipeline writes for the same stories, and the projection gives the same facts', async () => {
    for (const [name, stories] of Object.entries(STORIES)) {
      const pipelineStore = await openStore({ kind: 'sqlite', path: join(dir, `${name}.db`) });
      const loaded = loadScenario(join(SCENARIOS, `${name}.json`));
      const result = await runScenario(loaded, { store: pipelineStore, extractor });
      expect(result.passed, `${name} runs through the pipeline`).toBe(true);
      expect(result.cases).toHaveLength(stories.length);
      const scripts: CaseScript[] = [];
      for (const [i, c] of result.cases.entries()) {
        const ids = await idsOf(pipelineStore, c.caseId);
        const script = stories[i](ids);
        scripts.push(script);
        const real = await caseEvents(pipelineStore.db, c.caseId);
        const synthetic = scriptEvents(script).sort((a, b) => a.at - b.at);
        expect(synthetic.map(shape), `${name} case ${i + 1}: events and detail fields`).toEqual(real.map(shape));
        expect(synthetic.map((e) => e.at), `${name} case ${i + 1}: times`).toEqual(real.map((e) => e.at));
      }
      await rebuildFacts(pipelineStore, { clock });
      const fromPipeline = await readFacts(pipelineStore.db);
      await pipelineStore.close();

      const synthStore = await openStore({ kind: 'sqlite', path: join(dir, `${name}-synthetic.db`) });
      await registerSyntheticJurisdictions(
        synthStore,
        loaded.scenario.jurisdictions.map((j) => ({ ori: j.ori, name: j.name, state: j.state, county: j.county, timeZone: j.timeZone, aor: j.aor, participation: [...(j.activated ? [{ mode: 'activated', effective: j.activated }] : []), ...j.participation].map((p) => ({ mode: p.mode, effectiveAt: at(p.effective), ...('seriousOffenses' in p && p.seriousOffenses ? { seriousOffenses: p.seriousOffenses } : {}) })) })),
      );
      const all = scripts.flatMap((s) => scriptEvents(s)).sort((a, b) => a.at - b.at);
      await appendSyntheticEvents(synthStore, all);
      await rebuildFacts(synthStore, { clock });
      const fromGenerator = await readFacts(synthStore.db);
      await synthStore.close();
      expect(fromGenerator.map((f) => ({ ...f, lastSeq: 0 })), `${name}: facts`).toEqual(fromPipeline.map((f) => ({ ...f, lastSeq: 0 })));
    }
  }, 600_000);

  it('is reproducible from its seed, in time order, and every case starts with its booking', () => {
    const a = [...syntheticLog({ seed: 'x', bookings: 300, jurisdictions: 12 }).events()];
    const b = [...syntheticLog({ seed: 'x', bookings: 300, jurisdictions: 12 }).events()];
    expect(b).toEqual(a);
    expect(a.every((e, i) => i === 0 || a[i - 1].at <= e.at)).toBe(true);
    const first = new Map<string, string>();
    for (const e of a) if (!first.has(e.caseId)) first.set(e.caseId, e.kind);
    expect(first.size).toBe(300);
    expect([...first.values()].every((k) => k === 'booked')).toBe(true);
    const c = [...syntheticLog({ seed: 'y', bookings: 300, jurisdictions: 12 }).events()];
    expect(c).not.toEqual(a);
  });
});
