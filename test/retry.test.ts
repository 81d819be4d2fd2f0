import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createClient, HTTPError, NetworkError, type SturdyEvent } from '../src/index.ts';
import { elapsed, modes, startServer, type CreatedRecord, type TestServer } from './helpers/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

/** Gap in ms between the first two requests the server received on a path. */
const gapBetweenAttempts = (path: string) => {
  const [first, second] = server.requestsTo(path);
  return second!.at - first!.at;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('POST is retried with one Idempotency-Key', () => {
  test.each([
    { name: 'a random UUID by default', path: '/orders-default', options: {}, expected: UUID },
    {
      name: "the caller's header, kept",
      path: '/orders-header',
      options: { headers: { 'Idempotency-Key': 'caller-7' } },
      expected: /^caller-7$/,
    },
    {
      name: "idempotencyKey: 'order-42'",
      path: '/orders-option',
      options: { idempotencyKey: 'order-42' },
      expected: /^order-42$/,
    },
  ])('503, 503, 201: 3 attempts carrying $name', async ({ path, options, expected }) => {
    server.route(path, modes.sequence([503, 503, { status: 201, body: { id: 1 } }]));
    const events: SturdyEvent[] = [];
    const hookStates: Array<{ retryCount: number; key: string | null }> = [];
    // The jitter function makes the wait deterministic: half of delay().
    const api = createClient({
      baseUrl: server.url,
      retry: { delay: () => 20, jitter: (delay) => delay / 2 },
      onEvent: (event) => events.push(event),
    });
    const order = await api
      .post(path.slice(1), {
        ...options,
        json: { sku: 'A1', quantity: 2 },
        retry: 2, // per-call number shorthand: limit 2, keeping the client's delay and jitter
        hooks: {
          beforeRetry: [
            ({ request, retryCount }) =>
              void hookStates.push({ retryCount, key: request.headers.get('idempotency-key') }),
          ],
        },
      })
      .json();

    expect(order).toEqual({ id: 1 });
    const received = server.requestsTo(path);
    expect(received).toHaveLength(3);
    const keys = new Set(received.map((request) => request.headers['idempotency-key']));
    expect(keys.size).toBe(1);
    const [key] = keys as Set<string>;
    expect(key).toMatch(expected);
    expect(received.every((request) => request.body === '{"sku":"A1","quantity":2}')).toBe(true);
    expect(events.filter((event) => event.type === 'retry')).toEqual([
      expect.objectContaining({ attempt: 2, reason: 'status 503', delayMs: 10 }),
      expect.objectContaining({ attempt: 3, reason: 'status 503', delayMs: 10 }),
    ]);
    expect(hookStates).toEqual([
      { retryCount: 1, key },
      { retryCount: 2, key },
    ]);
  });

  test('a server that processes a POST then drops the socket (twice per key): 20 calls -> 20 unique creations, 0 duplicates', async () => {
    const created: CreatedRecord[] = [];
    server.route('/flaky-orders', modes.processThenDrop(2, created));
    // 40 retries in a burst: the default budget (10 tokens) exists to refuse exactly that, so it is off here.
    const api = createClient({ baseUrl: server.url, retry: { delay: () => 5 }, retryBudget: false });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, orderNumber) =>
        api.post('flaky-orders', { json: { orderNumber } }).json<{ id: number }>(),
      ),
    );

    const received = server.requestsTo('/flaky-orders');
    expect(received).toHaveLength(60);
    expect(created).toHaveLength(20);
    const creationsPerOrder = new Map<string, number>();
    for (const record of created) creationsPerOrder.set(record.body, (creationsPerOrder.get(record.body) ?? 0) + 1);
    const duplicates = [...creationsPerOrder.values()].filter((count) => count > 1).length;
    expect(creationsPerOrder.size).toBe(20);
    expect(duplicates).toBe(0);
    expect(new Set(results.map((result) => result.id)).size).toBe(20);
  });

  test('idempotencyKey: false -> no key sent, and a POST on 503 makes 1 attempt', async () => {
    server.route('/no-key', modes.json(503, { error: 'busy' }));
    const api = createClient({ baseUrl: server.url, retry: { delay: () => 5 } });
    const { error } = await elapsed(() => api.post('no-key', { json: { a: 1 }, idempotencyKey: false }));
    expect(error).toBeInstanceOf(HTTPError);
    expect((error as HTTPError).response.status).toBe(503);
    const received = server.requestsTo('/no-key');
    expect(received).toHaveLength(1);
    expect(received[0]!.headers['idempotency-key']).toBeUndefined();
  });
});

