import { existsSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { buildCarBytes } from '../nist/ebts/messages.ts';
import { validate } from '../nist/ebts/index.ts';
import { parseCompactDate } from '../policy/dates.ts';
import { parseTransaction } from '../nist/index.ts';
import { syntheticBooking } from '../sim/booking.ts';
import { UsageError } from './errors.ts';
import { writeBytes } from './io.ts';
import { DEFAULT_RULES, loadRules } from './nist.ts';
import { createProgress } from './progress.ts';
import { printJson } from './output.ts';

/** `seccom nist car`: a livescan-like CAR file of a synthetic booking, for demos and tests. */
export function addCarCommand(nist: Command): void {
  nist
    .command('car')
    .description('write the criminal tenprint submission (EBTS CAR) of a synthetic booking: demographics, charges, ten WSQ-compressed synthetic rolled prints')
    .argument('<out>', 'output file (.an2)')
    .option('--seed <seed>', 'the same seed always gives the same person and prints', 'demo')
    .option('--ori <ori>', 'ORI of the booking agency (9 characters)', 'CA0190000')
    .option('--date <ccyymmdd>', 'date of arrest and of the transaction', '20110615')
    .addOption(new Option('--bitrate <bpp>', 'WSQ bit rate').default(0.75).argParser(Number))
    .option('--rules <path>', 'EBTS rules file to validate the result against (skipped when absent)', DEFAULT_RULES)
    .option('--json', 'print a summary as JSON')
    .action((out: string, opts: { seed: string; ori: string; date: string; bitrate: number; rules: string; json?: boolean }) => {
      if (!/^[A-Z0-9]{9}$/.test(opts.ori)) throw new UsageError(`--ori must be 9 uppercase letters or digits, got "${opts.ori}"`);
      if (!/^(19|20)\d{6}$/.test(opts.date) || parseCompactDate(opts.date) === null) throw new UsageError(`--date must be a real date CCYYMMDD, got "${opts.date}"`);
      if (!(opts.bitrate > 0.1 && opts.bitrate <= 8)) throw new UsageError(`--bitrate must be between 0.1 and 8 bits per pixel, got ${opts.bitrate}`);
      const progress = createProgress('fingers', { enabled: !opts.json });
      const booking = syntheticBooking(opts.seed, { ori: opts.ori, dateOfArrest: opts.date, bitrate: opts.bitrate, onFinger: (d, t) => progress.update(d, t) });
      progress.finish();
      const bytes = buildCarBytes(booking, { controlNumber: `SC${opts.date}${opts.seed.replace(/[^A-Za-z0-9]/g, '').slice(0, 20).toUpperCase().padEnd(8, '0')}`, destinationOri: 'DCFBIWAK0', date: opts.date });
      writeBytes(out, bytes);
      let violations: number | null = null;
      if (existsSync(opts.rules)) violations = validate(parseTransaction(bytes), loadRules(opts.rules)).violations.filter((v) => v.severity === 'error').length;
      const summary = {
        out,
        bytes: bytes.length,
        name: booking.name,
        dateOfBirth: booking.dateOfBirth,
        placeOfBirth: booking.placeOfBirth,
        charges: booking.charges,
        fingerprints: booking.fingerprints.length,
        ebtsErrors: violations,
      };
      if (opts.json) {
        printJson(summary);
        return;
      }
      process.stdout.write(
        [
          `wrote ${out}: CAR for ${booking.name}, born ${booking.dateOfBirth} (${booking.placeOfBirth}), booked by ${opts.ori} on ${opts.date}`,
          `  charges: ${booking.charges.map((c) => `${c.ncicCode} ${c.literal}`).join('; ')}`,
          `  ten rolled prints, WSQ at ${opts.bitrate} bpp; ${bytes.length.toLocaleString('en-US')} bytes`,
          violations === null ? '  EBTS validation skipped: rules file not found' : `  EBTS 9.1 validation: ${violations === 0 ? 'valid' : `${violations} errors (run seccom nist validate ${out})`}`,
        ].join('\n') + '\n',
      );
    });
}
