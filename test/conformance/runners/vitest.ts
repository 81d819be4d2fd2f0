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

/** The export condition each runtime's bundler uses: a page gets the browser build (dist/browser). */
const CONDITION: Partial<Record<RuntimeName, string>> = { chromium: 'browser' };

/**
 * @example
 * await registerConformanceTests('chromium');
 */
export async function registerConformanceTests(runtime: RuntimeName): Promise<void> {
  const condition = CONDITION[runtime] ?? 'default';
  const main = packageJson.exports['.'] as Record<string, string>;
  // Root-relative (`./dist/index.js` is `/dist/index.js` from the root vite serves), so vite resolves its `ky` import.
  const sturdy = (await import(/* @vite-ignore */ main[condition]!.replace(/^\./, ''))) as SturdyModule;
  const files = listedEntries(packageJson.exports, condition);
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
