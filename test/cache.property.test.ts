/**
 * Property: for random Cache-Control / Age / Date / Expires / Last-Modified responses and random
 * request directives, what httpCache does on the second request (hit, stale, or a trip to the origin)
 * is what http-cache-semantics itself decides for that response at that moment.
 */
import fc from 'fast-check';
import CachePolicy from 'http-cache-semantics';
import { afterAll, afterEach, beforeAll, expect, test, vi } from 'vitest';
import { httpCache } from '../src/cache/index.ts';
import { eventually, recordingClient } from './helpers/cache-server.ts';
import { startServer, type TestServer } from './helpers/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());
afterEach(() => void vi.useRealTimers());

const seconds = (max: number) => fc.option(fc.integer({ min: 0, max }), { nil: undefined });
// Directives that forbid reuse are drawn rarely, so hits and stale answers get their share of runs.
const rarely = fc.oneof({ arbitrary: fc.constant(false), weight: 5 }, { arbitrary: fc.constant(true), weight: 1 });
const response = fc.record({
  status: fc.oneof({ arbitrary: fc.constant(200), weight: 6 }, fc.constantFrom(203, 204, 404, 410, 500)),
  maxAge: seconds(120),
  sMaxAge: seconds(120),
  noStore: rarely,
  noCache: rarely,
  mustRevalidate: rarely,
  private: fc.boolean(),
  public: fc.boolean(),
  immutable: rarely,
  staleWhileRevalidate: seconds(120),
  staleIfError: seconds(60),
  age: seconds(30),
  /** Server clock skew in seconds, or no Date header. */
  date: fc.option(fc.integer({ min: -100, max: 100 }), { nil: undefined }),
  /** Expires relative to the server's Date, or the invalid "0". */
  expires: fc.option(fc.oneof(fc.integer({ min: -60, max: 120 }), fc.constant('0' as const)), { nil: undefined }),
  lastModified: seconds(10_000),
});
// max-stale is left out: an entry is dropped once past its time-to-live, while max-stale could still take it.
const requestDirective = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 3 },
  fc.constantFrom('no-cache'),
  fc.integer({ min: 0, max: 100 }).map((n) => `max-age=${n}`),
  fc.integer({ min: 0, max: 100 }).map((n) => `min-fresh=${n}`),
);

type Drawn = typeof response extends fc.Arbitrary<infer T> ? T : never;

function headersOf(drawn: Drawn, now: number): Record<string, string> {
  const directives = [
    drawn.maxAge !== undefined && `max-age=${drawn.maxAge}`,
    drawn.sMaxAge !== undefined && `s-maxage=${drawn.sMaxAge}`,
    drawn.noStore && 'no-store',
    drawn.noCache && 'no-cache',
    drawn.mustRevalidate && 'must-revalidate',
    drawn.private && 'private',
    drawn.public && 'public',
    drawn.immutable && 'immutable',
    drawn.staleWhileRevalidate !== undefined && `stale-while-revalidate=${drawn.staleWhileRevalidate}`,
    drawn.staleIfError !== undefined && `stale-if-error=${drawn.staleIfError}`,
  ].filter(Boolean);
  const serverNow = now + (drawn.date ?? 0) * 1000;
  const headers: Record<string, string> = { 'content-type': 'text/plain' };
  if (directives.length) headers['cache-control'] = directives.join(', ');
  if (drawn.age !== undefined) headers.age = String(drawn.age);
  if (drawn.date !== undefined) headers.date = new Date(serverNow).toUTCString();
  if (drawn.expires !== undefined)
    headers.expires = drawn.expires === '0' ? '0' : new Date(serverNow + drawn.expires * 1000).toUTCString();
  if (drawn.lastModified !== undefined)
    headers['last-modified'] = new Date(serverNow - drawn.lastModified * 1000).toUTCString();
  return headers;
}

let run = 0;
const seen = { hit: 0, stale: 0, miss: 0 };

test('the second request is a hit, stale or a trip to the origin exactly when http-cache-semantics says so', async () => {
  await fc.assert(
    fc.asyncProperty(
      response,
      requestDirective,
      fc.integer({ min: 0, max: 100 }),
      async (drawn, directive, elapsed) => {
        // Date is frozen (and moved by hand) so the middleware and the reference see the same clock.
        vi.useFakeTimers({ toFake: ['Date'], now: Date.UTC(2026, 0, 1, 12) });
        const start = Date.now();
        const headers = headersOf(drawn, start);
        const path = `/property-${run++}`;
        server.route(path, (_request, reply) => {
          reply.sendDate = false;
          reply.writeHead(drawn.status, headers).end('body');
        });
        const { api, outcomes } = recordingClient(server, [httpCache()], { throwHttpErrors: false });
        const requestHeaders = { accept: 'application/json' };
        const reference = new CachePolicy(
          { method: 'GET', url: path, headers: requestHeaders },
          { status: drawn.status, headers },
          { shared: false },
        );
        await api.get(path.slice(1)).text();

        vi.setSystemTime(start + elapsed * 1000);
        const second = directive === undefined ? requestHeaders : { ...requestHeaders, 'cache-control': directive };
        const verdict = reference.evaluateRequest({ method: 'GET', url: path, headers: second });
        // An error status is never stored, whatever http-cache-semantics allows.
        const storable = drawn.status < 400 && reference.storable();
        const expected = !storable || !verdict.response ? 'miss' : verdict.revalidation ? 'stale' : 'hit';
        await api.get(path.slice(1), { headers: second }).text();

        expect(outcomes()).toEqual(['miss', expected]);
        seen[expected] += 1;
        expect(server.requestsTo(path).length).toBe(expected === 'miss' ? 2 : 1);
        // A stale answer refreshes in the background: once.
        if (expected === 'stale') await eventually(() => server.requestsTo(path).length === 2);
        vi.useRealTimers();
      },
    ),
    { numRuns: 200 },
  );
  // The property is worth little if random headers hardly ever allow reuse.
  expect(Math.min(seen.hit, seen.stale, seen.miss)).toBeGreaterThan(5);
});
