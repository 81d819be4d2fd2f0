import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { createClient, isHTTPError, isTimeoutError, type SturdyEvent } from '../src/index.ts';
import { limit } from '../src/limit/index.ts';
import { elapsed, modes, startServer, wait, type Handler, type TestServer } from './helpers/server.ts';

let server: TestServer;
let other: TestServer;
beforeAll(async () => {
  [server, other] = await Promise.all([startServer(), startServer()]);
});
afterAll(() => Promise.all([server.close(), other.close()]));

/** A handler that answers after `ms` and records the most requests it had in flight at once. */
const slow = (ms: number) => {
  const state = { inFlight: 0, max: 0 };
  const handler: Handler = async (_request, response) => {
    state.inFlight += 1;
    state.max = Math.max(state.max, state.inFlight);
    await wait(ms);
    state.inFlight -= 1;
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  };
  return { state, handler };
};

const clientWith = (flow: ReturnType<typeof limit>, options: Record<string, unknown> = {}) =>
  createClient({ baseUrl: `${server.url}/`, use: [flow], ...options });

describe('concurrency', () => {
  test('at most `concurrency` attempts reach the origin at once; the rest queue and all succeed', async () => {
    const { state, handler } = slow(60);
    server.route('/slow', handler);
    const api = clientWith(limit({ concurrency: 3 }));
    const results = await Promise.all(Array.from({ length: 12 }, () => api.get('slow').json()));
    expect(results).toEqual(Array.from({ length: 12 }, () => ({ ok: true })));
    expect(state.max).toBe(3);
    expect(server.requestsTo('/slow')).toHaveLength(12);
  });

  test('one instance is one set of queues: two clients given the same instance share it, separate instances do not', async () => {
    const { state, handler } = slow(50);
    server.route('/shared', handler);
    const flow = limit({ concurrency: 2 });
    const [a, b] = [clientWith(flow), clientWith(flow, { headers: { 'x-client': 'b' } })];
    await Promise.all([
      ...Array.from({ length: 4 }, () => a.get('shared')),
      ...Array.from({ length: 4 }, () => b.get('shared')),
    ]);
    expect(state.max).toBe(2);
    state.max = 0;
    const [c, d] = [clientWith(limit({ concurrency: 2 })), clientWith(limit({ concurrency: 2 }))];
    await Promise.all([
      ...Array.from({ length: 4 }, () => c.get('shared')),
      ...Array.from({ length: 4 }, () => d.get('shared')),
    ]);
    expect(state.max).toBe(4);
  });

  test('a retry goes to the head of the queue, ahead of calls that have not started', async () => {
    const order: string[] = [];
    server.route('/order', async (request, response) => {
      const name = new URL(request.url, server.url).searchParams.get('name')!;
      order.push(name);
      await wait(40);
      const failFirst = name === 'a' && order.filter((seen) => seen === 'a').length === 1;
      response.writeHead(failFirst ? 503 : 200, { 'content-type': 'application/json' }).end('{}');
    });
    const api = clientWith(limit({ concurrency: 1 }), { retry: { limit: 1, delay: () => 10, jitter: false } });
    await Promise.all(['a', 'b', 'c', 'd'].map((name) => api.get('order', { searchParams: { name } })));
    // a fails; while a waits 10 ms b holds the slot; a's retry then queues ahead of c and d.
    expect(order).toEqual(['a', 'b', 'a', 'c', 'd']);
  });

  test('queues are per origin: a stuck call to one origin does not hold another', async () => {
    server.route('/hang', modes.hang());
    other.route('/fast', modes.json(200, { ok: true }));
    const api = clientWith(limit({ concurrency: 1 }), { retry: false });
    const controller = new AbortController();
    const stuck = api.get('hang', { signal: controller.signal }).catch((error: unknown) => error);
    await wait(30);
    await expect(api.get(`${other.url}/fast`).json()).resolves.toEqual({ ok: true });
    controller.abort(new Error('done'));
    expect(await stuck).toMatchObject({ message: 'done' });
  });

  test('an aborted queued call leaves the queue at once with the signal reason and never reaches the server', async () => {
    const { handler } = slow(1_000);
    server.route('/held', handler);
    server.route('/queued', modes.json(200, { ok: true }));
    const api = clientWith(limit({ concurrency: 1 }));
    const first = api.get('held').json();
    const controller = new AbortController();
    const queued = elapsed(() => api.get('queued', { signal: controller.signal }).json());
    await wait(20);
    controller.abort(new Error('user left'));
    const outcome = await queued;
    expect(outcome.error).toMatchObject({ message: 'user left' });
    // Released with the held call it would take about 1 s.
    expect(outcome.ms).toBeLessThan(700);
    await first;
    expect(server.requestsTo('/queued')).toHaveLength(0);
  });

  test("the call's totalTimeout bounds the time spent queued: a TimeoutError naming totalTimeout, nothing sent", async () => {
    const { handler } = slow(1_500);
    server.route('/busy', handler);
    server.route('/late', modes.json(200, {}));
    const api = clientWith(limit({ concurrency: 1 }));
    const first = api.get('busy');
    await wait(10);
    const { error, ms } = await elapsed(() => api.get('late', { totalTimeout: 120 }));
    expect(isTimeoutError(error)).toBe(true);
    expect((error as Error).message).toContain('totalTimeout');
    expect(ms).toBeGreaterThanOrEqual(110);
    expect(ms).toBeLessThan(1_000);
    expect(server.requestsTo('/late')).toHaveLength(0);
    await first;
  });
});

