import type { Command } from 'commander';

/** Registers the `seccom wsq …` subcommands. */
export function registerWsqCommands(program: Command): void {
  void program;
}
