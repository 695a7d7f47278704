/**
 * Parser for the FBI's machine-readable EBTS verification file (e.g. EBTS9.1_ENUS.txt).
 *
 * Grammar worked out from the file (comments start with `#` outside quotes; strings are double-quoted,
 * may span lines, and a trailing `\` continues them):
 *
 *   file        := section*
 *   section     := "TRANSACTIONS" STRING tot-group* | "FIELDS" field-block*
 *   tot-group   := (TOT STRING)+ count* ";"          e.g.  CAR "Criminal…"  1:1 2:1 414:1-14 10:0-4;
 *   count       := TYPES ":" MIN ["-" (MAX | "x")]     TYPES may join record types: 414 = Type-4 + Type-14
 *   field-block := "[" ("M"|"O") ("," TOT ["M"|"O"])* "]" field-def+
 *                  (no TOT list = every transaction; a TOT followed by M/O overrides the default)
 *   field-def   := TAG MNEMONIC [CHARTYPE] SIZE OCCURS attribute* ";"
 *   TAG         := T.FFF            plain field              (2.018)
 *                | T.FFF:          field made of information items
 *                | T.FFF..I        information item I of field T.FFF
 *                | T.FF...B        binary field at byte offset B of a binary record (4.04...6)
 *   CHARTYPE    := A | N | AN | ANS | AS | NS | B1 | B2 | B4
 *   SIZE/OCCURS := N | N-M | N-x | x
 *   attribute   := NAME "=" STRING                    desc, long_desc, mmap, omap, sca, regex, nregex,
 *                                                     date, empty, maxlinelen
 *                | NAME "(" ARG ")" ["=" STRING]      greatereq("T2_DOA"), if(10.042..2)="HUMAN",
 *                                                     supportedif("T10_IMT")="FACE"
 *   mmap/omap   := "code:meaning|code:meaning|…" or "file://T2_POB.txt" (a tab-separated code table)
 */
import { NistError } from '../errors.ts';

export interface Range {
  readonly min: number;
  /** undefined = unbounded ("x"). */
  readonly max: number | undefined;
}

export interface RecordCountRule {
  /** As written, e.g. "414". */
  readonly key: string;
  /** Record types whose records are counted together, e.g. [4, 14]. */
  readonly types: readonly number[];
  readonly count: Range;
}

export interface TransactionRule {
  readonly tot: string;
  readonly description: string;
  readonly category: string;
  readonly counts: readonly RecordCountRule[];
}

export type Presence = 'M' | 'O';

/** A function-style attribute such as greatereq("T2_DOA") or if(10.042..2)="HUMAN". */
export interface ConditionAttribute {
  readonly name: string;
  readonly argument: string;
  readonly value?: string;
}

export interface ValueMap {
  /** Allowed codes → meaning. */
  readonly codes: ReadonlyMap<string, string>;
  /** When the map is a code table file ("file://T2_POB.txt"), its name. */
  readonly file?: string;
  /** True when the file was referenced but not supplied to the parser. */
  readonly unresolved?: boolean;
}

export interface FieldRule {
  /** Normalised tag: "2.018", "2.047..2", "4.004...6". */
  readonly tag: string;
  readonly recordType: number;
  readonly fieldNumber: number;
  /** Information item number (T.FFF..I). */
  readonly item?: number;
  /** Byte offset of a binary field in its record (T.FF...B). */
  readonly byteOffset?: number;
  /** The field is made of information items (tag written "T.FFF:"). */
  readonly hasItems: boolean;
  readonly mnemonic: string;
  /** "" when the file gives no character type. */
  readonly charType: string;
  readonly size: Range;
  readonly occurrences: Range;
  readonly defaultPresence: Presence;
  /** undefined = applies to every transaction type; otherwise TOT → presence. */
  readonly tots: ReadonlyMap<string, Presence> | undefined;
  readonly description: string;
  readonly mmap?: ValueMap;
  readonly omap?: ValueMap;
  /** Special characters allowed, or "PRINT" for any printable ASCII. */
  readonly sca?: string;
  readonly regex?: string;
  readonly nregex?: string;
  readonly date?: string;
  readonly empty?: string;
  readonly maxLineLength?: number;
  readonly conditions: readonly ConditionAttribute[];
  /** 1-based line in the rules file. */
  readonly line: number;
}

