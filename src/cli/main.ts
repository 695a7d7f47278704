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
    .showHelpAfterError('(run with --help for usage)')
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

/** Runs the CLI; returns the process exit code (never throws for bad input). */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    const { line, exitCode } = describeError(error);
    process.stderr.write(`${line}\n`);
    return exitCode;
  }
}
