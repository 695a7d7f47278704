import { describe, expect, it, vi } from 'vitest';

// Each command file records when it is first imported, so the tests can see what an invocation loads.
const { loaded, track } = vi.hoisted(() => {
  const loaded = new Set<string>();
  const track = (name: string) => async (importOriginal: () => Promise<Record<string, unknown>>) => {
    loaded.add(name);
    return importOriginal();
  };
  return { loaded, track };
});
vi.mock('./audit.ts', track('audit'));
vi.mock('./complaint.ts', track('complaint'));
vi.mock('./demo.ts', track('demo'));
vi.mock('./fp.ts', track('fp'));
vi.mock('./identify.ts', track('identify'));
vi.mock('./nist.ts', track('nist'));
vi.mock('./review.ts', track('review'));
vi.mock('./scenario.ts', track('scenario'));
vi.mock('./stats.ts', track('stats'));
vi.mock('./wsq.ts', track('wsq'));

const { buildProgram, COMMANDS } = await import('./main.ts');
const { runCli } = await import('./testing.ts');

describe('the seccom command starts without loading what it does not run', () => {
  it('answers --help from the command table alone, loading no command file (and so no image, database or fingerprint module)', async () => {
    const r = await runCli('--help');
    expect(r.code).toBe(0);
    expect([...loaded]).toEqual([]);
    for (const c of COMMANDS) expect(r.out).toContain(c.name);
  });

  it('loads only the file of the command it runs', async () => {
    const r = await runCli('nist', '--help');
    expect(r.code).toBe(0);
    expect(r.out).toContain('roundtrip');
    expect([...loaded]).toEqual(['nist']);
  });

  it('lists every command the command files register, with the description they register', async () => {
    const program = await buildProgram();
    const registered = program.commands.map((c) => [c.name(), c.description()]);
    expect(COMMANDS.map((c) => [c.name, c.description])).toEqual(registered);
  });
});
