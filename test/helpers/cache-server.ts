/**
 * Helpers for the cache and dedupe tests on top of the suite's server (test/helpers/server.ts):
 * routes whose reply depends on the request count, and a client that records cache events.
 */
import type { ServerResponse } from 'node:http';
import { createClient, credentialPolicy, type AuthStrategy, type SturdyEvent } from '../../src/index.ts';
import type { Middleware } from '../../src/core/middleware.ts';
import type { ReceivedRequest, TestServer } from './server.ts';

export type CacheReply = { status?: number; headers?: Record<string, string>; body?: string };

/**
 * Routes `path` to `reply(n, request)`: status (200), headers and a text body (`n` counts from 0).
 * @example
 * versioned(server, '/fresh', (n) => ({ headers: { 'cache-control': 'max-age=60' }, body: `v${n}` }));
 */
export function versioned(
  server: TestServer,
  path: string,
  reply: (n: number, request: ReceivedRequest) => CacheReply,
): void {
  server.route(path, (request, response: ServerResponse, n) => {
    const { status = 200, headers = {}, body } = reply(n, request);
    response.writeHead(status, { 'content-type': 'text/plain', ...headers });
    response.end(status === 304 ? undefined : body);
  });
}

/**
 * A client whose `use` is `middleware` (no retries unless given), and the `cache` outcomes it reported.
 * @example
 * const { api, outcomes } = recordingClient(server, [httpCache()]);
 */
export function recordingClient(
  server: TestServer,
  use: Middleware[],
  options: Parameters<typeof createClient>[0] = {},
) {
  const events: SturdyEvent[] = [];
  const api = createClient({
    baseUrl: `${server.url}/`,
    retry: false,
    ...options,
    use,
    onEvent: (event) => events.push(event),
  });
  return {
    api,
    events,
    outcomes: () => events.filter((event) => event.type === 'cache').map((event) => event.outcome),
  };
}

/** Resolves once `check()` holds, polling (background work the test cannot await). */
export async function eventually(check: () => boolean, timeoutMs = 2_000): Promise<void> {
  const started = performance.now();
  while (!check()) {
    if (performance.now() - started > timeoutMs) throw new Error('eventually: condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * A custom auth strategy that registers nothing with the redactor: its credential is the `x-token` header
 * (and the `sig` query parameter when given), known to the core only as what its authorize set.
 * @example
 * const asA = recordingClient(server, [cache], { auth: tokenStrategy('tok_A') });
 */
export function tokenStrategy(token: string, sig?: string): AuthStrategy {
  return {
    kind: 'sturdy.auth',
    type: 'custom',
    policy: credentialPolicy,
    authorize: ({ headers, url }) => {
      headers.set('x-token', token);
      if (sig !== undefined) url.searchParams.set('sig', sig);
    },
  };
}
