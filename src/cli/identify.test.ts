import { Command } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { SearchError } from '../biometrics/search/index.ts';
import { UsageError } from './errors.ts';
import { registerIdentifyCommands } from './identify.ts';

function program(): Command {
  const root = new Command().exitOverride();
  registerIdentifyCommands(root);
  return root;
}

describe('seccom identify bench', () => {
  it('benchmarks a small synthetic gallery and prints the figures as JSON', async () => {
    const out: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await program().parseAsync(['node', 'seccom', 'identify', 'bench', '--gallery', '30', '--probes', '3', '--seed', 'cli-test', '--json']);
    } finally {
      write.mockRestore();
      err.mockRestore();
    }
    const result = JSON.parse(out.join(''));
    expect(result.gallery).toBe(30);
    expect(result.probes).toEqual({ mated: 3, nonMated: 3 });
    expect(result.rank1).toBe(1);
    expect(result.latencyMs.p50).toBeGreaterThan(0);
  }, 60_000);

  it('refuses a seed that is not a plain file-name fragment (it names the cached gallery file)', async () => {
    await expect(program().parseAsync(['node', 'seccom', 'identify', 'bench', '--gallery', '10', '--probes', '2', '--seed', '../elsewhere'])).rejects.toThrow(SearchError);
  });

  it('refuses a gallery size that is not a positive integer', async () => {
    await expect(program().parseAsync(['node', 'seccom', 'identify', 'bench', '--gallery', 'many', '--probes', '3'])).rejects.toThrow(UsageError);
  });
});
