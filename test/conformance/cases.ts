/**
 * The conformance cases: what sturdy promises, checked against the real test
 * server (test/conformance/server.ts) from inside each runtime, on the BUILT
 * package handed in by the runtime's runner. Order matters only within a group
 * (some cases read what the server received first on a shared path).
 */
import { registerAuthCases } from './cases/auth.ts';
import { registerRequestCases } from './cases/requests.ts';
import { registerSchemaCases } from './cases/schemas.ts';
import { createContext, ENTRY_NAMES, type CaseContext, type ConformanceEnv, type EntryName } from './context.ts';
import type { Registry } from './harness.ts';

export type { ConformanceEnv, Entries, EntryName, RuntimeName, SturdyModule } from './context.ts';
export { ENTRY_NAMES, listedEntries, loadEntries } from './context.ts';

/**
 * Registers every case for one runtime; cases the runtime cannot run are named skips.
 * An optional entry point's cases are registered only when its runner loaded the entry.
 * @example
 * await registerCases(registry, { url, runtime: 'deno', sturdy: await import('sturdy'), entries: {} });
 */
export async function registerCases(registry: Registry, env: ConformanceEnv): Promise<void> {
  const context = createContext(registry, env);
  registerRequestCases(context);
  registerSchemaCases(context);
  registerAuthCases(context);
  for (const name of ENTRY_NAMES) if (env.entries[name]) await registerEntryCases(name, context);
}

/** Imported only for a loaded entry: the file may not exist before its entry point does. */
async function registerEntryCases(name: EntryName, context: CaseContext): Promise<void> {
  const register = `register${name[0]!.toUpperCase()}${name.slice(1)}Cases`;
  try {
    const cases = (await import(`./cases/${name}.ts`)) as Record<string, unknown>;
    const registerGroup = cases[register];
    if (typeof registerGroup !== 'function') throw new TypeError(`cases/${name}.ts exports no ${register}(context)`);
    registerGroup(context);
  } catch (error) {
    // An exported entry without its cases fails the run instead of passing unchecked.
    context.registry.test(`${name}: its cases load`, () => Promise.reject(error));
  }
}
