/**
 * Acceptance scenarios of the agencies on the store: each runs on SQLite and on PostgreSQL
 * (when reachable — otherwise the variant says SKIPPED), each on a fresh database. People have
 * two synthetic fingers; their images and templates are made once per file.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { encodeWsq } from '../biometrics/image/wsq/index.ts';
import { createRng, synthesizeFinger } from '../biometrics/synth/index.ts';
import { ManualClock } from '../platform/clock/index.ts';
import { AttachmentMissingError, createAttachments, listOutbox, type MessagingTables } from '../platform/messaging/index.ts';
import { tablesOf } from '../platform/store/index.ts';
import { storeVariants, type TestDatabase } from '../platform/store/testing.ts';
import type { Booking, FingerprintImage } from '../nist/ebts/messages.ts';
import type { ChargeDetail } from './booking/index.ts';
import { AgencyError } from './errors.ts';
import { ADDRESS, Car, Detainer, DetainerLift, HoldExpired, Sre, type Encounter } from './messages.ts';
import { Pipeline } from './pipeline.ts';
import type { StateBureauTables } from './state-bureau/index.ts';
import { TemplateExtractor } from './tenprint/index.ts';

const FINGERS = [2, 7];
const ORI = 'TX1010000';
const TZ = 'America/Chicago';
const extractor = new TemplateExtractor();

/** Impression `impression` of a synthetic person's fingers as WSQ images (memoised). */
const printsMemo = new Map<string, FingerprintImage[]>();
function prints(person: string, impression: number): FingerprintImage[] {
  const key = `${person}/${impression}`;
  let images = printsMemo.get(key);
  if (!images) {
    images = FINGERS.map((position) => {
      const image = synthesizeFinger(`acceptance:${person}`, position, impression);
      return { position, data: encodeWsq(image, { bitrate: 0.75 }), width: image.width, height: image.height, ppi: image.ppi, compression: 'WSQ20' as const };
    });
    printsMemo.set(key, images);
  }
  return images;
}

function booking(person: string, date: string, charges: { ncicCode: string; literal: string }[], extra: Partial<Booking> = {}): Booking {
  return {
    arrestingAgencyOri: ORI,
    dateOfArrest: date.replaceAll('-', ''),
    name: `${person.toUpperCase()},TEST`,
    dateOfBirth: '19720315',
    sex: 'M',
    race: 'W',
    placeOfBirth: 'MM',
    citizenship: 'MM',
    height: '509',
    weightLb: 170,
    eyeColor: 'BRO',
    hairColor: 'BLK',
    charges,
    fingerprints: prints(person, 1),
    caseNumber: undefined,
    ...extra,
  };
}

const ms = (iso: string) => Date.parse(iso);
const notice = (givenAt: number, text: string) => ({ givenAt, text });

async function activate(p: Pipeline, mode: 'activated' | 'opted-out-of-iar' | 'share-after-conviction' | 'declines-detainers', effective: string, seriousOffenses?: string[]) {
  const at = ms(effective);
  await p.changeParticipation(ORI, {
    mode,
    effectiveAt: at,
    noticeToState: notice(at - 86_400_000 * 30, `DHS to the Texas DPS: ${ORI} becomes ${mode}.`),
    noticeToJurisdiction: notice(at - 86_400_000 * 30, `DHS to the sheriff: your jurisdiction becomes ${mode}.`),
    ...(seriousOffenses ? { seriousOffenses } : {}),
  });
}

const lprEncounters: Encounter[] = [
  { kind: 'visa', date: '1997-11-02' },
  { kind: 'admission', date: '1998-01-15' },
  { kind: 'benefit', date: '1998-01-15', benefit: 'permanent-residence-granted' },
];
const reentrantEncounters: Encounter[] = [
  { kind: 'apprehension', date: '2004-07-01' },
  { kind: 'removal', date: '2009-06-01' },
  { kind: 'apprehension', date: '2010-02-01' },
];
const ewiEncounters: Encounter[] = [{ kind: 'apprehension', date: '2004-06-01' }];
const naturalizedEncounters: Encounter[] = [
  { kind: 'visa', date: '1983-01-10' },
  { kind: 'admission', date: '1983-02-01', admittedUntil: '1983-08-01' },
  { kind: 'naturalization', date: '2001-03-01' },
];
const robbery = { ncicCode: '1201', date: '2005-03-10', severity: 'felony' as const, maxSentenceMonths: 120, sentenceImposedDays: 1095, tags: [] };

beforeAll(() => {
  // Make every image once, before the timed scenarios.
  for (const person of ['alpha', 'decoy', 'stranger']) prints(person, 1);
  prints('alpha', 0);
  prints('decoy', 0);
});

