/**
 * A jail that releases late: the person stays held past the detainer's limit until the jail
 * reports the release (or the hand-over to ICE), the lapse raises an over-limit alert at the
 * limit (the durable detainer timer, also across a restart), and a report that cannot be true
 * is refused with a typed error and changes nothing. On SQLite and on PostgreSQL (when reachable).
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeWsq } from '../../biometrics/image/wsq/index.ts';
import { createRng, synthesizeFinger } from '../../biometrics/synth/index.ts';
import type { Booking, FingerprintImage } from '../../nist/ebts/messages.ts';
import { ManualClock } from '../../platform/clock/index.ts';
import { listOutbox } from '../../platform/messaging/index.ts';
import { storeVariants, type TestDatabase } from '../../platform/store/testing.ts';
import { AgencyError } from '../errors.ts';
import { Pipeline } from '../pipeline.ts';
import { TemplateExtractor } from '../tenprint/index.ts';

const ORI = 'TX1010000';
const H = 3_600_000;
const ms = (iso: string) => Date.parse(iso);
const extractor = new TemplateExtractor();
/** Monday 17:00 CDT; the 48-hour hold runs to Wednesday 17:00. */
const RELEASE_DUE = ms('2012-03-12T17:00:00-05:00');
const LIMIT = ms('2012-03-14T17:00:00-05:00');

const printsMemo = new Map<string, FingerprintImage[]>();
function prints(person: string, impression: number): FingerprintImage[] {
  const key = `${person}/${impression}`;
  let images = printsMemo.get(key);
  if (!images) {
    images = [2, 7].map((position) => {
      const image = synthesizeFinger(`late-release:${person}`, position, impression);
      return { position, data: encodeWsq(image, { bitrate: 0.75 }), width: image.width, height: image.height, ppi: image.ppi, compression: 'WSQ20' as const };
    });
    printsMemo.set(key, images);
  }
  return images;
}

function booking(date: string): Booking {
  return {
    arrestingAgencyOri: ORI,
    dateOfArrest: date.replaceAll('-', ''),
    name: 'ALPHA,TEST',
    dateOfBirth: '19720315',
    sex: 'M',
    race: 'W',
    placeOfBirth: 'MM',
    citizenship: 'MM',
    height: '509',
    weightLb: 170,
    eyeColor: 'BRO',
    hairColor: 'BLK',
    charges: [{ ncicCode: '5399', literal: 'PUBLIC PEACE' }],
    fingerprints: prints('alpha', 1),
    caseNumber: undefined,
  };
}

