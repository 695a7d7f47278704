import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createJurisdictions, jurisdictionMigrations } from '../agencies/jurisdictions/index.ts';
import { ManualClock } from '../platform/clock/index.ts';
import { assertMigrated, openStore, tablesOf } from '../platform/store/index.ts';
import type { ComplaintTables } from '../oversight/complaints/index.ts';
import { runCli } from './testing.ts';

const dir = mkdtempSync(join(tmpdir(), 'seccom-cli-complaint-'));
const db = join(dir, 'complaints.db');

beforeAll(async () => {
  const clock = new ManualClock(Date.parse('2011-01-01T00:00:00Z'));
  const store = await openStore({ kind: 'sqlite', path: db }, { clock });
  assertMigrated(await store.migrate([jurisdictionMigrations]));
  await store.transaction((trx) => createJurisdictions({ clock }).register(trx, { ori: 'TX1010000', name: 'Harris County Sheriff', state: 'TX', county: 'Harris', timeZone: 'America/Chicago', aor: 'HOU' }).then(() => undefined));
  await store.close();
});

async function rows() {
  const store = await openStore({ kind: 'sqlite', path: db });
  try {
    const t = tablesOf<ComplaintTables>(store.db);
    return { complaints: (await t.selectFrom('oversight_complaints').select('complaint_id').execute()).length, events: (await t.selectFrom('oversight_complaint_events').select('seq').execute()).length };
  } catch {
    return { complaints: 0, events: 0 };
  } finally {
    await store.close();
  }
}

