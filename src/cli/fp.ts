import type { Command } from 'commander';

/** Registers the `seccom fp …` subcommands. */
export function registerFpCommands(program: Command): void {
  void program;
}
