import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NistError, buildTransaction, encodeText, fingerprintBinaryRecord, readTransaction, serializeTransaction, serializeWithLayout, taggedRecord, type TaggedField, type TaggedRecord, type Transaction } from '../index.ts';
import { parseEbtsRules, splitRecordTypes } from './rules.ts';
import { validate } from './validate.ts';

const MINI = `\ufeff# a miniature rules file in the EBTS grammar
TRANSACTIONS "Tenprint"

  CAR   "Criminal Tenprint Submission (Answer Required)"
        1:1 2:1 414:2-14;

FIELDS

[M]
	1.001	T1_LEN	N		2-x		1		desc="Logical Record Length";
[M]
	1.003:	T1_CNT	N		1-x		2-x		desc="File Content";
[M]
	1.004	T1_TOT	A		3-4		1		desc="Type of Transaction"
		mmap="CAR:Criminal|\\
			SRE:Results";
[M, CAR]
	2.018	T2_NAM	AS		3-30	1		desc="Name"
		sca="-, "; # names: letters, comma, hyphen, blank
[O, CAR]
	2.020	T2_POB	A		2		1		desc="Place of Birth"
		mmap="file://T2_POB.txt";
[M, CAR]
	2.022	T2_DOB	N		8		1-5		desc="Date of Birth"
		date="ZCCYYMMDD";
[M, CAR]
	2.047:	T2_ASL	ANS		1-308	1-40	desc="Arrest Segment Literal" sca="PRINT";
[O, CAR]
	2.047..1	T2_ASL_DOO	N	8		1		desc="Date of Offense" date="CCYYMMDD";
[M, CAR]
	2.047..2	T2_ASL_AOL	ANS	1-300	1		desc="Arrest Offense Literal" sca="PRINT";
[O, CAR]
	2.054	T2_SSD	N		8		1		desc="Status Start Date"
		greatereq("T2_DOA");
[M, CAR]
	2.045	T2_DOA	N		8		1		desc="Date of Arrest";
[M]
	4.01...0	T4_LEN	B4	2-8		1		desc="Logical Record Length";
	4.04...6	T4_FGP	B1	1-3		1-6		desc="Finger Position"
		mmap="0:Unknown|1:Right Thumb|2:Right Index|255"
		empty="255";
`;

function sample(overrides: Record<number, string | string[][] | undefined> = {}) {
  const t2 = taggedRecord(2, { 2: '00', 18: 'DOE,JOHN', 20: 'CA', 22: '19800101', 45: '20110102', 47: [['', 'ASSAULT']], ...overrides });
  const fp = (pos: number, idc: number) => fingerprintBinaryRecord({ idc, impression: 1, fingerPositions: [pos], width: 10, height: 10, compression: 1, data: new Uint8Array(3) });
  return buildTransaction({ transactionType: 'CAR', date: '20110102', destinationAgency: 'DCFBIWAK0', originatingAgency: 'CA0190000', controlNumber: 'TCN0000001' }, [t2, fp(1, 1), fp(2, 2)]);
}

const rules = parseEbtsRules(MINI, { codeTables: { 'T2_POB.txt': 'CA\tCalifornia\r\nMX\tMexico\r\n' } });

