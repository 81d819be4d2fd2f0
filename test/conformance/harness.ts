/**
 * A tiny test API for the conformance suite. It uses only what every target
 * runtime has (Promise, Error, JSON, performance/Date): no Node, Deno or DOM
 * APIs, so the same cases run in Node, Deno, Bun, Chromium, workerd and edge.
 */

/** What a case may call: the built package, the server's URL and helpers. */
export type Case = {
  name: string;
  run?: () => Promise<void>;
  /** Set when this runtime cannot do what the case needs: shown as a named skip. */
  skip?: string;
};

/** The outcome of one case, as runners print and CI counts it. */
export type Outcome = {
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  ms: number;
  /** The failure message, or the skip's reason. */
  detail?: string;
};

/** Collects cases in order; `run` executes them one after another. */
export type Registry = {
  test(name: string, run: () => Promise<void>): void;
  /** A case this runtime cannot run, with the reason (for example `'browsers follow redirects themselves'`). */
  skip(name: string, reason: string): void;
  readonly cases: readonly Case[];
};

/**
 * Makes a registry.
 * @example
 * const registry = createRegistry();
 * registry.test('adds', async () => expect(1 + 1).toBe(2));
 * const outcomes = await runCases(registry.cases);
 */
export function createRegistry(): Registry {
  const cases: Case[] = [];
  const seen = new Set<string>();
  const add = (entry: Case) => {
    if (seen.has(entry.name)) throw new Error(`conformance: duplicate case name ${JSON.stringify(entry.name)}`);
    seen.add(entry.name);
    cases.push(entry);
  };
  return {
    test: (name, run) => add({ name, run }),
    skip: (name, reason) => add({ name, skip: reason }),
    cases,
  };
}

const now = () => globalThis.performance?.now() ?? Date.now();

/** Rejects after `ms` so one stuck case cannot stall a whole runtime. */
const within = <T>(promise: Promise<T>, ms: number, name: string): Promise<T> => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`case did not finish within ${ms} ms: ${name}`)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
};

/**
 * Runs cases one by one (never in parallel: some assert timing and server
 * counts) and reports each outcome as it finishes.
 * @example
 * const outcomes = await runCases(registry.cases, { onOutcome: (o) => console.log(o.status, o.name) });
 */
export async function runCases(
  cases: readonly Case[],
  options: { onOutcome?: (outcome: Outcome) => void; caseTimeoutMs?: number } = {},
): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (const entry of cases) {
    const started = now();
    let outcome: Outcome;
    if (entry.skip !== undefined || !entry.run) {
      outcome = { name: entry.name, status: 'skipped', ms: 0, detail: entry.skip ?? 'no body' };
    } else {
      try {
        await within(entry.run(), options.caseTimeoutMs ?? 15_000, entry.name);
        outcome = { name: entry.name, status: 'passed', ms: Math.round(now() - started) };
      } catch (error) {
        outcome = { name: entry.name, status: 'failed', ms: Math.round(now() - started), detail: describe(error) };
      }
    }
    outcomes.push(outcome);
    options.onOutcome?.(outcome);
  }
  return outcomes;
}

const describe = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/** `name passed` / `name failed: why` / `name skipped: why`, one line per outcome. */
export const formatOutcome = (outcome: Outcome): string =>
  outcome.status === 'passed'
    ? `  ok    ${outcome.name} (${outcome.ms} ms)`
    : outcome.status === 'skipped'
      ? `  skip  ${outcome.name} -- ${outcome.detail}`
      : `  FAIL  ${outcome.name}: ${outcome.detail}`;

/** Counts by status. */
export const countOutcomes = (outcomes: readonly Outcome[]) => ({
  passed: outcomes.filter((outcome) => outcome.status === 'passed').length,
  failed: outcomes.filter((outcome) => outcome.status === 'failed').length,
  skipped: outcomes.filter((outcome) => outcome.status === 'skipped').length,
});

/** An assertion failure. */
export class AssertionError extends Error {
  override name = 'AssertionError';
}

const show = (value: unknown): string => {
  if (typeof value === 'string') return JSON.stringify(value.length > 300 ? `${value.slice(0, 300)}...` : value);
  if (value instanceof Error)
    return `${value.name}(${JSON.stringify(value.message)}${value.cause === undefined ? '' : `, cause: ${show(value.cause)}`})`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
};

/** Structural equality for JSON-like values (what the server echoes). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a).filter((key) => (a as Record<string, unknown>)[key] !== undefined);
  const keysB = Object.keys(b).filter((key) => (b as Record<string, unknown>)[key] !== undefined);
  if (keysA.length !== keysB.length) return false;
  return keysA.every((key) => deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

const check = (ok: boolean, message: () => string) => {
  if (!ok) throw new AssertionError(message());
};

/**
 * Minimal expect: the matchers the cases use, with messages that show both sides.
 * @example
 * expect(received.headers['content-type']).toBe('application/json; charset=utf-8');
 */
export function expect(actual: unknown) {
  return {
    toBe: (expected: unknown) =>
      check(Object.is(actual, expected), () => `expected ${show(actual)} to be ${show(expected)}`),
    toEqual: (expected: unknown) =>
      check(deepEqual(actual, expected), () => `expected ${show(actual)} to equal ${show(expected)}`),
    toMatch: (pattern: RegExp) =>
      check(typeof actual === 'string' && pattern.test(actual), () => `expected ${show(actual)} to match ${pattern}`),
    toContain: (part: string) =>
      check(
        typeof actual === 'string' && actual.includes(part),
        () => `expected ${show(actual)} to contain ${show(part)}`,
      ),
    notToContain: (part: string) =>
      check(
        typeof actual === 'string' && !actual.includes(part),
        () => `expected ${show(actual)} not to contain ${show(part)}`,
      ),
    toBeInstanceOf: (type: abstract new (...args: never[]) => unknown) =>
      check(actual instanceof type, () => `expected ${show(actual)} to be an instance of ${type.name}`),
    /** `expect(error).toSatisfy(isTimeoutError)`: the message shows what the value was instead. */
    toSatisfy: (predicate: (value: unknown) => boolean) =>
      check(predicate(actual), () => `expected ${show(actual)} to satisfy ${predicate.name || 'the predicate'}`),
    toBeAtLeast: (floor: number) =>
      check(typeof actual === 'number' && actual >= floor, () => `expected ${show(actual)} to be >= ${floor}`),
    toBeBelow: (ceiling: number) =>
      check(typeof actual === 'number' && actual < ceiling, () => `expected ${show(actual)} to be < ${ceiling}`),
  };
}

/**
 * Awaits a promise that must reject and returns its reason; fails when it resolves.
 * @example
 * const error = await rejection(api.get('hang', { timeout: 100 }));
 */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    const value = await promise;
    throw new AssertionError(
      `expected a rejection, got ${show(value instanceof Response ? `Response ${value.status}` : value)}`,
    );
  } catch (error) {
    if (error instanceof AssertionError) throw error;
    return error;
  }
}
