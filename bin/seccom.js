#!/usr/bin/env node
// Entry point of the `seccom` command. Runs the compiled JavaScript in dist/ (built by `npm run build`,
// which `npm ci` / `npm install` run through the `prepare` script), so no TypeScript loader is paid for at
// start-up. When dist/ is missing or older than a file in src/ (a developer's checkout after an edit), it
// falls back to running the TypeScript sources through tsx and says so in one line on stderr.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const compiled = `${root}dist/cli/main.js`;

/** Newest modification time (ms) of the non-test TypeScript sources under dir. */
function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (/\.[cm]?[jt]s$/.test(entry.name) && !entry.name.includes('.test.')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function distIsFresh() {
  if (!existsSync(compiled)) return false;
  if (!existsSync(`${root}src`)) return true; // an installed package without sources
  return statSync(compiled).mtimeMs >= newestSource(`${root}src`);
}

let main;
if (distIsFresh()) {
  ({ main } = await import(compiled));
} else {
  process.stderr.write('seccom: note: dist/ is missing or older than src/ — running the TypeScript sources through tsx (slower start; `npm run build` fixes it)\n');
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv);
