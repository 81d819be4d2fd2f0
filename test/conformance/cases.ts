/**
 * The conformance cases: what sturdy promises, checked against the real test
 * server (test/conformance/server.ts) from inside each runtime, on the BUILT
 * package handed in by the runtime's runner. Order matters only within a group
 * (some cases read what the server received first on a shared path).
 */
import { registerAuthCases } from './cases/auth.ts';
import { registerFlowCases } from './cases/flow.ts';
import { registerRequestCases } from './cases/requests.ts';
import { registerSchemaCases } from './cases/schemas.ts';
import { registerStreamCases } from './cases/streams.ts';
import { createContext, type ConformanceEnv } from './context.ts';
import type { Registry } from './harness.ts';

export type { ConformanceEnv, RuntimeName, SturdyModule } from './context.ts';

/**
 * Registers every case for one runtime; cases the runtime cannot run are named skips.
 * @example
 * registerCases(registry, { url, runtime: 'deno', sturdy: await import('sturdy') });
 */
export function registerCases(registry: Registry, env: ConformanceEnv): void {
  const context = createContext(registry, env);
  registerRequestCases(context);
  registerSchemaCases(context);
  registerAuthCases(context);
  registerStreamCases(context);
  registerFlowCases(context);
}
