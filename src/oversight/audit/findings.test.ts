/**
 * Detainer findings on hand-built case logs: the cases the pipeline's own timer and guards
 * prevent (a hold past its limit, a detainer on a verified citizen, a jail serving no copy)
 * must still be caught when a log shows them.
 */
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { loadPolicy } from '../../platform/policy/load.ts';
import type { PolicyBundle } from '../../policy/bundle.ts';
import { auditCase, cacheRecomputedLimits, type AuditOptions } from './findings.ts';
import { caseAsOf, foldCase, type LogEvent } from './project.ts';
import { groupAudit } from './report.ts';
import { CaseLogBuilder, H, ms } from './testing.ts';

// The audit must never vouch for a limit with the code that computed it: the detainer clock's
// holdExpiresAt is out of reach in this file, and every finding below still comes out.
vi.mock('../../policy/detainer-clock.ts', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../policy/detainer-clock.ts')>()),
  holdExpiresAt: () => {
    throw new Error('the audit called holdExpiresAt, the code path it audits');
  },
}));

const CHICAGO: AuditOptions['timeZoneOf'] = () => 'America/Chicago';
const opts = (asOf: string | number, extra: Partial<AuditOptions> = {}): AuditOptions => ({ asOf: typeof asOf === 'number' ? asOf : ms(asOf), timeZoneOf: CHICAGO, aorOf: () => 'HOU', ...extra });
const MON_1700 = ms('2012-03-12T17:00:00-05:00'); // Monday 17:00 CDT
const WED_1700 = ms('2012-03-14T17:00:00-05:00'); // its legal limit

/** A detainer on a case booked Monday 2012-03-05 with a prior conviction, received and served. */
function detained(caseId = 'CASE1', det = 'DET-1', priors: number | null = 1) {
  return new CaseLogBuilder(caseId)
    .booked('2012-03-05T15:00:00Z')
    .criminalSearch('2012-03-05T15:00:01Z', priors)
    .iar('2012-03-05T15:00:02Z', 'prior-removal')
    .review('2012-03-05T15:00:03Z', '2011-12-29-detainer-form')
    .issued('2012-03-05T15:00:03Z', det)
    .received('2012-03-05T15:00:04Z', det)
    .copyServed('2012-03-05T15:00:04Z');
}

const kinds = (events: LogEvent[], asOf: string | number, extra: Partial<AuditOptions> = {}) => auditCase(foldCase(events[0].caseId, events), opts(asOf, extra)).flatMap((d) => d.findings.map((f) => f.kind).sort());

