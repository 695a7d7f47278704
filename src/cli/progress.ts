/**
 * A progress bar on stderr for long CLI work. On a terminal it redraws one line; elsewhere
 * (CI logs, pipes) it prints a plain line every 10 % so logs stay short. Nothing goes to
 * stdout, so `--json` output stays clean.
 */
export interface Progress {
  update(done: number, total: number, label?: string): void;
  finish(message?: string): void;
}

export function createProgress(title: string, options: { enabled?: boolean; stream?: NodeJS.WriteStream } = {}): Progress {
  const stream = options.stream ?? process.stderr;
  const enabled = options.enabled ?? true;
  const tty = Boolean(stream.isTTY);
  const started = performance.now();
  let lastDecile = -1;
  let lastDraw = 0;
  let drawn = false;
  return {
    update(done, total, label = title) {
      if (!enabled || total <= 0) return;
      const fraction = Math.min(1, done / total);
      if (tty) {
        const now = performance.now();
        if (now - lastDraw < 80 && done < total) return;
        lastDraw = now;
        const width = 28;
        const filled = Math.round(fraction * width);
        const elapsed = (now - started) / 1000;
        const eta = fraction > 0 ? elapsed / fraction - elapsed : 0;
        const line = `${label.padEnd(12)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%  ${done}/${total}  ${eta > 0.5 ? `~${eta.toFixed(0)}s left` : ''}`;
        stream.write(`\r${line.padEnd(78)}`);
        drawn = true;
      } else {
        const decile = Math.floor(fraction * 10);
        if (decile !== lastDecile) {
          lastDecile = decile;
          stream.write(`${label}: ${(fraction * 100).toFixed(0)}% (${done}/${total})\n`);
        }
      }
    },
    finish(message) {
      if (!enabled) return;
      if (tty && drawn) stream.write('\r'.padEnd(80) + '\r');
      if (message) stream.write(`${message}\n`);
    },
  };
}
