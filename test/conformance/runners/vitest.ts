/**
 * Registers the conformance cases as vitest tests (edge-runtime and browser
 * projects). The server runs in Node (global-setup.ts); the BUILT package is
 * loaded from dist by URL, as a bundler or a page would load it.
 */
import { inject, test } from 'vitest';
import { registerCases, type RuntimeName, type SturdyModule } from '../cases.ts';
import { createRegistry } from '../harness.ts';

/** Root-relative, so vite serves dist/index.js (and resolves its `ky` import) in both environments. */
const BUILT = '/dist/index.js';

/**
 * @example
 * await registerConformanceTests('chromium');
 */
export async function registerConformanceTests(runtime: RuntimeName): Promise<void> {
  const sturdy = (await import(/* @vite-ignore */ BUILT)) as SturdyModule;
  const registry = createRegistry();
  registerCases(registry, { url: inject('conformanceUrl'), runtime, sturdy });
  for (const entry of registry.cases) {
    if (entry.skip !== undefined) test.skip(`${entry.name} [skipped in ${runtime}: ${entry.skip}]`, () => {});
    else test(entry.name, entry.run!, 15_000);
  }
}
