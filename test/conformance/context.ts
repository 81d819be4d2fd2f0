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
    bodyCancel:
      "body cancel: Node 22.0's fetch keeps the connection open after its body is cancelled (later 22.x releases close it)",
  },
  chromium: {
    uploadStreams:
      'upload streams: Chromium streams request bodies only over HTTP/2 and the test server speaks HTTP/1.1',
    manualRedirects:
      "manual redirects: a page gets an opaque response for redirect: 'manual'; the browser follows redirects itself (and drops Authorization across origins)",
  },
};

/** sturdy's optional entry points with conformance cases: `cases/<name>.ts` exports `register<Name>Cases(context)`. */
export const ENTRY_NAMES = [
  'endpoint',
  'ndjson',
  'batch',
  'limit',
  'sse',
  'cache',
  'paginate',
  'otel',
  'openapi',
  'outbox',
] as const;
export type EntryName = (typeof ENTRY_NAMES)[number];
/**
 * One loaded entry point (`sturdy/<name>`, built). Loose because its source may not exist yet:
 * a cases file narrows it, `context.entry<typeof import('../../../src/sse/index.ts')>('sse')`.
 */
export type EntryModule = Record<string, any>;
/** The entry points package.json `exports` lists, loaded; the others are absent and their cases not registered. */
export type Entries = Partial<Record<EntryName, EntryModule>>;

/**
 * Which of ENTRY_NAMES a package.json `exports` field lists, each with the built file it resolves to under
 * `condition` (else its default).
 * @example
 * listedEntries({ './sse': { types: './dist/sse.d.ts', default: './dist/sse.js' } }); // { sse: './dist/sse.js' }
 */
export function listedEntries(exportsField: unknown, condition = 'default'): Partial<Record<EntryName, string>> {
  const listed: Partial<Record<EntryName, string>> = {};
  if (typeof exportsField !== 'object' || exportsField === null) return listed;
  for (const name of ENTRY_NAMES) {
    const target = (exportsField as Record<string, unknown>)[`./${name}`];
    const conditions = target as Record<string, unknown> | undefined;
    const file = typeof target === 'string' ? target : (conditions?.[condition] ?? conditions?.default);
    if (typeof file === 'string') listed[name] = file;
  }
  return listed;
}

/**
 * Imports each named entry point with the runner's own loader (a package specifier, a URL).
 * @example
 * const entries = await loadEntries(['sse'], (name) => import(`sturdy/${name}`));
 */
export async function loadEntries(
  names: Iterable<EntryName>,
  load: (name: EntryName) => Promise<unknown>,
): Promise<Entries> {
  const entries: Entries = {};
  for (const name of names) entries[name] = (await load(name)) as EntryModule;
  return entries;
}

/** Everything a case may use. */
export type ConformanceEnv = {
  /** The test server, `http://127.0.0.1:PORT` (no trailing slash). */
  url: string;
  runtime: RuntimeName;
  sturdy: SturdyModule;
  /** The optional entry points package.json `exports` lists, loaded from the built package. */
  entries: Entries;
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
  /** A loaded entry point, typed by its cases file; throws when package.json `exports` does not list it. */
  entry<M = EntryModule>(name: EntryName): M;
};

/**
 * @example
 * const context = createContext(registry, { url, runtime: 'bun', sturdy, entries: {} });
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
    entry<M>(name: EntryName) {
      const loaded = env.entries[name];
      if (!loaded)
        throw new TypeError(
          `conformance: sturdy/${name} is not loaded; its cases run only when package.json "exports" lists "./${name}"`,
        );
      return loaded as M;
    },
  };
}
