import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildTransaction, encodeText, parseTransaction, serializeTransaction, taggedRecord, textOf, type TaggedField, type TaggedRecord, type Transaction } from '../nist/index.ts';
import { DEFAULT_RULES } from './nist.ts';
import { runCli } from './testing.ts';

const TYPE1 = { transactionType: 'CAR', date: '20110102', destinationAgency: 'DCFBIWAK0', originatingAgency: 'CA0190000', controlNumber: 'TCN0000001' };

function clean(): Transaction {
  const t2 = taggedRecord(2, { 2: '00', 18: 'DOE,JOHN', 22: '19800101' });
  const t9 = taggedRecord(9, { 2: '01', 3: '0', 4: 'U', 137: [['001', '491', '260']] });
  // An uncompressed 2×2 grayscale Type-14 image, which `images` writes as PNG.
  const t14 = taggedRecord(14, { 2: '02', 3: '0', 4: 'CA0190000', 5: '20110102', 6: '2', 7: '2', 8: '1', 9: '500', 10: '500', 11: 'NONE', 12: '8', 13: '2', 999: new Uint8Array([0, 64, 128, 255]) });
  return buildTransaction(TYPE1, [t2, t9, t14]);
}

function insert(t: Transaction, index: number, at: number, tag: string, value: string): Transaction {
  const [rt, fn] = tag.split('.').map(Number);
  const extra: TaggedField = { tag, recordType: rt, fieldNumber: fn, value: encodeText(value) };
  return {
    records: t.records.map((r, i) => {
      if (i !== index || r.kind !== 'tagged') return r;
      const fields = [...r.fields];
      fields.splice(at, 0, extra);
      return { ...r, fields };
    }),
  };
}

/** A transaction with a `2.005` tag inside its Type-9 and a repeated `2.018` in its Type-2. */
function quirky(): { bytes: Uint8Array; foreignAt: number; repeatedAt: number } {
  const bytes = serializeTransaction(insert(insert(clean(), 2, 3, '2.005', 'FOREIGN7'), 1, 3, '2.018', 'ROE,RICHARD'));
  const text = Buffer.from(bytes).toString('latin1');
  return { bytes, foreignAt: text.indexOf('2.005:FOREIGN7'), repeatedAt: text.indexOf('2.018:ROE,RICHARD') };
}

function tempFile(name: string, bytes: Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), 'seccom-nist-'));
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

describe('seccom nist on a transaction with quirks', () => {
  const { bytes, foreignAt, repeatedAt } = quirky();

  it('dump succeeds and prints one warning line per quirk to stderr, with its offset', async () => {
    const file = tempFile('q.an2', bytes);
    const r = await runCli('nist', 'dump', file);
    expect(r.code).toBe(0);
    const lines = r.err.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^seccom: warning: .*q\\.an2: REPEATED_FIELD at offset ${repeatedAt} \\(record 1, Type-2, field 2\\.018\\): `));
    expect(lines[1]).toMatch(new RegExp(`^seccom: warning: .*: FOREIGN_FIELD_TAG at offset ${foreignAt} \\(record 2, Type-9, field 2\\.005\\): `));
    expect(r.out).toContain('2.005    FOREIGN7');
  });

  it('dump --json carries the warnings as a list in the output envelope', async () => {
    const file = tempFile('q.an2', bytes);
    const r = await runCli('nist', 'dump', file, '--json');
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    const doc = JSON.parse(r.out);
    expect(doc.warnings).toEqual({
      items: [
        { code: 'REPEATED_FIELD', message: expect.any(String), offset: repeatedAt, recordIndex: 1, recordType: 2, tag: '2.018' },
        { code: 'FOREIGN_FIELD_TAG', message: expect.any(String), offset: foreignAt, recordIndex: 2, recordType: 9, tag: '2.005' },
      ],
      count: 2,
      next: null,
    });
    expect(doc.records[2].fields.find((f: { tag: string }) => f.tag === '2.005')).toEqual({ tag: '2.005', offset: foreignAt, value: 'FOREIGN7' });
  });

  it('dump --strict refuses the file at its first quirk with exit status 2', async () => {
    const file = tempFile('q.an2', bytes);
    const r = await runCli('nist', 'dump', file, '--strict');
    expect(r.code).toBe(2);
    expect(r.err.trim()).toMatch(new RegExp(`^seccom: REPEATED_FIELD: .*offset ${repeatedAt}`));
  });

  it('images writes the image and warns', async () => {
    const file = tempFile('q.an2', bytes);
    const dir = mkdtempSync(join(tmpdir(), 'seccom-nist-out-'));
    const r = await runCli('nist', 'images', file, dir, '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.images).toHaveLength(1);
    expect(doc.warnings.count).toBe(2);
    expect(readdirSync(dir)).toEqual(['r03-type14-pos2.png']);
  });

  it('roundtrip re-encodes the quirks as read, byte for byte, and says the file does not conform', async () => {
    const file = tempFile('q.an2', bytes);
    const r = await runCli('nist', 'roundtrip', file);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/re-encoded byte-identically; not a conforming file: 2 reading quirk\(s\) kept as read/);
    expect(r.err.trim().split('\n')).toHaveLength(2);
    const json = JSON.parse((await runCli('nist', 'roundtrip', file, '--json')).out);
    expect(json).toMatchObject({ identical: true, firstDifference: null, warnings: { count: 2 } });
  });

  it('roundtrip of a file whose LEN is wrong writes it corrected and exits 1 at the LEN', async () => {
    const good = serializeTransaction(clean());
    const t = parseTransaction(good);
    const at = t.records[2].offset! + '9.001:'.length;
    const len = textOf(t.records[2] as TaggedRecord, 1)!;
    const off = good.slice();
    off.set(encodeText(String(Number(len) + 3).padStart(len.length, '0')), at);
    const file = tempFile('len.an2', off);
    const r = await runCli('nist', 'roundtrip', file);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(`LENGTH_MISMATCH at offset ${at} `));
    expect(r.out).toMatch(/differs at byte offset \d+ .*record lengths are written corrected/);
  });

  it.skipIf(!existsSync(DEFAULT_RULES))('validate reports each quirk as a violation with its offset and exits 1', async () => {
    const file = tempFile('q.an2', bytes);
    const r = await runCli('nist', 'validate', file);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(new RegExp(`ERROR +@${repeatedAt} record 1 2\\.018 \\[REPEATED_FIELD\\]`));
    expect(r.out).toMatch(new RegExp(`ERROR +@${foreignAt} record 2 2\\.005 \\[FOREIGN_FIELD_TAG\\]`));
    const json = JSON.parse((await runCli('nist', 'validate', file, '--json')).out);
    expect(json.valid).toBe(false);
    expect(json.violations.filter((v: { rule: string }) => /^[A-Z_]+$/.test(v.rule)).map((v: { rule: string; offset: number }) => [v.rule, v.offset])).toEqual([
      ['REPEATED_FIELD', repeatedAt],
      ['FOREIGN_FIELD_TAG', foreignAt],
    ]);
  });

  it('a conforming file prints no warnings', async () => {
    const file = tempFile('ok.an2', serializeTransaction(clean()));
    const r = await runCli('nist', 'dump', file);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(JSON.parse((await runCli('nist', 'dump', file, '--json')).out).warnings).toEqual({ items: [], count: 0, next: null });
  });
});
