/**
 * The complaint system on SQLite and PostgreSQL (PostgreSQL skipped with a message when not
 * reachable): intake, the public status, the staff's actions, and refusals that write nothing.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { caseLogMigrations, recordEvent } from '../../agencies/case-log/index.ts';
import { createJurisdictions, jurisdictionMigrations } from '../../agencies/jurisdictions/index.ts';
import { createRng } from '../../biometrics/synth/random.ts';
import { ManualClock } from '../../platform/clock/index.ts';
import type { RandomSource } from '../../platform/messaging/index.ts';
import { assertMigrated, tablesOf, type Store } from '../../platform/store/index.ts';
import { freshStorePerTest, storeVariants } from '../../platform/store/testing.ts';
import { newTrackingCode } from './codes.ts';
import { complaintCountsByJurisdiction } from './counts.ts';
import { ComplaintError } from './errors.ts';
import type { ComplaintCommand, ComplaintStatus } from './lifecycle.ts';
import { createComplaints, type ComplaintTables } from './service.ts';

const ms = (iso: string) => Date.parse(iso);
const complaint = { category: 'detention-past-limit', narrative: 'I was held two days after the judge released me.', incidentDate: '2013-05-20', ori: 'TX1010000', caseId: 'CASE1', detainerId: 'DET-1' };

/** A random source that plays `queue` first, then a seeded stream (to force tracking-code collisions). */
function replaying(seed: string): RandomSource & { queue: number[]; log: number[] } {
  const rng = createRng(seed);
  const source = {
    queue: [] as number[],
    log: [] as number[],
    nextUint32() {
      const v = source.queue.length > 0 ? source.queue.shift()! : rng.nextUint32();
      source.log.push(v);
      return v;
    },
  };
  return source;
}

async function snapshot(store: Store) {
  const t = tablesOf<ComplaintTables>(store.db);
  return {
    complaints: await t.selectFrom('oversight_complaints').selectAll().orderBy('complaint_id').execute(),
    events: await t.selectFrom('oversight_complaint_events').selectAll().orderBy('seq').execute(),
  };
}

