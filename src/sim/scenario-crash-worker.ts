// One life of the pipeline crash test: node --import tsx scenario-crash-worker.ts <sqlite file> <prints.json> <bookings>
// Finds which commands of the stream are done, plays the rest on a manual clock, runs the clock
// past the last hold and prints "done". After each command it prints `progress <commands done>`;
// the supervisor SIGKILLs it when that count reaches a planned kill point (work done, not time).
import { readFileSync } from 'node:fs';
import { Pipeline } from '../agencies/pipeline.ts';
import { tablesOf } from '../platform/store/index.ts';
import { ManualClock } from '../platform/clock/index.ts';
import { systemRandom } from '../platform/messaging/index.ts';
import { openStore } from '../platform/store/index.ts';
import type { BookingTables } from '../agencies/booking/index.ts';
import type { FingerprintImage } from '../nist/ebts/messages.ts';
import { TemplateExtractor, type FingerTemplates, type TenprintSearch, type TenprintSearchResult } from '../agencies/tenprint/index.ts';
import { CRASH_ORI, CRASH_PEOPLE, CRASH_T0, crashCommands } from './scenario-crash.ts';

const [path, printsPath, bookingsText] = process.argv.slice(2);
const bookings = Number(bookingsText);
if (!path || !printsPath || !Number.isInteger(bookings) || bookings <= 0) {
  console.error('usage: scenario-crash-worker.ts <sqlite file> <prints.json> <bookings>');
  process.exit(2);
}

/** Search time is not what this tests: answers come from a lookup by template content. */
class LookupSearch implements TenprintSearch {
  private readonly subjects = new Map<string, string>();
  enroll(subjectId: string, templates: FingerTemplates): void {
    for (const t of templates.values()) this.subjects.set(JSON.stringify(t), subjectId);
  }
  search(probe: FingerTemplates): Promise<TenprintSearchResult> {
    const first = probe.values().next().value;
    const subjectId = first ? this.subjects.get(JSON.stringify(first)) : undefined;
    if (!subjectId) return Promise.resolve({ decision: 'no-match', candidates: [] });
    const fingers = [...probe.keys()].map((position) => ({ position, score: 200 }));
    return Promise.resolve({ decision: 'match', candidates: [{ subjectId, fused: 200 * fingers.length, bestFinger: 200, fingers, match: true }] });
  }
}

const people = (JSON.parse(readFileSync(printsPath, 'utf8')) as { position: number; data: string; width: number; height: number; ppi: number }[][]).map((fingers) =>
  fingers.map((f): FingerprintImage => ({ position: f.position, data: new Uint8Array(Buffer.from(f.data, 'base64')), width: f.width, height: f.height, ppi: f.ppi, compression: 'WSQ20' })),
);
const commands = crashCommands(bookings);
const store = await openStore({ kind: 'sqlite', path });
// Where the last life got to: the latest command whose effect is on record.
const jail = tablesOf<BookingTables>(store.db);
const done = async (c: (typeof commands)[number]): Promise<boolean> => {
  const at = CRASH_T0 + c.booking * 10 * 60_000;
  const row = await jail.selectFrom('booking_bookings').select(['state', 'release_due_at']).where('booked_at', '=', at).executeTakeFirst().catch(() => undefined);
  if (c.kind === 'book') return row !== undefined;
  if (c.kind === 'release-due') return row?.release_due_at !== null && row?.release_due_at !== undefined;
  return row?.state !== 'held-on-detainer';
};
let resumeAt = 0;
for (let k = 0; k < commands.length && (await done(commands[k])); k++) resumeAt = k + 1;
const clock = new ManualClock(resumeAt === 0 ? CRASH_T0 - 60_000 : commands[resumeAt - 1].at);
// Ids must stay unique across restarts: OS randomness, not a seeded stream.
const p = await Pipeline.open({ store, clock, random: systemRandom(), extractor: new TemplateExtractor(64), criminalSearch: new LookupSearch(), immigrationSearch: new LookupSearch() });
if (resumeAt === 0) {
  const known = await p.jurisdictions.jurisdictionOf(store.db, CRASH_ORI).then(() => true, () => false);
  if (!known) {
    // Set-up is idempotent per step; a kill in the middle is resumed by the checks.
    await p.store.transaction(async (trx) => {
      await p.jurisdictions.register(trx, { ori: CRASH_ORI, name: 'Harris County Sheriff', state: 'TX', county: 'Harris', timeZone: 'America/Chicago', aor: 'HOU' });
      const at = Date.parse('2011-07-01T05:00:00Z');
      await p.jurisdictions.changeParticipation(trx, CRASH_ORI, { mode: 'activated', effectiveAt: at, noticeToState: { givenAt: at - 30 * 86_400_000, text: 'DHS to the Texas DPS.' }, noticeToJurisdiction: { givenAt: at - 30 * 86_400_000, text: 'DHS to the sheriff.' } });
      for (const [k, person] of CRASH_PEOPLE.entries()) {
        if (person.encounters) await p.immigrationRecords.addIdentity(trx, { name: `PERSON${k},CRASH`, fingerprints: people[k], encounters: person.encounters });
        if (person.robbery) await p.criminalRecords.addSubject(trx, { name: `PERSON${k},CRASH`, dateOfBirth: '19800101', fingerprints: people[k], convictions: [{ ncicCode: '1201', date: '2005-03-10', severity: 'felony', maxSentenceMonths: 120, sentenceImposedDays: 1095, tags: [] }] });
      }
    });
  }
}
await p.dispatcher.drain();
// Progress is counted in commands of the stream, from what is on record, so it survives a kill:
// the supervisor places its kills by this count (never during the set-up above).
console.log('ready');
let commandsDone = resumeAt;
console.log(`progress ${commandsDone}`);
const caseOf = async (i: number) => (await jail.selectFrom('booking_bookings').select('case_id').where('booked_at', '=', CRASH_T0 + i * 10 * 60_000).executeTakeFirstOrThrow()).case_id;
for (const c of commands.slice(resumeAt)) {
  if (c.kind === 'book') {
    const k = c.booking % people.length;
    await p.book(
      {
        booking: { arrestingAgencyOri: CRASH_ORI, dateOfArrest: new Date(c.at - 6 * 3_600_000).toISOString().slice(0, 10).replaceAll('-', ''), name: `PERSON${k},CRASH`, dateOfBirth: '19800101', sex: 'M', race: 'W', placeOfBirth: 'MM', citizenship: 'MM', height: '509', weightLb: 170, eyeColor: 'BRO', hairColor: 'BLK', charges: [{ ncicCode: '5399', literal: 'PUBLIC PEACE' }], fingerprints: people[k], caseNumber: `CRASH${c.booking}` },
        charges: [{ ncicCode: '5399', severity: 'misdemeanor', maxSentenceMonths: 6 }],
      },
      { at: c.at },
    );
  } else if (c.kind === 'release-due') await p.releaseDue(await caseOf(c.booking), c.at);
  else if (!(await done(c))) await p.assumeCustody(await caseOf(c.booking), c.at);
  console.log(`progress ${++commandsDone}`);
}
await p.advanceTo((commands.at(-1)?.at ?? clock.now()) + 10 * 86_400_000);
await store.close();
console.log('done');