describe('holds past the legal limit', () => {
  it('a hold whose timer fired 30 hours late is held 30 h past the limit, even though the jail wrote the release down at the expiry', () => {
    const log = detained().holdStarted(MON_1700, 'DET-1', MON_1700, WED_1700).lapsed(WED_1700 + 30 * H, 'DET-1', WED_1700);
    const [d] = auditCase(foldCase('CASE1', log.events), opts('2012-04-01T00:00:00Z'));
    expect(d.legalLimitAt).toBe(WED_1700);
    expect(d.releaseDueAt).toBe(MON_1700);
    expect(d.end).toMatchObject({ kind: 'lapsed', at: WED_1700 + 30 * H });
    const past = d.findings.find((f) => f.kind === 'held-past-limit');
    expect(past?.hoursOver).toBe(30);
    expect(past?.text).toMatch(/30 h before it was recorded/);
    expect(d.findings.map((f) => f.kind)).toContain('lapsed');
    expect(d.hoursHeld).toBe(78);
  });

  it('a hold still running past its limit is flagged as of a date, with the hours so far, and not before the limit', () => {
    const log = detained().holdStarted(MON_1700, 'DET-1', MON_1700, WED_1700);
    const late = auditCase(foldCase('CASE1', log.events), opts(WED_1700 + 5.5 * H))[0];
    expect(late.end.kind).toBe('open');
    expect(late.findings.find((f) => f.kind === 'open-past-limit')?.hoursOver).toBe(5.5);
    expect(kinds(log.events, WED_1700 - 1)).not.toContain('open-past-limit');
  });

  it('ICE assuming custody before the limit is no finding about the hold', () => {
    const log = detained().holdStarted(MON_1700, 'DET-1', MON_1700, WED_1700).custody(ms('2012-03-13T10:00:00-05:00'), 'DET-1').disposition('2012-03-20T15:00:00Z', 'conviction');
    const [d] = auditCase(foldCase('CASE1', log.events), opts('2012-04-01T00:00:00Z'));
    expect(d.end.kind).toBe('custody');
    expect(d.findings).toEqual([]);
    expect(d.hoursHeld).toBe(17);
  });

  it('an expiry recorded two days too late is caught by recomputing the limit in the jail zone, and the hold past the true limit is measured from it', () => {
    const recordedFriday = ms('2012-03-16T17:00:00-05:00');
    const log = detained().holdStarted(MON_1700, 'DET-1', MON_1700, recordedFriday).lapsed(recordedFriday, 'DET-1');
    const [d] = auditCase(foldCase('CASE1', log.events), opts('2012-04-01T00:00:00Z'));
    expect(d.recordedLimitAt).toBe(recordedFriday);
    expect(d.legalLimitAt).toBe(WED_1700);
    expect(d.findings.find((f) => f.kind === 'limit-miscomputed')?.hoursOver).toBe(48);
    expect(d.findings.find((f) => f.kind === 'held-past-limit')?.hoursOver).toBe(48);
    // Without the jail's zone the audit can only go by the recorded limit.
    expect(kinds(log.events, '2012-04-01T00:00:00Z', { timeZoneOf: () => null })).toEqual(['lapsed']);
  });

  it('a hold lifted after its limit had passed counts the hours to the release', () => {
    const log = detained().holdStarted(MON_1700, 'DET-1', MON_1700, WED_1700).lifted(WED_1700 + 2 * H, 'DET-1').released(WED_1700 + 2 * H, 'detainer-lifted', 'DET-1');
    const [d] = auditCase(foldCase('CASE1', log.events), opts('2012-04-01T00:00:00Z'));
    expect(d.end.kind).toBe('lifted');
    expect(d.findings.find((f) => f.kind === 'held-past-limit')?.hoursOver).toBe(2);
  });
});