export interface EbtsRules {
  readonly transactions: ReadonlyMap<string, TransactionRule>;
  readonly fields: readonly FieldRule[];
  /** Code tables referenced with file:// but not supplied. */
  readonly missingTables: readonly string[];
}

interface Token {
  readonly kind: 'word' | 'string' | 'punct';
  readonly text: string;
  readonly line: number;
}

const PUNCT = new Set(['[', ']', ',', ';', '(', ')', '=']);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === '\n') {
      line++;
      i++;
    } else if (/\s/.test(c) || c === '\ufeff') {
      // Every white-space character separates words (a form feed or a no-break space too, or the
      // word scanner below, which stops at any of them, would make an empty word and never advance).
      i++;
    } else if (c === '#') {
      while (i < n && text[i] !== '\n') i++;
    } else if (c === '"') {
      const startLine = line;
      const close = text.indexOf('"', i + 1);
      if (close < 0) throw new NistError('BAD_RULES', `unterminated string starting on line ${startLine}`);
      const raw = text.slice(i + 1, close);
      for (const ch of raw) if (ch === '\n') line++;
      tokens.push({ kind: 'string', text: raw.replace(/\\?\r?\n[ \t]*/g, ' '), line: startLine });
      i = close + 1;
    } else if (PUNCT.has(c)) {
      tokens.push({ kind: 'punct', text: c, line });
      i++;
    } else {
      const start = i;
      while (i < n && !/[\s#"[\],;()=]/.test(text[i])) i++;
      tokens.push({ kind: 'word', text: text.slice(start, i), line });
    }
  }
  return tokens;
}

const TAG_RE = /^(\d{1,3})\.(\d{1,4})(?:(:)|(\.)|\.\.(\d+)|\.\.\.(\d+))?$/;
const COUNT_RE = /^(\d+):(\d+)(?:-(\d+|x))?$/;
const RANGE_RE = /^(\d+|x)(?:-(\d+|x))?$/;
const TOT_RE = /^[A-Z][A-Z0-9]{1,5}$/;
/** Record types defined by ANSI/NIST-ITL, used to split joined count keys such as 414 or 713. */
const KNOWN_RECORD_TYPES = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 98, 99]);

function parseRange(text: string, line: number): Range {
  const m = RANGE_RE.exec(text);
  if (!m) throw new NistError('BAD_RULES', `line ${line}: "${text}" is not a size or occurrence range`);
  const lo = m[1] === 'x' ? 0 : Number(m[1]);
  if (m[2] === undefined) return m[1] === 'x' ? { min: 0, max: undefined } : { min: lo, max: lo };
  return { min: lo, max: m[2] === 'x' ? undefined : Number(m[2]) };
}

/** Splits a count key into record types: "414" → [4, 14], "713" → [7, 13], "10" → [10]. */
export function splitRecordTypes(key: string): number[] {
  if (KNOWN_RECORD_TYPES.has(Number(key)) && !key.startsWith('0')) return [Number(key)];
  for (let cut = 1; cut < key.length; cut++) {
    const head = key.slice(0, cut);
    if (head.startsWith('0') || !KNOWN_RECORD_TYPES.has(Number(head))) continue;
    const rest = splitRecordTypes(key.slice(cut));
    if (rest.length > 0) return [Number(head), ...rest];
  }
  return [];
}

/** Parses a tab-separated code table (code TAB meaning per line). */
export function parseCodeTable(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.replace(/^\ufeff/, '').split(/\r?\n/)) {
    if (raw.trim() === '' || raw.startsWith('#')) continue;
    const tab = raw.indexOf('\t');
    const code = (tab < 0 ? raw : raw.slice(0, tab)).trim();
    if (code !== '') out.set(code, tab < 0 ? '' : raw.slice(tab + 1).trim());
  }
  return out;
}

function parseValueMap(text: string, tables: ReadonlyMap<string, string>, missing: Set<string>): ValueMap {
  const t = text.trim();
  if (t.startsWith('file://')) {
    const file = t.slice('file://'.length);
    const table = tables.get(file);
    if (table === undefined) {
      missing.add(file);
      return { codes: new Map(), file, unresolved: true };
    }
    return { codes: parseCodeTable(table), file };
  }
  const codes = new Map<string, string>();
  for (const entry of t.split('|')) {
    const e = entry.trim();
    if (e === '') continue;
    const colon = e.indexOf(':');
    codes.set((colon < 0 ? e : e.slice(0, colon)).trim(), colon < 0 ? '' : e.slice(colon + 1).trim());
  }
  return { codes };
}

