/**
 * Error codes in one style, and each typed error's exit status.
 *
 * The codes are read from the source itself (every `…ErrorCode` / `…ErrorReason` union and
 * every `new XError('…')`), so a code added later in another spelling fails here; every error
 * class in src/ must be known below as bad input (exit 2) or an internal failure (exit 70).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { describeError, UsageError } from './errors.ts';

const SRC = join(import.meta.dirname, '..');
const UPPER_SNAKE = /^[A-Z][A-Z0-9_]*$/;

function sources(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) sources(p, out);
    else if (/\.ts$/.test(entry.name) && !/\.test\.ts$|\.testing\.ts$/.test(entry.name)) out.push(p);
  }
  return out;
}

interface Found {
  unions: Map<string, { file: string; members: string[]; refs: string[] }>;
  classes: Map<string, { file: string; exported: boolean; base: string; codeType: string | undefined }>;
  thrown: { file: string; className: string; code: string }[];
}

function scan(): Found {
  const found: Found = { unions: new Map(), classes: new Map(), thrown: [] };
  for (const file of sources(SRC)) {
    const rel = relative(SRC, file);
    const f = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (n: ts.Node): void => {
      if (ts.isTypeAliasDeclaration(n) && /(Error|Warning)(Code|Reason)$/.test(n.name.text)) {
        const members: string[] = [];
        const refs: string[] = [];
        const collect = (t: ts.TypeNode): void => {
          if (ts.isUnionTypeNode(t)) t.types.forEach(collect);
          else if (ts.isLiteralTypeNode(t) && ts.isStringLiteral(t.literal)) members.push(t.literal.text);
          else if (ts.isTypeReferenceNode(t)) refs.push(t.typeName.getText(f)); // another union of codes, checked on its own
          else members.push(`<not a string literal: ${t.getText(f)}>`);
        };
        collect(n.type);
        found.unions.set(n.name.text, { file: rel, members, refs });
      }
      if (ts.isClassDeclaration(n) && n.name && n.heritageClauses) {
        const base = n.heritageClauses.flatMap((h) => h.types.map((t) => t.expression.getText(f)))[0] ?? '';
        let codeType: string | undefined;
        for (const m of n.members) {
          if (ts.isPropertyDeclaration(m) && m.name.getText(f) === 'code' && m.type) codeType = m.type.getText(f);
          if (ts.isConstructorDeclaration(m)) for (const p of m.parameters) if (p.name.getText(f) === 'code' && p.type) codeType = p.type.getText(f);
        }
        const exported = (ts.getModifiers(n) ?? []).some((mod) => mod.kind === ts.SyntaxKind.ExportKeyword);
        found.classes.set(n.name.text, { file: rel, exported, base, codeType });
      }
      if (ts.isNewExpression(n) && ts.isIdentifier(n.expression) && /Error$/.test(n.expression.text) && n.arguments?.[0] && ts.isStringLiteral(n.arguments[0])) {
        found.thrown.push({ file: rel, className: n.expression.text, code: n.arguments[0].text });
      }
      ts.forEachChild(n, visit);
    };
    visit(f);
  }
  return found;
}

const found = scan();
const errorClasses = (): string[] => {
  const isError = (name: string, seen = new Set<string>()): boolean => {
    if (name === 'Error') return true;
    const c = found.classes.get(name);
    if (!c || seen.has(name)) return false;
    seen.add(name);
    return isError(c.base, seen);
  };
  return [...found.classes.keys()].filter((name) => found.classes.get(name)!.base !== '' && isError(found.classes.get(name)!.base)).sort();
};

describe('error codes', () => {
  it('are found in the source: every module with typed errors declares its codes', () => {
    expect([...found.unions.keys()].sort()).toEqual(
      expect.arrayContaining(['AgencyErrorCode', 'AuditErrorCode', 'BiometricErrorCode', 'ComplaintErrorCode', 'DetainerClockErrorCode', 'InputFileErrorCode', 'NistErrorCode', 'OversightErrorCode', 'PolicyErrorCode', 'ReportErrorCode', 'ReviewErrorCode', 'SearchErrorReason', 'StatsErrorCode', 'StoreErrorCode']),
    );
  });

  it('are every one UPPER_SNAKE_CASE, in every union of codes', () => {
    const offenders = [...found.unions].flatMap(([name, { file, members }]) => members.filter((m) => !UPPER_SNAKE.test(m)).map((m) => `${file}: ${name} '${m}'`));
    expect(offenders).toEqual([]);
    const unresolved = [...found.unions].flatMap(([name, { refs }]) => refs.filter((r) => !found.unions.has(r)).map((r) => `${name} includes ${r}, which is not a union of codes`));
    expect(unresolved).toEqual([]);
  });

  it('are UPPER_SNAKE_CASE where an error is made with a literal code', () => {
    expect(found.thrown.length).toBeGreaterThan(100);
    const offenders = found.thrown.filter((t) => !UPPER_SNAKE.test(t.code) && found.classes.get(t.className)?.codeType !== undefined);
    expect(offenders.map((t) => `${t.file}: new ${t.className}('${t.code}')`)).toEqual([]);
  });

  it('are every one listed in docs/output.md, with the class that carries it', () => {
    const doc = readFileSync(join(SRC, '../docs/output.md'), 'utf8');
    const missing = [...found.unions].filter(([name]) => /Error(Code|Reason)$/.test(name)).flatMap(([name, { members }]) => {
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${name.replace(/(Code|Reason)$/, '')}\``));
      return row === undefined ? [`${name}: no row`] : members.filter((m) => !row.includes(`\`${m}\``)).map((m) => `${name}: ${m}`);
    });
    expect(missing).toEqual([]);
  });

  it('are typed: an error class with a code declares it as one of the unions (or UPPER_SNAKE literals), never a bare string', () => {
    const loose = errorClasses()
      .map((name) => ({ name, ...found.classes.get(name)! }))
      .filter((c) => c.codeType !== undefined && !found.unions.has(c.codeType) && !/^'[A-Z][A-Z0-9_]*'(\s*\|\s*'[A-Z][A-Z0-9_]*')*$/.test(c.codeType));
    expect(loose.map((c) => `${c.file}: ${c.name}.code: ${c.codeType}`)).toEqual([]);
  });
});

/** One instance of each error class, made as the modules make them; the CLI exit status each must get. */
const EXAMPLES: Record<string, { module: string; make: (C: new (...args: never[]) => Error) => Error; exit: 2 | 70 }> = {
  AgencyError: { module: '../agencies/errors.ts', make: (C) => new (C as never as new (c: string, m: string) => Error)('UNKNOWN_ORI', 'no jurisdiction'), exit: 2 },
  AuditError: { module: '../oversight/audit/errors.ts', make: (C) => new (C as never as new (c: string, m: string) => Error)('NO_EVENT_LOG', 'no log'), exit: 2 },
  BiometricError: { module: '../biometrics/errors.ts', make: (C) => new (C as never as new (c: string, m: string) => Error)('IMAGE_FORMAT', 'not an image'), exit: 2 },
  ComplaintError: { module: '../oversight/complaints/errors.ts', make: (C) => new (C as never as new (c: string, m: string) => Error)('INVALID_COMPLAINT', 'empty'), exit: 2 },
  DetainerClockError: { module: '../policy/holidays.ts', make: (C) => new (C as never as new (c: string, m: string) => Error)('INVALID_INSTANT', 'NaN'), exit: 2 },
  InputFileError: { module: '../platform/files/index.ts', make: (C) => new (C as never as new (c: string, p: string, m: string) => Error)('NOT_A_FILE', '/dev/zero', 'not a file'), exit: 2 },
  MessageParseError: { module: '../platform/messaging/message.ts', make: (C) => new (C as never as new (i: string, t: string, s: string) => Error)('M1', 'car', 'bad payload'), exit: 2 },
  NistError: { module: '../nist/errors.ts', make: (C) => new (C as never as new (c: string, m: string) => Error)('TRUNCATED', 'short'), exit: 2 },
  OversightError: { module: '../oversight/facts/errors.ts', make: (C) => new (C as never as new (c: string, m: string) => Error)('INVALID_WINDOW', 'from after to'), exit: 2 },
  PolicyError: { module: '../policy/errors.ts', make: (C) => new (C as never as new (c: string, m: string) => Error)('UNKNOWN_VERSION', 'no such version'), exit: 2 },
  ReportError: { module: '../oversight/report/errors.ts', make: (C) => new (C as never as new (c: string, m: string) => Error)('INVALID_TABLE', 'NaN cell'), exit: 2 },
  ReviewError: { module: '../oversight/review/errors.ts', make: (C) => new (C as never as new (c: string, m: string) => Error)('INVALID_QUARTER', '2011Q5'), exit: 2 },
  ScenarioError: { module: '../sim/scenario.ts', make: (C) => new (C as never as new (s: string, p: { path: string; message: string }[]) => Error)('x.json', [{ path: 'events[0].at', message: 'not a date' }]), exit: 2 },
  SearchError: { module: '../biometrics/search/errors.ts', make: (C) => new (C as never as new (r: string, m: string) => Error)('FINGER_POSITION', 'finger 11'), exit: 2 },
  StatsError: { module: '../oversight/stats/errors.ts', make: (C) => new (C as never as new (c: string, m: string) => Error)('CSV_BAD_NUMBER', '1e999'), exit: 2 },
  StoreError: { module: '../platform/store/errors.ts', make: (C) => new (C as never as new (c: string, m: string) => Error)('STORE_UNREACHABLE', 'refused'), exit: 2 },
  ScenarioRunError: { module: '../sim/scenario-runs.ts', make: (C) => new (C as never as new (c: string, m: string) => Error)('SCENARIO_ALREADY_PLAYED', 'played before'), exit: 2 },
  ServerError: { module: '../server/errors.ts', make: (C) => new (C as never as new (c: string, m: string) => Error)('FORBIDDEN', 'permission cases:read is needed'), exit: 2 },
  UsageError: { module: './errors.ts', make: (C) => new (C as never as new (m: string) => Error)('USAGE: unknown option'), exit: 2 },
  // A crash plan that cannot fit is the benchmark's own bug, never a user's input.
  CrashPlanError: { module: '../platform/messaging/crash/supervisor.ts', make: (C) => new (C as never as new (c: string, m: string) => Error)('INVALID_CRASH_PLAN', 'too many kills'), exit: 70 },
  // Internal: a missing attachment or a failed handler is the program's fault, not the user's.
  AttachmentMissingError: { module: '../platform/messaging/attachments.ts', make: (C) => new (C as never as new (h: string) => Error)('ab'.repeat(32)), exit: 70 },
};

