/**
 * sturdy/cache in every runtime: httpCache hits, revalidation, per-credential entries and
 * invalidation; dedupe sharing one request. The server's routes send no caching headers, so an
 * inner middleware adds them (a browser's own HTTP cache then stays out of the way).
 */
import type { Middleware } from '../../../src/index.ts';
import type { CaseContext } from '../context.ts';
import { expect, rejection } from '../harness.ts';

type CacheModule = typeof import('../../../src/cache/index.ts');

/** Adds response headers, as if the server had sent them. */
const withHeaders =
  (headers: Record<string, string>): Middleware =>
  async (request, next) => {
    const response = await next(request);
    const merged = new Headers(response.headers);
    for (const [name, value] of Object.entries(headers)) merged.set(name, value);
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers: merged });
  };

/**
 * @example
 * registerCacheCases(createContext(registry, { url, runtime: 'deno', sturdy, entries: { cache } }));
 */
export function registerCacheCases({ registry, url, sturdy, entries, received, runtime }: CaseContext): void {
  const { httpCache, dedupe } = entries.cache as CacheModule;
  const tag = (name: string) => `${name}-${runtime}-${Math.random().toString(36).slice(2, 8)}`;
  const sent = async (path: string, marker: string) =>
    (await received(path)).filter((request) => request.url.includes(marker));

  registry.test(
    'httpCache: a fresh entry is served with no request, as a new readable Response each time',
    async () => {
      const outcomes: unknown[] = [];
      const api = sturdy.createClient({
        baseUrl: `${url}/`,
        use: [httpCache(), withHeaders({ 'cache-control': 'max-age=60' })],
        onEvent: (event) => void (event.type === 'cache' && outcomes.push(event.outcome)),
      });
      const marker = tag('fresh');
      const first = await api.get('order', { searchParams: { marker } }).json();
      const hits = await Promise.all([
        api.get('order', { searchParams: { marker } }).json(),
        api.get('order', { searchParams: { marker } }).json(),
      ]);
      expect(hits).toEqual([first, first]);
      expect((await sent('/order', marker)).length).toBe(1);
      expect(outcomes).toEqual(['miss', 'hit', 'hit']);
    },
  );

  registry.test('httpCache: a stale entry with an ETag is revalidated with If-None-Match', async () => {
    const api = sturdy.createClient({
      baseUrl: `${url}/`,
      use: [httpCache(), withHeaders({ 'cache-control': 'no-cache', etag: '"conformance-1"' })],
    });
    const marker = tag('etag');
    await api.get('auth-echo', { searchParams: { marker } }).json();
    await api.get('auth-echo', { searchParams: { marker } }).json();
    const requests = await sent('/auth-echo', marker);
    expect(requests.map((request) => request.headers['if-none-match'] ?? null)).toEqual([null, '"conformance-1"']);
  });

  registry.test("httpCache: one token's entry is never served to another token", async () => {
    const cache = httpCache();
    const as = (token: string) =>
      sturdy.createClient({
        baseUrl: `${url}/`,
        auth: sturdy.bearer(token),
        use: [cache, withHeaders({ 'cache-control': 'private, max-age=60' })],
      });
    const marker = tag('tokens');
    const read = async (token: string) =>
      ((await as(token).get('auth-echo', { searchParams: { marker } }).json()) as { headers: Record<string, string> })
        .headers.authorization;
    expect([await read('token-A-123'), await read('token-B-456'), await read('token-A-123')]).toEqual([
      'Bearer token-A-123',
      'Bearer token-B-456',
      'Bearer token-A-123',
    ]);
    expect((await sent('/auth-echo', marker)).length).toBe(2);
  });

  registry.test('httpCache: a successful POST invalidates the stored entry for its URL', async () => {
    const api = sturdy.createClient({
      baseUrl: `${url}/`,
      use: [httpCache(), withHeaders({ 'cache-control': 'max-age=60' })],
    });
    const marker = tag('invalidate');
    await api.get('order', { searchParams: { marker } }).json();
    await api.get('order', { searchParams: { marker } }).json();
    await api.post('order', { searchParams: { marker }, json: { change: true } }).json();
    await api.get('order', { searchParams: { marker } }).json();
    expect((await sent('/order', marker)).map((request) => request.method)).toEqual(['GET', 'POST', 'GET']);
  });

  registry.test(
    'dedupe: concurrent identical GETs share one request; one caller aborting leaves the others',
    async () => {
      const api = sturdy.createClient({ baseUrl: `${url}/`, use: [dedupe()] });
      const marker = tag('dedupe');
      const leaving = new AbortController();
      const calls = [0, 1, 2, 3, 4].map((i) =>
        api.get('slow-track', { searchParams: { marker }, ...(i === 0 ? { signal: leaving.signal } : {}) }).json(),
      );
      setTimeout(() => leaving.abort(new Error('caller 0 left')), 20);
      const left = await rejection(calls[0]!);
      expect((left as Error).message).toBe('caller 0 left');
      const bodies = (await Promise.all(calls.slice(1))) as Array<{ url: string }>;
      expect(bodies.map((body) => body.url)).toEqual(Array(4).fill(`/slow-track?marker=${marker}`));
      expect((await sent('/slow-track', marker)).length).toBe(1);
    },
  );
}