describe.each(storeVariants)('a jail that releases late, on $kind', (variant) => {
  const run = variant.skipped ? it.skip : it;
  if (variant.skipped) it.skip(`${variant.skipped}`, () => {});
  let database: TestDatabase | undefined;
  let pipeline: Pipeline | undefined;

  afterEach(async () => {
    await pipeline?.close();
    await database?.drop();
    pipeline = undefined;
    database = undefined;
  });

  const open = async (clock: ManualClock, seed: string) => {
    await pipeline?.close();
    pipeline = await Pipeline.open({ store: await database!.open(clock), clock, random: createRng(`late-release/${variant.kind}/${seed}`), extractor });
    return pipeline;
  };

  /** A jail (releasing at the lapse or not) holding a person removed before, with a Level 1 conviction, on a detainer from Monday 17:00. */
  async function held(releasesAtLapse: boolean) {
    database = await variant.create();
    const p = await open(new ManualClock(ms('2012-03-05T15:00:00Z')), 'world');
    await p.registerJurisdiction({ ori: ORI, name: 'Harris County Sheriff', state: 'TX', county: 'Harris', timeZone: 'America/Chicago', aor: 'HOU', releasesAtLapse });
    const effectiveAt = ms('2011-07-01T00:00:00Z');
    await p.changeParticipation(ORI, { mode: 'activated', effectiveAt, noticeToState: { givenAt: effectiveAt - 30 * 24 * H, text: 'DHS to the Texas DPS.' }, noticeToJurisdiction: { givenAt: effectiveAt - 30 * 24 * H, text: 'DHS to the sheriff.' } });
    await p.addImmigrationIdentity({ name: 'ALPHA,TEST', fingerprints: prints('alpha', 0), encounters: [{ kind: 'apprehension', date: '2004-07-01' }, { kind: 'removal', date: '2009-06-01' }, { kind: 'apprehension', date: '2010-02-01' }] });
    await p.addCriminalSubject({ name: 'ALPHA,TEST', dateOfBirth: '19720315', fingerprints: prints('alpha', 0), convictions: [{ ncicCode: '1201', date: '2005-03-10', severity: 'felony', maxSentenceMonths: 120, sentenceImposedDays: 1095, tags: [] }] });
    const caseId = await p.book(booking('2012-03-05'));
    await p.releaseDue(caseId, RELEASE_DUE);
    const state = await p.finalState(caseId);
    expect(state).toMatchObject({ custody: 'held-on-detainer', detainer: { state: 'holding', expiresAt: LIMIT } });
    return { p, caseId };
  }

  const alerts = async (p: Pipeline, caseId: string) => (await p.caseTimeline(caseId)).filter((e) => e.kind === 'over-limit-alert');

  run('a jail that does not release at the lapse keeps the person past the limit, raises one alert at the limit, and records the release it reports 20 hours later', async () => {
    const { p, caseId } = await held(false);
    await p.advanceTo(LIMIT + 13 * H);
    let state = await p.finalState(caseId);
    expect(state).toMatchObject({ custody: 'held-on-detainer', releasedAt: null, jailDetainer: { state: 'lapsed', endedAt: LIMIT } });
    const [alert, ...more] = await alerts(p, caseId);
    expect(more).toEqual([]);
    expect(alert).toMatchObject({ at: LIMIT, agency: 'booking', details: { limitAt: LIMIT, releaseDue: RELEASE_DUE, lateByHours: 0 } });
    expect(alert.summary).toMatch(/held past the legal limit/);

    await p.reportRelease(caseId, LIMIT + 20 * H, 'released', { note: 'released after the weekly transport', reportedAt: LIMIT + 22 * H });
    state = await p.finalState(caseId);
    expect(state).toMatchObject({ custody: 'released', releasedAt: LIMIT + 20 * H, releaseReason: 'hold-lapsed', detainer: { state: 'lapsed', endedAt: LIMIT + 20 * H }, fieldOfficeState: 'closed' });
    const released = (await p.caseTimeline(caseId)).find((e) => e.kind === 'released');
    expect(released).toMatchObject({ at: LIMIT + 22 * H, details: { at: LIMIT + 20 * H, reason: 'hold-lapsed', reported: true, reportedAt: LIMIT + 22 * H, note: 'released after the weekly transport' } });
    expect(released?.summary).toMatch(/20 h after the hold lapsed/);
    await p.advanceTo(LIMIT + 30 * 24 * H);
    expect(await alerts(p, caseId)).toHaveLength(1);
    expect(await p.scheduler.pending()).toEqual([]);
    expect(await p.deadLetters()).toEqual([]);
  });

  run('a jail that releases at the lapse (the default) lets the person go at the limit, raises no alert, and has no release left to report', async () => {
    const { p, caseId } = await held(true);
    await p.advanceTo(LIMIT + 20 * H);
    expect(await p.finalState(caseId)).toMatchObject({ custody: 'released', releasedAt: LIMIT, releaseReason: 'hold-lapsed' });
    expect(await alerts(p, caseId)).toEqual([]);
    await expect(p.reportRelease(caseId, LIMIT + 20 * H, 'released')).rejects.toMatchObject({ name: 'AgencyError', code: 'RELEASE_ALREADY_RECORDED' });
  });

  run('the alert is a durable timer: scheduled before a restart, it fires once after it, late by the outage', async () => {
    const { p, caseId } = await held(false);
    const detainerId = (await p.finalState(caseId)).detainer!.detainerId;
    expect((await p.scheduler.pending()).map((t) => [t.key, t.dueAt])).toEqual([[`detainer:${detainerId}:expiry`, LIMIT]]);
    await p.close();
    pipeline = undefined;

    // Down from Monday evening until three hours after the limit.
    let reopened = await open(new ManualClock(LIMIT + 3 * H), 'restart-1');
    await reopened.advanceTo(LIMIT + 5 * H);
    const [alert, ...more] = await alerts(reopened, caseId);
    expect(more).toEqual([]);
    expect(alert).toMatchObject({ at: LIMIT + 3 * H, details: { limitAt: LIMIT, lateByHours: 3 } });
    expect((await reopened.finalState(caseId)).custody).toBe('held-on-detainer');

    // Another restart does not raise it again.
    reopened = await open(new ManualClock(LIMIT + 6 * H), 'restart-2');
    await reopened.advanceTo(LIMIT + 48 * H);
    expect(await alerts(reopened, caseId)).toHaveLength(1);
    expect((await reopened.finalState(caseId)).custody).toBe('held-on-detainer');
  });

  run('no alert when ICE takes custody before the limit', async () => {
    const { p, caseId } = await held(false);
    await p.assumeCustody(caseId, LIMIT - 7 * H);
    await p.advanceTo(LIMIT + 48 * H);
    expect(await p.finalState(caseId)).toMatchObject({ custody: 'transferred-to-ice', releasedAt: LIMIT - 7 * H, detainer: { state: 'custody-assumed' } });
    expect(await alerts(p, caseId)).toEqual([]);
    await expect(p.reportRelease(caseId, LIMIT, 'released')).rejects.toMatchObject({ code: 'RELEASE_ALREADY_RECORDED' });
  });

  run('no alert when the detainer is lifted before the limit', async () => {
    const { p, caseId } = await held(false);
    await p.liftDetainer(caseId, 'supervisor found a pending application', LIMIT - 30 * H);
    await p.advanceTo(LIMIT + 48 * H);
    expect(await p.finalState(caseId)).toMatchObject({ custody: 'released', releasedAt: LIMIT - 30 * H, releaseReason: 'detainer-lifted' });
    expect(await alerts(p, caseId)).toEqual([]);
  });

  run('a lift after the lapse lets a person the jail still holds go at once (the alert stays on record)', async () => {
    const { p, caseId } = await held(false);
    await p.liftDetainer(caseId, 'no longer wanted', LIMIT + 6 * H);
    expect(await p.finalState(caseId)).toMatchObject({ custody: 'released', releasedAt: LIMIT + 6 * H, releaseReason: 'detainer-lifted', jailDetainer: { state: 'lapsed' }, detainer: { state: 'lifted' } });
    expect(await alerts(p, caseId)).toHaveLength(1);
    await expect(p.reportRelease(caseId, LIMIT + 6 * H, 'released')).rejects.toMatchObject({ code: 'RELEASE_ALREADY_RECORDED' });
  });

  run('no alert when the jail reports a release before the limit; the hold ended early', async () => {
    const { p, caseId } = await held(false);
    await p.reportRelease(caseId, LIMIT - 10 * H, 'released');
    await p.advanceTo(LIMIT + 48 * H);
    expect(await p.finalState(caseId)).toMatchObject({ custody: 'released', releasedAt: LIMIT - 10 * H, releaseReason: 'reported-release', detainer: { state: 'released-early' }, jailDetainer: { state: 'released-early' } });
    expect(await alerts(p, caseId)).toEqual([]);
    expect(await p.scheduler.pending()).toEqual([]);
  });

  run('a hand-over to ICE the jail reports after the limit puts the person in ICE custody at the reported time', async () => {
    const { p, caseId } = await held(false);
    await p.advanceTo(LIMIT + 12 * H);
    await p.reportRelease(caseId, LIMIT + 11 * H, 'transferred');
    const state = await p.finalState(caseId);
    expect(state).toMatchObject({ custody: 'transferred-to-ice', releasedAt: LIMIT + 11 * H, releaseReason: 'custody-transfer', detainer: { state: 'custody-assumed', endedAt: LIMIT + 11 * H }, fieldOfficeState: 'in-ice-custody' });
    const handover = (await p.caseTimeline(caseId)).find((e) => e.kind === 'custody-transferred');
    expect(handover).toMatchObject({ at: LIMIT + 12 * H, details: { at: LIMIT + 11 * H, reported: true } });
    expect(await alerts(p, caseId)).toHaveLength(1);
  });

  run('whatever ends the hold and whenever, with or without a restart, the alert is raised once at the limit exactly when the hold is still open then, and never otherwise', async () => {
    const action = fc.constantFrom('nothing', 'assume-custody', 'lift', 'report-release', 'report-transfer');
    await fc.assert(
      fc.asyncProperty(action, fc.integer({ min: 0, max: 88 * 60 }), fc.boolean(), async (what, minutes, restart) => {
        const t = RELEASE_DUE + minutes * 60_000; // from the release due to 40 h past the limit
        try {
          const { p, caseId } = await held(false);
          try {
            if (what === 'assume-custody') await p.assumeCustody(caseId, t);
            else if (what === 'lift') await p.liftDetainer(caseId, 'lifted', t);
            else if (what === 'report-release') await p.reportRelease(caseId, t, 'released');
            else if (what === 'report-transfer') await p.reportRelease(caseId, t, 'transferred');
          } catch (error) {
            // ICE can no longer assume custody once the hold lapsed; nothing else is refused here.
            expect(error).toBeInstanceOf(AgencyError);
            expect([what, (error as AgencyError).code, t >= LIMIT]).toEqual(['assume-custody', 'HOLD_LAPSED', true]);
          }
          let q = p;
          if (restart) {
            const at = Math.max(p.clock.now(), LIMIT - H);
            q = await open(new ManualClock(at), `property-${minutes}`);
          }
          await q.advanceTo(LIMIT + 60 * H);
          const raised = await alerts(q, caseId);
          const openAtLimit = what === 'nothing' || t >= LIMIT;
          expect(raised.map((e) => e.details.limitAt)).toEqual(openAtLimit ? [LIMIT] : []);
          if (openAtLimit && !restart) expect(raised[0].at).toBe(LIMIT);
          const custody = (await q.finalState(caseId)).custody;
          expect(custody).toBe(what === 'nothing' || what === 'assume-custody' && t >= LIMIT ? 'held-on-detainer' : what === 'assume-custody' || what === 'report-transfer' ? 'transferred-to-ice' : 'released');
        } finally {
          await pipeline?.close();
          await database?.drop();
          pipeline = undefined;
          database = undefined;
        }
      }),
      { numRuns: 6 },
    );
  }, 180_000);

  run('a report that cannot be true is refused with a typed error and changes nothing', async () => {
    const { p, caseId } = await held(false);
    await p.advanceTo(LIMIT + 2 * H);
    const snapshot = async () => ({ outbox: (await listOutbox(p.store.db)).length, timeline: (await p.caseTimeline(caseId)).length, state: await p.finalState(caseId), timers: await p.scheduler.pending() });
    const before = await snapshot();
    const refused = [
      [() => p.reportRelease('CASE-NONE', LIMIT + 2 * H, 'released'), 'UNKNOWN_CASE'],
      [() => p.reportRelease(caseId, ms('2012-03-01T00:00:00Z'), 'released'), 'RELEASE_BEFORE_BOOKING'],
      [() => p.reportRelease(caseId, RELEASE_DUE - H, 'released'), 'RELEASE_BEFORE_DUE'],
      [() => p.reportRelease(caseId, LIMIT - H, 'released'), 'RELEASE_BEFORE_LAPSE'],
      [() => p.reportRelease(caseId, LIMIT + 5 * H, 'released', { reportedAt: LIMIT + 2 * H }), 'RELEASE_IN_FUTURE'],
      [() => p.reportRelease(caseId, LIMIT + 2 * H, 'escaped' as never), 'INVALID_RELEASE_REPORT'],
      [() => p.reportRelease(caseId, Number.NaN, 'released'), 'INVALID_RELEASE_REPORT'],
    ] as const;
    for (const [attempt, code] of refused) await expect(attempt()).rejects.toMatchObject({ name: 'AgencyError', code });
    expect(await snapshot()).toEqual(before);

    await p.reportRelease(caseId, LIMIT + 2 * H, 'released');
    const once = await snapshot();
    await expect(p.reportRelease(caseId, LIMIT + 2 * H, 'released')).rejects.toMatchObject({ code: 'RELEASE_ALREADY_RECORDED' });
    await expect(p.reportRelease(caseId, LIMIT + 2 * H, 'transferred')).rejects.toMatchObject({ code: 'RELEASE_ALREADY_RECORDED' });
    expect(await snapshot()).toEqual(once);
  });

  run('a person in custody, not yet due for release, has no hold to report a release from', async () => {
    database = await variant.create();
    const p = await open(new ManualClock(ms('2012-03-05T15:00:00Z')), 'not-held');
    await p.registerJurisdiction({ ori: ORI, name: 'Harris County Sheriff', state: 'TX', county: 'Harris', timeZone: 'America/Chicago', aor: 'HOU', releasesAtLapse: false });
    const caseId = await p.book(booking('2012-03-05'));
    const timeline = (await p.caseTimeline(caseId)).length;
    await expect(p.reportRelease(caseId, ms('2012-03-05T16:00:00Z'), 'released')).rejects.toMatchObject({ code: 'NOT_HELD_ON_DETAINER' });
    expect((await p.caseTimeline(caseId)).length).toBe(timeline);
    expect((await p.finalState(caseId)).custody).toBe('in-custody');
  });
});