describe('a jail that releases late: the hold stays open past the lapse until the jail reports the release', () => {
  const held = () => detained().holdStarted(MON_1700, 'DET-1', MON_1700, WED_1700).lapsedStillHeld(WED_1700, 'DET-1');

  it('while the person is still held after the lapse the hold is open past the limit, with the alert, not a lapse that released the person', () => {
    const [d] = auditCase(foldCase('CASE1', held().events), opts(WED_1700 + 7 * H));
    expect(d.end.kind).toBe('open');
    const open = d.findings.find((f) => f.kind === 'open-past-limit');
    expect(open?.hoursOver).toBe(7);
    expect(open?.text).toMatch(/over-limit alert was raised at 2012-03-14T17:00/);
    expect(d.findings.map((f) => f.kind)).not.toContain('held-past-limit');
    expect(d.hoursHeld).toBe(55);
  });

  it('held-past-limit hours are the real hours from the limit to the release the jail reports, however late the report, and before the report the hold is open', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 * 60 }), fc.integer({ min: 0, max: 200 * 60 }), fc.boolean(), fc.integer({ min: 0, max: 1000 }), (lateMinutes, lagMinutes, transfer, probe) => {
        const leftAt = WED_1700 + lateMinutes * 60_000;
        const reportedAt = leftAt + lagMinutes * 60_000;
        const log = held();
        if (transfer) log.reportedTransfer(reportedAt, 'DET-1', leftAt);
        else log.reportedRelease(reportedAt, 'DET-1', leftAt);
        const record = foldCase('CASE1', log.events);
        const [after] = auditCase(record, opts(reportedAt + H));
        expect(after.end).toMatchObject({ kind: transfer ? 'custody' : 'lapsed' });
        const past = after.findings.find((f) => f.kind === 'held-past-limit');
        if (lateMinutes === 0) expect(past).toBeUndefined();
        else expect(past?.hoursOver).toBe(Math.round((lateMinutes / 60) * 100) / 100);
        expect(after.hoursHeld).toBe(Math.round(((leftAt - MON_1700) / H) * 100) / 100);
        // As of any instant after the limit and before the report: open, with the hours so far.
        const asOf = WED_1700 + 1 + Math.floor(((reportedAt - WED_1700) * probe) / 1000);
        if (asOf < reportedAt) {
          const [during] = auditCase(record, opts(asOf));
          expect(during.end.kind).toBe('open');
          expect(during.findings.find((f) => f.kind === 'open-past-limit')?.hoursOver).toBe(Math.round(((asOf - WED_1700) / H) * 100) / 100);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('a release the jail reports before the limit is no hold past it', () => {
    const log = detained().holdStarted(MON_1700, 'DET-1', MON_1700, WED_1700).reportedRelease(WED_1700 + 3 * H, 'DET-1', WED_1700 - 10 * H, 'reported-release');
    const [d] = auditCase(foldCase('CASE1', log.events), opts('2012-04-01T00:00:00Z'));
    expect(d.end).toMatchObject({ kind: 'released' });
    expect(d.findings.filter((f) => f.kind === 'held-past-limit' || f.kind === 'open-past-limit')).toEqual([]);
    expect(d.hoursHeld).toBe(38);
  });
});

describe('the limit-miscomputed check recomputes under the reading in force', () => {
  const shipped = loadPolicy();
  /** The shipped bundle with one version reading holidays on their own dates. */
  const readingActual = (id: string): PolicyBundle => ({
    ...shipped,
    versions: shipped.versions.map((v) => (v.id === id ? { ...v, detainers: { ...v.detainers, form: { ...v.detainers.form, holidays: { ...v.detainers.form.holidays, dates: 'actual' as const } } } } : v)),
  });
  const VERSION = '2017-01-25-reinstatement';
  // Release due Thursday 2021-12-30 17:00 in Chicago; New Year's Day 2022 is a Saturday, observed Friday 12-31.
  const DUE = ms('2021-12-30T17:00:00-06:00');
  const OBSERVED = ms('2022-01-04T17:00:00-06:00'); // Fri 12-31, Sat, Sun excluded
  const ACTUAL = ms('2022-01-03T17:00:00-06:00'); // Fri 12-31 counted
  const held = (expiresAt: number, policyVersion: string | null = VERSION) =>
    new CaseLogBuilder('NY1')
      .booked('2021-12-20T15:00:00Z')
      .criminalSearch('2021-12-20T15:00:01Z', 1)
      .iar('2021-12-20T15:00:02Z', 'prior-removal')
      .issued('2021-12-20T15:00:03Z', 'DET-NY', policyVersion === null ? {} : { policyVersion })
      .copyServed('2021-12-20T15:00:04Z')
      .holdStarted(DUE, 'DET-NY', DUE, expiresAt);
  const audit = (expiresAt: number, policy: PolicyBundle, policyVersion: string | null = VERSION) => auditCase(foldCase('NY1', held(expiresAt, policyVersion).events), opts('2022-02-01T00:00:00Z', { policy }))[0];

  it("flags an expiry computed on the holiday's own date when the deciding version reads observed days: the hold was cut a day short", () => {
    const d = audit(ACTUAL, shipped);
    expect(d.clockReading).toEqual({ policyVersion: VERSION, holidayDates: 'observed', limitHours: 48, source: 'deciding-version' });
    const f = d.findings.find((x) => x.kind === 'limit-miscomputed');
    expect(f).toMatchObject({ hoursEarly: 24 });
    expect(f?.hoursOver).toBeUndefined();
    expect(f?.text).toMatch(/24 h earlier than the limit of 48 h .* observed days \(policy version 2017-01-25-reinstatement\)/);
  });

  it('does not flag the same expiry when the deciding version reads holidays on their own dates, and flags the observed one as a day late', () => {
    const policy = readingActual(VERSION);
    const d = audit(ACTUAL, policy);
    expect(d.clockReading).toMatchObject({ holidayDates: 'actual', source: 'deciding-version' });
    expect(d.findings.map((f) => f.kind)).not.toContain('limit-miscomputed');
    const late = audit(OBSERVED, policy);
    expect(late.findings.find((f) => f.kind === 'limit-miscomputed')).toMatchObject({ hoursOver: 24 });
    expect(late.legalLimitAt).toBe(ACTUAL);
    // Under the shipped (observed) version the observed expiry is right.
    expect(audit(OBSERVED, shipped).findings.map((f) => f.kind)).not.toContain('limit-miscomputed');
  });

  it('does not reuse a limit cached under another reading (the read model caches one per record)', () => {
    const record = foldCase('NY1', held(ACTUAL).events);
    cacheRecomputedLimits(record, () => 'America/Chicago', shipped);
    expect(record.detainers[0].hold?.recomputed).toEqual({ timeZone: 'America/Chicago', holidayDates: 'observed', limitHours: 48, expiresAt: OBSERVED });
    const underActual = auditCase(record, opts('2022-02-01T00:00:00Z', { policy: readingActual(VERSION) }))[0];
    expect(underActual.legalLimitAt).toBe(ACTUAL);
    expect(underActual.findings.map((f) => f.kind)).not.toContain('limit-miscomputed');
    // A record cached before the reading was kept is recomputed, not trusted.
    record.detainers[0].hold!.recomputed = { timeZone: 'America/Chicago', expiresAt: ACTUAL };
    expect(auditCase(record, opts('2022-02-01T00:00:00Z', { policy: shipped }))[0].findings.find((f) => f.kind === 'limit-miscomputed')).toMatchObject({ hoursEarly: 24 });
  });

  it('reads the version in force on the local issue date when the log names none, and the hold limit from the version', () => {
    const d = audit(ACTUAL, readingActual(VERSION), null);
    expect(d.clockReading).toMatchObject({ policyVersion: VERSION, holidayDates: 'actual', source: 'in-force-at-issue' });
    expect(d.findings.map((f) => f.kind)).not.toContain('limit-miscomputed');
    const longer: PolicyBundle = { ...shipped, versions: shipped.versions.map((v) => (v.id === VERSION ? { ...v, detainers: { ...v.detainers, form: { ...v.detainers.form, holdLimitHours: 72 } } } : v)) };
    const seventyTwo = audit(OBSERVED, longer);
    expect(seventyTwo.clockReading.limitHours).toBe(72);
    expect(seventyTwo.findings.find((f) => f.kind === 'limit-miscomputed')).toMatchObject({ hoursEarly: 24 });
  });
});

describe('people later found to be US citizens, people never convicted', () => {
  it('a supervisor verifying citizenship after the detainer is a us-citizen finding (verified)', () => {
    const log = detained().supervisorResolved('2012-03-07T15:00:00Z', 'verified');
    const [d] = auditCase(foldCase('CASE1', log.events), opts('2012-04-01T00:00:00Z'));
    expect(d.findings.find((f) => f.kind === 'us-citizen')).toMatchObject({ basis: 'verified' });
    // As of before the verification it is not known yet.
    expect(kinds(log.events, '2012-03-06T00:00:00Z')).not.toContain('us-citizen');
  });

  it('an IAR carrying a naturalization record is a us-citizen finding (indication); a resolution of not-verified does not make it verified', () => {
    const log = new CaseLogBuilder('CASE2').booked('2013-05-02T15:00:00Z').criminalSearch('2013-05-02T15:00:01Z', 0).iar('2013-05-02T15:00:02Z', 'overstay', ['naturalization-record']).issued('2013-05-02T15:00:03Z', 'DET-2').received('2013-05-02T15:00:04Z', 'DET-2').copyServed('2013-05-02T15:00:04Z').supervisorResolved('2013-05-03T15:00:00Z', 'not-verified');
    const [d] = auditCase(foldCase('CASE2', log.events), opts('2013-06-01T00:00:00Z'));
    expect(d.findings.find((f) => f.kind === 'us-citizen')).toMatchObject({ basis: 'indication' });
  });

  it('dismissal of every charge with no prior conviction is never-convicted (dismissed); a prior conviction or a conviction on the arrest is not', () => {
    const dismissed = detained('CASE3', 'DET-3', 0).disposition('2012-03-20T15:00:00Z', 'dismissal');
    expect(auditCase(foldCase('CASE3', dismissed.events), opts('2012-04-01T00:00:00Z'))[0].findings.find((f) => f.kind === 'never-convicted')).toMatchObject({ basis: 'dismissed' });
    expect(kinds(detained('CASE4', 'DET-4', 2).disposition('2012-03-20T15:00:00Z', 'dismissal').events, '2012-04-01T00:00:00Z')).not.toContain('never-convicted');
    const convictedLater = detained('CASE5', 'DET-5', 0).disposition('2012-05-01T15:00:00Z', 'conviction');
    const before = auditCase(foldCase('CASE5', convictedLater.events), opts('2012-04-01T00:00:00Z'))[0];
    expect(before.findings.find((f) => f.kind === 'never-convicted')).toMatchObject({ basis: 'no-conviction-as-of' });
    expect(kinds(convictedLater.events, '2012-06-01T00:00:00Z')).not.toContain('never-convicted');
  });

  it('a partial dismissal with a charge still pending is no conviction yet, not a dismissal', () => {
    const log = detained('CASE6', 'DET-6', 0);
    log.events[0].details.charges = ['5399', '2399'];
    log.disposition('2012-03-20T15:00:00Z', 'dismissal', ['5399']);
    expect(auditCase(foldCase('CASE6', log.events), opts('2012-04-01T00:00:00Z'))[0].findings.find((f) => f.kind === 'never-convicted')?.basis).toBe('no-conviction-as-of');
  });
});

describe('declined and lapsed detainers, the copy and the hotline', () => {
  it('a declined detainer is a declined finding and needs no copy', () => {
    const log = new CaseLogBuilder('CASE7').booked('2014-02-03T15:00:00Z').criminalSearch('2014-02-03T15:00:01Z', 1).issued('2014-02-03T15:00:03Z', 'DET-7').declined('2014-02-03T15:00:04Z', 'DET-7');
    const [d] = auditCase(foldCase('CASE7', log.events), opts('2014-03-01T00:00:00Z'));
    expect(d.end.kind).toBe('declined');
    expect(d.end.how).toMatch(/declines detainers/);
    expect(d.findings.map((f) => f.kind)).toEqual(['declined']);
  });

  it('a detainer received after 2011-12-29 with no copy served is flagged; one before the new form is not', () => {
    const noCopy = new CaseLogBuilder('CASE8').booked('2012-01-10T15:00:00Z').criminalSearch('2012-01-10T15:00:01Z', 1).issued('2012-01-10T15:00:03Z', 'DET-8').received('2012-01-10T15:00:04Z', 'DET-8');
    expect(kinds(noCopy.events, '2012-02-01T00:00:00Z')).toEqual(['no-copy-served']);
    const oldForm = new CaseLogBuilder('CASE9').booked('2011-09-10T15:00:00Z').criminalSearch('2011-09-10T15:00:01Z', 1).issued('2011-09-10T15:00:03Z', 'DET-9').received('2011-09-10T15:00:04Z', 'DET-9', 'Form I-247 (08/10)');
    expect(kinds(oldForm.events, '2011-10-01T00:00:00Z')).toEqual([]);
    // The form's own flag, when the log records it, overrides the date rule.
    const flagged = new CaseLogBuilder('CASE10').booked('2011-09-10T15:00:00Z').criminalSearch('2011-09-10T15:00:01Z', 1).issued('2011-09-10T15:00:03Z', 'DET-10', { copyToDetainee: true }).received('2011-09-10T15:00:04Z', 'DET-10');
    expect(kinds(flagged.events, '2011-10-01T00:00:00Z')).toEqual(['no-copy-served']);
  });

  it('the copy-required date is read in the jail zone: 23:30 on 2011-12-28 in Chicago is 05:30 UTC on the 29th and needs no copy', () => {
    const evening = new CaseLogBuilder('CASE11').booked('2011-12-28T20:00:00-06:00').criminalSearch('2011-12-28T20:00:01-06:00', 1).issued('2011-12-28T23:30:00-06:00', 'DET-11').received('2011-12-28T23:30:01-06:00', 'DET-11');
    expect(kinds(evening.events, '2012-01-10T00:00:00Z')).toEqual([]);
    expect(kinds(evening.events, '2012-01-10T00:00:00Z', { timeZoneOf: () => null })).toEqual(['no-copy-served']);
  });

  it('a copy served without the hotline number is flagged', () => {
    const log = new CaseLogBuilder('CASE12').booked('2012-01-10T15:00:00Z').criminalSearch('2012-01-10T15:00:01Z', 1).issued('2012-01-10T15:00:03Z', 'DET-12').received('2012-01-10T15:00:04Z', 'DET-12').copyServed('2012-01-10T15:00:04Z', null);
    expect(kinds(log.events, '2012-02-01T00:00:00Z')).toEqual(['copy-without-hotline']);
  });
});

describe('logs written before the agencies recorded ids and ORIs in details', () => {
  it('the ORI comes from the booking summary and a release with no detainer detail goes to the case current detainer', () => {
    const log = new CaseLogBuilder('CASE13', 'CA0190000').booked('2012-03-05T15:00:00Z', ['5399'], false).criminalSearch('2012-03-05T15:00:01Z', 1).issued('2012-03-05T15:00:03Z', 'DET-13').received('2012-03-05T15:00:04Z', 'DET-13').copyServed('2012-03-05T15:00:04Z').holdStarted(MON_1700, 'DET-13', MON_1700, WED_1700);
    log.events.push({ caseId: 'CASE13', at: WED_1700 + 3 * H, agency: 'booking', kind: 'released', summary: 'Released (hold-lapsed).', details: {} });
    const [d] = auditCase(foldCase('CASE13', log.events), opts('2012-04-01T00:00:00Z'));
    expect(d.ori).toBe('CA0190000');
    expect(d.end.kind).toBe('released');
    expect(d.findings.find((f) => f.kind === 'held-past-limit')?.hoursOver).toBe(3);
  });
});

describe('the report', () => {
  it('groups by jurisdiction and by field office with counts, hours beyond the limit and a drill-down to each flagged case', () => {
    const a = detained('CA', 'DET-A').holdStarted(MON_1700, 'DET-A', MON_1700, WED_1700).lapsed(WED_1700 + 10 * H, 'DET-A', WED_1700);
    const b = detained('CB', 'DET-B').holdStarted(MON_1700, 'DET-B', MON_1700, WED_1700).lapsed(WED_1700 + 4 * H, 'DET-B', WED_1700);
    const c = new CaseLogBuilder('CC', 'CA0190000').booked('2012-03-05T15:00:00Z').criminalSearch('2012-03-05T15:00:01Z', 1).issued('2012-03-05T15:00:03Z', 'DET-C', { aor: 'SFR' }).received('2012-03-05T15:00:04Z', 'DET-C').copyServed('2012-03-05T15:00:04Z');
    const asOf = ms('2012-04-01T00:00:00Z');
    const audited = [a, b, c].flatMap((l) => auditCase(foldCase(l.caseId, l.events), opts(asOf)));
    const byOri = groupAudit(audited, 'jurisdiction', asOf, (ori) => (ori === 'TX1010000' ? 'Harris County Sheriff' : null));
    expect(byOri.totals).toMatchObject({ detainers: 3, flagged: 2, hoursOverTotal: 14, hoursOverMax: 10 });
    expect(byOri.totals.findings['held-past-limit']).toBe(2);
    expect(byOri.totals.ends).toMatchObject({ lapsed: 2, open: 1 });
    expect(byOri.groups.map((g) => [g.key, g.name, g.detainers, g.flagged, g.related])).toEqual([
      ['TX1010000', 'Harris County Sheriff', 2, 2, ['HOU']],
      ['CA0190000', null, 1, 0, ['SFR']],
    ]);
    expect(byOri.groups[0].cases.map((x) => [x.caseId, x.detainerId])).toEqual([
      ['CA', 'DET-A'],
      ['CB', 'DET-B'],
    ]);
    const byAor = groupAudit(audited, 'aor', asOf);
    expect(byAor.groups.map((g) => [g.key, g.detainers, g.related])).toEqual([
      ['HOU', 2, ['TX1010000']],
      ['SFR', 1, ['CA0190000']],
    ]);
  });
});

describe('properties', () => {
  // A random case log: a booking, then a random walk over the detainer events, at nondecreasing times.
  const step = fc.constantFrom('criminal-search', 'iar', 'issued', 'received', 'copy', 'hold', 'custody', 'lapsed', 'lapsed-held', 'reported-release', 'reported-transfer', 'released', 'lifted', 'declined', 'verified', 'conviction', 'dismissal', 'second-detainer');
  const arbLog = fc.record({ steps: fc.array(fc.tuple(step, fc.integer({ min: 0, max: 80 * H })), { maxLength: 14 }), priors: fc.option(fc.integer({ min: 0, max: 3 })) }).map(({ steps, priors }) => {
    const b = new CaseLogBuilder('P1').booked('2012-03-05T15:00:00Z');
    let t = ms('2012-03-05T15:00:00Z');
    let det = 'DET-P1';
    for (const [s, dt] of steps) {
      t += dt;
      if (s === 'criminal-search') b.criminalSearch(t, priors);
      else if (s === 'iar') b.iar(t, 'ewi', dt % 3 === 0 ? ['claimed'] : []);
      else if (s === 'issued') b.issued(t, det);
      else if (s === 'received') b.received(t, det);
      else if (s === 'copy') b.copyServed(t, dt % 5 === 0 ? null : '(855) 448-6903');
      else if (s === 'hold') b.holdStarted(t, det, t, t + 48 * H + (dt % 7 === 0 ? 24 * H : 0));
      else if (s === 'custody') b.custody(t, det);
      else if (s === 'lapsed') b.lapsed(t, det, t - (dt % 4) * H);
      else if (s === 'lapsed-held') b.lapsedStillHeld(t, det, t - (dt % 3) * H);
      else if (s === 'reported-release') b.reportedRelease(t, det, t - (dt % 5) * H, dt % 2 === 0 ? 'hold-lapsed' : 'reported-release');
      else if (s === 'reported-transfer') b.reportedTransfer(t, det, t - (dt % 5) * H);
      else if (s === 'released') b.released(t, 'release-due', dt % 2 === 0 ? det : null);
      else if (s === 'lifted') b.lifted(t, det);
      else if (s === 'declined') b.declined(t, det);
      else if (s === 'verified') b.supervisorResolved(t, dt % 2 === 0 ? 'verified' : 'not-verified');
      else if (s === 'conviction') b.disposition(t, 'conviction');
      else if (s === 'dismissal') b.disposition(t, 'dismissal');
      else det = `DET-P${dt}`;
    }
    return b.events;
  });

  it('reading the folded record as of an instant equals folding only the events recorded by then', () => {
    fc.assert(
      fc.property(arbLog, fc.integer({ min: 0, max: 30 * 80 * H }), (events, offset) => {
        const asOf = events[0].at + offset;
        expect(caseAsOf(foldCase('P1', events), asOf)).toEqual(foldCase('P1', events.filter((e) => e.at <= asOf)));
      }),
      { numRuns: 300 },
    );
  });

  it('every audit result is finite, hours beyond the limit are positive, and each detainer ends in exactly one way', () => {
    fc.assert(
      fc.property(arbLog, fc.integer({ min: 0, max: 30 * 80 * H }), (events, offset) => {
        const audited = auditCase(foldCase('P1', events), opts(events[0].at + offset));
        for (const d of audited) {
          expect(JSON.stringify(d)).not.toMatch(/NaN|Infinity/);
          for (const f of d.findings) if (f.hoursOver !== undefined) expect(f.hoursOver).toBeGreaterThan(0);
          if (d.hoursHeld !== null) expect(d.hoursHeld).toBeGreaterThanOrEqual(0);
          if (d.findings.some((f) => f.kind === 'open-past-limit')) expect(d.end.kind).toBe('open');
          if (d.findings.some((f) => f.kind === 'held-past-limit')) expect(d.end.kind).not.toBe('open');
        }
        const report = groupAudit(audited, 'jurisdiction', events[0].at + offset);
        expect(Object.values(report.totals.ends).reduce((a, b) => a + b, 0)).toBe(audited.length);
      }),
      { numRuns: 300 },
    );
  });

  it('events of another case are refused', () => {
    const events = new CaseLogBuilder('X').booked('2012-03-05T15:00:00Z').events;
    expect(() => foldCase('Y', events)).toThrow(/event of case X/);
  });
});
