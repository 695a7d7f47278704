/** Command-line options of the benchmark scripts: `--name value`, with a fallback. */
export function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

/** A positive whole-number option; anything else ends the script with a one-line message and exit status 2. */
export function positiveInt(name: string, fallback: string): number {
  const v = Number(arg(name, fallback));
  if (!Number.isInteger(v) || v < 1) {
    process.stderr.write(`--${name} must be a positive integer, got ${arg(name, fallback)}\n`);
    process.exit(2);
  }
  return v;
}