describe.each(storeVariants)('Secure Communities on $kind', (variant) => {
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

  /** A fresh database with the jail's jurisdiction registered and IDENT holding alpha (with `encounters`) and a decoy. */
  async function world(start: string, encounters: Encounter[] | null, options: { convictions?: (typeof robbery)[] } = {}) {
    const clock = new ManualClock(ms(start));
    database = await variant.create();
    const store = await database.open(clock);
    const p = await Pipeline.open({ store, clock, random: createRng(`acceptance/${variant.kind}`), extractor });
    pipeline = p;
    await p.registerJurisdiction({ ori: ORI, name: 'Harris County Sheriff', state: 'TX', county: 'Harris', timeZone: TZ, aor: 'HOU' });
    await p.addImmigrationIdentity({ name: 'DECOY,PERSON', fingerprints: prints('decoy', 0), encounters: [{ kind: 'apprehension', date: '2006-05-05' }] });
    if (encounters) await p.addImmigrationIdentity({ name: 'ALPHA,TEST', fingerprints: prints('alpha', 0), encounters });
    if (options.convictions) await p.addCriminalSubject({ name: 'ALPHA,TEST', dateOfBirth: '19720315', fingerprints: prints('alpha', 0), convictions: options.convictions });
    return p;
  }

  const kinds = (events: { kind: string }[]) => events.map((e) => e.kind);

  run('a jurisdiction that is not activated sends no prints to IDENT', async () => {
    const p = await world('2011-08-01T15:00:00Z', lprEncounters);
    const caseId = await p.book(booking('alpha', '2011-08-01', [{ ncicCode: '5399', literal: 'PUBLIC PEACE' }]));
    const state = await p.finalState(caseId);
    expect(state.immigrationSearch).toBe('not-searched');
    expect(state.fbiNumber).not.toBeNull();
    expect(state.iar).toBeNull();
    expect(kinds(await p.caseTimeline(caseId))).not.toContain('ident-search-sent');
    expect(await p.deadLetters()).toEqual([]);
  });

  run('an activated jurisdiction searches IDENT and a person with no record gets a no-match and nothing further', async () => {
    const p = await world('2011-08-01T15:00:00Z', lprEncounters);
    await activate(p, 'activated', '2011-07-01T00:00:00Z');
    const caseId = await p.book(booking('stranger', '2011-08-01', [{ ncicCode: '2399', literal: 'LARCENY' }]));
    const state = await p.finalState(caseId);
    expect(state.immigrationSearch).toBe('no-match');
    expect(state.jailReceivedIdr).toBe('no-match');
    expect(state.iar).toBeNull();
    expect(state.fieldOfficeReceivedIar).toBe(false);
  });

  run('a permanent resident with only a Level 3 charge gets no detainer under the 2011-06 memo and later versions', async () => {
    const p = await world('2011-08-01T15:00:00Z', lprEncounters);
    await activate(p, 'activated', '2011-07-01T00:00:00Z');
    const first = await p.book({ booking: booking('alpha', '2011-08-01', [{ ncicCode: '5399', literal: 'PUBLIC PEACE' }]), charges: [{ ncicCode: '5399', severity: 'misdemeanor', maxSentenceMonths: 6 }] });
    const second = await p.book({ booking: booking('alpha', '2013-05-02', [{ ncicCode: '5399', literal: 'PUBLIC PEACE' }]), charges: [{ ncicCode: '5399', severity: 'misdemeanor', maxSentenceMonths: 6 }] }, { at: ms('2013-05-02T15:00:00Z') });
    for (const [caseId, version] of [[first, '2011-06-17-discretion'], [second, '2012-12-21-detainer-criteria']] as const) {
      const state = await p.finalState(caseId);
      expect(state.iar).toMatchObject({ status: 'lpr', level: 3 });
      expect(state.decision).toMatchObject({ decision: 'no-action', policyVersion: version });
      expect(state.decision?.reasons.length).toBeGreaterThan(1);
      expect(state.detainer).toBeNull();
    }
    // Decided again under the 2008 rules (read-only): held while removability was investigated.
    const before = (await p.finalState(first)).reviews.length;
    const under2008 = await p.decisionUnder(first, '2008-10-27-launch');
    expect(under2008.decision).toBe('detainer');
    expect(under2008.version.id).toBe('2008-10-27-launch');
    expect((await p.finalState(first)).reviews).toHaveLength(before);
    // The second booking is an identification against the subject the first one created.
    expect((await p.finalState(second)).fbiNumber).toBe((await p.finalState(first)).fbiNumber);
  });

  run('a person removed before, with a Level 1 conviction, gets a detainer whose clock runs until ICE assumes custody', async () => {
    const p = await world('2012-03-05T15:00:00Z', reentrantEncounters, { convictions: [robbery] });
    await activate(p, 'activated', '2011-07-01T00:00:00Z');
    const caseId = await p.book(booking('alpha', '2012-03-05', [{ ncicCode: '5399', literal: 'PUBLIC PEACE' }]));
    let state = await p.finalState(caseId);
    expect(state.iar).toMatchObject({ status: 'prior-removal', level: 1 });
    expect(state.decision).toMatchObject({ decision: 'detainer', policyVersion: '2011-12-29-detainer-form' });
    expect(state.jailDetainer).toMatchObject({ state: 'received', hotline: '(855) 448-6903' });
    expect(state.jailDetainer?.copyServedAt).not.toBeNull();

    await p.releaseDue(caseId, ms('2012-03-12T17:00:00-05:00')); // Monday 17:00 CDT
    state = await p.finalState(caseId);
    expect(state.custody).toBe('held-on-detainer');
    expect(state.detainer?.expiresAt).toBe(ms('2012-03-14T17:00:00-05:00')); // Wednesday 17:00
    expect((await p.scheduler.pending()).map((t) => t.key)).toEqual([`detainer:${state.detainer?.detainerId}:expiry`]);

    await p.assumeCustody(caseId, ms('2012-03-13T10:00:00-05:00'));
    await p.advanceTo(ms('2012-03-20T00:00:00Z'));
    state = await p.finalState(caseId);
    expect(state.custody).toBe('transferred-to-ice');
    expect(state.detainer?.state).toBe('custody-assumed');
    expect(state.jailDetainer?.state).toBe('custody-transferred');
    expect(await p.scheduler.pending()).toEqual([]);
    await p.proceedingsOutcome(caseId, 'removed', ms('2012-05-01T00:00:00Z'));
    expect((await p.finalState(caseId)).outcome).toBe('removed');
    // Biometrics leave the records modules only as the attachment of the CAR and the IDENT search (no payload carries
    // them); once the state bureau's copy is erased, the bytes are gone — delivered messages keep only the hash.
    const messages = await listOutbox(p.store.db, { correlationId: caseId });
    expect(messages.filter((e) => JSON.stringify(e.message.payload).length > 4000)).toEqual([]);
    const withPrints = messages.filter((e) => e.message.attachment !== undefined);
    expect([...new Set(withPrints.map((e) => e.message.type))].sort()).toEqual(['car', 'ident-search']);
    expect(withPrints.every((e) => [ADDRESS.stateBureau, ADDRESS.criminalRecords, ADDRESS.immigrationRecords].includes(e.message.to as never))).toBe(true);
    const sib = await tablesOf<StateBureauTables>(p.store.db).selectFrom('state_bureau_submissions').select('prints').where('case_id', '=', caseId).executeTakeFirstOrThrow();
    expect(sib.prints).toBeNull();
    const attachments = createAttachments({ kind: p.store.kind, clock: p.clock });
    for (const hash of new Set(withPrints.map((e) => e.message.attachment ?? ''))) await expect(attachments.get(p.store.db, hash)).rejects.toThrow(AttachmentMissingError);
    expect(kinds(await p.caseTimeline(caseId))).toEqual(expect.arrayContaining(['booked', 'car-routed', 'criminal-search', 'ident-match', 'iaq-sent', 'iar-sent', 'review', 'detainer-issued', 'detainer-received', 'detainer-copy-served', 'hold-started', 'detainer-clock-started', 'custody-assumed', 'custody-transferred', 'proceedings-outcome']));
  });

  run('a release due the Thursday before a Saturday New Year’s Day holds past the observed holiday, Friday 31 December', async () => {
    const p = await world('2010-12-28T15:00:00Z', reentrantEncounters, { convictions: [robbery] });
    await activate(p, 'activated', '2010-07-01T00:00:00Z');
    const caseId = await p.book(booking('alpha', '2010-12-28', [{ ncicCode: '5399', literal: 'PUBLIC PEACE' }]));
    expect((await p.finalState(caseId)).decision).toMatchObject({ decision: 'detainer', policyVersion: '2010-06-30-priorities' });
    await p.releaseDue(caseId, ms('2010-12-30T17:00:00-06:00')); // Thursday; federal offices observed 1 January 2011 on Friday
    const state = await p.finalState(caseId);
    expect(state.detainer?.expiresAt).toBe(ms('2011-01-04T17:00:00-06:00')); // Tuesday 17:00 CST: Friday to Monday excluded
    expect(state.jailDetainer?.holdExpiresAt).toBe(ms('2011-01-04T17:00:00-06:00'));
  });

  run('a release due on the Friday before a Monday federal holiday holds until Wednesday and then the person is released', async () => {
    const p = await world('2013-01-15T15:00:00Z', reentrantEncounters, { convictions: [robbery] });
    await activate(p, 'activated', '2011-07-01T00:00:00Z');
    const caseId = await p.book(booking('alpha', '2013-01-15', [{ ncicCode: '5399', literal: 'PUBLIC PEACE' }]));
    expect((await p.finalState(caseId)).decision?.decision).toBe('detainer');
    await p.releaseDue(caseId, ms('2013-01-18T17:00:00-06:00')); // Friday; Monday 21 January is Martin Luther King Jr. Day
    const expires = ms('2013-01-23T17:00:00-06:00'); // Wednesday 17:00 CST
    expect((await p.finalState(caseId)).detainer?.expiresAt).toBe(expires);
    await p.advanceTo(expires - 1);
    expect((await p.finalState(caseId)).custody).toBe('held-on-detainer');
    await p.advanceTo(expires);
    const state = await p.finalState(caseId);
    expect(state).toMatchObject({ custody: 'released', releasedAt: expires, releaseReason: 'hold-lapsed' });
    expect(state.detainer?.state).toBe('lapsed');
    expect(kinds(await p.caseTimeline(caseId))).toEqual(expect.arrayContaining(['hold-lapsed', 'released', 'detainer-ended']));
    expect(await p.deadLetters()).toEqual([]);
  });

  run('a jurisdiction that opted out of receiving IARs gets none, while the field office does', async () => {
    const p = await world('2011-09-01T15:00:00Z', reentrantEncounters, { convictions: [robbery] });
    await activate(p, 'opted-out-of-iar', '2011-07-01T00:00:00Z');
    const caseId = await p.book(booking('alpha', '2011-09-01', [{ ncicCode: '5399', literal: 'PUBLIC PEACE' }]));
    const state = await p.finalState(caseId);
    expect(state.immigrationSearch).toBe('match');
    expect(state.iar?.sentTo).toEqual([ADDRESS.fieldOffice]);
    expect(state.fieldOfficeReceivedIar).toBe(true);
    expect(state.jailReceivedIar).toBe(false);
    expect(state.jailReceivedIdr).toBeNull();
  });

  run('a share-after-conviction jurisdiction searches IDENT only after a conviction, and never after a dismissal', async () => {
    const p = await world('2011-10-03T15:00:00Z', ewiEncounters);
    await activate(p, 'share-after-conviction', '2011-07-01T00:00:00Z');
    const charges: ChargeDetail[] = [{ ncicCode: '2399', severity: 'misdemeanor', maxSentenceMonths: 12 }];
    const convicted = await p.book({ booking: booking('alpha', '2011-10-03', [{ ncicCode: '2399', literal: 'LARCENY' }]), charges });
    expect((await p.finalState(convicted)).immigrationSearch).toBe('awaiting-conviction');
    expect((await p.finalState(convicted)).iar).toBeNull();
    await p.dispose(convicted, 'conviction', ms('2011-11-01T15:00:00Z'));
    const after = await p.finalState(convicted);
    expect(after.immigrationSearch).toBe('match');
    expect(after.iar).toMatchObject({ status: 'ewi' });

    const dismissed = await p.book({ booking: booking('alpha', '2011-12-01', [{ ncicCode: '2399', literal: 'LARCENY' }]), charges }, { at: ms('2011-12-01T15:00:00Z') });
    expect((await p.finalState(dismissed)).immigrationSearch).toBe('awaiting-conviction');
    await p.dispose(dismissed, 'dismissal', ms('2011-12-20T15:00:00Z'));
    const never = await p.finalState(dismissed);
    expect(never.immigrationSearch).toBe('never-searched-after-dismissal');
    expect(never.iar).toBeNull();
    expect(kinds(await p.caseTimeline(dismissed))).not.toContain('ident-search-sent');
  });

  run('a naturalized citizen matching an old visa record gets no detainer and is flagged for supervisor review, where the citizenship is verified', async () => {
    const p = await world('2013-05-02T15:00:00Z', naturalizedEncounters);
    await activate(p, 'activated', '2011-07-01T00:00:00Z');
    const caseId = await p.book({ booking: booking('alpha', '2013-05-02', [{ ncicCode: '2399', literal: 'LARCENY' }], { citizenship: undefined }), charges: [{ ncicCode: '2399', severity: 'misdemeanor', maxSentenceMonths: 12 }] });
    const state = await p.finalState(caseId);
    expect(state.iar).toMatchObject({ status: 'overstay' });
    expect(state.decision?.decision).toBe('supervisor-review');
    expect(state.decision?.reasons.map((r) => r.rule)).toContain('guard.citizenship-indication');
    expect(state.detainer).toBeNull();
    expect(state.supervisorReview).toMatchObject({ state: 'open' });
    expect((await p.fieldOffice.supervisorQueue(p.store.db, 'HOU')).map((q) => q.caseId)).toEqual([caseId]);
    await p.resolveSupervisorReview(caseId, { citizenship: 'verified', basis: 'naturalization', note: 'Certificate of naturalization checked with USCIS.' });
    const resolved = await p.finalState(caseId);
    expect(resolved.supervisorReview?.state).toBe('resolved');
    expect(resolved.decision).toMatchObject({ decision: 'no-action', trigger: 'supervisor-review' });
    expect(resolved.decision?.reasons.map((r) => r.rule)).toContain('status.us-citizen');
    expect(resolved.detainer).toBeNull();
    expect(await p.fieldOffice.supervisorQueue(p.store.db, 'HOU')).toEqual([]);
  });

  run('a domestic-violence victim booked at the scene gets no detainer', async () => {
    const p = await world('2013-05-02T15:00:00Z', ewiEncounters);
    await activate(p, 'activated', '2011-07-01T00:00:00Z');
    const caseId = await p.book({
      booking: booking('alpha', '2013-05-02', [{ ncicCode: '1313', literal: 'SIMPLE ASSAULT' }]),
      charges: [{ ncicCode: '1313', severity: 'misdemeanor', maxSentenceMonths: 12, tags: ['domestic-violence'] }],
      circumstances: { victimOrWitness: true },
    });
    const state = await p.finalState(caseId);
    expect(state.iar).toMatchObject({ status: 'ewi' });
    expect(state.decision?.decision).toBe('no-action');
    expect(state.decision?.reasons.map((r) => r.rule)).toContain('victim-witness.protected');
    expect(state.detainer).toBeNull();
  });

  run('a person arrested only for a minor traffic offense after 2012-04-27 is acted on only upon conviction', async () => {
    const p = await world('2012-06-01T15:00:00Z', ewiEncounters);
    await activate(p, 'activated', '2011-07-01T00:00:00Z');
    const caseId = await p.book({ booking: booking('alpha', '2012-06-01', [{ ncicCode: '5499', literal: 'TRAFFIC OFFENSE' }]), charges: [{ ncicCode: '5499', severity: 'misdemeanor', maxSentenceMonths: 6 }] });
    const state = await p.finalState(caseId);
    expect(state.decision).toMatchObject({ decision: 'await-conviction', policyVersion: '2012-04-27-minor-traffic' });
    expect(state.fieldOfficeState).toBe('awaiting-conviction');
    expect(state.detainer).toBeNull();
    await p.dispose(caseId, 'conviction', ms('2012-06-20T15:00:00Z'));
    const after = await p.finalState(caseId);
    expect(after.reviews.map((r) => r.trigger)).toEqual(['iar', 'conviction']);
    expect(after.decision?.decision).not.toBe('await-conviction');
  });

  run('a TRUST-Act jurisdiction declines a detainer for a person charged with no listed serious offense', async () => {
    const p = await world('2014-02-03T15:00:00Z', reentrantEncounters, { convictions: [robbery] });
    await activate(p, 'declines-detainers', '2014-01-01T00:00:00Z', ['09', '10', '11', '1201']);
    const caseId = await p.book(booking('alpha', '2014-02-03', [{ ncicCode: '5399', literal: 'PUBLIC PEACE' }]));
    const state = await p.finalState(caseId);
    expect(state.decision?.decision).toBe('detainer');
    expect(state.jailDetainer?.state).toBe('declined');
    expect(state.detainer?.state).toBe('declined');
    await p.releaseDue(caseId, ms('2014-02-04T17:00:00-06:00'));
    expect(await p.finalState(caseId)).toMatchObject({ custody: 'released', releaseReason: 'release-due' });
    expect(await p.scheduler.pending()).toEqual([]);
  });

  run('a withdrawal stops the immigration search from its effective date, and every change is on record with its notices', async () => {
    const p = await world('2010-11-01T15:00:00Z', reentrantEncounters);
    await activate(p, 'activated', '2010-06-01T00:00:00Z');
    const withdrawnAt = ms('2010-12-01T00:00:00Z');
    await p.changeParticipation(ORI, { mode: 'withdrawn', effectiveAt: withdrawnAt, noticeToState: notice(withdrawnAt - 86_400_000, 'The county withdraws; the state is told.'), noticeToJurisdiction: notice(withdrawnAt - 86_400_000, 'DHS confirms the withdrawal.') });
    const before = await p.book(booking('alpha', '2010-11-01', [{ ncicCode: '5399', literal: 'PUBLIC PEACE' }]));
    const after = await p.book(booking('alpha', '2010-12-02', [{ ncicCode: '5399', literal: 'PUBLIC PEACE' }]), { at: ms('2010-12-02T15:00:00Z') });
    expect((await p.finalState(before)).immigrationSearch).toBe('match');
    expect((await p.finalState(after)).immigrationSearch).toBe('not-searched');
    const history = await p.jurisdictions.history(p.store.db, ORI);
    expect(history.map((h) => h.mode)).toEqual(['activated', 'withdrawn']);
    expect(history.every((h) => h.noticeToState.text.length > 0 && h.noticeToJurisdiction.text.length > 0)).toBe(true);
    expect((await p.jurisdictions.jurisdictionOf(p.store.db, ORI)).activatedAt).toBe(ms('2010-06-01T00:00:00Z'));
  });

  run('a lifted detainer ends the hold and the jail releases the person at once', async () => {
    const p = await world('2012-03-05T15:00:00Z', reentrantEncounters, { convictions: [robbery] });
    await activate(p, 'activated', '2011-07-01T00:00:00Z');
    const caseId = await p.book(booking('alpha', '2012-03-05', [{ ncicCode: '5399', literal: 'PUBLIC PEACE' }]));
    await p.releaseDue(caseId, ms('2012-03-12T17:00:00-05:00'));
    await p.liftDetainer(caseId, 'supervisor found a pending application', ms('2012-03-13T09:00:00-05:00'));
    const state = await p.finalState(caseId);
    expect(state).toMatchObject({ custody: 'released', releasedAt: ms('2012-03-13T09:00:00-05:00'), releaseReason: 'detainer-lifted' });
    expect(state.detainer?.state).toBe('lifted');
    expect(await p.scheduler.pending()).toEqual([]);
    await expect(p.assumeCustody(caseId, ms('2012-03-13T10:00:00-05:00'))).rejects.toMatchObject({ code: 'NO_ACTIVE_DETAINER' });
  });

  run('after a restart the detainer clock still fires and the fingerprint galleries are reloaded from the tables', async () => {
    const p = await world('2012-03-05T15:00:00Z', reentrantEncounters, { convictions: [robbery] });
    await activate(p, 'activated', '2011-07-01T00:00:00Z');
    const caseId = await p.book(booking('alpha', '2012-03-05', [{ ncicCode: '5399', literal: 'PUBLIC PEACE' }]));
    const releaseDue = ms('2012-03-12T17:00:00-05:00');
    await p.releaseDue(caseId, releaseDue);
    await p.close();
    const clock = new ManualClock(releaseDue);
    const reopened = await Pipeline.open({ store: await database!.open(clock), clock, random: createRng(`acceptance/${variant.kind}/restart`), extractor });
    pipeline = reopened;
    await reopened.advanceTo(ms('2012-03-15T00:00:00Z'));
    expect(await reopened.finalState(caseId)).toMatchObject({ custody: 'released', releasedAt: ms('2012-03-14T17:00:00-05:00'), releaseReason: 'hold-lapsed' });
    const again = await reopened.book(booking('alpha', '2012-03-15', [{ ncicCode: '5399', literal: 'PUBLIC PEACE' }]), { at: ms('2012-03-15T15:00:00Z') });
    const state = await reopened.finalState(again);
    expect(state.fbiNumber).toBe((await reopened.finalState(caseId)).fbiNumber);
    expect(state.immigrationSearch).toBe('match');
  });

  describe('a re-sent booking (same ORI and TCN, field 1.009) is the same submission', () => {
    const tcn = 'TX20130115HARRIS0001';
    const charges = [{ ncicCode: '5399', literal: 'PUBLIC PEACE' }];

    run('however often it arrives and whenever, it is one case with one search and one detainer, and nothing is sent again', async () => {
      const p = await world('2013-01-15T15:00:00Z', reentrantEncounters, { convictions: [robbery] });
      await activate(p, 'activated', '2011-07-01T00:00:00Z');
      const first = await p.book({ booking: booking('alpha', '2013-01-15', charges), tcn });
      const outbox = (await listOutbox(p.store.db)).length;
      const timeline = kinds(await p.caseTimeline(first));
      for (const at of [undefined, ms('2013-01-15T16:00:00Z'), ms('2013-01-16T09:00:00Z')]) {
        expect(await p.book({ booking: booking('alpha', '2013-01-15', charges), tcn }, at === undefined ? {} : { at })).toBe(first);
      }
      expect((await listOutbox(p.store.db)).length).toBe(outbox);
      const after = kinds(await p.caseTimeline(first));
      expect(after.filter((k) => k !== 'resubmission-recognised')).toEqual(timeline);
      expect(after.filter((k) => k === 'resubmission-recognised')).toHaveLength(3);
      for (const kind of ['booked', 'ident-search-sent', 'detainer-issued', 'detainer-received']) expect(after.filter((k) => k === kind)).toHaveLength(1);
      expect(await p.deadLetters()).toEqual([]);
    });

    run('a re-sent TCN with different content is refused with DUPLICATE_TCN_CONFLICT and changes nothing; the same TCN from another ORI is another submission', async () => {
      const p = await world('2013-01-15T15:00:00Z', reentrantEncounters, { convictions: [robbery] });
      await activate(p, 'activated', '2011-07-01T00:00:00Z');
      await p.registerJurisdiction({ ori: 'TX2020000', name: 'Dallas County Sheriff', state: 'TX', county: 'Dallas', timeZone: TZ, aor: 'DAL' });
      const first = await p.book({ booking: booking('alpha', '2013-01-15', charges), tcn });
      const outbox = (await listOutbox(p.store.db)).length;
      const timeline = await p.caseTimeline(first);
      const altered: Parameters<Pipeline['book']>[0][] = [
        { booking: booking('alpha', '2013-01-15', [{ ncicCode: '2399', literal: 'LARCENY' }]), tcn },
        { booking: booking('decoy', '2013-01-15', charges), tcn },
        { booking: booking('alpha', '2013-01-14', charges), tcn },
        { booking: booking('alpha', '2013-01-15', charges, { fingerprints: prints('alpha', 0) }), tcn },
        { booking: booking('alpha', '2013-01-15', charges), charges: [{ ncicCode: '5399', severity: 'felony' }], tcn },
        { booking: booking('alpha', '2013-01-15', charges), circumstances: { gangMember: true }, tcn },
      ];
      for (const request of altered) await expect(p.book(request)).rejects.toMatchObject({ name: 'AgencyError', code: 'DUPLICATE_TCN_CONFLICT' });
      expect((await listOutbox(p.store.db)).length).toBe(outbox);
      expect(await p.caseTimeline(first)).toEqual(timeline);
      const other = await p.book({ booking: booking('alpha', '2013-01-15', charges, { arrestingAgencyOri: 'TX2020000' }), tcn });
      expect(other).not.toBe(first);
    });

    run('two copies arriving at the same moment are still one case', async () => {
      const p = await world('2013-01-15T15:00:00Z', null);
      const request = { booking: booking('stranger', '2013-01-15', charges), tcn };
      const [a, b, c] = await Promise.all([p.book(request), p.book(request), p.book(request)]);
      expect(new Set([a, b, c]).size).toBe(1);
      expect(kinds(await p.caseTimeline(a)).filter((k) => k === 'booked')).toHaveLength(1);
    });

    run('a TCN that is not 10 to 40 characters is a typed error', async () => {
      const p = await world('2013-01-15T15:00:00Z', null);
      for (const bad of ['', 'SHORT', 'X'.repeat(41), 'HAS SPACE 123']) await expect(p.book({ booking: booking('stranger', '2013-01-15', charges), tcn: bad })).rejects.toMatchObject({ code: 'INVALID_BOOKING' });
    });
  });

  describe('bad input changes nothing', () => {
    async function outboxSize(p: Pipeline) {
      return (await listOutbox(p.store.db)).length;
    }

    run('an unknown ORI, an unknown NCIC code and a malformed booking are typed errors', async () => {
      const p = await world('2011-08-01T15:00:00Z', null);
      const before = await outboxSize(p);
      await expect(p.book(booking('stranger', '2011-08-01', [{ ncicCode: '2399', literal: 'LARCENY' }], { arrestingAgencyOri: 'ZZ0000000' }))).rejects.toMatchObject({ name: 'AgencyError', code: 'UNKNOWN_ORI' });
      await expect(p.book(booking('stranger', '2011-08-01', [{ ncicCode: '8899', literal: 'NOTHING' }]))).rejects.toMatchObject({ code: 'UNKNOWN_NCIC_CODE' });
      await expect(p.book(booking('stranger', '2011-08-01', []))).rejects.toMatchObject({ code: 'INVALID_BOOKING' });
      await expect(p.book({ booking: booking('stranger', '2011-08-01', [{ ncicCode: '2399', literal: 'LARCENY' }]), charges: [{ ncicCode: '2399', severity: 'capital' as never }] })).rejects.toMatchObject({ code: 'INVALID_BOOKING' });
      await expect(p.book(booking('stranger', '2011-09-01', [{ ncicCode: '2399', literal: 'LARCENY' }]))).rejects.toMatchObject({ code: 'INVALID_TIME' });
      expect(await outboxSize(p)).toBe(before);
      await expect(p.finalState('CASE-NONE')).rejects.toBeInstanceOf(AgencyError);
    });

    run('a submission with a corrupt fingerprint image is answered with an ERRT and goes no further', async () => {
      const p = await world('2011-08-01T15:00:00Z', lprEncounters);
      await activate(p, 'activated', '2011-07-01T00:00:00Z');
      const garbage = prints('stranger', 1).map((f, i) => (i === 0 ? { ...f, data: new Uint8Array(f.data.length).fill(0x5a) } : f));
      const caseId = await p.book(booking('stranger', '2011-08-01', [{ ncicCode: '2399', literal: 'LARCENY' }], { fingerprints: garbage }));
      const state = await p.finalState(caseId);
      expect(state.immigrationSearch).toBe('submission-rejected');
      expect(state.fbiNumber).toBeNull();
      expect(kinds(await p.caseTimeline(caseId))).toEqual(['booked', 'car-routed', 'submission-rejected', 'errt-routed', 'errt-received']);
      expect(await p.deadLetters()).toEqual([]);
    });

    run('a release time before the booking and a conviction for a charge not booked are typed errors', async () => {
      const p = await world('2011-08-01T15:00:00Z', null);
      const caseId = await p.book(booking('stranger', '2011-08-01', [{ ncicCode: '2399', literal: 'LARCENY' }]));
      const before = await outboxSize(p);
      const timeline = (await p.caseTimeline(caseId)).length;
      await expect(p.releaseDue(caseId, ms('2011-07-31T00:00:00Z'))).rejects.toMatchObject({ code: 'INVALID_TIME' });
      await expect(p.dispose(caseId, 'conviction', ms('2011-08-10T00:00:00Z'), ['1201'])).rejects.toMatchObject({ code: 'UNKNOWN_CHARGE' });
      await expect(p.changeParticipation(ORI, { mode: 'activated', effectiveAt: ms('2011-09-01T00:00:00Z'), noticeToState: notice(ms('2011-09-02T00:00:00Z'), 'late'), noticeToJurisdiction: notice(ms('2011-08-01T00:00:00Z'), 'ok') })).rejects.toMatchObject({ code: 'INVALID_PARTICIPATION_CHANGE' });
      expect(await outboxSize(p)).toBe(before);
      expect((await p.caseTimeline(caseId)).length).toBe(timeline);
      expect((await p.finalState(caseId)).charges[0].disposition).toBe('pending');
    });

    run('a CAR or a detainer arriving twice takes effect once', async () => {
      const p = await world('2012-03-05T15:00:00Z', reentrantEncounters, { convictions: [robbery] });
      await activate(p, 'activated', '2011-07-01T00:00:00Z');
      const caseId = await p.book(booking('alpha', '2012-03-05', [{ ncicCode: '5399', literal: 'PUBLIC PEACE' }]));
      const sent = await listOutbox(p.store.db, { correlationId: caseId });
      const car = sent.find((e) => e.message.type === Car.type && e.message.to === ADDRESS.stateBureau)!.message;
      const detainer = sent.find((e) => e.message.type === Detainer.type)!.message;
      await p.deliver({ type: car.type, from: car.from, to: car.to, correlationId: caseId, payload: car.payload, attachment: car.attachment });
      await p.deliver({ type: detainer.type, from: detainer.from, to: detainer.to, correlationId: caseId, payload: detainer.payload });
      const after = await listOutbox(p.store.db, { correlationId: caseId });
      expect(after.filter((e) => e.message.type === 'iaq')).toHaveLength(1);
      expect(after.filter((e) => e.message.type === Detainer.type)).toHaveLength(2); // the original and the re-delivery
      const state = await p.finalState(caseId);
      expect(state.reviews).toHaveLength(1);
      expect(kinds(await p.caseTimeline(caseId)).filter((k) => k === 'duplicate-ignored')).toHaveLength(2);
      expect(await p.deadLetters()).toEqual([]);
    });

    run('a message redelivered under the same id is handled once', async () => {
      const p = await world('2012-03-05T15:00:00Z', reentrantEncounters, { convictions: [robbery] });
      await activate(p, 'activated', '2011-07-01T00:00:00Z');
      const caseId = await p.book(booking('alpha', '2012-03-05', [{ ncicCode: '5399', literal: 'PUBLIC PEACE' }]));
      const timeline = (await p.caseTimeline(caseId)).length;
      // A transport that delivers at least once hands every message of the case over again.
      await tablesOf<MessagingTables>(p.store.db).updateTable('outbox_messages').set({ state: 'pending' }).where('correlation_id', '=', caseId).execute();
      const report = await p.dispatcher.drain();
      expect(report.delivered).toBe(0);
      expect(report.duplicates).toBeGreaterThan(5);
      expect((await p.caseTimeline(caseId)).length).toBe(timeline);
      expect((await p.finalState(caseId)).reviews).toHaveLength(1);
    });

    run('a message about a case its receiver never saw is retried, then dead-lettered, and writes nothing', async () => {
      const p = await world('2012-03-05T15:00:00Z', null);
      await p.deliver(Sre.create({ from: ADDRESS.stateBureau, to: ADDRESS.booking, correlationId: 'CASE-GHOST', payload: { caseId: 'CASE-GHOST', ebts: '', result: 'non-ident', fbiNumber: 'F1', priorConvictions: [] } }));
      for (let i = 0; i < 6; i++) await p.advanceTo(p.clock.now() + 10 * 60_000);
      const dead = await p.deadLetters();
      expect(dead.map((d) => d.message.correlationId)).toEqual(['CASE-GHOST']);
      expect(dead[0].lastError).toMatch(/UNKNOWN_CASE|no booking/);
      expect(await p.caseTimeline('CASE-GHOST')).toEqual([]);
    });

    run('a lift or a hold expiry for a detainer the jail never received is recorded and ignored', async () => {
      const p = await world('2012-03-05T15:00:00Z', null);
      await activate(p, 'activated', '2011-07-01T00:00:00Z');
      const caseId = await p.book(booking('stranger', '2012-03-05', [{ ncicCode: '2399', literal: 'LARCENY' }]));
      await p.deliver(DetainerLift.create({ from: ADDRESS.fieldOffice, to: ADDRESS.booking, correlationId: caseId, payload: { caseId, detainerId: 'DET-NONE', at: p.clock.now(), reason: 'test' } }));
      await p.deliver(HoldExpired.create({ from: ADDRESS.timers, to: ADDRESS.booking, correlationId: caseId, payload: { caseId, detainerId: 'DET-NONE', expiresAt: p.clock.now() } }));
      const state = await p.finalState(caseId);
      expect(state.custody).toBe('in-custody');
      expect(kinds(await p.caseTimeline(caseId)).filter((k) => k === 'ignored')).toHaveLength(2);
      // A detainer arriving after the person was released is answered, not held.
      await p.releaseDue(caseId, ms('2012-03-06T17:00:00-06:00'));
      await p.deliver(Detainer.create({ from: ADDRESS.fieldOffice, to: ADDRESS.booking, correlationId: caseId, payload: { caseId, detainerId: 'DET-LATE', form: 'Form I-247 (12/11)', issuedAt: p.clock.now(), copyToDetainee: true, hotline: '(855) 448-6903', holdLimitHours: 48, policyVersion: '2011-12-29-detainer-form' } }));
      const late = await p.finalState(caseId);
      expect(late.custody).toBe('released');
      expect(late.jailDetainer?.state).toBe('after-release');
      expect(await p.deadLetters()).toEqual([]);
    });
  });
});
