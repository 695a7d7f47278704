import { fieldOf } from '../access.ts';
import type { NistWarning, NistWarningCode } from '../errors.ts';
import { fieldQuirks } from '../parse.ts';
import { serializeWithLayout } from '../serialize.ts';
import { RS, US, decodeText, type NistRecord, type TaggedField, type TaggedRecord, type Transaction } from '../model.ts';
import { presenceFor, type FieldRule, type EbtsRules, type Presence } from './rules.ts';

/** Which kind of rule a violation breaks. */
export type ViolationRule =
  | 'unknown-transaction-type'
  | 'record-count'
  | 'record-type-not-allowed'
  | 'idc-mismatch'
  | 'missing-field'
  | 'missing-item'
  | 'field-not-allowed'
  | 'undefined-field'
  | 'occurrences'
  | 'character-type'
  | 'length'
  | 'value'
  | 'code-table'
  | 'date'
  | 'pattern'
  | 'line-length'
  | 'comparison'
  | 'exclusive'
  | 'code-table-missing'
  /** An encoding quirk (read leniently, see src/nist/README.md): always an error here. */
  | NistWarningCode;

export interface Violation {
  readonly rule: ViolationRule;
  /** 'error' makes the transaction invalid; 'warning' is reported but tolerated (e.g. fields EBTS does not define). */
  readonly severity: 'error' | 'warning';
  readonly recordIndex: number;
  readonly recordType: number;
  /** Field tag ("2.018"), item tag ("2.047..2"), or undefined for record-level problems. */
  readonly fieldTag: string | undefined;
  /** EBTS mnemonic of the broken rule, when there is one (e.g. "T2_NAM"). */
  readonly mnemonic: string | undefined;
  /** Byte offset of the offending record/field/subfield/item in the serialized transaction. */
  readonly offset: number;
  readonly message: string;
  /** Line of the rule in the rules file. */
  readonly ruleLine?: number;
}

export interface ValidationReport {
  readonly transactionType: string | undefined;
  readonly valid: boolean;
  readonly violations: readonly Violation[];
}

export interface ValidateOptions {
  /** Report fields that EBTS does not define for this transaction type (default true, as warnings). */
  readonly reportUndefinedFields?: boolean;
  /**
   * The warnings readTransaction returned for this transaction. Each becomes an error-severity violation
   * with its file offset. When absent, the field-level quirks (FOREIGN_FIELD_TAG, REPEATED_FIELD) are
   * found in the transaction itself, so a transaction built or read without its warnings is judged alike.
   */
  readonly readWarnings?: readonly NistWarning[];
}

interface Span {
  readonly start: number; // offset within the field value
  readonly end: number;
}

/** Splits a value into subfields (RS) and items (US) as byte spans. */
function spans(value: Uint8Array): Span[][] {
  const out: Span[][] = [];
  let items: Span[] = [];
  let start = 0;
  for (let i = 0; i <= value.length; i++) {
    const b = i === value.length ? RS : value[i];
    if (b === US || b === RS) {
      items.push({ start, end: i });
      start = i + 1;
      if (b === RS) {
        out.push(items);
        items = [];
      }
    }
  }
  return out;
}

const isPrintable = (c: string): boolean => c >= ' ' && c <= '~';

