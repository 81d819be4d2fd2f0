/**
 * Registers the conformance cases as vitest tests (edge-runtime and browser
 * projects). The server runs in Node (global-setup.ts); the BUILT package and
 * each optional entry point its package.json `exports` lists are loaded from
 * dist by URL, as a bundler or a page would load them.
 */
import { inject, test } from 'vitest';
import packageJson from '../../../package.json' with { type: 'json' };
import {
  listedEntries,
  loadEntries,
  registerCases,
  type EntryName,
  type RuntimeName,
  type SturdyModule,
} from '../cases.ts';
import { createRegistry } from '../harness.ts';

/** Root-relative, so vite serves dist/index.js (and resolves its `ky` import) in both environments. */
const BUILT = '/dist/index.js';

/**
 * @example
 * await registerConformanceTests('chromium');
 */
export async function registerConformanceTests(runtime: RuntimeName): Promise<void> {
  const sturdy = (await import(/* @vite-ignore */ BUILT)) as SturdyModule;
  // `./dist/sse.js` in exports is `/dist/sse.js` from the root vite serves.
  const files = listedEntries(packageJson.exports);
  const entries = await loadEntries(
    Object.keys(files) as EntryName[],
    (name) => import(/* @vite-ignore */ files[name]!.replace(/^\./, '')),
  );
  const registry = createRegistry();
  await registerCases(registry, { url: inject('conformanceUrl'), runtime, sturdy, entries });
  for (const entry of registry.cases) {
    if (entry.skip !== undefined) test.skip(`${entry.name} [skipped in ${runtime}: ${entry.skip}]`, () => {});
    else test(entry.name, entry.run!, 15_000);
  }
}
