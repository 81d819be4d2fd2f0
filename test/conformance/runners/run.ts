/**
 * Runs the whole suite once, in whatever runtime this is, and returns a
 * serialisable report. Shared by the command-line runner and the worker.
 */
import { registerCases, type ConformanceEnv } from '../cases.ts';
import { countOutcomes, createRegistry, formatOutcome, runCases, type Outcome } from '../harness.ts';

/** What a runner hands back to scripts/conformance.ts. */
export type ConformanceReport = {
  runtime: string;
  version: string;
  outcomes: Outcome[];
  passed: number;
  failed: number;
  skipped: number;
};

/**
 * @example
 * const report = await runConformance({ url, runtime: 'bun', sturdy, entries: {}, version: Bun.version });
 */
export async function runConformance(
  env: ConformanceEnv & { version: string; log?: (line: string) => void },
): Promise<ConformanceReport> {
  const registry = createRegistry();
  await registerCases(registry, env);
  env.log?.(`conformance: ${env.runtime} (${env.version}) against ${env.url}`);
  const outcomes = await runCases(registry.cases, { onOutcome: (outcome) => env.log?.(formatOutcome(outcome)) });
  return { runtime: env.runtime, version: env.version, outcomes, ...countOutcomes(outcomes) };
}