function charTypeError(text: string, rule: FieldRule): string | undefined {
  const type = rule.charType;
  if (type === '' || type.startsWith('B')) return undefined;
  const alpha = type.includes('A');
  const numeric = type.includes('N');
  const special = type.includes('S');
  const sca = rule.sca;
  for (const c of text) {
    if (alpha && /[A-Za-z]/.test(c)) continue;
    if (numeric && /[0-9]/.test(c)) continue;
    if (sca !== undefined) {
      if (sca === 'PRINT' ? isPrintable(c) : sca.includes(c)) continue;
    } else if (special && isPrintable(c)) {
      continue;
    }
    const shown = isPrintable(c) ? `"${c}"` : `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
    return `character ${shown} is not allowed in a ${type} field${sca !== undefined ? ` (special characters allowed: ${sca === 'PRINT' ? 'any printable' : JSON.stringify(sca)})` : ''}`;
  }
  return undefined;
}

function validCalendarDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return d <= days[m - 1];
}

/** Checks a value against a date pattern such as CCYYMMDD, ZCCYYMMDD (all-zero allowed) or YYYYMMDDhhmmssZ. */
function dateError(text: string, pattern: string): string | undefined {
  let p = pattern;
  if (p.startsWith('Z')) {
    p = p.slice(1);
    if (/^0+$/.test(text) && text.length === p.length) return undefined;
  }
  const expectedLength = p.length;
  if (text.length !== expectedLength) return `date must have the form ${pattern}`;
  const pick = (token: string): number | undefined => {
    const at = p.indexOf(token);
    return at < 0 ? undefined : Number(text.slice(at, at + token.length));
  };
  for (let i = 0; i < p.length; i++) {
    const want = p[i];
    const c = text[i];
    if (want === 'Z' && i === p.length - 1) {
      if (c !== 'Z') return `date must have the form ${pattern}`;
    } else if (!/[0-9]/.test(c)) {
      return `date must have the form ${pattern}`;
    }
  }
  const year = pick('CCYY') ?? pick('YYYY');
  const month = pick('MM');
  const day = pick('DD');
  if (year !== undefined && month !== undefined && day !== undefined && !validCalendarDate(year, month, day)) {
    return `${text} is not a calendar date`;
  }
  const hh = pick('hh');
  const mm = p.indexOf('mm') >= 0 ? pick('mm') : undefined;
  const ss = pick('ss');
  if ((hh !== undefined && hh > 23) || (mm !== undefined && mm > 59) || (ss !== undefined && ss > 59)) return `${text} is not a valid time`;
  return undefined;
}

function inMap(codes: ReadonlyMap<string, string>, text: string): boolean {
  if (codes.has(text)) return true;
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    for (const k of codes.keys()) if (/^\d+$/.test(k) && Number(k) === n) return true;
  }
  return false;
}

function safeRegex(source: string): RegExp | undefined {
  try {
    return new RegExp(`^(?:${source})$`, 's');
  } catch {
    return undefined;
  }
}

class Collector {
  readonly violations: Violation[] = [];
  add(v: Omit<Violation, 'severity'> & { severity?: 'error' | 'warning' }): void {
    this.violations.push({ severity: 'error', ...v });
  }
}

interface Ctx {
  readonly tot: string;
  readonly out: Collector;
  readonly recordIndex: number;
  readonly record: NistRecord;
  readonly recordOffset: number;
}

/** Checks one text value (a field, a subfield or an item) against a rule. */
function checkValue(ctx: Ctx, rule: FieldRule, text: string, offset: number, fieldTag: string, record: TaggedRecord): void {
  const base = { recordIndex: ctx.recordIndex, recordType: ctx.record.type, fieldTag, mnemonic: rule.mnemonic, offset, ruleLine: rule.line };
  if (text === '') return;
  const { size } = rule;
  const length = [...text].length;
  if (length < size.min || (size.max !== undefined && length > size.max)) {
    ctx.out.add({ ...base, rule: 'length', message: `${rule.mnemonic} (${rule.description}) has ${length} characters; allowed ${size.min}${size.max === size.min ? '' : `–${size.max ?? 'any'}`}` });
  }
  const ct = charTypeError(text, rule);
  if (ct) ctx.out.add({ ...base, rule: 'character-type', message: `${rule.mnemonic}: ${ct}` });
  if (rule.mmap) {
    if (rule.mmap.unresolved) {
      // reported once per transaction by the caller
    } else if (!inMap(rule.mmap.codes, text)) {
      ctx.out.add({
        ...base,
        rule: rule.mmap.file ? 'code-table' : 'value',
        message: rule.mmap.file
          ? `${rule.mnemonic}: "${text}" is not a code in ${rule.mmap.file}`
          : `${rule.mnemonic}: "${text}" is not one of ${[...rule.mmap.codes.keys()].slice(0, 20).join(', ')}${rule.mmap.codes.size > 20 ? ', …' : ''}`,
      });
    }
  }
  if (rule.regex !== undefined) {
    const re = safeRegex(rule.regex);
    if (re && !re.test(text)) ctx.out.add({ ...base, rule: 'pattern', message: `${rule.mnemonic}: "${text}" does not match /${rule.regex}/` });
  }
  if (rule.nregex !== undefined) {
    const re = safeRegex(rule.nregex);
    if (re && re.test(text)) ctx.out.add({ ...base, rule: 'pattern', message: `${rule.mnemonic}: "${text}" matches the forbidden pattern /${rule.nregex}/` });
  }
  if (rule.date !== undefined) {
    const d = dateError(text, rule.date);
    if (d) ctx.out.add({ ...base, rule: 'date', message: `${rule.mnemonic}: ${d}` });
  }
  if (rule.maxLineLength !== undefined) {
    const long = text.split(/\r?\n/).find((l) => l.length > rule.maxLineLength!);
    if (long !== undefined) ctx.out.add({ ...base, rule: 'line-length', message: `${rule.mnemonic}: a line is longer than ${rule.maxLineLength} characters` });
  }
  for (const c of rule.conditions) {
    if (c.name === 'greatereq') {
      const other = fieldByMnemonic(record, c.argument, ctx);
      if (other !== undefined && other !== '' && text < other) {
        ctx.out.add({ ...base, rule: 'comparison', message: `${rule.mnemonic} (${text}) must not be less than ${c.argument} (${other})` });
      }
    }
  }
}

const mnemonicIndex: WeakMap<EbtsRules, Map<string, FieldRule>> = new WeakMap();
let currentRules: EbtsRules | undefined;

function fieldByMnemonic(record: TaggedRecord, mnemonic: string, _ctx: Ctx): string | undefined {
  if (!currentRules) return undefined;
  let idx = mnemonicIndex.get(currentRules);
  if (!idx) {
    idx = new Map(currentRules.fields.map((f) => [f.mnemonic, f]));
    mnemonicIndex.set(currentRules, idx);
  }
  const rule = idx.get(mnemonic);
  if (!rule || rule.item !== undefined) return undefined;
  const f = fieldOf(record, rule.fieldNumber);
  return f ? decodeText(f.value) : undefined;
}

function conditionsHold(rule: FieldRule, record: TaggedRecord, itemTexts: readonly string[] | undefined, ctx: Ctx): boolean {
  for (const c of rule.conditions) {
    if (c.name === 'supportedif' && c.value !== undefined) {
      const other = fieldByMnemonic(record, c.argument, ctx);
      if (other === undefined || !c.value.split('|').some((v) => v === other)) return false;
    }
    if (c.name === 'if' && c.value !== undefined && itemTexts) {
      const m = /\.\.(\d+)$/.exec(c.argument);
      if (m && itemTexts[Number(m[1]) - 1] !== c.value) return false;
    }
  }
  return true;
}

function applicable(rules: readonly FieldRule[], tot: string): { rule: FieldRule; presence: Presence }[] {
  const out: { rule: FieldRule; presence: Presence }[] = [];
  for (const rule of rules) {
    const p = presenceFor(rule, tot);
    if (p !== undefined) out.push({ rule, presence: p });
  }
  return out;
}

function validateTaggedRecord(ctx: Ctx, record: TaggedRecord, fieldOffsets: readonly number[], rules: readonly FieldRule[], opts: ValidateOptions): void {
  const byField = new Map<number, FieldRule[]>();
  for (const r of rules) {
    if (r.recordType !== record.type) continue;
    const list = byField.get(r.fieldNumber) ?? [];
    list.push(r);
    byField.set(r.fieldNumber, list);
  }
  const present = new Map<number, { field: TaggedField; offset: number }>();
  // A field with another record type's tag is not this record's (FOREIGN_FIELD_TAG); of a repeated field
  // the first occurrence is judged (REPEATED_FIELD is reported on its own).
  record.fields.forEach((f, i) => {
    if (f.recordType === record.type && !present.has(f.fieldNumber)) present.set(f.fieldNumber, { field: f, offset: fieldOffsets[i] ?? ctx.recordOffset });
  });

  for (const [fieldNumber, list] of byField) {
    const fieldRules = applicable(
      list.filter((r) => r.item === undefined),
      ctx.tot,
    ).filter((a) => conditionsHold(a.rule, record, undefined, ctx));
    const here = present.get(fieldNumber);
    if (fieldRules.length === 0) {
      if (here && list.some((r) => r.item === undefined)) {
        ctx.out.add({
          rule: 'field-not-allowed',
          severity: 'warning',
          recordIndex: ctx.recordIndex,
          recordType: record.type,
          fieldTag: here.field.tag,
          mnemonic: list[0].mnemonic,
          offset: here.offset,
          message:
            applicable(list.filter((r) => r.item === undefined), ctx.tot).length > 0
              ? `${list[0].mnemonic} (${here.field.tag}) is present although its condition (${list[0].conditions.map((c) => `${c.name}(${c.argument})${c.value !== undefined ? `=${c.value}` : ''}`).join(', ')}) does not hold`
              : `${list[0].mnemonic} (${here.field.tag}) is not defined for transaction type ${ctx.tot}`,
        });
      }
      continue;
    }
    const { rule, presence } = fieldRules[0];
    if (!here) {
      if (presence === 'M') {
        ctx.out.add({
          rule: 'missing-field',
          recordIndex: ctx.recordIndex,
          recordType: record.type,
          fieldTag: rule.tag,
          mnemonic: rule.mnemonic,
          offset: ctx.recordOffset,
          message: `mandatory field ${rule.tag} ${rule.mnemonic} (${rule.description}) is missing for ${ctx.tot}`,
          ruleLine: rule.line,
        });
      }
      continue;
    }
    if (rule.charType.startsWith('B') || fieldNumber === 999 || fieldNumber === 1) continue; // binary data; LEN is structural
    const valueOffset = here.offset + here.field.tag.length + 1;
    const subfields = spans(here.field.value);
    const occ = rule.occurrences;
    if (subfields.length < occ.min || (occ.max !== undefined && subfields.length > occ.max)) {
      ctx.out.add({
        rule: 'occurrences',
        recordIndex: ctx.recordIndex,
        recordType: record.type,
        fieldTag: here.field.tag,
        mnemonic: rule.mnemonic,
        offset: here.offset,
        message: `${rule.mnemonic} has ${subfields.length} subfield(s); allowed ${occ.min}${occ.max === occ.min ? '' : `–${occ.max ?? 'any'}`}`,
        ruleLine: rule.line,
      });
    }
    const itemRules = list.filter((r) => r.item !== undefined);
    for (const sub of subfields) {
      const texts = sub.map((s) => decodeText(here.field.value.subarray(s.start, s.end)));
      if (rule.hasItems && itemRules.length > 0) {
        const byItem = new Map<number, { rule: FieldRule; presence: Presence }[]>();
        for (const a of applicable(itemRules, ctx.tot)) {
          const l = byItem.get(a.rule.item!) ?? [];
          l.push(a);
          byItem.set(a.rule.item!, l);
        }
        // Items whose block header names no TOT inherit the field's applicability.
        for (const r of itemRules) {
          if (r.tots !== undefined || byItem.has(r.item!)) continue;
          byItem.set(r.item!, [{ rule: r, presence: r.defaultPresence }]);
        }
        for (const [itemNo, candidates] of byItem) {
          const chosen = candidates.find((c) => conditionsHold(c.rule, record, texts, ctx));
          if (!chosen) continue;
          const text = texts[itemNo - 1];
          const span = sub[itemNo - 1];
          if (text === undefined || text === '') {
            if (chosen.presence === 'M') {
              ctx.out.add({
                rule: 'missing-item',
                recordIndex: ctx.recordIndex,
                recordType: record.type,
                fieldTag: chosen.rule.tag,
                mnemonic: chosen.rule.mnemonic,
                offset: valueOffset + (span?.start ?? sub[sub.length - 1].end),
                message: `mandatory information item ${chosen.rule.tag} ${chosen.rule.mnemonic} (${chosen.rule.description}) is missing`,
                ruleLine: chosen.rule.line,
              });
            }
            continue;
          }
          checkValue(ctx, chosen.rule, text, valueOffset + span.start, chosen.rule.tag, record);
        }
      } else if (rule.hasItems) {
        // Items without rules of their own: each item is held to the field's rule.
        sub.forEach((span, k) => checkValue(ctx, rule, texts[k], valueOffset + span.start, here.field.tag, record));
      } else {
        const span = { start: sub[0].start, end: sub[sub.length - 1].end };
        const text = decodeText(here.field.value.subarray(span.start, span.end));
        checkValue(ctx, rule, text, valueOffset + span.start, here.field.tag, record);
      }
    }
    for (const c of rule.conditions) {
      if (c.name === 'xor' && fieldByMnemonic(record, c.argument, ctx) !== undefined) {
        ctx.out.add({
          rule: 'exclusive',
          recordIndex: ctx.recordIndex,
          recordType: record.type,
          fieldTag: here.field.tag,
          mnemonic: rule.mnemonic,
          offset: here.offset,
          message: `${rule.mnemonic} and ${c.argument} must not both be present`,
          ruleLine: rule.line,
        });
      }
    }
  }
  if (opts.reportUndefinedFields !== false) {
    for (const [fieldNumber, { field, offset }] of present) {
      if (byField.has(fieldNumber) || fieldNumber === 1) continue;
      ctx.out.add({
        rule: 'undefined-field',
        severity: 'warning',
        recordIndex: ctx.recordIndex,
        recordType: record.type,
        fieldTag: field.tag,
        mnemonic: undefined,
        offset,
        message: `field ${field.tag} is not defined by the EBTS rules`,
      });
    }
  }
}

function validateBinaryRecord(ctx: Ctx, rules: readonly FieldRule[]): void {
  const record = ctx.record;
  if (record.kind !== 'binary') return;
  // Offsets in the rules count from the start of the record: 4 LEN bytes, then the header.
  const bytes = new Uint8Array(4 + record.header.length);
  bytes.set(record.header, 4);
  for (const { rule } of applicable(rules.filter((r) => r.recordType === record.type && r.byteOffset !== undefined), ctx.tot)) {
    const width = Number(rule.charType.slice(1)) || 1;
    const at = rule.byteOffset!;
    if (at < 5 || !rule.mmap) continue; // LEN is structural; data is opaque; only enumerated fields are checked
    const count = rule.occurrences.max ?? 1;
    for (let k = 0; k < count; k++) {
      const p = at + k * width;
      if (p + width > bytes.length) break;
      let v = 0;
      for (let b = 0; b < width; b++) v = v * 256 + bytes[p + b];
      const text = String(v);
      if (rule.empty !== undefined && text === rule.empty) continue;
      if (!inMap(rule.mmap.codes, text)) {
        ctx.out.add({
          rule: 'value',
          recordIndex: ctx.recordIndex,
          recordType: record.type,
          fieldTag: rule.tag,
          mnemonic: rule.mnemonic,
          offset: ctx.recordOffset + p,
          message: `${rule.mnemonic} (${rule.description}) byte value ${v} is not an allowed code`,
          ruleLine: rule.line,
        });
      }
    }
  }
}

/** Validates a transaction against parsed EBTS rules; reports every violation found. */
export function validate(t: Transaction, rules: EbtsRules, options: ValidateOptions = {}): ValidationReport {
  currentRules = rules;
  const out = new Collector();
  const { layout } = serializeWithLayout(t);
  const type1 = t.records[0];
  const totField = type1 ? fieldOf(type1, 4) : undefined;
  const tot = totField ? decodeText(totField.value) : undefined;
  const txRule = tot === undefined ? undefined : rules.transactions.get(tot);
  if (!txRule) {
    out.add({
      rule: 'unknown-transaction-type',
      recordIndex: 0,
      recordType: 1,
      fieldTag: '1.004',
      mnemonic: 'T1_TOT',
      offset: totField ? layout.records[0].fields[type1.kind === 'tagged' ? type1.fields.indexOf(totField) : 0] : 0,
      message: `transaction type ${tot === undefined ? '(none)' : JSON.stringify(tot)} is not defined by the EBTS rules`,
    });
  } else {
    const counted = new Set<number>();
    for (const c of txRule.counts) {
      for (const type of c.types) counted.add(type);
      const n = t.records.filter((r) => c.types.includes(r.type)).length;
      if (n < c.count.min || (c.count.max !== undefined && n > c.count.max)) {
        out.add({
          rule: 'record-count',
          recordIndex: -1,
          recordType: c.types[0],
          fieldTag: undefined,
          mnemonic: undefined,
          offset: n > 0 ? layout.records[t.records.findIndex((r) => c.types.includes(r.type))].offset : 0,
          message: `${tot} needs ${c.count.min}${c.count.max === c.count.min ? '' : `–${c.count.max ?? 'any'}`} record(s) of Type-${c.types.join('/Type-')}; found ${n}`,
        });
      }
    }
    t.records.forEach((r, i) => {
      if (!counted.has(r.type)) {
        out.add({
          rule: 'record-type-not-allowed',
          recordIndex: i,
          recordType: r.type,
          fieldTag: undefined,
          mnemonic: undefined,
          offset: layout.records[i].offset,
          message: `Type-${r.type} records are not part of a ${tot} transaction`,
        });
      }
    });
  }
  const effectiveTot = tot ?? '';
  // Encoding quirks: reading's own warnings (with file offsets) or, without them, the field-level ones.
  const quirks =
    options.readWarnings ??
    t.records.flatMap((r, i) => (r.kind === 'tagged' ? fieldQuirks(r, i, layout.records[i].fields) : []));
  for (const w of quirks) {
    out.add({
      rule: w.code,
      recordIndex: w.recordIndex,
      recordType: w.recordType,
      fieldTag: w.tag,
      mnemonic: undefined,
      offset: w.offset,
      message: w.message,
    });
  }
  // IDC in CNT must match each record's IDC.
  const cntField = type1 ? fieldOf(type1, 3) : undefined;
  if (cntField) {
    const entries = decodeText(cntField.value).split('\x1e').slice(1);
    entries.forEach((e, k) => {
      const r = t.records[k + 1];
      if (!r) return;
      const cntIdc = Number(e.split('\x1f')[1]);
      const idc = r.kind === 'binary' ? r.header[0] : Number(decodeText(fieldOf(r, 2)?.value ?? new Uint8Array()));
      if (cntIdc !== idc) {
        out.add({
          rule: 'idc-mismatch',
          recordIndex: k + 1,
          recordType: r.type,
          fieldTag: r.kind === 'binary' ? `${r.type}.002` : fieldOf(r, 2)?.tag ?? `${r.type}.002`,
          mnemonic: undefined,
          offset: layout.records[k + 1].offset,
          message: `record IDC ${idc} differs from ${cntIdc} announced in 1.003 CNT`,
        });
      }
    });
  }
  const reported = new Set<string>();
  for (const f of rules.fields) {
    if (f.mmap?.unresolved && !reported.has(f.mmap.file!)) {
      reported.add(f.mmap.file!);
      if (t.records.some((r) => r.type === f.recordType && fieldOf(r, f.fieldNumber) !== undefined)) {
        out.add({
          rule: 'code-table-missing',
          severity: 'warning',
          recordIndex: -1,
          recordType: f.recordType,
          fieldTag: f.tag,
          mnemonic: f.mnemonic,
          offset: 0,
          message: `code table ${f.mmap.file} was not supplied; ${f.mnemonic} values were not checked against it`,
        });
      }
    }
  }
  t.records.forEach((record, i) => {
    const ctx: Ctx = { tot: effectiveTot, out, recordIndex: i, record, recordOffset: layout.records[i].offset };
    if (record.kind === 'tagged') validateTaggedRecord(ctx, record, layout.records[i].fields, rules.fields, options);
    else validateBinaryRecord(ctx, rules.fields);
  });
  currentRules = undefined;
  return { transactionType: tot, valid: !out.violations.some((v) => v.severity === 'error'), violations: out.violations };
}