export interface ParseRulesOptions {
  /** Code tables referenced as file://NAME, by NAME (e.g. "T2_POB.txt" → file text). */
  readonly codeTables?: Readonly<Record<string, string>>;
}

/** Parses the text of an EBTS verification file. Throws NistError('BAD_RULES') on malformed input. */
export function parseEbtsRules(text: string, options: ParseRulesOptions = {}): EbtsRules {
  const tokens = tokenize(text);
  const tables = new Map(Object.entries(options.codeTables ?? {}));
  const missing = new Set<string>();
  const transactions = new Map<string, TransactionRule>();
  const fields: FieldRule[] = [];
  let i = 0;
  const peek = (k = 0): Token | undefined => tokens[i + k];
  const fail = (msg: string, tok?: Token): never => {
    throw new NistError('BAD_RULES', `line ${tok?.line ?? '?'}: ${msg}`);
  };

  let section: 'none' | 'transactions' | 'fields' = 'none';
  let category = '';
  let pending: { tot: string; description: string }[] = [];
  let counts: RecordCountRule[] = [];
  let header: { presence: Presence; tots: Map<string, Presence> | undefined } | undefined;

  const flushTots = (): void => {
    for (const p of pending) transactions.set(p.tot, { tot: p.tot, description: p.description, category, counts });
    pending = [];
    counts = [];
  };

  while (i < tokens.length) {
    const tok = tokens[i];
    if (tok.kind === 'word' && tok.text === 'TRANSACTIONS') {
      flushTots();
      section = 'transactions';
      const title = peek(1);
      if (title?.kind !== 'string') fail('TRANSACTIONS must be followed by a quoted title', tok);
      category = title!.text;
      i += 2;
      continue;
    }
    if (tok.kind === 'word' && tok.text === 'FIELDS') {
      flushTots();
      section = 'fields';
      i++;
      continue;
    }
    if (section === 'transactions') {
      if (tok.kind === 'word' && COUNT_RE.test(tok.text)) {
        const m = COUNT_RE.exec(tok.text)!;
        const types = splitRecordTypes(m[1]);
        if (types.length === 0) fail(`cannot split record-type key "${m[1]}"`, tok);
        const min = Number(m[2]);
        counts.push({ key: m[1], types, count: { min, max: m[3] === undefined ? min : m[3] === 'x' ? undefined : Number(m[3]) } });
        i++;
      } else if (tok.kind === 'word' && TOT_RE.test(tok.text)) {
        if (counts.length > 0) fail(`transaction type ${tok.text} follows record counts without a ";"`, tok);
        const desc = peek(1);
        pending.push({ tot: tok.text, description: desc?.kind === 'string' ? desc.text : '' });
        i += desc?.kind === 'string' ? 2 : 1;
      } else if (tok.kind === 'punct' && tok.text === ';') {
        flushTots();
        i++;
      } else {
        fail(`unexpected "${tok.text}" in a TRANSACTIONS section`, tok);
      }
      continue;
    }
    if (section === 'fields') {
      if (tok.kind === 'punct' && tok.text === '[') {
        i++;
        const words: Token[] = [];
        while (i < tokens.length && !(tokens[i].kind === 'punct' && tokens[i].text === ']')) {
          if (tokens[i].kind === 'word') words.push(tokens[i]);
          else if (tokens[i].text !== ',') fail(`unexpected "${tokens[i].text}" in a field-block header`, tokens[i]);
          i++;
        }
        i++; // ]
        const first = words.shift();
        if (!first || (first.text !== 'M' && first.text !== 'O')) fail('a field-block header starts with M or O', first ?? tok);
        const presence = first!.text as Presence;
        let tots: Map<string, Presence> | undefined;
        let last: string | undefined;
        for (const w of words) {
          if ((w.text === 'M' || w.text === 'O') && last !== undefined) {
            tots!.set(last, w.text);
            last = undefined;
          } else {
            tots ??= new Map();
            tots.set(w.text, presence);
            last = w.text;
          }
        }
        header = { presence, tots };
        continue;
      }
      if (tok.kind === 'word' && TAG_RE.test(tok.text)) {
        if (!header) fail(`field ${tok.text} before any [M]/[O] header`, tok);
        const m = TAG_RE.exec(tok.text)!;
        const recordType = Number(m[1]);
        const fieldNumber = Number(m[2]);
        const item = m[5] === undefined ? undefined : Number(m[5]);
        const byteOffset = m[6] === undefined ? undefined : Number(m[6]);
        let tag = `${recordType}.${String(fieldNumber).padStart(3, '0')}`;
        if (item !== undefined) tag += `..${item}`;
        if (byteOffset !== undefined) tag += `...${byteOffset}`;
        i++;
        const mnemonicTok = tokens[i];
        if (mnemonicTok?.kind !== 'word') fail(`field ${tok.text} has no mnemonic`, tok);
        i++;
        const positional: Token[] = [];
        while (i < tokens.length && tokens[i].kind === 'word' && !TAG_RE.test(tokens[i].text)) {
          const next = tokens[i + 1];
          if (next?.kind === 'punct' && (next.text === '=' || next.text === '(')) break;
          positional.push(tokens[i]);
          i++;
        }
        if (positional.length < 2 || positional.length > 3) fail(`field ${tok.text}: expected [type] size occurrences`, tok);
        const charType = positional.length === 3 ? positional[0].text : '';
        const size = parseRange(positional[positional.length - 2].text, tok.line);
        const occurrences = parseRange(positional[positional.length - 1].text, tok.line);
        const attrs = new Map<string, string>();
        const conditions: ConditionAttribute[] = [];
        while (i < tokens.length) {
          const a = tokens[i];
          if (a.kind === 'punct' && a.text === ';') {
            i++;
            break;
          }
          if ((a.kind === 'punct' && a.text === '[') || (a.kind === 'word' && (TAG_RE.test(a.text) || a.text === 'TRANSACTIONS' || a.text === 'FIELDS'))) break; // missing ";"
          if (a.kind !== 'word') fail(`unexpected "${a.text}" in field ${tok.text}`, a);
          const op = tokens[i + 1];
          if (op?.text === '=' && tokens[i + 2]?.kind === 'string') {
            attrs.set(a.text, tokens[i + 2].text);
            i += 3;
          } else if (op?.text === '(') {
            let j = i + 2;
            let argument = '';
            while (j < tokens.length && tokens[j].text !== ')') argument += tokens[j++].text;
            j++;
            let value: string | undefined;
            if (tokens[j]?.text === '=' && tokens[j + 1]?.kind === 'string') {
              value = tokens[j + 1].text;
              j += 2;
            }
            conditions.push(value === undefined ? { name: a.text, argument } : { name: a.text, argument, value });
            i = j;
          } else {
            fail(`attribute "${a.text}" of field ${tok.text} has no value`, a);
          }
        }
        const maxLine = attrs.get('maxlinelen');
        fields.push({
          tag,
          recordType,
          fieldNumber,
          ...(item !== undefined ? { item } : {}),
          ...(byteOffset !== undefined ? { byteOffset } : {}),
          hasItems: m[3] === ':',
          mnemonic: mnemonicTok!.text,
          charType,
          size,
          occurrences,
          defaultPresence: header!.presence,
          tots: header!.tots,
          description: attrs.get('desc') ?? '',
          ...(attrs.has('mmap') ? { mmap: parseValueMap(attrs.get('mmap')!, tables, missing) } : {}),
          ...(attrs.has('omap') ? { omap: parseValueMap(attrs.get('omap')!, tables, missing) } : {}),
          ...(attrs.has('sca') ? { sca: attrs.get('sca') } : {}),
          ...(attrs.has('regex') ? { regex: attrs.get('regex') } : {}),
          ...(attrs.has('nregex') ? { nregex: attrs.get('nregex') } : {}),
          ...(attrs.has('date') ? { date: attrs.get('date') } : {}),
          ...(attrs.has('empty') ? { empty: attrs.get('empty') } : {}),
          ...(maxLine !== undefined && /^\d+$/.test(maxLine) ? { maxLineLength: Number(maxLine) } : {}),
          conditions,
          line: tok.line,
        });
        continue;
      }
      fail(`unexpected "${tok.text}" in the FIELDS section`, tok);
    }
    fail(`unexpected "${tok.text}" outside any section`, tok);
  }
  flushTots();
  return { transactions, fields, missingTables: [...missing] };
}

/** Presence of a rule for a transaction type, or undefined when the rule does not apply to it. */
export function presenceFor(rule: FieldRule, tot: string): Presence | undefined {
  if (rule.tots === undefined) return rule.defaultPresence;
  return rule.tots.get(tot);
}
