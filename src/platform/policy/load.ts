/**
 * Reads the policy folder (one JSON document per version in `versions/`, plus
 * `ncic-offenses.json`), validates all of it and returns the bundle. A file that is not JSON
 * or not valid is reported with the rest: either everything loads or nothing does.
 */
import { readdirSync } from 'node:fs';
import { readTextBounded } from '../files/index.ts';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPolicyBundle, type PolicyBundle, type PolicyDocument } from '../../policy/bundle.ts';
import { PolicyError, type PolicyProblem } from '../../policy/errors.ts';

/** The policy folder shipped at the repository root. */
export const DEFAULT_POLICY_DIR = resolve(fileURLToPath(new URL('../../../policy', import.meta.url)));

export function loadPolicy(dir: string = DEFAULT_POLICY_DIR): PolicyBundle {
  const problems: PolicyProblem[] = [];
  const read = (relative: string): PolicyDocument | null => {
    let text: string;
    try {
      text = readTextBounded(join(dir, relative), 'policy', 'policy document');
    } catch (error) {
      problems.push({ path: relative, message: `cannot read: ${(error as Error).message}` });
      return null;
    }
    try {
      return { name: relative, json: JSON.parse(text) as unknown };
    } catch (error) {
      problems.push({ path: relative, message: `not valid JSON: ${(error as Error).message}` });
      return null;
    }
  };

  let names: string[] = [];
  try {
    names = readdirSync(join(dir, 'versions')).filter((n) => n.endsWith('.json')).sort();
  } catch (error) {
    problems.push({ path: 'versions', message: `cannot list: ${(error as Error).message}` });
  }
  const versions = names.map((n) => read(`versions/${n}`)).filter((d): d is PolicyDocument => d !== null);
  const offenses = read('ncic-offenses.json');

  try {
    const bundle = buildPolicyBundle(versions, offenses ?? { name: 'ncic-offenses.json', json: null });
    if (problems.length === 0) return bundle;
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    problems.push(...error.problems.filter((p) => !(offenses === null && p.path.startsWith('ncic-offenses.json'))));
  }
  throw new PolicyError('INVALID_POLICY', `policy folder ${dir} is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}); nothing was loaded`, problems);
}