describe('the EBTS rules parser', () => {
  it('reads transaction record counts, joining 414 into Type-4 and Type-14', () => {
    expect(rules.transactions.get('CAR')?.counts.find((c) => c.key === '414')).toEqual({ key: '414', types: [4, 14], count: { min: 2, max: 14 } });
    expect(splitRecordTypes('713')).toEqual([7, 13]);
    expect(splitRecordTypes('10')).toEqual([10]);
  });

  it('reads headers, items, binary offsets, maps, code tables and conditions', () => {
    const byTag = new Map(rules.fields.map((f) => [f.mnemonic, f]));
    expect(byTag.get('T2_NAM')).toMatchObject({ tag: '2.018', charType: 'AS', size: { min: 3, max: 30 }, sca: '-, ', defaultPresence: 'M' });
    expect(byTag.get('T2_ASL_AOL')).toMatchObject({ tag: '2.047..2', item: 2 });
    expect(byTag.get('T2_ASL')?.hasItems).toBe(true);
    expect(byTag.get('T4_FGP')).toMatchObject({ tag: '4.004...6', byteOffset: 6, charType: 'B1', empty: '255' });
    expect([...byTag.get('T1_TOT')!.mmap!.codes.keys()]).toEqual(['CAR', 'SRE']);
    expect(byTag.get('T2_POB')!.mmap!.codes.get('MX')).toBe('Mexico');
    expect(byTag.get('T2_SSD')!.conditions).toEqual([{ name: 'greatereq', argument: 'T2_DOA' }]);
  });

  it('rejects malformed rules with a NistError naming the line', () => {
    expect(() => parseEbtsRules('FIELDS\n[M]\n 2.018 T2_NAM AS\n')).toThrow(NistError);
    expect(() => parseEbtsRules('FIELDS\n[M]\n 2.018 T2_NAM AS 3-30 1 desc="unterminated\n')).toThrow(/unterminated/);
  });

  it('treats every white-space character as a separator (a form feed or no-break space never stalls the tokenizer)', () => {
    // Found by the mutation fuzz (src/platform/fuzz): a "\f" made an empty word that never advanced, until memory ran out.
    for (const ws of ['\f', '\v', '\u00a0', '\u1680', '\u2000', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000']) {
      const spaced = parseEbtsRules(MINI.replaceAll('\t', ws), { codeTables: { 'T2_POB.txt': 'CA\tCalifornia\r\nMX\tMexico\r\n' } });
      expect(spaced.fields.map((f) => f.tag), JSON.stringify(ws)).toEqual(rules.fields.map((f) => f.tag));
      expect(() => parseEbtsRules(`FIELDS\n[M]\n${ws}2.018${ws}T2_NAM${ws}`)).toThrow(NistError);
    }
  });
});

describe('validation against the rules', () => {
  it('accepts a conformant transaction', () => {
    const report = validate(sample(), rules);
    expect(report.violations.filter((v) => v.severity === 'error')).toEqual([]);
    expect(report.valid).toBe(true);
  });

  it('reports every violation with record index, field tag, byte offset and rule', () => {
    const t = sample({ 18: 'DOE1,JOHN', 20: 'ZZ', 22: '19801301', 47: [['2011', '']], 54: '20100101', 45: '20110102' });
    const report = validate(t, rules);
    const { layout } = serializeWithLayout(t);
    const rulesBroken = report.violations.map((v) => `${v.rule} ${v.fieldTag}`);
    expect(rulesBroken).toEqual(
      expect.arrayContaining(['character-type 2.018', 'code-table 2.020', 'date 2.022', 'date 2.047..1', 'missing-item 2.047..2', 'comparison 2.054']),
    );
    const nam = report.violations.find((v) => v.fieldTag === '2.018')!;
    expect(nam.recordIndex).toBe(1);
    expect(nam.offset).toBeGreaterThan(layout.records[1].offset);
    expect(report.valid).toBe(false);
  });

  it('reports missing mandatory fields, record counts and bad binary codes', () => {
    const base = sample({ 18: undefined });
    const [t1, t2, fp1] = base.records;
    const badFp = fingerprintBinaryRecord({ idc: 2, impression: 1, fingerPositions: [9], width: 1, height: 1, compression: 1, data: new Uint8Array(1) });
    const t = { records: [t1, t2, fp1, badFp] };
    const rules2 = validate(t, rules).violations.map((v) => v.rule);
    expect(rules2).toEqual(expect.arrayContaining(['missing-field', 'value']));
    const fewer = validate({ records: [t1, t2, fp1] }, rules).violations;
    expect(fewer.some((v) => v.rule === 'record-count' && /found 1/.test(v.message))).toBe(true);
  });
});

/** The sample with one extra field inserted as the `at`-th field of its Type-2 record. */
function withExtraType2Field(tag: string, value: string, at = 3): Transaction {
  const t = sample();
  const [rt, fn] = tag.split('.').map(Number);
  const extra: TaggedField = { tag, recordType: rt, fieldNumber: fn, value: encodeText(value) };
  const t2 = t.records[1] as TaggedRecord;
  const fields = [...t2.fields];
  fields.splice(at, 0, extra);
  return { records: [t.records[0], { ...t2, fields }, ...t.records.slice(2)] };
}

describe('validation of encoding quirks (read leniently, judged strictly)', () => {
  it('reports a field tag of another record type as an error at its offset, and does not judge it as the record’s own field', () => {
    const t = withExtraType2Field('9.018', '12345');
    const { layout } = serializeWithLayout(t);
    const report = validate(t, rules);
    expect(report.valid).toBe(false);
    expect(report.violations.filter((v) => v.rule === 'FOREIGN_FIELD_TAG')).toEqual([
      expect.objectContaining({ severity: 'error', recordIndex: 1, recordType: 2, fieldTag: '9.018', offset: layout.records[1].fields[3] }),
    ]);
    expect(report.violations.filter((v) => v.rule !== 'FOREIGN_FIELD_TAG' && v.severity === 'error')).toEqual([]);
  });

  it('reports a repeated field at its second occurrence and judges the first', () => {
    const t = withExtraType2Field('2.018', 'DOE1,JOHN', 4);
    const { layout } = serializeWithLayout(t);
    const report = validate(t, rules);
    expect(report.valid).toBe(false);
    expect(report.violations.filter((v) => v.severity === 'error')).toEqual([
      expect.objectContaining({ rule: 'REPEATED_FIELD', recordIndex: 1, fieldTag: '2.018', offset: layout.records[1].fields[4] }),
    ]);
  });

  it('reports each warning of lenient reading, such as a wrong LEN, with its file offset', () => {
    const bytes = serializeTransaction(sample()).slice();
    const t2At = serializeWithLayout(sample()).layout.records[1].offset;
    const lenAt = t2At + '2.001:'.length;
    bytes[lenAt + 1] = bytes[lenAt + 1] === 0x39 ? 0x38 : bytes[lenAt + 1] + 1; // LEN off by one
    const { transaction, warnings } = readTransaction(bytes);
    expect(warnings.map((w) => w.code)).toEqual(['LENGTH_MISMATCH']);
    const report = validate(transaction, rules, { readWarnings: warnings });
    expect(report.valid).toBe(false);
    expect(report.violations.filter((v) => v.severity === 'error')).toEqual([expect.objectContaining({ rule: 'LENGTH_MISMATCH', offset: lenAt, recordIndex: 1, fieldTag: '2.001' })]);
  });
});

const ebtsDir = fileURLToPath(new URL('../../../../shared/data/ebts/', import.meta.url));
describe.skipIf(!existsSync(`${ebtsDir}EBTS9.1_ENUS.txt`))('the FBI EBTS 9.1 verification file', () => {
  it('parses into 71 transaction types and field rules for record types 1, 2, 4, 7, 9, 10, 13, 14 and 15', () => {
    const r = parseEbtsRules(readFileSync(`${ebtsDir}EBTS9.1_ENUS.txt`, 'utf8'));
    expect(r.transactions.size).toBe(71);
    expect(new Set(r.fields.map((f) => f.recordType))).toEqual(new Set([1, 2, 4, 7, 9, 10, 13, 14, 15]));
    expect(r.transactions.get('CAR')?.counts.map((c) => c.key)).toEqual(['1', '2', '414', '10', '713', '15']);
    expect([...r.missingTables].sort()).toEqual(['T2_CTZ.txt', 'T2_GEO.txt', 'T2_POB.txt', 'T2_SMT.txt']);
  });
});