describe('rateLimit', () => {
  test('no more than `requests` attempts arrive in any `interval` (a slot is held until interval after the response)', async () => {
    server.route('/paced', async (_request, response) => {
      await wait(30);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    const api = clientWith(limit({ rateLimit: { requests: 5, interval: 200 } }));
    await Promise.all(Array.from({ length: 15 }, () => api.get('paced').json()));
    const at = server.requestsTo('/paced').map((request) => request.at);
    expect(at).toHaveLength(15);
    // Attempt i+5 starts at least 200 ms after attempt i's response, which left 30 ms after it arrived.
    for (let i = 5; i < at.length; i++) expect(at[i]! - at[i - 5]!).toBeGreaterThanOrEqual(229);
  });

  test('item 21: requests 25 per 1000 ms against a server limited to exactly 25/s in fixed windows: 100 calls, zero 429s', async () => {
    const tally = { ok: 0, limited: 0 };
    server.route('/fixed-window', modes.rateLimited(25, 1_000, tally));
    const api = clientWith(limit({ rateLimit: { requests: 25, interval: 1_000 } }));
    const results = await Promise.all(Array.from({ length: 100 }, () => api.get('fixed-window').result()));
    expect(results.filter((result) => result.ok)).toHaveLength(100);
    expect(tally).toEqual({ ok: 100, limited: 0 });
  }, 15_000);
});

describe('a server-asked wait (item 20)', () => {
  test('503 with Retry-After pauses the origin: with concurrency 4 every queued call waits it out and succeeds', async () => {
    let until = 0;
    server.route('/pressure', (_request, response) => {
      const at = performance.now();
      until ||= at + 300;
      if (at < until)
        return void response
          .writeHead(503, { 'retry-after': '1', 'content-type': 'application/json' })
          .end('{"error":"busy"}');
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    const api = clientWith(limit({ concurrency: 4 }));
    const results = await Promise.all(Array.from({ length: 60 }, () => api.get('pressure').result()));
    expect(results.filter((result) => result.ok)).toHaveLength(60);
    const received = server.requestsTo('/pressure');
    // Only the attempts in flight when the first 503 came back saw it; the queue waited the second out.
    expect(received.length).toBeLessThanOrEqual(60 + 4);
  }, 10_000);

  test('429 without a limiter-paused origin: a wait over maxRetryAfter fails that call at once and delays nothing else', async () => {
    server.route('/too-long', modes.json(429, { error: 'slow down' }, { 'retry-after': '120' }));
    server.route('/elsewhere', modes.json(200, { ok: true }));
    const api = clientWith(limit({ concurrency: 4 }));
    const failed = await elapsed(() => api.get('too-long'));
    expect(isHTTPError(failed.error)).toBe(true);
    expect((failed.error as { retryAfter?: number }).retryAfter).toBe(120_000);
    expect(failed.ms).toBeLessThan(1_000);
    const next = await elapsed(() => api.get('elsewhere').json());
    expect(next.value).toEqual({ ok: true });
    expect(next.ms).toBeLessThan(2_000);
  });

  test('a queued call whose deadline falls inside the pause fails at once with the status and the wait (HTTPError, retryAfter)', async () => {
    server.route('/paused', async (_request, response, n) => {
      await wait(50);
      if (n === 0)
        return void response
          .writeHead(429, { 'retry-after': '2', 'content-type': 'application/json' })
          .end('{"error":"quota"}');
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    const api = clientWith(limit({ concurrency: 1 }), { retry: 0 });
    const first = elapsed(() => api.get('paused'));
    await wait(10);
    const queued = elapsed(() => api.get('paused', { totalTimeout: 1_000 }));
    const [a, b] = await Promise.all([first, queued]);
    expect(isHTTPError(a.error)).toBe(true);
    expect(isHTTPError(b.error)).toBe(true);
    expect((b.error as { response: Response }).response.status).toBe(429);
    expect((a.error as { data?: unknown }).data).toEqual({ error: 'quota' });
    // Not the refused call's body: that answer may have been another client's (see the two-user test below).
    expect((b.error as { data?: unknown }).data).toBeUndefined();
    expect((b.error as { retryAfter?: number }).retryAfter).toBe(2_000);
    // At its deadline it would be 1 s.
    expect(b.ms).toBeLessThan(800);
    // A call started during the pause with a deadline inside it fails at once too; one that fits waits and succeeds.
    const late = await elapsed(() => api.get('paused', { totalTimeout: 1_200 }));
    expect((late.error as { response?: Response }).response?.status).toBe(429);
    expect(late.ms).toBeLessThan(900);
    const patient = await elapsed(() => api.get('paused', { totalTimeout: 5_000 }).json());
    expect(patient.value).toEqual({ ok: true });
    expect(patient.ms).toBeGreaterThan(1_500);
    expect(server.requestsTo('/paused')).toHaveLength(2);
  });

  test('with the default retry rules too: the refused call and the queued one both end as the server HTTPError, never a TimeoutError', async () => {
    server.route('/paused-default', async (_request, response, n) => {
      await wait(50);
      if (n === 0)
        return void response
          .writeHead(429, { 'retry-after': '2', 'content-type': 'application/json' })
          .end('{"error":"quota"}');
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    const api = clientWith(limit({ concurrency: 1 }));
    const first = elapsed(() => api.get('paused-default', { totalTimeout: 1_000 }));
    await wait(10);
    const queued = elapsed(() => api.get('paused-default', { totalTimeout: 1_000 }));
    const outcomes = await Promise.all([first, queued]);
    for (const outcome of outcomes) {
      expect(isTimeoutError(outcome.error)).toBe(false);
      expect(isHTTPError(outcome.error)).toBe(true);
      expect(outcome.error).toMatchObject({ retryAfter: 2_000 });
      expect(outcome.ms).toBeLessThan(800);
    }
    expect(outcomes.map((outcome) => (outcome.error as { data?: unknown }).data)).toEqual([
      { error: 'quota' },
      undefined,
    ]);
    expect(server.requestsTo('/paused-default')).toHaveLength(1);
  });

  test("one limit() shared by two users: B's queued call fails with the status and the wait, nothing of A's 429", async () => {
    server.route('/account', async (request, response) => {
      await wait(50);
      if (request.headers['x-user'] === 'alice')
        return void response
          .writeHead(429, {
            'retry-after': '2',
            'content-type': 'application/json',
            'x-account': 'alice@example.com',
            'set-cookie': 'session=alice-session-1234',
          })
          .end('{"error":"quota","account":"alice@example.com"}');
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    const flow = limit({ concurrency: 1 });
    const alice = clientWith(flow, { headers: { 'x-user': 'alice' }, retry: 0 });
    const bob = clientWith(flow, { headers: { 'x-user': 'bob' }, retry: 0 });
    const refused = elapsed(() => alice.get('account'));
    await wait(10);
    const queued = await elapsed(() => bob.get('account', { totalTimeout: 1_000 }));
    expect((await refused).error).toMatchObject({ data: { account: 'alice@example.com' } });
    const error = queued.error as { response: Response; data?: unknown; retryAfter?: number; message: string };
    expect(isHTTPError(error)).toBe(true);
    expect(error.response.status).toBe(429);
    expect(error.retryAfter).toBe(2_000);
    expect(queued.ms).toBeLessThan(800);
    // Nothing of Alice's answer: no body, no headers but the wait.
    expect(error.data).toBeUndefined();
    expect([...error.response.headers.keys()]).toEqual(['retry-after']);
    expect(await error.response.text()).toBe('');
    expect(JSON.stringify(error)).not.toContain('alice');
    expect(error.message).not.toContain('alice');
    expect(server.requestsTo('/account')).toHaveLength(1);
  });

  test('the pause does not touch another origin', async () => {
    server.route('/limited-once', modes.retryAfter(429, 1));
    other.route('/free', modes.json(200, { ok: true }));
    const api = clientWith(limit({ concurrency: 2 }));
    const limited = api.get('limited-once').json();
    await wait(30);
    const { ms } = await elapsed(() => api.get(`${other.url}/free`).json());
    expect(ms).toBeLessThan(700);
    await limited;
  });
});

describe('options', () => {
  test.each([
    [{ concurrency: 0 }, 'concurrency'],
    [{ concurrency: 1.5 }, 'concurrency'],
    [{ concurrency: '4' }, 'concurrency'],
    [{ rateLimit: { requests: 0, interval: 1000 } }, 'rateLimit.requests'],
    [{ rateLimit: { requests: 5 } }, 'rateLimit.interval'],
    [{ rateLimit: 10 }, 'rateLimit'],
    [{ rateLimit: { requests: 5, interval: 1000, store: {} } }, 'rateLimit.store'],
    [
      { rateLimit: { requests: 5, interval: 1000, store: { consume: async () => {} }, storeTimeout: -1 } },
      'rateLimit.storeTimeout',
    ],
  ])('%j is a TypeError naming the option', (options, name) => {
    expect(() => limit(options as never)).toThrow(TypeError);
    expect(() => limit(options as never)).toThrow(`\`${name}\``);
  });

  test('two instances sharing a store stay within its quota together, and a rejected attempt waits instead of asking again and again', async () => {
    server.route('/store-shared', modes.json(200, { ok: true }));
    const limiter = new RateLimiterMemory({ points: 5, duration: 1 });
    let consumes = 0;
    const store = { consume: (key: string, points?: number) => (consumes++, limiter.consume(key, points)) };
    const [a, b] = [
      clientWith(limit({ rateLimit: { requests: 10, interval: 1_000, store } })),
      clientWith(limit({ rateLimit: { requests: 10, interval: 1_000, store } })),
    ];
    const started = performance.now();
    await Promise.all(
      Array.from({ length: 5 }, () => [a.get('store-shared').json(), b.get('store-shared').json()]).flat(),
    );
    const at = server.requestsTo('/store-shared').map((request) => request.at);
    expect(at).toHaveLength(10);
    // Each instance alone would send all 5 of its calls at once: together 10, over the quota of 5.
    expect(at[5]! - at[0]!).toBeGreaterThanOrEqual(950);
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    // On each of the two counts (the window from the first attempt, the clock's window): 10 grants, and a waiting
    // call is refused at most twice per count (where the burst falls in the clock second decides which; 34 was
    // too tight for an unlucky phase: 40 seen in CI). A call that polled would ask hundreds of times in the second.
    expect(consumes).toBeLessThanOrEqual(2 * (10 + 2 * 10));
  });

  test("a point granted in a clock window's last moments is not used: the attempt waits for the next window", async () => {
    const arrivals: number[] = [];
    server.route('/window-end', (_request, response) => {
      arrivals.push(Date.now());
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    const limiter = new RateLimiterMemory({ points: 5, duration: 1 });
    const asked: number[] = [];
    const keys: string[] = [];
    const store = {
      duration: limiter.duration,
      consume: (key: string, points?: number) => {
        asked.push(Date.now());
        keys.push(key);
        return limiter.consume(key, points);
      },
    };
    const api = clientWith(limit({ rateLimit: { requests: 5, interval: 1_000, store } }));
    // 20 ms before a clock second ends: inside the margin (a twentieth of the window while no latency is known).
    let boundary = 0;
    for (let tries = 0; tries < 5 && !(asked.length > 0 && asked[0]! < boundary); tries++) {
      asked.length = 0;
      keys.length = 0;
      arrivals.length = 0;
      boundary = Math.ceil((Date.now() + 100) / 1_000) * 1_000;
      await wait(boundary - 20 - Date.now());
      await api.get('window-end').json();
    }
    // The store was asked before the second ended (else the machine was too slow to test this).
    expect(asked[0]).toBeLessThan(boundary);
    expect(arrivals).toHaveLength(1);
    expect(arrivals[0]).toBeGreaterThanOrEqual(boundary);
    // The ended clock window's late point is spent; then the new clock window and the window from the first
    // attempt are asked once each. (A timer can wake a few ms before the wall clock shows the new second: then the
    // ended clock window is asked once more, harmlessly; CI saw that once.)
    const window = (at: number) => expect.stringMatching(new RegExp(` window ${Math.floor(at / 1_000)}$`));
    const aligned = keys.filter((key) => / window \d+$/.test(key));
    expect(keys.length - aligned.length).toBe(1);
    expect(aligned[0]).toEqual(window(boundary - 1));
    expect(aligned.at(-1)).toEqual(window(boundary));
    expect(aligned.length).toBeLessThanOrEqual(3);
  });

  test('a store error is an error event naming the store, never the call failing', async () => {
    server.route('/store-down', modes.json(200, { ok: true }));
    const events: SturdyEvent[] = [];
    const store = { consume: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:1')) };
    const api = clientWith(limit({ rateLimit: { requests: 10, interval: 1_000, store } }), {
      onEvent: (event: SturdyEvent) => events.push(event),
    });
    await expect(api.get('store-down').json()).resolves.toEqual({ ok: true });
    expect(events.filter((event) => event.type === 'error').map((event) => event.reason)).toEqual([
      expect.stringMatching(/^rate limit store unavailable: connect ECONNREFUSED/),
    ]);
  });

  test('a store rejecting with a value that has no string form is still an error event, never a crash', async () => {
    server.route('/store-odd', modes.json(200, { ok: true }));
    const events: SturdyEvent[] = [];
    const store = { consume: () => Promise.reject(Object.create(null)) };
    const api = clientWith(limit({ rateLimit: { requests: 10, interval: 1_000, store } }), {
      onEvent: (event: SturdyEvent) => events.push(event),
    });
    await expect(api.get('store-odd').json()).resolves.toEqual({ ok: true });
    expect(events.filter((event) => event.type === 'error').map((event) => event.reason)).toEqual([
      'rate limit store unavailable: unknown error; using the local window for 1000 ms',
    ]);
  });

  test('a store that never answers costs at most storeTimeout, then the local window applies', async () => {
    server.route('/store-hangs', modes.json(200, { ok: true }));
    const events: SturdyEvent[] = [];
    const store = { consume: () => new Promise<never>(() => {}) };
    const api = clientWith(limit({ rateLimit: { requests: 10, interval: 1_000, store, storeTimeout: 100 } }), {
      onEvent: (event: SturdyEvent) => events.push(event),
    });
    const { value, ms } = await elapsed(() => api.get('store-hangs').json());
    expect(value).toEqual({ ok: true });
    expect(ms).toBeGreaterThanOrEqual(95);
    expect(ms).toBeLessThan(600);
    expect(events.some((event) => event.type === 'error' && /no answer within 100 ms/.test(event.reason ?? ''))).toBe(
      true,
    );
  });
});