describe('seccom complaint', () => {
  it('files a complaint, walks it through triage, assignment, notes and resolution, and shows the public only the status', async () => {
    const filed = await runCli('complaint', 'file', '--db', db, '--category', 'detention-past-limit', '--narrative', 'Held two days after the judge released me.', '--incident-date', '2011-05-12', '--ori', 'tx1010000', '--email', 'ana@example.org', '--json');
    expect(filed.err).toBe('');
    expect(filed.code).toBe(0);
    const { trackingCode } = JSON.parse(filed.out) as { trackingCode: string };
    expect(trackingCode).toMatch(/^CRCL-/);

    expect((await runCli('complaint', 'triage', trackingCode, '--db', db, '--category', 'us-citizen-detained', '--priority', 'urgent', '--actor', 'B. Lee')).out).toBe(`${trackingCode}: triage by B. Lee; now triaged.\n`);
    expect((await runCli('complaint', 'assign', trackingCode, '--db', db, '--investigator', 'J. Rivera', '--actor', 'B. Lee')).code).toBe(0);
    const notes = join(dir, 'note.txt');
    writeFileSync(notes, 'Jail log: released to ICE 49 hours after release was due.\n');
    expect((await runCli('complaint', 'note', trackingCode, '--db', db, '--text-file', notes, '--actor', 'J. Rivera')).out).toContain('now under-investigation');
    expect((await runCli('complaint', 'resolve', trackingCode, '--db', db, '--finding', 'referred', '--resolution', 'Referred for investigation of the hold.', '--referred-to', 'DHS OIG', '--actor', 'J. Rivera')).code).toBe(0);

    const status = await runCli('complaint', 'status', trackingCode.toLowerCase(), '--db', db);
    expect(status.code).toBe(0);
    expect(status.out).toContain(`Complaint ${trackingCode}: Resolved: the investigation is finished.`);
    expect(status.out).toMatch(/history: received .* → triaged .* → assigned .* → under-investigation .* → resolved /);
    expect(status.out).toContain('outcome: referred to DHS OIG — Referred for investigation of the hold.');
    for (const secret of ['Rivera', 'Jail log', 'ana@example.org', 'urgent']) expect(status.out).not.toContain(secret);

    const shown = await runCli('complaint', 'show', trackingCode, '--db', db);
    expect(shown.out).toMatch(/J\. Rivera +note +assigned → under-investigation: Jail log: released to ICE 49 hours/);
    expect(shown.out).toContain('contact: email ana@example.org');

    const list = JSON.parse((await runCli('complaint', 'list', '--db', db, '--status', 'resolved', '--json')).out) as { items: { trackingCode: string; ori: string }[]; count: number };
    expect(list.count).toBe(1);
    expect(list.items).toEqual([expect.objectContaining({ trackingCode, ori: 'TX1010000' })]);
    const counts = JSON.parse((await runCli('complaint', 'counts', '--db', db, '--from', '2000-01-01', '--to', '2100-01-01', '--json')).out) as { items: { ori: string; complaints: number; byFinding: { referred: number } }[] };
    expect(counts.items).toEqual([expect.objectContaining({ ori: 'TX1010000', complaints: 1, byFinding: expect.objectContaining({ referred: 1 }) })]);
  });

  it('bad input is one line and exit status 2, and nothing is written', async () => {
    const before = await rows();
    const huge = join(dir, 'huge.txt');
    writeFileSync(huge, 'x'.repeat(100_001));
    const cases: [string[], RegExp][] = [
      [['complaint', 'file', '--db', db, '--category', 'other', '--narrative', '   ', '--incident-date', '2011-05-12'], /^seccom: INVALID_COMPLAINT: the complaint cannot be filed: narrative: tell us what happened/],
      [['complaint', 'file', '--db', db, '--category', 'other', '--narrative-file', huge, '--incident-date', '2011-05-12'], /^seccom: .*huge\.txt: the narrative is too long/],
      [['complaint', 'file', '--db', db, '--category', 'other', '--narrative', 'x'.repeat(20_001), '--incident-date', '2011-05-12'], /^seccom: INVALID_COMPLAINT: .*narrative: at most 20,000 characters/],
      [['complaint', 'file', '--db', db, '--category', 'other', '--narrative', 'n', '--incident-date', '2011-05-12', '--ori', 'ZZ0000000'], /^seccom: UNKNOWN_ORI: no jurisdiction with ORI ZZ0000000/],
      [['complaint', 'file', '--db', db, '--category', 'weather', '--narrative', 'n', '--incident-date', '2011-05-12'], /^seccom: INVALID_COMPLAINT: .*category: one of/],
      [['complaint', 'status', 'CRCL-1234', '--db', db], /^seccom: MALFORMED_TRACKING_CODE: /],
      [['complaint', 'note', 'CRCL-0000-0000-0000-0000-0', '--db', db, '--text', 'x', '--actor', 'A'], /^seccom: UNKNOWN_TRACKING_CODE: /],
      [['complaint', 'triage', 'CRCL-0000-0000-0000-0000-0', '--db', db, '--category', 'other', '--priority', 'soon', '--actor', 'A'], /^seccom: --priority must be one of: low, normal, high, urgent/],
      [['complaint', 'list', '--db', db, '--status', 'lost'], /^seccom: --status must be one of/],
      [['complaint', 'list', '--db', join(dir, 'missing.db')], /^seccom: no such database/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    }
    expect(await rows()).toEqual(before);
    // A transition the status does not allow.
    const filed = JSON.parse((await runCli('complaint', 'file', '--db', db, '--category', 'other', '--narrative', 'n', '--incident-date', '2011-05-12', '--json')).out) as { trackingCode: string };
    const after = await rows();
    const r = await runCli('complaint', 'resolve', filed.trackingCode, '--db', db, '--finding', 'substantiated', '--resolution', 'x', '--actor', 'A');
    expect(r).toMatchObject({ code: 2, err: 'seccom: INVALID_TRANSITION: a complaint that is received cannot be resolved (it can be: triage, close)\n' });
    expect(await rows()).toEqual(after);
  });

  it('--help explains the life of a complaint and every option', async () => {
    const r = await runCli('complaint', '--help');
    expect(r.out).toContain('received --triage--> triaged --assign--> assigned --note--> under-investigation --resolve--> resolved');
    const file = await runCli('complaint', 'file', '--help');
    expect(file.out).toContain('--detainer <id>');
    expect(file.out).toContain('detention-past-limit');
  });
});