describe('exit status of each typed error', () => {
  it('every exported error class in src/ is listed here as bad input (2) or internal (70)', () => {
    // Classes a module does not export (HandlerFailure, CliFailure, Malformed …) are caught where they are thrown.
    const unlisted = errorClasses().filter((name) => found.classes.get(name)!.exported && !(name in EXAMPLES));
    expect(unlisted).toEqual([]);
    expect(errorClasses().filter((name) => !found.classes.get(name)!.exported).length).toBeGreaterThan(0);
  });

  for (const [name, { module, make, exit }] of Object.entries(EXAMPLES)) {
    it(`${name} exits ${exit} with one line${exit === 2 ? ', naming its code when it has one' : ''}`, async () => {
      const C = (await import(module))[name] as new (...args: never[]) => Error;
      const error = make(C);
      const { line, exitCode } = describeError(error);
      expect(exitCode).toBe(exit);
      expect(line.startsWith('seccom: ')).toBe(true);
      const code = (error as { code?: unknown }).code;
      if (exit === 2 && typeof code === 'string') {
        expect(code).toMatch(UPPER_SNAKE);
        expect(line).toContain(`seccom: ${code}: `);
      }
      if (exit === 70) expect(line).toMatch(/^seccom: internal error: /);
    });
  }

  it('a plain Error, TypeError or RangeError is internal (70), whatever its code', () => {
    for (const e of [new Error('x'), new TypeError('y'), new RangeError('z'), Object.assign(new Error('w'), { code: 'ENOENT' })]) expect(describeError(e).exitCode).toBe(70);
    expect(describeError(new UsageError('USAGE: x')).exitCode).toBe(2);
  });
});