describe.each(storeVariants)('complaints on $kind', (variant) => {
  const run = variant.skipped ? it.skip : it;
  if (variant.skipped) it.skip(`${variant.skipped}`, () => {});
  const freshStore = freshStorePerTest(variant, afterEach);

  async function world(random: RandomSource = createRng(`complaints/${variant.kind}`)) {
    const clock = new ManualClock(ms('2013-06-01T15:00:00Z'));
    const s = await freshStore(clock);
    assertMigrated(await s.migrate([caseLogMigrations, jurisdictionMigrations]));
    const registry = createJurisdictions({ clock });
    await s.transaction(async (trx) => {
      await registry.register(trx, { ori: 'TX1010000', name: 'Harris County Sheriff', state: 'TX', county: 'Harris', timeZone: 'America/Chicago', aor: 'HOU' });
      await registry.register(trx, { ori: 'TX2270000', name: 'Travis County Sheriff', state: 'TX', county: 'Travis', timeZone: 'America/Chicago', aor: 'SNA' });
      await recordEvent(trx, { caseId: 'CASE1', at: ms('2013-05-18T15:00:00Z'), agency: 'booking', kind: 'booked', summary: 'Booked.', details: { ori: 'TX1010000' } });
      await recordEvent(trx, { caseId: 'CASE1', at: ms('2013-05-18T15:00:05Z'), agency: 'field-office', kind: 'detainer-issued', summary: 'Detainer DET-1 issued.', details: { detainerId: 'DET-1' } });
      await recordEvent(trx, { caseId: 'CASE2', at: ms('2013-05-19T15:00:00Z'), agency: 'booking', kind: 'booked', summary: 'Booked.', details: { ori: 'TX2270000' } });
    });
    const complaints = createComplaints({ clock, random });
    await complaints.migrate(s);
    return { store: s, clock, complaints };
  }

  run('a complaint goes from intake to resolution; the public sees its status by tracking code, never the notes', async () => {
    const { store: s, clock, complaints } = await world();
    const filed = await complaints.file(s, { ...complaint, contact: { email: 'ana@example.org' } });
    expect(filed).toMatchObject({ status: 'received', filedAt: clock.now() });
    expect(filed.trackingCode).toMatch(/^CRCL-(\w{4}-){4}\w$/);

    clock.set(ms('2013-06-03T14:00:00Z'));
    await complaints.triage(s, filed.trackingCode, 'us-citizen-detained', 'urgent', 'intake officer B. Lee');
    clock.set(ms('2013-06-03T15:00:00Z'));
    await complaints.assign(s, filed.trackingCode, 'J. Rivera', 'B. Lee');
    clock.set(ms('2013-06-04T10:00:00Z'));
    await complaints.note(s, filed.trackingCode, 'The jail record shows release at 17:00 on 5/22; ICE took custody 5/24.', 'J. Rivera');
    await complaints.note(s, filed.trackingCode, 'Interviewed the complainant; birth certificate from Texas.', 'J. Rivera');
    clock.set(ms('2013-06-20T16:00:00Z'));
    const done = await complaints.resolve(s, filed.trackingCode, 'substantiated', 'The hold exceeded 48 hours; the county has retrained staff.', 'J. Rivera');

    expect(done).toMatchObject({ status: 'resolved', category: 'us-citizen-detained', priority: 'urgent', investigator: 'J. Rivera', finding: 'substantiated', ori: 'TX1010000', caseId: 'CASE1', detainerId: 'DET-1', contact: { email: 'ana@example.org' } });
    expect(done.history.map((e) => [e.action, e.from, e.to, e.actor, new Date(e.at).toISOString()])).toEqual([
      ['filed', null, 'received', 'public', '2013-06-01T15:00:00.000Z'],
      ['triage', 'received', 'triaged', 'intake officer B. Lee', '2013-06-03T14:00:00.000Z'],
      ['assign', 'triaged', 'assigned', 'B. Lee', '2013-06-03T15:00:00.000Z'],
      ['note', 'assigned', 'under-investigation', 'J. Rivera', '2013-06-04T10:00:00.000Z'],
      ['note', 'under-investigation', 'under-investigation', 'J. Rivera', '2013-06-04T10:00:00.000Z'],
      ['resolve', 'under-investigation', 'resolved', 'J. Rivera', '2013-06-20T16:00:00.000Z'],
    ]);
    expect(done.history[1].details).toEqual({ category: 'us-citizen-detained', priority: 'urgent', previousCategory: 'detention-past-limit' });

    // Typed as a person would, in lower case without hyphens.
    const status = await complaints.publicStatus(s.db, filed.trackingCode.toLowerCase().replaceAll('-', ''));
    expect(status).toMatchObject({ trackingCode: filed.trackingCode, status: 'resolved', category: 'us-citizen-detained', outcome: { finding: 'substantiated', resolution: 'The hold exceeded 48 hours; the county has retrained staff.' } });
    expect(status.history.map((h) => h.status)).toEqual(['received', 'triaged', 'assigned', 'under-investigation', 'resolved']);
    const text = JSON.stringify(status);
    for (const secret of ['Rivera', 'Lee', 'Interviewed', 'birth certificate', 'ana@example.org', 'urgent']) expect(text).not.toContain(secret);
  });

  run('a complaint needs no account and no links; it can be closed without a finding, and reassigned', async () => {
    const { store: s, complaints } = await world();
    const filed = await complaints.file(s, { category: 'language-access', narrative: 'No interpreter at booking.', incidentDate: '2013-05-30' });
    await complaints.triage(s, filed.trackingCode, 'language-access', 'normal', 'B. Lee');
    await complaints.assign(s, filed.trackingCode, 'J. Rivera', 'B. Lee');
    const re = await complaints.assign(s, filed.trackingCode, 'M. Chen', 'B. Lee');
    expect(re.history.at(-1)).toMatchObject({ action: 'reassign', from: 'assigned', to: 'assigned', details: { investigator: 'M. Chen', previousInvestigator: 'J. Rivera' } });
    await complaints.close(s, filed.trackingCode, 'The complainant withdrew the complaint.', 'M. Chen');
    expect(await complaints.publicStatus(s.db, filed.trackingCode)).toMatchObject({ status: 'closed', closedReason: 'The complainant withdrew the complaint.', outcome: null });
    expect((await complaints.list(s.db, { status: 'closed' })).map((c) => c.trackingCode)).toEqual([filed.trackingCode]);
  });

  run('bad input and transitions the status does not allow are typed errors that write nothing', async () => {
    const { store: s, complaints } = await world();
    const filed = await complaints.file(s, complaint);
    const before = await snapshot(s);
    const refusals: [() => Promise<unknown>, string][] = [
      [() => complaints.file(s, { ...complaint, narrative: '   ' }), 'INVALID_COMPLAINT'],
      [() => complaints.file(s, { ...complaint, narrative: 'x'.repeat(200_000) }), 'INVALID_COMPLAINT'],
      [() => complaints.file(s, { ...complaint, ori: 'ZZ0000000' }), 'UNKNOWN_ORI'],
      [() => complaints.file(s, { ...complaint, caseId: 'CASE9' }), 'UNKNOWN_CASE'],
      [() => complaints.file(s, { ...complaint, detainerId: 'DET-9' }), 'UNKNOWN_DETAINER'],
      [() => complaints.file(s, { ...complaint, caseId: 'CASE2', detainerId: 'DET-1' }), 'UNKNOWN_DETAINER'],
      [() => complaints.publicStatus(s.db, 'CRCL-0000-0000'), 'MALFORMED_TRACKING_CODE'],
      [() => complaints.publicStatus(s.db, `${filed.trackingCode.slice(0, -1)}${filed.trackingCode.endsWith('0') ? '1' : '0'}`), 'MALFORMED_TRACKING_CODE'],
      [() => complaints.note(s, filed.trackingCode, 'too early', 'J. Rivera'), 'INVALID_TRANSITION'],
      [() => complaints.resolve(s, filed.trackingCode, 'substantiated', 'no', 'J. Rivera'), 'INVALID_TRANSITION'],
      [() => complaints.triage(s, filed.trackingCode, 'parking', 'high', 'B. Lee'), 'INVALID_COMMAND'],
      [() => complaints.triage(s, filed.trackingCode, 'other', 'high', ''), 'INVALID_COMMAND'],
    ];
    for (const [attempt, code] of refusals) await expect(attempt()).rejects.toMatchObject({ name: 'ComplaintError', code });
    expect(await snapshot(s)).toEqual(before);
    // A well-formed code nobody holds.
    await expect(complaints.publicStatus(s.db, newTrackingCode(createRng('elsewhere')))).rejects.toMatchObject({ code: 'UNKNOWN_TRACKING_CODE' });
    await expect(complaints.note(s, newTrackingCode(createRng('elsewhere')), 'x', 'J. Rivera')).rejects.toMatchObject({ code: 'UNKNOWN_TRACKING_CODE' });
    expect(await snapshot(s)).toEqual(before);
  });

  run('a tracking code already taken is never reused: the next draw is tried, and a random source stuck on one value is refused', async () => {
    const random = replaying(`collide/${variant.kind}`);
    const { store: s, complaints } = await world(random);
    random.log.length = 0;
    const first = await complaints.file(s, complaint);
    random.queue.push(...random.log.slice(0, 16)); // the next filing draws the same code first
    const second = await complaints.file(s, complaint);
    expect(second.trackingCode).not.toBe(first.trackingCode);

    const before = await snapshot(s);
    const stuck = createComplaints({ clock: new ManualClock(ms('2013-06-01T15:00:00Z')), random: { nextUint32: () => 0 } });
    await stuck.file(s, complaint);
    await expect(stuck.file(s, complaint)).rejects.toMatchObject({ code: 'CODE_COLLISION' });
    expect((await snapshot(s)).complaints).toHaveLength(before.complaints.length + 1);
  });

  run('counts complaints per jurisdiction for the quarterly review, by filing or by incident date', async () => {
    const { store: s, clock, complaints } = await world();
    const a = await complaints.file(s, complaint);
    await complaints.file(s, { ...complaint, category: 'racial-profiling', caseId: null, detainerId: null });
    await complaints.file(s, { ...complaint, ori: 'TX2270000', caseId: null, detainerId: null, incidentDate: '2013-03-30' });
    await complaints.file(s, { category: 'other', narrative: 'No jurisdiction named.', incidentDate: '2013-05-01' });
    await complaints.triage(s, a.trackingCode, 'detention-past-limit', 'high', 'B. Lee');
    await complaints.assign(s, a.trackingCode, 'J. Rivera', 'B. Lee');
    await complaints.note(s, a.trackingCode, 'Checked.', 'J. Rivera');
    await complaints.resolve(s, a.trackingCode, 'referred', 'Referred to the Inspector General.', 'J. Rivera', 'DHS OIG');
    clock.set(ms('2013-07-02T00:00:00Z'));
    await complaints.file(s, { ...complaint, caseId: null, detainerId: null, incidentDate: '2013-07-01' }); // next quarter

    const q2 = await complaintCountsByJurisdiction(s.db, { from: '2013-04-01', to: '2013-07-01' });
    expect(q2.map((c) => [c.ori, c.complaints])).toEqual([
      ['TX1010000', 2],
      ['TX2270000', 1],
      [null, 1],
    ]);
    expect(q2[0].byCategory).toEqual({ 'detention-past-limit': 1, 'racial-profiling': 1 });
    expect(q2[0].byStatus).toMatchObject({ resolved: 1, received: 1 });
    expect(q2[0].byFinding).toEqual({ substantiated: 0, unsubstantiated: 0, referred: 1 });
    const byIncident = await complaintCountsByJurisdiction(s.db, { from: '2013-04-01', to: '2013-07-01', by: 'incident' });
    expect(byIncident.map((c) => [c.ori, c.complaints])).toEqual([
      ['TX1010000', 2],
      [null, 1],
    ]);
    await expect(complaintCountsByJurisdiction(s.db, { from: '2013-07-01', to: '2013-04-01' })).rejects.toMatchObject({ code: 'INVALID_WINDOW' });
    await expect(complaintCountsByJurisdiction(s.db, { from: 'spring', to: '2013-04-01' })).rejects.toBeInstanceOf(ComplaintError);
  });

  run('any sequence of staff actions leaves the stored complaint where the state machine says, and refused ones write nothing', async () => {
    const { store: s, complaints } = await world();
    const command: fc.Arbitrary<ComplaintCommand> = fc.oneof(
      fc.constant({ type: 'triage', category: 'other', priority: 'high' } as const),
      fc.constant({ type: 'assign', investigator: 'J. Rivera' } as const),
      fc.constant({ type: 'note', text: 'progress' } as const),
      fc.constant({ type: 'resolve', finding: 'unsubstantiated', resolution: 'No evidence.' } as const),
      fc.constant({ type: 'close', reason: 'Duplicate.' } as const),
      fc.constant({ type: 'note', text: '' } as const),
    );
    const next: Record<ComplaintStatus, Partial<Record<string, ComplaintStatus>>> = {
      received: { triage: 'triaged', close: 'closed' },
      triaged: { triage: 'triaged', assign: 'assigned', close: 'closed' },
      assigned: { assign: 'assigned', note: 'under-investigation', close: 'closed' },
      'under-investigation': { assign: 'under-investigation', note: 'under-investigation', resolve: 'resolved', close: 'closed' },
      resolved: {},
      closed: {},
    };
    await fc.assert(
      fc.asyncProperty(fc.array(command, { maxLength: 8 }), async (commands) => {
        const { trackingCode } = await complaints.file(s, { category: 'other', narrative: 'n', incidentDate: '2013-05-01' });
        let status: ComplaintStatus = 'received';
        let events = 1;
        for (const c of commands) {
          const expected = c.type === 'note' && c.text === '' ? undefined : next[status][c.type];
          const before = await complaints.show(s.db, trackingCode);
          try {
            const after = await complaints.act(s, trackingCode, c, 'staff');
            expect(after.status).toBe(expected);
            status = after.status;
            events++;
          } catch (error) {
            expect(error).toBeInstanceOf(ComplaintError);
            expect(expected).toBeUndefined();
            expect(await complaints.show(s.db, trackingCode)).toEqual(before);
          }
        }
        const shown = await complaints.show(s.db, trackingCode);
        expect(shown.status).toBe(status);
        expect(shown.history).toHaveLength(events);
      }),
      { numRuns: variant.kind === 'postgres' ? 10 : 25 },
    );
  });
});
