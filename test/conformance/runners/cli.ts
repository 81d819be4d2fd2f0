/**
 * Runner for runtimes with a command line: Node 24, Node 22, Deno and Bun
 * (all three provide `process`). Imports the BUILT package by its name, runs
 * every case against STURDY_CONFORMANCE_URL (plus the cases of each entry point named in
 * STURDY_CONFORMANCE_ENTRIES, imported as `sturdy/<name>`), prints one line per case and a
 * final `CONFORMANCE {json}` line that scripts/conformance.ts reads.
 */
import { ENTRY_NAMES, loadEntries, type EntryName, type RuntimeName, type SturdyModule } from '../cases.ts';
import { runConformance } from './run.ts';

const url = process.env.STURDY_CONFORMANCE_URL;
const runtime = process.env.STURDY_CONFORMANCE_RUNTIME as RuntimeName | undefined;
// Comma-separated, empty when package.json exports none: required, so a forgotten variable cannot skip their cases.
const entryList = process.env.STURDY_CONFORMANCE_ENTRIES;
if (!url || !runtime || entryList === undefined) {
  throw new Error(
    'set STURDY_CONFORMANCE_URL, STURDY_CONFORMANCE_RUNTIME and STURDY_CONFORMANCE_ENTRIES (scripts/conformance.ts does)',
  );
}
const entryNames = entryList.split(',').filter(Boolean) as EntryName[];
for (const name of entryNames)
  if (!ENTRY_NAMES.includes(name))
    throw new Error(`STURDY_CONFORMANCE_ENTRIES: unknown entry ${name}; known: ${ENTRY_NAMES.join(', ')}`);

// A variable specifier: resolved at run time through package.json `exports`
// (self-reference), so this is the published entry point, not the source.
const specifier = process.env.STURDY_CONFORMANCE_IMPORT ?? 'sturdy';
const sturdy = (await import(specifier)) as SturdyModule;
const entries = await loadEntries(entryNames, (name) => import(`sturdy/${name}`));

const report = await runConformance({
  url,
  runtime,
  sturdy,
  entries,
  version: runtimeVersion(),
  log: (line) => console.log(line),
});
console.log(`CONFORMANCE ${JSON.stringify(report)}`);

// Nothing should keep the runtime alive after the last case. When something does (Node 22.0's
// fetch keeps the socket of a body sturdy cancelled until undici's 300 s timeout), say so and
// exit instead of waiting: the cases have reported already.
const linger = setTimeout(() => {
  console.log('note: the runtime was still busy 3 s after the last case (an open socket?); exiting');
  process.exit(0);
}, 3_000);
const deno = (globalThis as { Deno?: { unrefTimer(id: number): void } }).Deno;
if (deno) deno.unrefTimer(linger as unknown as number);
else (linger as { unref?: () => void }).unref?.();

function runtimeVersion(): string {
  const global = globalThis as { Deno?: { version: { deno: string } }; Bun?: { version: string } };
  if (global.Deno) return `deno ${global.Deno.version.deno}`;
  if (global.Bun) return `bun ${global.Bun.version}`;
  return `node ${process.versions.node}`;
}
