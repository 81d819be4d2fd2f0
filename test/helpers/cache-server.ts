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
 * (and the `ticket` query parameter when given), known to the core only as what its authorize set.
 * @example
 * const asA = recordingClient(server, [cache], { auth: tokenStrategy('tok_A') });
 */
export function tokenStrategy(token: string, ticket?: string): AuthStrategy {
  return {
    kind: 'sturdy.auth',
    type: 'custom',
    policy: credentialPolicy,
    authorize: ({ headers, url }) => {
      headers.set('x-token', token);
      if (ticket !== undefined) url.searchParams.set('ticket', ticket);
    },
  };
}

/** What `getAsTwoUsers` sends as credentials: no store may hold any of these. */
export const USER_SECRETS = ['tok_A_111', 'tok_B_222', 'tkt_A_333', 'tkt_B_444'];

/**
 * Routes `/varies` (private, max-age=60, `Vary: x-token`) and GETs it twice as each of two users of
 * `tokenStrategy` (header and query credentials) through `cache`. Returns the bodies and outcomes.
 * @example
 * expect(await getAsTwoUsers(server, httpCache())).toMatchObject({ outcomes: ['miss', 'hit', 'miss', 'hit'] });
 */
export async function getAsTwoUsers(server: TestServer, cache: Middleware) {
  versioned(server, '/varies', (n) => ({
    headers: { 'cache-control': 'private, max-age=60', vary: 'x-token' },
    body: `copy ${n}`,
  }));
  const bodies: string[] = [];
  const outcomes: Array<string | undefined> = [];
  for (const user of [0, 1]) {
    const auth = tokenStrategy(USER_SECRETS[user]!, USER_SECRETS[user + 2]);
    const client = recordingClient(server, [cache], { auth });
    for (const _ of [0, 1]) bodies.push(await client.api.get('varies').text());
    outcomes.push(...client.outcomes());
  }
  return { bodies, outcomes };
}
