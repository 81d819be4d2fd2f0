/**
 * What every conformance case may use: the built package, the test server's
 * URL, what the server received, and the runtime's named limits. Only web APIs
 * (fetch, URL, ReadableStream, AbortController, TextEncoder): cases run in
 * every runtime.
 */
import type * as Sturdy from '../../src/index.ts';
import type { Registry } from './harness.ts';

/** The built package (dist/index.js), typed by its source. */
export type SturdyModule = typeof Sturdy;

/** Runtimes the suite knows; each runner names its own. */
export type RuntimeName = 'node24' | 'node22' | 'node22.0' | 'deno' | 'bun' | 'workerd' | 'edge-runtime' | 'chromium';

/**
 * What a case needs that some runtime cannot do, and why: the named skips. Each reason starts
 * with the skip's name (`upload streams: ...`), which README's runtime table lists
 * (scripts/runtime-table.ts checks that table against CI's results).
 */
export type Limit = 'uploadStreams' | 'manualRedirects' | 'bodyCancel';

const LIMITS: Partial<Record<RuntimeName, Partial<Record<Limit, string>>>> = {
  'node22.0': {
    bodyCancel: "body cancel: Node 22.0's fetch keeps the connection open after its body is cancelled (later 22.x releases close it)",
  },
  chromium: {
    uploadStreams: 'upload streams: Chromium streams request bodies only over HTTP/2 and the test server speaks HTTP/1.1',
    manualRedirects: "manual redirects: a page gets an opaque response for redirect: 'manual'; the browser follows redirects itself (and drops Authorization across origins)",
  },
};

/** Everything a case may use. */
export type ConformanceEnv = {
  /** The test server, `http://127.0.0.1:PORT` (no trailing slash). */
  url: string;
  runtime: RuntimeName;
  sturdy: SturdyModule;
};

/** What the echo routes answer: the request as the server received it. */
export type Echo = { method: string; url: string; headers: Record<string, string>; body: unknown };
/** One request as the server recorded it (`at`: ms since the server started). */
export type Received = { method: string; url: string; headers: Record<string, string>; body: string; at: number };

/** What the server's `/ndjson` route streams, cut at arbitrary bytes. */
export const NDJSON_RECORDS = [
  { id: 1, name: 'café' },
  { id: 2, name: 'naïve 😀' },
  { id: 3, name: '日本語' },
];

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const now = (): number => globalThis.performance?.now() ?? Date.now();

/** Handed to each group of cases. */
export type CaseContext = ConformanceEnv & {
  registry: Registry;
  /** A client with only `baseUrl` set: sturdy's defaults. */
  api: Sturdy.SturdyClient;
  /** What the server received on a path, in order (read with plain fetch, not with sturdy). */
  received(path: string): Promise<Received[]>;
  /** The URL of the server's second origin (credentials must never reach it). */
  otherOrigin(): Promise<string>;
  /** Registers a case, or a named skip when this runtime has `limit`. */
  guarded(name: string, limit: Limit, run: () => Promise<void>): void;
};

/**
 * @example
 * const context = createContext(registry, { url, runtime: 'bun', sturdy });
 */
export function createContext(registry: Registry, env: ConformanceEnv): CaseContext {
  const limits = LIMITS[env.runtime] ?? {};
  const getJson = async <T>(path: string): Promise<T> => (await (await fetch(`${env.url}${path}`)).json()) as T;
  return {
    ...env,
    registry,
    api: env.sturdy.createClient({ baseUrl: `${env.url}/` }),
    received: (path) => getJson<Received[]>(`/__received?path=${encodeURIComponent(path)}`),
    otherOrigin: async () => (await getJson<{ url: string }>('/__other')).url,
    guarded(name, limit, run) {
      const reason = limits[limit];
      if (reason) registry.skip(name, reason);
      else registry.test(name, run);
    },
  };
}
