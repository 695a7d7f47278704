import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { describeError } from './errors.ts';

type Register = (program: Command) => void;

/**
 * The top-level commands, with the file that registers each and its one-line description. `seccom --help`
 * (and an unknown command) is answered from this table alone, so it loads no command file and none of the
 * heavy modules behind them (sharp/resvg, better-sqlite3, pg, the fingerprint engine); any other invocation
 * imports only the file that owns the command named. main.test.ts checks this table against what the
 * command files register.
 */
export const COMMANDS: readonly { name: string; description: string; load: () => Promise<Register> }[] = [
  { name: 'audit', description: 'audit detainers from the case event log (holds past the legal limit, US citizens, people never convicted, declined or lapsed detainers, copies not served)', load: async () => (await import('./audit.ts')).registerAuditCommands },
  { name: 'complaint', description: 'the CRCL complaint system: public intake with a tracking code, status lookup, triage, assignment, investigation notes, resolution', load: async () => (await import('./complaint.ts')).registerComplaintCommands },
  { name: 'demo', description: 'the main job for now: extract minutiae from three prints, compare a mated and a non-mated pair, draw the results', load: async () => (await import('./demo.ts')).registerDemoCommand },
  { name: 'fp', description: 'the fingerprint engine: extract minutiae, compare prints, evaluate accuracy', load: async () => (await import('./fp.ts')).registerFpCommands },
  { name: 'identify', description: 'tenprint 1:N identification against a gallery', load: async () => (await import('./identify.ts')).registerIdentifyCommands },
  { name: 'nist', description: 'ANSI/NIST-ITL transactions: dump, EBTS validation, round trip, image export', load: async () => (await import('./nist.ts')).registerNistCommands },
  { name: 'review', description: 'the quarterly statistical review: flags jurisdictions whose share of ICE arrests (or IDENT matches, or minor-offense bookings) with no record or only Level 3 offenses is out of line with the state and the nation, or jumped at activation', load: async () => (await import('./review.ts')).registerReviewCommands },
  { name: 'scenario', description: 'run scenario files (jurisdictions, people, dated events) through the pipeline', load: async () => (await import('./scenario.ts')).registerScenarioCommands },
  { name: 'book', description: "book an arrestee from an EBTS CAR file into the store's pipeline and run the chain as far as it goes", load: async () => (await import('./scenario.ts')).registerScenarioCommands },
  { name: 'release', description: 'record when the jail actually let a person held on a detainer go, or handed them to ICE (the audit counts hours past the limit to this instant)', load: async () => (await import('./scenario.ts')).registerScenarioCommands },
  { name: 'jurisdiction', description: 'the registry of local agencies and their participation', load: async () => (await import('./scenario.ts')).registerScenarioCommands },
  { name: 'case', description: 'cases in a store: list them, show one', load: async () => (await import('./scenario.ts')).registerScenarioCommands },
  { name: 'policy', description: 'the policy versions applied to cases', load: async () => (await import('./scenario.ts')).registerScenarioCommands },
  { name: 'serve', description: 'serve the HTTP API (cases, jurisdictions, policy versions; OpenAPI at /openapi.json, docs at /docs) over an existing store', load: async () => (await import('./serve.ts')).registerServeCommand },
  { name: 'stats', description: "the IDENT/IAFIS interoperability statistics from a pipeline store's event log: fingerprint submissions, IDENT matches (Level 1 vs other), ICE arrests and removals by Level 1, 2, 3 and no criminal record; by month, fiscal year and cumulative since activation", load: async () => (await import('./stats.ts')).registerStatsCommands },
  { name: 'wsq', description: 'FBI WSQ fingerprint image compression (decode / encode)', load: async () => (await import('./wsq.ts')).registerWsqCommands },
];

function rootProgram(): Command {
  return new Command()
    .name('seccom')
    .description('Secure Communities: model, simulate and audit the program on synthetic and public data.')
    .version((JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version)
    // The parser's own errors (unknown option, missing argument, bad choice) are thrown and
    // printed by main() in the house format; help and the version still go to stdout.
    .enablePositionalOptions() // the root's --version only before a command: `policy explain --version ID` is the command's
    .configureOutput({ outputError: () => undefined })
    .exitOverride();
}

/** Builds the whole `seccom` command tree (every command file loaded). Each subcommand lives in its own file and stays thin. */
export async function buildProgram(): Promise<Command> {
  const program = rootProgram();
  const registers = new Set(await Promise.all(COMMANDS.map((c) => c.load())));
  for (const register of registers) register(program);
  return program;
}

/**
 * Builds the tree needed for one invocation: the command named in argv (its file imported, lazily) and,
 * for every other command, a stub carrying only its name and description, so the root help lists all.
 */
export async function buildProgramFor(argv: readonly string[]): Promise<Command> {
  const program = rootProgram();
  const words = argv.slice(2).filter((a) => !a.startsWith('-'));
  const name = words[0] === 'help' ? words[1] : words[0];
  const wanted = COMMANDS.find((c) => c.name === name);
  const register = wanted ? await wanted.load() : undefined;
  const real = rootProgram(); // same inherited settings (exitOverride, help after error) for the subcommands
  if (register) register(real);
  for (const c of COMMANDS) {
    const loaded = real.commands.find((r) => r.name() === c.name);
    if (loaded && c.name === name) program.addCommand(loaded);
    else program.command(c.name).description(c.description);
  }
  return program;
}

/** A parser error as one line: `seccom: USAGE: unknown option '--x' (see seccom … --help)`. */
export function usageLine(error: CommanderError): string {
  const message = error.message.replace(/^error: /, '').split('\n')[0];
  return `seccom: USAGE: ${message} (run with --help for usage)`;
}

/** Runs the CLI; returns the process exit code (never throws for bad input). */
export async function main(argv: string[]): Promise<number> {
  try {
    const program = await buildProgramFor(argv);
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
