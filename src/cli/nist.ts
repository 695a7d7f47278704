import type { Command } from 'commander';

/** Registers the `seccom nist …` subcommands. */
export function registerNistCommands(program: Command): void {
  void program;
}
