/** Test helper: runs the `seccom` CLI in-process and captures what it prints. */
import { vi } from 'vitest';
import { main } from './main.ts';

export async function runCli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
  process.exitCode = undefined;
  try {
    const code = await main(['node', 'seccom', ...args]);
    return { code, out, err };
  } finally {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  }
}
