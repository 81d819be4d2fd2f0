/**
 * Issue 13, retry items on the ky pipeline (DESIGN 2): the budget is not drained by waits the
 * server paced nor by one repeat after a stale keep-alive socket (17), a server wait that does
 * not fit in totalTimeout gives the server's HTTPError (18), a 409 to a keyed repeat is retried
 * with backoff (19), Retry-After numbers are delta-seconds and dates strict GMT (22), and an
 * explicit `retry.methods` keeps a keyed POST unretried (23).
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createClient, HTTPError, NetworkError } from '../src/index.ts';
import type { HTTPErrorWithRetryAfter } from '../src/core/retry.ts';
import { elapsed, modes, startServer, wait, type TestServer } from './helpers/server.ts';

let server: TestServer;
beforeEach(async () => {
  server = await startServer();
});
afterEach(async () => {
  await server.close();
});

/** Backoff with no randomness, so a test can say how long a retry waited. */
const fixed = (ms: number) => ({ delay: () => ms, jitter: false as const });

describe('17: the retry budget is spent only on storms the server did not ask for', () => {
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
    // Before: every call made 4 requests (240), none waited, the budget took nothing. Now the default budget of
    // 10 tokens allows 10 retries in all: 60 first attempts and 10 repeats.
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

describe('18: a server wait that cannot be kept gives the server HTTPError, never a TimeoutError', () => {
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

describe('19: a 409 to a repeat of a keyed POST means "still in progress"', () => {
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

describe('22: Retry-After is read as RFC 9110 says', () => {
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

describe('23: an explicit retry.methods is the whole list', () => {
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
