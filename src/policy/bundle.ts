/**
 * A policy bundle: every version document plus the offense table, validated together. Either
 * all of it is valid and the bundle is returned, or a PolicyError lists every problem and
 * nothing is returned.
 */
import { PolicyError, type PolicyProblem } from './errors.ts';
import { isoDate, offenseTable, policyVersion, zodProblems, type OffenseTable, type PolicyVersion } from './schema.ts';

export interface PolicyBundle {
  /** Sorted by effective date, oldest first. */
  readonly versions: readonly PolicyVersion[];
  readonly offenses: OffenseTable;
}

/** One raw document and the name it is reported under (its file name, for the loader). */
export interface PolicyDocument {
  name: string;
  json: unknown;
}

/** Validates the raw documents; throws PolicyError('INVALID_POLICY') listing every problem. */
export function buildPolicyBundle(versionDocuments: readonly PolicyDocument[], offenseDocument: PolicyDocument): PolicyBundle {
  const problems: PolicyProblem[] = [];
  const versions: { name: string; version: PolicyVersion }[] = [];
  for (const doc of versionDocuments) {
    const parsed = policyVersion.safeParse(doc.json);
    if (parsed.success) versions.push({ name: doc.name, version: parsed.data });
    else problems.push(...zodProblems(parsed.error, `${doc.name}: `));
  }
  const table = offenseTable.safeParse(offenseDocument.json);
  if (!table.success) problems.push(...zodProblems(table.error, `${offenseDocument.name}: `));
  if (versionDocuments.length === 0) problems.push({ path: '(versions)', message: 'no policy version documents' });

  if (table.success) problems.push(...checkTable(table.data, offenseDocument.name));
  problems.push(...checkChain(versions));
  for (const { name, version } of versions) problems.push(...checkRuleIds(version, name));
  if (problems.length > 0 || !table.success) throw new PolicyError('INVALID_POLICY', `policy documents are invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}); nothing was loaded`, problems);

  const sorted = versions.map((v) => v.version).sort((a, b) => (a.effective < b.effective ? -1 : 1));
  return { versions: sorted, offenses: table.data };
}

function checkTable(table: OffenseTable, name: string): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  const seen = new Set<string>();
  table.blocks.forEach((b, i) => {
    if (seen.has(b.block)) problems.push({ path: `${name}: blocks[${i}].block`, message: `block "${b.block}" listed twice` });
    seen.add(b.block);
  });
  table.codes.forEach((c, i) => {
    if (!seen.has(c.code.slice(0, 2))) problems.push({ path: `${name}: codes[${i}].code`, message: `code ${c.code} is outside every listed block` });
  });
  return problems;
}

/** Ids unique and shaped like their date, file named after the id, supersededBy = the next version. */
function checkChain(versions: readonly { name: string; version: PolicyVersion }[]): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  const byId = new Map<string, string>();
  const byDate = new Map<string, string>();
  for (const { name, version } of versions) {
    if (byId.has(version.id)) problems.push({ path: `${name}: id`, message: `id "${version.id}" is also used by ${byId.get(version.id)}` });
    byId.set(version.id, name);
    if (byDate.has(version.effective)) problems.push({ path: `${name}: effective`, message: `${byDate.get(version.effective)} takes effect on the same date` });
    byDate.set(version.effective, name);
    if (!version.id.startsWith(version.effective)) problems.push({ path: `${name}: id`, message: `id should start with the effective date ${version.effective}` });
    const base = name.replace(/^.*\//, '').replace(/\.json$/, '');
    if (name.endsWith('.json') && base !== version.id) problems.push({ path: `${name}: id`, message: `file should be named ${version.id}.json` });
  }
  const sorted = [...versions].sort((a, b) => (a.version.effective < b.version.effective ? -1 : 1));
  sorted.forEach(({ name, version }, i) => {
    const next = sorted[i + 1]?.version.id ?? null;
    if (version.supersededBy !== next) {
      problems.push({
        path: `${name}: supersededBy`,
        message: next === null ? 'the latest version is superseded by nothing (null)' : `expected "${next}", the next version by effective date`,
      });
    }
  });
  return problems;
}

/** Rule ids appear in decisions' reasons, so within a version each names one rule. */
function checkRuleIds(version: PolicyVersion, name: string): PolicyProblem[] {
  const lists: [string, readonly { id: string }[]][] = [
    ...version.priorities.classes.map((c, i): [string, { id: string }[]] => [`priorities.classes[${i}].rules`, c.rules]),
    ['removability.deportableConvictions', version.removability.deportableConvictions],
    ['detainers.criteria', version.detainers.criteria],
    ['discretion.positive', version.discretion.positive],
    ['discretion.negative', version.discretion.negative],
    ['victimWitness.aggravating', version.victimWitness.aggravating],
  ];
  const seen = new Map<string, string>();
  const problems: PolicyProblem[] = [];
  for (const [path, rules] of lists) {
    rules.forEach((r, i) => {
      const where = `${path}[${i}].id`;
      const earlier = seen.get(r.id);
      if (earlier !== undefined) problems.push({ path: `${name}: ${where}`, message: `rule id "${r.id}" is already used at ${earlier}` });
      else seen.set(r.id, where);
    });
  }
  return problems;
}

/** The version in force on `date` (YYYY-MM-DD): the latest one effective on or before it. */
export function versionInForce(policy: PolicyBundle, date: string): PolicyVersion {
  assertDate(date);
  let found: PolicyVersion | undefined;
  for (const version of policy.versions) if (version.effective <= date) found = version;
  if (found === undefined) {
    throw new PolicyError('NO_VERSION_IN_FORCE', `no policy version is in force on ${date}; the earliest takes effect ${policy.versions[0]?.effective ?? '(none)'}`);
  }
  return found;
}

/** A decision date must be a calendar date YYYY-MM-DD: PolicyError('INVALID_DATE') otherwise. */
export function assertDate(date: string): void {
  if (!isoDate.safeParse(date).success) throw new PolicyError('INVALID_DATE', `"${date}" is not a date YYYY-MM-DD`);
}

/** The version with this id; an unknown id is a PolicyError('UNKNOWN_VERSION'). */
export function versionById(policy: PolicyBundle, id: string): PolicyVersion {
  const version = policy.versions.find((v) => v.id === id);
  if (version === undefined) {
    throw new PolicyError('UNKNOWN_VERSION', `no policy version "${id}"; known: ${policy.versions.map((v) => v.id).join(', ')}`);
  }
  return version;
}
