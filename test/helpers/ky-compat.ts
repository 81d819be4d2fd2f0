/**
 * The ky-compatibility families (test/ky-*.test.ts) run every scenario twice:
 * against plain ky and against sturdy, with the same options, so a scenario
 * that passes on ky and fails on sturdy is a place where sturdy breaks what ky
 * documents.
 */
import ky, { type KyInstance, type Options } from 'ky';
import { afterAll, beforeAll, test, type TestFunction } from 'vitest';
import { createClient } from '../../src/index.ts';
import { startServer, type Handler, type ReceivedRequest, type TestServer } from './server.ts';

/** Makes a client from ky options: `ky.create` or sturdy's `createClient`, typed as ky's instance. */
export type MakeClient = (options?: Options) => KyInstance;

/**
 * Options both sides get unless a test sets them, so ky's and sturdy's different defaults
 * (retry limit 2 vs 3, totalTimeout none vs 60 s, jitter none vs full) do not decide a result.
 */
const RETRY_BASE = { limit: 2, delay: () => 10, jitter: false, backoffLimit: 1_000 } as const;

const withBase = (options: Options): Options => {
  const { retry } = options;
  return {
    timeout: 5_000,
    totalTimeout: false,
    ...options,
    retry: typeof retry === 'number' ? { ...RETRY_BASE, limit: retry } : { ...RETRY_BASE, ...retry },
  };
};

/**
 * `describe.each(implementations)('%s', (_name, make) => ...)`: the same scenario through ky and through sturdy.
 * @example
 * describe.each(implementations)('%s', (_name, make) => {
 *   test('GET', async () => expect(await make({ baseUrl }).get('x').json()).toEqual({}));
 * });
 */
export const implementations: Array<[name: 'ky' | 'sturdy', make: MakeClient]> = [
  ['ky', (options = {}) => ky.create(withBase(options))],
  ['sturdy', (options = {}) => createClient(withBase(options) as never) as unknown as KyInstance],
];

/** One route of the shared test server, unique per call so the ky and sturdy runs never share a path. */
export type Route = {
  /** `/name-n`, without a leading base. */
  path: string;
  /** The absolute URL of the route. */
  url: string;
  /** What the server received on this route, in order. */
  received(): ReceivedRequest[];
};

/**
 * Starts the suite's test server for this file and hands out unique routes.
 * @example
 * const server = useServer();
 * const route = server.route('orders', modes.json(200, { id: 1 }));
 */
export function useServer(): {
  readonly url: string;
  route(name: string, handler: Handler): Route;
  readonly server: TestServer;
} {
  let server: TestServer | undefined;
  let next = 0;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.close());
  const started = (): TestServer => {
    if (!server) throw new Error('useServer(): the server starts in beforeAll; call route() inside a test');
    return server;
  };
  return {
    get url() {
      return started().url;
    },
    get server() {
      return started();
    },
    route(name, handler) {
      const running = started();
      next += 1;
      const path = `/${name}-${next}`;
      running.route(path, handler);
      return { path, url: `${running.url}${path}`, received: () => running.requestsTo(path) };
    },
  };
}

/**
 * A hook that throws `error`: for the "an error it throws ..." cases of every hook.
 * @example
 * make({ hooks: { beforeRequest: [throwing(new Error('no token'))] } });
 */
export const throwing = (error: Error) => (): never => {
  throw error;
};

/**
 * Scenarios that pass on ky and fail on sturdy today: on sturdy they run as `test.fails`,
 * so each one fails loudly the day sturdy passes it, as a reminder to take its name out of this set.
 * Names are test titles, unique across the ky-* families.
 */
export const PENDING_ON_STURDY: ReadonlySet<string> = new Set<string>([]);

/**
 * `test` for one side of a family, where a scenario in PENDING_ON_STURDY runs on sturdy as `test.fails`.
 * @example
 * describe.each(implementations)('%s', (name, make) => {
 *   const scenario = knownDifference(name);
 *   scenario('QUERY is retried by default', async () => { ... });
 * });
 */
export const knownDifference =
  (implementation: 'ky' | 'sturdy') =>
  (title: string, run: TestFunction, timeout?: number): void => {
    const pending = implementation === 'sturdy' && PENDING_ON_STURDY.has(title);
    (pending ? test.fails : test)(title, run, timeout);
  };

/** How a call settled: thrown before it returned, or its promise rejected or resolved. */
export type CallOutcome = { threw: unknown } | { rejected: unknown } | { resolved: unknown };

/**
 * Runs `call` and tells a synchronous throw (ky's argument errors) from a rejection.
 * @example
 * expect(await outcomeOf(() => api.get(0 as never))).toEqual({ threw: expect.any(TypeError) });
 */
export async function outcomeOf(call: () => unknown): Promise<CallOutcome> {
  let result: unknown;
  try {
    result = call();
  } catch (error) {
    return { threw: error };
  }
  return Promise.resolve(result).then(
    (resolved) => ({ resolved }),
    (rejected: unknown) => ({ rejected }),
  );
}
