// Preloaded (`node --import`) by bench/cli-startup.bench.ts into one untimed `seccom` run: lists every
// module the process loads, so the benchmark can report how many (and which packages) a command pulls in.
// ES modules are seen by a load hook (which runs on the loader thread and appends each URL to the file
// named by SECCOM_BENCH_MODULES_OUT); CommonJS modules required from them are read from require.cache
// when the process exits.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

const out = process.env.SECCOM_BENCH_MODULES_OUT;

/** The load hook (loader thread): one line per ES module (or CommonJS entry imported from ESM). */
export async function load(url, context, next) {
  const result = await next(url, context);
  if (out && !url.startsWith('node:')) appendFileSync(out, `esm ${url}\n`);
  return result;
}

if (isMainThread && out) {
  register(import.meta.url);
  const require = createRequire(import.meta.url);
  process.on('exit', () => {
    const lines = Object.keys(require.cache).map((path) => `cjs file://${path}\n`);
    appendFileSync(out, lines.join(''));
  });
}
