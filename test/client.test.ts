import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { bearer, createClient, type SturdyEvent } from '../src/index.ts';

const seen: Request[] = [];
const server = setupServer(
  http.all('https://api.test/*', ({ request }) => {
    seen.push(request);
    return HttpResponse.json({ method: request.method, url: request.url });
  }),
);
beforeAll(() => server.listen());
afterEach(() => {
  seen.length = 0;
  server.resetHandlers();
});
afterAll(() => server.close());

describe('method shortcuts and urls', () => {
  test.each(['get', 'post', 'put', 'patch', 'delete', 'head'] as const)('%s sends that method', async (method) => {
    const api = createClient({ baseUrl: 'https://api.test/v1/' });
    const response = await api[method]('things/1');
    expect(response.status).toBe(200);
    expect(seen[0]!.method).toBe(method.toUpperCase());
    expect(seen[0]!.url).toBe('https://api.test/v1/things/1');
  });

  test('request() takes any method, default GET', async () => {
    const api = createClient({ baseUrl: 'https://api.test/' });
    await api.request('a', { method: 'options' });
    await api.request('b');
    expect(seen.map((request) => request.method)).toEqual(['OPTIONS', 'GET']);
  });

  test('prefix joins as a path; baseUrl resolves with URL rules; searchParams drop undefined', async () => {
    const api = createClient({ baseUrl: 'https://api.test/root/', prefix: 'v2' });
    await api.get('/items', { searchParams: { q: 'a b', page: 2, skip: undefined } });
    expect(seen[0]!.url).toBe('https://api.test/root/v2/items?q=a+b&page=2');
  });
});

describe('extend and per-call options', () => {
  test('extend merges headers and searchParams as ky does: same-name parameters append, undefined removes', async () => {
    const base = createClient({
      baseUrl: 'https://api.test/',
      headers: { 'x-app': 'shop/3.2', 'x-trace': '1' },
      searchParams: { lang: 'en', v: 1 },
    });
    const child = base.extend({ headers: { 'x-trace': undefined, 'x-child': 'yes' }, searchParams: { v: 2 } });
    await child.get('x');
    expect(seen[0]!.headers.get('x-app')).toBe('shop/3.2');
    expect(seen[0]!.headers.get('x-child')).toBe('yes');
    expect(seen[0]!.headers.has('x-trace')).toBe(false);
    expect(new URL(seen[0]!.url).search).toBe('?lang=en&v=1&v=2');
    await base.get('y');
    expect(seen[1]!.headers.get('x-trace')).toBe('1');
  });

  test('per-call headers override client headers for that call only', async () => {
    const api = createClient({ baseUrl: 'https://api.test/', headers: { 'x-app': 'a' } });
    await api.get('x', { headers: { 'x-app': 'b' } });
    await api.get('x');
    expect(seen.map((request) => request.headers.get('x-app'))).toEqual(['b', 'a']);
  });

  test('ky hooks and context pass through: beforeRequest sees the request, afterResponse the response', async () => {
    const log: string[] = [];
    const api = createClient({
      baseUrl: 'https://api.test/',
      context: { tenant: 't1' },
      hooks: {
        beforeRequest: [
          ({ request, options }) =>
            void log.push(`before ${request.method} ${(options.context as { tenant: string }).tenant}`),
        ],
        afterResponse: [({ response }) => void log.push(`after ${response.status}`)],
      },
    });
    await api.post('x', { json: {} });
    expect(log).toEqual(['before POST t1', 'after 200']);
  });

  test('a custom fetch is used', async () => {
    const calls: string[] = [];
    const api = createClient({
      fetch: async (input) => {
        calls.push(input instanceof Request ? input.url : String(input));
        return new Response('{"stub":true}', { headers: { 'content-type': 'application/json' } });
      },
    });
    await expect(api.get('https://elsewhere.test/a').json()).resolves.toEqual({ stub: true });
    expect(calls).toEqual(['https://elsewhere.test/a']);
  });
});

describe('events', () => {
  test('request and response events carry method, url, attempt, status and duration', async () => {
    const events: SturdyEvent[] = [];
    const api = createClient({ baseUrl: 'https://api.test/', onEvent: (event) => events.push(event) });
    await api.get('x');
    expect(events).toMatchObject([
      { type: 'request', method: 'GET', url: 'https://api.test/x', attempt: 1 },
      { type: 'response', method: 'GET', url: 'https://api.test/x', attempt: 1, status: 200 },
    ]);
    expect(typeof events[1]!.durationMs).toBe('number');
  });

  test('a throwing listener does not break the request', async () => {
    const api = createClient({
      baseUrl: 'https://api.test/',
      onEvent: () => {
        throw new Error('broken logger');
      },
    });
    await expect(api.get('x').json()).resolves.toMatchObject({ method: 'GET' });
  });
});

describe("a caller's fetch", () => {
  /** A fetch that reads only the Request it is given, as many wrappers do: an init it ignores would be lost. */
  const requestOnly = (seen: Array<{ body: string; authorization: string | null; key: string | null }>) =>
    (async (input: RequestInfo | URL) => {
      const request = input as Request;
      seen.push({
        body: await request.text(),
        authorization: request.headers.get('authorization'),
        key: request.headers.get('idempotency-key'),
      });
      return Response.json({ ok: true });
    }) as typeof fetch;

  test.each([
    ['retries on', {}],
    ['retries off', { retry: false }],
    ['with bearer', { auth: bearer('caller-fetch-token') }],
    ['with bearer, retries off', { auth: bearer('caller-fetch-token'), retry: false }],
  ] as const)('gets a Request that holds the body, the credential and the key (%s)', async (name, extra) => {
    const seen: Array<{ body: string; authorization: string | null; key: string | null }> = [];
    const api = createClient({ baseUrl: 'https://api.test/', fetch: requestOnly(seen), ...extra });
    expect(await api.post('orders', { json: { sku: 'A1' } }).json()).toEqual({ ok: true });
    expect(seen).toEqual([
      {
        body: '{"sku":"A1"}',
        authorization: name.includes('bearer') ? 'Bearer caller-fetch-token' : null,
        key: expect.stringMatching(/^[\da-f-]{36}$/),
      },
    ]);
  });
});
