import { cpSync, mkdtempSync, rmSync, writeFileSync, readFileSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PolicyError } from '../../policy/errors.ts';
import { DEFAULT_POLICY_DIR, loadPolicy } from './load.ts';

const made: string[] = [];
function copyOfShipped(): string {
  const dir = mkdtempSync(join(tmpdir(), 'seccom-policy-'));
  made.push(dir);
  cpSync(DEFAULT_POLICY_DIR, dir, { recursive: true });
  return dir;
}
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function problems(dir: string): { path: string; message: string }[] {
  try {
    loadPolicy(dir);
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyError);
    return [...(error as PolicyError).problems];
  }
  throw new Error('expected a PolicyError');
}

describe('Loading the policy folder', () => {
  it('loads the shipped folder: nine versions and the offense table', () => {
    const bundle = loadPolicy();
    expect(bundle.versions).toHaveLength(9);
    expect(bundle.offenses.blocks.length).toBeGreaterThan(40);
  });

  it('reports a file that is not JSON together with the schema problems of the others', () => {
    const dir = copyOfShipped();
    writeFileSync(join(dir, 'versions/2011-03-02-priorities-reissued.json'), '{ "id": ');
    const pep = join(dir, 'versions/2014-11-20-pep.json');
    const doc = JSON.parse(readFileSync(pep, 'utf8'));
    doc.minorTraffic.inForce = 'yes';
    writeFileSync(pep, JSON.stringify(doc));
    const paths = problems(dir).map((p) => p.path);
    expect(paths).toContain('versions/2011-03-02-priorities-reissued.json');
    expect(paths).toContain('versions/2014-11-20-pep.json: minorTraffic.inForce');
  });

  it('reports a missing offense table', () => {
    const dir = copyOfShipped();
    unlinkSync(join(dir, 'ncic-offenses.json'));
    expect(problems(dir).map((p) => p.path)).toContain('ncic-offenses.json');
  });

  it('reports a missing versions folder', () => {
    expect(problems(join(tmpdir(), 'no-such-policy-folder')).map((p) => p.path)).toEqual(expect.arrayContaining(['versions', 'ncic-offenses.json']));
  });
});
