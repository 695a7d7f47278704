import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerAuditCommands } from './audit.ts';
import { registerComplaintCommands } from './complaint.ts';
import { registerDemoCommand } from './demo.ts';
import { describeError } from './errors.ts';
import { registerFpCommands } from './fp.ts';
import { registerIdentifyCommands } from './identify.ts';
import { registerNistCommands } from './nist.ts';
import { registerReviewCommands } from './review.ts';
import { registerScenarioCommands } from './scenario.ts';
import { registerStatsCommands } from './stats.ts';
import { registerWsqCommands } from './wsq.ts';

/** Builds the `seccom` command tree. Each subcommand lives in its own file and stays thin. */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name('seccom')
    .description('Secure Communities: model, simulate and audit the program on synthetic and public data.')
    .version((JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version)
    // The parser's own errors (unknown option, missing argument, bad choice) are thrown and
    // printed by main() in the house format; help and the version still go to stdout.
    .enablePositionalOptions() // the root's --version only before a command: `policy explain --version ID` is the command's
    .configureOutput({ outputError: () => undefined })
    .exitOverride();
  registerAuditCommands(program);
  registerComplaintCommands(program);
  registerDemoCommand(program);
  registerFpCommands(program);
  registerIdentifyCommands(program);
  registerNistCommands(program);
  registerReviewCommands(program);
  registerScenarioCommands(program);
  registerStatsCommands(program);
  registerWsqCommands(program);
  return program;
}

/** A parser error as one line: `seccom: USAGE: unknown option '--x' (see seccom … --help)`. */
export function usageLine(error: CommanderError): string {
  const message = error.message.replace(/^error: /, '').split('\n')[0];
  return `seccom: USAGE: ${message} (run with --help for usage)`;
}

/** Runs the CLI; returns the process exit code (never throws for bad input). */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0 || error.code === 'commander.help' || error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return error.exitCode;
      process.stderr.write(`${usageLine(error)}\n`);
      return 2;
    }
    const { line, exitCode } = describeError(error);
    process.stderr.write(`${line}\n`);
    return exitCode;
  }
}