describe('server-asked waits', () => {
  test('Retry-After: 1 is honoured (>= 0.9 s between attempts)', async () => {
    server.route('/after-1', modes.retryAfter(503, 1));
    const events: SturdyEvent[] = [];
    const api = createClient({ baseUrl: server.url, onEvent: (event) => events.push(event) });
    await expect(api.get('after-1').json()).resolves.toEqual({ ok: true });
    expect(server.requestsTo('/after-1')).toHaveLength(2);
    expect(gapBetweenAttempts('/after-1')).toBeGreaterThanOrEqual(900);
    expect(events.find((event) => event.type === 'retry')).toMatchObject({
      attempt: 2,
      delayMs: 1_000,
      reason: 'status 503',
    });
  });

  test('Retry-After: 3600 (over maxRetryAfter) fails fast with retryAfter on the error and in toJSON', async () => {
    server.route('/after-3600', modes.retryAfter(429, 3600));
    const api = createClient({ baseUrl: server.url });
    const { error, ms } = await elapsed(() => api.get('after-3600'));
    expect(error).toBeInstanceOf(HTTPError);
    expect((error as HTTPError).response.status).toBe(429);
    expect((error as HTTPError & { retryAfter?: number }).retryAfter).toBe(3_600_000);
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ status: 429, retryAfter: 3_600_000 });
    expect(server.requestsTo('/after-3600')).toHaveLength(1);
    expect(ms).toBeLessThan(1_000);
  });

  test('Retry-After as an HTTP-date, and rate-limit reset headers (epoch and delta), are obeyed', async () => {
    // A whole second at least 2 s ahead: an HTTP-date drops the milliseconds, so "now + 2 s" could be
    // only 1 s ahead, and a slow first answer would then make the gap look like less than 0.9 s.
    const inTwoSeconds = (Math.floor(Date.now() / 1000) + 3) * 1000;
    server.route('/after-date', modes.retryAfter(503, new Date(inTwoSeconds).toUTCString()));
    server.route(
      '/reset-epoch',
      modes.sequence([
        {
          status: 429,
          headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.ceil(inTwoSeconds / 1000)) },
        },
        { status: 200, body: { ok: true } },
      ]),
    );
    server.route(
      '/reset-delta',
      modes.sequence([
        { status: 429, headers: { 'ratelimit-reset': '1' } },
        { status: 200, body: { ok: true } },
      ]),
    );
    const api = createClient({ baseUrl: server.url });
    await Promise.all(['after-date', 'reset-epoch', 'reset-delta'].map((path) => api.get(path)));
    // An HTTP-date and an epoch have 1 s resolution: the wait is between 1 and 3 s; a backoff would be < 0.3 s.
    expect(gapBetweenAttempts('/after-date')).toBeGreaterThanOrEqual(900);
    expect(gapBetweenAttempts('/reset-epoch')).toBeGreaterThanOrEqual(900);
    expect(gapBetweenAttempts('/reset-delta')).toBeGreaterThanOrEqual(900);
  });
});

describe('what is not retried, and what stops retrying', () => {
  test.each([400, 404, 422])('%i -> 1 attempt; HTTPError.data is the parsed body', async (status) => {
    server.route(`/client-error-${status}`, modes.json(status, { error: 'invalid', status }));
    const events: SturdyEvent[] = [];
    const api = createClient({ baseUrl: server.url, onEvent: (event) => events.push(event) });
    const { error } = await elapsed(() => api.put(`client-error-${status}`, { json: { a: 1 } }));
    expect(error).toBeInstanceOf(HTTPError);
    expect((error as HTTPError).data).toEqual({ error: 'invalid', status });
    expect(server.requestsTo(`/client-error-${status}`)).toHaveLength(1);
    expect(events.some((event) => event.type === 'retry')).toBe(false);
  });

  test('always-503, 60 calls: 70 attempts with the default budget of 10 tokens (240 without a budget)', async () => {
    server.route('/down', modes.json(503, { error: 'down' }));
    const api = createClient({ baseUrl: server.url, retry: { delay: () => 1 } });
    const child = api.extend({ headers: { 'x-child': '1' } }); // shares the parent's budget
    const countAttempts = async (run: (index: number) => Promise<unknown>) => {
      const before = server.requestsTo('/down').length;
      for (let index = 0; index < 60; index += 1) await run(index).catch(() => {});
      return server.requestsTo('/down').length - before;
    };
    const budgeted = await countAttempts((index) => (index % 2 ? child : api).get('down'));
    const unbudgeted = await countAttempts(() => api.extend({ retryBudget: false }).get('down'));
    console.log(`always-503, 60 calls: ${budgeted} attempts with the retry budget, ${unbudgeted} without`);
    // 60 first attempts + 10 retries (one token each); nothing refills, since nothing succeeds.
    expect(budgeted).toBe(70);
    expect(unbudgeted).toBe(240);
  });

  test("a wait that does not fit in totalTimeout fails at once (the server's HTTPError) and spends no budget token", async () => {
    server.route('/busy-long', modes.sequence([{ status: 503, headers: { 'retry-after': '5' } }]));
    server.route('/blip', modes.sequence([503, { status: 200, body: { ok: true } }]));
    const api = createClient({
      baseUrl: server.url,
      retryBudget: { tokens: 1 },
      totalTimeout: 3_000,
      retry: { delay: () => 1 },
    });
    const { error, ms } = await elapsed(() => api.get('busy-long'));
    expect((error as Error).name).toBe('HTTPError');
    // Waiting out the deadline would take 3 s.
    expect(ms).toBeLessThan(1_500);
    // The single token is still there: the next call's retry goes through.
    await expect(api.get('blip').json()).resolves.toEqual({ ok: true });
    expect(server.requestsTo('/blip')).toHaveLength(2);
  });

  test("aborting the caller's signal during a 5 s Retry-After wait rejects at once, not after the wait", async () => {
    server.route('/after-5', modes.retryAfter(503, 5));
    const controller = new AbortController();
    let abortedAt = 0;
    const api = createClient({
      baseUrl: server.url,
      onEvent: (event) => {
        if (event.type !== 'retry') return;
        expect(event.delayMs).toBe(5_000);
        setTimeout(() => {
          abortedAt = performance.now();
          controller.abort(new Error('user left the page'));
        }, 100);
      },
    });
    const { error } = await elapsed(() => api.get('after-5', { signal: controller.signal }));
    const afterAbort = performance.now() - abortedAt;
    expect(abortedAt).toBeGreaterThan(0);
    expect((error as Error).message).toBe('user left the page');
    expect(error).not.toBeInstanceOf(NetworkError);
    // Left waiting, it would be 5 s.
    expect(afterAbort).toBeLessThan(1_500);
    expect(server.requestsTo('/after-5')).toHaveLength(1);
  });
});
