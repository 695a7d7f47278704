/**
 * `seccom serve --db <store>`: the HTTP API (src/server) over an existing store, without seeding.
 * Prints the URL; stops cleanly (in-flight requests answered, store closed) on SIGINT or SIGTERM.
 */
import type { Command } from 'commander';
import { UsageError } from './errors.ts';
import { DB_OPTION_HELP, openExistingStore, STORE_SYNONYM_HELP, type StoreOpts } from './store-option.ts';

export const SERVE_DESCRIPTION = 'serve the HTTP API (cases, jurisdictions, policy versions; OpenAPI at /openapi.json, docs at /docs) over an existing store';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description(SERVE_DESCRIPTION)
    .option('--db <store>', DB_OPTION_HELP)
    .option('--store <store>', STORE_SYNONYM_HELP)
    .option('--port <n>', 'TCP port (0: any free port)', '8080')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .addHelpText('after', `
Examples:
  seccom scenario run scenarios/a-county-in-2011.json --db out/county.db
  seccom serve --db out/county.db
  curl http://127.0.0.1:8080/cases?limit=5`)
    .action(async (opts: StoreOpts & { port: string; host: string }) => {
      const port = Number(opts.port);
      if (!/^\d+$/.test(opts.port) || port > 65_535) throw new UsageError(`--port must be a whole number from 0 to 65535, got "${opts.port}"`);
      const store = await openExistingStore(opts);
      const [{ buildServer }, { systemClock }] = await Promise.all([import('../server/app.ts'), import('../platform/clock/index.ts')]);
      let app;
      try {
        app = await buildServer({ store, clock: systemClock, logger: { level: process.env.SECCOM_LOG_LEVEL ?? 'warn' } });
        const address = await app.listen({ port, host: opts.host });
        process.stdout.write(`serving ${address} (OpenAPI: ${address}/openapi.json, docs: ${address}/docs); Ctrl-C stops\n`);
      } catch (error) {
        await app?.close();
        await store.close();
        if (error instanceof Error && 'code' in error && (error.code === 'EADDRINUSE' || error.code === 'EACCES' || error.code === 'EADDRNOTAVAIL')) throw new UsageError(`cannot listen on ${opts.host}:${port}: ${error.message}`);
        throw error;
      }
      const server = app;
      await new Promise<void>((resolve) => {
        const stop = (signal: NodeJS.Signals) => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          process.stdout.write(`${signal}: stopping\n`);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await server.close();
      await store.close();
      process.stdout.write('stopped\n');
    });
}
