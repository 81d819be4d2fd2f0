/**
 * Retries against a real server: which calls repeat (and with one Idempotency-Key), what the
 * server asks for (Retry-After, reset headers, 409 to a keyed repeat), the retry budget, and what
 * stops retrying.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, expectTypeOf, test } from 'vitest';
import { createClient, HTTPError, NetworkError, type SturdyEvent } from '../src/index.ts';
import { type HTTPErrorWithRetryAfter, normalizeRetry, noteRetryAfter } from '../src/core/retry.ts';
import { elapsed, modes, startServer, wait, type CreatedRecord, type TestServer } from './helpers/server.ts';

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

/** Backoff with no randomness, so a test can say how long a retry waited. */
const fixed = (ms: number) => ({ delay: () => ms, jitter: false as const });

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

describe('a 409 to a repeat of a keyed POST means "still in progress"', () => {
  test('the first attempt times out, its repeat gets 409, the next gets the order: same key throughout, backoff before the 409 retry', async () => {
    const created: string[] = [];
    server.route('/orders', async (request, response, n) => {
      const key = String(request.headers['idempotency-key']);
      if (n === 0) {
        created.push(key);
        await wait(600); // past the client's timeout: the client cannot know the order exists
        if (!response.destroyed) response.writeHead(201, { 'content-type': 'application/json' }).end('{"id":1}');
        return;
      }
      if (n === 1)
        return void response
          .writeHead(409, { 'content-type': 'application/json' })
          .end('{"error":"request in progress"}');
      response.writeHead(201, { 'content-type': 'application/json' }).end('{"id":1}');
    });
    const api = createClient({ baseUrl: server.url, timeout: 300, retry: fixed(200) });
    const order = await api.post('orders', { json: { sku: 'A1' } }).json();
    expect(order).toEqual({ id: 1 });
    const received = server.requestsTo('/orders');
    expect(received).toHaveLength(3);
    expect(new Set(received.map((r) => r.headers['idempotency-key'])).size).toBe(1);
    expect(created).toHaveLength(1);
    expect(received[2]!.at - received[1]!.at).toBeGreaterThanOrEqual(190);
  });

  test("a 409 to the first attempt is the caller's conflict: not retried", async () => {
    server.route('/conflict', modes.json(409, { error: 'duplicate sku' }));
    const api = createClient({ baseUrl: server.url, retry: fixed(10) });
    const { error } = await elapsed(() => api.post('conflict', { json: { sku: 'A1' } }));
    expect((error as HTTPError).response.status).toBe(409);
    expect(server.requestsTo('/conflict')).toHaveLength(1);
  });

  test('an unkeyed POST (idempotencyKey: false) never repeats, 409 or not', async () => {
    server.route('/unkeyed', modes.sequence([503, 409, 201]));
    const api = createClient({ baseUrl: server.url, retry: fixed(10) });
    const { error } = await elapsed(() => api.post('unkeyed', { json: {}, idempotencyKey: false }));
    expect((error as HTTPError).response.status).toBe(503);
    expect(server.requestsTo('/unkeyed')).toHaveLength(1);
    expect(server.requestsTo('/unkeyed')[0]!.headers['idempotency-key']).toBeUndefined();
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

  test('Retry-After: 3600 (over maxRetryAfter) fails fast with retryAfter on the error, printed with it', async () => {
    server.route('/after-3600', modes.retryAfter(429, 3600));
    const api = createClient({ baseUrl: server.url });
    const { error, ms } = await elapsed(() => api.get('after-3600'));
    expect(error).toBeInstanceOf(HTTPError);
    expect((error as HTTPError).response.status).toBe(429);
    expect((error as HTTPError & { retryAfter?: number }).retryAfter).toBe(3_600_000);
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ retryAfter: 3_600_000 });
    expect(server.requestsTo('/after-3600')).toHaveLength(1);
    expect(ms).toBeLessThan(1_000);
  });

  test('noting the wait on an HTTPError a hook froze never throws: the error keeps what it has', () => {
    const retry = normalizeRetry(undefined);
    const response = new Response(null, { status: 429, headers: { 'retry-after': '7' } });
    const frozen = Object.freeze(new HTTPError(response, new Request('https://api.test/x'), {} as never));
    expect(noteRetryAfter(frozen, retry)).toBe(7_000);
    // Noted before the hook froze it (as shouldRetry does), then noted again when the call fails.
    const noted = new HTTPError(response, new Request('https://api.test/x'), {} as never);
    noteRetryAfter(noted, retry);
    expect(noteRetryAfter(Object.freeze(noted), retry)).toBe(7_000);
    expect((noted as HTTPErrorWithRetryAfter).retryAfter).toBe(7_000);
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
  test('HTTPError.retryAfter is typed', () => {
    expectTypeOf<HTTPErrorWithRetryAfter['retryAfter']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<HTTPErrorWithRetryAfter>().toMatchTypeOf<HTTPError>();
  });
});

describe("a server wait that cannot be kept gives the server's HTTPError, never a TimeoutError", () => {
  test('Retry-After 5 with totalTimeout 3000: the 503 with status, data and retryAfter, without waiting', async () => {
    server.route('/later', modes.json(503, { reason: 'maintenance' }, { 'retry-after': '5' }));
    const api = createClient({ baseUrl: server.url, totalTimeout: 3_000 });
    const { error, ms } = await elapsed(() => api.get('later').json());
    expect(error).toBeInstanceOf(HTTPError);
    const http = error as HTTPErrorWithRetryAfter;
    expect(http.response.status).toBe(503);
    expect(http.data).toEqual({ reason: 'maintenance' });
    expect(http.retryAfter).toBe(5_000);
    // Waiting out the deadline would take 3 s.
    expect(ms).toBeLessThan(1_500);
    expect(server.requestsTo('/later')).toHaveLength(1);
  });

  test('with the default settings, Retry-After 60 (= maxRetryAfter = totalTimeout) is the 429 at once', async () => {
    server.route('/minute', modes.json(429, { error: 'slow down' }, { 'retry-after': '60' }));
    const api = createClient({ baseUrl: server.url });
    const { error, ms } = await elapsed(() => api.get('minute'));
    expect(error).toBeInstanceOf(HTTPError);
    expect((error as HTTPErrorWithRetryAfter).response.status).toBe(429);
    expect((error as HTTPErrorWithRetryAfter).retryAfter).toBe(60_000);
    expect(ms).toBeLessThan(5_000);
    expect(server.requestsTo('/minute')).toHaveLength(1);
  });

  test('a wait that fits is kept: Retry-After 1 with totalTimeout 5000 waits about a second, then succeeds', async () => {
    server.route('/soon', modes.retryAfter(503, 1));
    const api = createClient({ baseUrl: server.url, totalTimeout: 5_000 });
    const { value, ms } = await elapsed(() => api.get('soon').json());
    expect(value).toEqual({ ok: true });
    expect(ms).toBeGreaterThanOrEqual(950);
    const [first, second] = server.requestsTo('/soon');
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
  });
});

describe('Retry-After is read as RFC 9110 says', () => {
  test('a large number is delta-seconds, not an epoch: 1000000000 is over maxRetryAfter, thrown at once', async () => {
    server.route('/epoch', modes.json(503, { busy: true }, { 'retry-after': '1000000000' }));
    const api = createClient({ baseUrl: server.url, retry: fixed(10) });
    const { error, ms } = await elapsed(() => api.get('epoch'));
    expect((error as HTTPErrorWithRetryAfter).response.status).toBe(503);
    expect((error as HTTPErrorWithRetryAfter).retryAfter).toBe(1_000_000_000_000);
    expect(server.requestsTo('/epoch')).toHaveLength(1);
    expect(ms).toBeLessThan(5_000);
  });

  describe('dates', () => {
    const savedTz = process.env.TZ;
    beforeEach(() => {
      // A zone far from UTC: an asctime date read as local time would be hours off.
      process.env.TZ = 'America/Los_Angeles';
    });
    afterEach(() => {
      if (savedTz === undefined) delete process.env.TZ;
      else process.env.TZ = savedTz;
    });

    test('an asctime date is GMT: a date 2 s ahead is waited (about 1-2 s), not 8 hours', async () => {
      const at = new Date(Date.now() + 2_000);
      const pad = (n: number) => String(n).padStart(2, '0');
      const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][at.getUTCDay()];
      const month = 'JanFebMarAprMayJunJulAugSepOctNovDec'.slice(at.getUTCMonth() * 3, at.getUTCMonth() * 3 + 3);
      const asctime = `${day} ${month} ${String(at.getUTCDate()).padStart(2, ' ')} ${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}:${pad(at.getUTCSeconds())} ${at.getUTCFullYear()}`;
      server.route('/asctime', modes.retryAfter(503, asctime));
      const api = createClient({ baseUrl: server.url, retry: fixed(10) });
      const { value, ms } = await elapsed(() => api.get('asctime').json());
      expect(value).toEqual({ ok: true });
      expect(ms).toBeGreaterThanOrEqual(900);
      expect(ms).toBeLessThan(3_500);
      expect(server.requestsTo('/asctime')).toHaveLength(2);
    });

    test('text Date.parse accepts but RFC 9110 does not (an ISO date) is no Retry-After: backoff instead', async () => {
      const iso = new Date(Date.now() + 3_600_000).toISOString();
      server.route('/iso', modes.retryAfter(503, iso));
      const api = createClient({ baseUrl: server.url, retry: fixed(50) });
      const { value, ms } = await elapsed(() => api.get('iso').json());
      expect(value).toEqual({ ok: true });
      expect(ms).toBeLessThan(5_000);
      const [first, second] = server.requestsTo('/iso');
      expect(second!.at - first!.at).toBeGreaterThanOrEqual(45);
    });
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

describe('an explicit retry.methods is the whole list', () => {
  test("methods: ['get'] keeps a keyed POST to a 503 at one attempt (the key is still sent)", async () => {
    server.route('/post', modes.sequence([503, 201]));
    const api = createClient({ baseUrl: server.url, retry: { methods: ['get'], ...fixed(10) } });
    const { error } = await elapsed(() => api.post('post', { json: { a: 1 } }));
    expect((error as HTTPError).response.status).toBe(503);
    expect(server.requestsTo('/post')).toHaveLength(1);
    expect(server.requestsTo('/post')[0]!.headers['idempotency-key']).toMatch(/^[\da-f-]{36}$/);
  });

  test("methods: ['get', 'post'] retries that POST, per call as well", async () => {
    server.route('/listed', modes.sequence([503, { status: 201, body: { id: 7 } }]));
    const api = createClient({ baseUrl: server.url, retry: { methods: ['get'] } });
    const created = await api
      .post('listed', { json: { a: 1 }, retry: { methods: ['get', 'post'], ...fixed(10) } })
      .json();
    expect(created).toEqual({ id: 7 });
    expect(server.requestsTo('/listed')).toHaveLength(2);
  });

  test('the default list still retries a keyed POST (the control)', async () => {
    server.route('/default', modes.sequence([503, { status: 201, body: { id: 8 } }]));
    const api = createClient({ baseUrl: server.url, retry: fixed(10) });
    expect(await api.post('default', { json: {} }).json()).toEqual({ id: 8 });
    expect(server.requestsTo('/default')).toHaveLength(2);
  });
});

describe('the retry budget is spent only on storms the server did not ask for', () => {
  test('server-paced 503 + Retry-After waits take no token: 3 calls on a 1-token budget all succeed', async () => {
    // Every odd request (the first attempt of each call) is told to come back in 1 s.
    server.route('/paced', (_request, response, n) => {
      if (n % 2 === 0)
        response.writeHead(503, { 'retry-after': '1', 'content-type': 'application/json' }).end('{"busy":true}');
      else response.writeHead(200, { 'content-type': 'application/json' }).end(`{"n":${n}}`);
    });
    const api = createClient({ baseUrl: server.url, retryBudget: { tokens: 1, refill: 0 }, retry: fixed(10) });
    const results: unknown[] = [];
    for (let i = 0; i < 3; i++) results.push(await api.get('paced').json());
    expect(results).toEqual([1, 3, 5].map((n) => ({ n })));
    expect(server.requestsTo('/paced')).toHaveLength(6);
  });

  test('Retry-After: 0 is not pacing: a storm of 503s with it drains the budget like any other retry', async () => {
    server.route('/storm', (_request, response) => {
      response.writeHead(503, { 'retry-after': '0', 'content-type': 'application/json' }).end('{"busy":true}');
    });
    const api = createClient({ baseUrl: server.url, retry: fixed(1) });
    for (let i = 0; i < 60; i++)
      await api
        .get('storm')
        .json()
        .catch(() => {});
    // Without a budget every call would make 4 requests (240), none waiting; the default budget of 10 tokens allows
    // 10 retries in all: 60 first attempts and 10 repeats.
    expect(server.requestsTo('/storm')).toHaveLength(70);
  });

  test('the same calls with backoff (no Retry-After) do drain it: the second call fails with its 503', async () => {
    // The control: proves the test above would fail if paced waits took tokens.
    server.route('/unpaced', (_request, response, n) => {
      response.writeHead(n % 2 === 0 ? 503 : 200, { 'content-type': 'application/json' }).end(`{"n":${n}}`);
    });
    const api = createClient({ baseUrl: server.url, retryBudget: { tokens: 1, refill: 0 }, retry: fixed(10) });
    expect(await api.get('unpaced').json()).toEqual({ n: 1 });
    const { error } = await elapsed(() => api.get('unpaced').json());
    expect(error).toBeInstanceOf(HTTPError);
    expect((error as HTTPError).response.status).toBe(503);
    expect(server.requestsTo('/unpaced')).toHaveLength(3);
  });

  test('a socket closed before any response byte is repeated once for free, at once; a second one is budgeted', async () => {
    // Even requests: the server reads the request and closes the socket (a stale keep-alive connection).
    server.route('/stale', (_request, response, n) => {
      if (n % 2 === 0) response.socket?.destroy();
      else response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    const api = createClient({ baseUrl: server.url, retryBudget: { tokens: 0, refill: 0 }, retry: fixed(5_000) });
    for (let i = 0; i < 4; i++) {
      const { value, error, ms } = await elapsed(() => api.get('stale').json());
      expect(error).toBeUndefined();
      expect(value).toEqual({ ok: true });
      // The free repeat does not wait the 5 s backoff.
      expect(ms).toBeLessThan(4_000);
    }
    expect(server.requestsTo('/stale')).toHaveLength(8);

    server.route('/always-drops', modes.drop());
    const { error } = await elapsed(() => api.get('always-drops'));
    expect(error).toBeInstanceOf(NetworkError);
    // One free repeat, then the empty budget stops the call.
    expect(server.requestsTo('/always-drops')).toHaveLength(2);
  });
});
