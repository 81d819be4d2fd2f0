import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createClient, isTimeoutError } from '../src/index.ts';
import { createLimiter } from '../src/limiter.ts';
import { modes, startServer, wait, type Handler, type TestServer } from './helpers/server.ts';

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

describe('concurrency', () => {
  test('at most `concurrency` attempts reach the server at once; the rest queue and all succeed', async () => {
    const { state, handler } = slow(60);
    server.route('/slow', handler);
    const api = createClient({ baseUrl: `${server.url}/`, concurrency: 3 });
    const results = await Promise.all(Array.from({ length: 12 }, () => api.get('slow').json()));
    expect(results).toHaveLength(12);
    expect(state.max).toBe(3);
    expect(server.requestsTo('/slow')).toHaveLength(12);
  });

  test('a retry goes to the front of the queue, ahead of calls that have not started', async () => {
    const order: string[] = [];
    server.route('/order', async (request, response) => {
      const name = new URL(request.url, server.url).searchParams.get('name')!;
      order.push(name);
      await wait(40);
      const failFirst = name === 'a' && order.filter((seen) => seen === 'a').length === 1;
      response.writeHead(failFirst ? 503 : 200, { 'content-type': 'application/json' }).end('{}');
    });
    const api = createClient({ baseUrl: `${server.url}/`, concurrency: 1, retry: { limit: 1, delay: () => 10, jitter: false } });
    await Promise.all(['a', 'b', 'c', 'd'].map((name) => api.get('order', { searchParams: { name } })));
    // a fails; while a waits 10 ms b holds the slot; a's retry then queues ahead of c and d.
    expect(order).toEqual(['a', 'b', 'a', 'c', 'd']);
  });

  test('queues are per origin: a stuck call to one origin does not hold another', async () => {
    server.route('/hang', modes.hang());
    other.route('/fast', modes.json(200, { ok: true }));
    const api = createClient({ baseUrl: `${server.url}/`, concurrency: 1, retry: false });
    const controller = new AbortController();
    const stuck = api.get('hang', { signal: controller.signal }).catch((error: unknown) => error);
    await wait(30);
    await expect(api.get(`${other.url}/fast`).json()).resolves.toEqual({ ok: true });
    controller.abort(new Error('done'));
    expect(await stuck).toMatchObject({ message: 'done' });
  });

  test('an aborted queued call leaves the queue with the signal reason and never reaches the server', async () => {
    const { handler } = slow(150);
    server.route('/held', handler);
    server.route('/queued', modes.json(200, { ok: true }));
    const api = createClient({ baseUrl: `${server.url}/`, concurrency: 1 });
    const first = api.get('held').json();
    const controller = new AbortController();
    const queued = api.get('queued', { signal: controller.signal }).json();
    controller.abort(new Error('user left'));
    await expect(queued).rejects.toThrow('user left');
    await first;
    expect(server.requestsTo('/queued')).toHaveLength(0);
  });

  test('totalTimeout bounds the time spent queued', async () => {
    const { handler } = slow(400);
    server.route('/busy', handler);
    const api = createClient({ baseUrl: `${server.url}/`, concurrency: 1 });
    const first = api.get('busy');
    const started = performance.now();
    const error = await api.get('busy', { totalTimeout: 100 }).catch((caught: unknown) => caught);
    const waited = performance.now() - started;
    expect(isTimeoutError(error)).toBe(true);
    expect((error as Error).message).toContain('totalTimeout of 100 ms');
    expect(waited).toBeGreaterThanOrEqual(95);
    expect(waited).toBeLessThan(390);
    await first;
  });
});

describe('rateLimit', () => {
  test('no more than `requests` attempts start in any `interval`', async () => {
    server.route('/paced', modes.json(200, { ok: true }));
    const api = createClient({ baseUrl: `${server.url}/`, rateLimit: { requests: 5, interval: 300 } });
    const started = performance.now();
    await Promise.all(Array.from({ length: 15 }, () => api.get('paced').json()));
    const at = server.requestsTo('/paced').map((request) => request.at);
    expect(at).toHaveLength(15);
    // Starts are paced by the client; 60 ms of slack absorbs arrival jitter on a loaded machine (unpaced: ~0 ms).
    for (let i = 5; i < at.length; i++) expect(at[i]! - at[i - 5]!).toBeGreaterThan(240);
    expect(performance.now() - started).toBeGreaterThanOrEqual(590);
  });
});

describe('429 pauses the origin queue for everyone', () => {
  const LIMIT = 25;
  const WINDOW = 1_000;
  const CONCURRENCY = 4;

  test('100 queued calls against a rate-limited server: every call succeeds, at most `concurrency` 429s per window', async () => {
    const tally = { ok: 0, limited: 0 };
    server.route('/limited', modes.rateLimited(LIMIT, WINDOW, tally));
    const api = createClient({ baseUrl: `${server.url}/`, concurrency: CONCURRENCY });
    const results = await Promise.all(Array.from({ length: 100 }, () => api.get('limited').result()));
    expect(results.filter((result) => result.ok)).toHaveLength(100);
    expect(tally.ok).toBe(100);
    // Only calls already in flight when the first 429 of a window arrives can be refused; the queue waits.
    const windows = Math.ceil(100 / LIMIT) - 1;
    expect(tally.limited).toBeGreaterThan(0);
    expect(tally.limited).toBeLessThanOrEqual(CONCURRENCY * windows);
  });

  test('control: without a limiter the same calls produce a 429 for every request over the limit', async () => {
    const tally = { ok: 0, limited: 0 };
    server.route('/limited-control', modes.rateLimited(LIMIT, WINDOW, tally));
    const api = createClient({ baseUrl: `${server.url}/`, retry: false });
    await Promise.all(Array.from({ length: 100 }, () => api.get('limited-control').result()));
    expect(tally).toEqual({ ok: LIMIT, limited: 100 - LIMIT });
  });

  test('a pause holds calls that were only queued until the Retry-After passed', async () => {
    server.route('/once', modes.retryAfter(429, 1));
    server.route('/after', modes.json(200, { ok: true }));
    const api = createClient({ baseUrl: `${server.url}/`, concurrency: 10 });
    const limited = api.get('once').json();
    await wait(50);
    const started = performance.now();
    await api.get('after').json();
    expect(performance.now() - started).toBeGreaterThanOrEqual(900);
    await limited;
    const [first, retried] = server.requestsTo('/once');
    expect(server.requestsTo('/after')[0]!.at - first!.at).toBeGreaterThanOrEqual(990);
    expect(retried).toBeDefined();
  });
});

describe('options', () => {
  test.each([
    [{ concurrency: 0 }, 'concurrency'],
    [{ concurrency: 1.5 }, 'concurrency'],
    [{ rateLimit: { requests: 0, interval: 1000 } }, 'rateLimit'],
    [{ rateLimit: { requests: 5 } }, 'rateLimit'],
    [{ rateLimit: 10 }, 'rateLimit'],
  ])('%j is a TypeError naming the option', (options, name) => {
    expect(() => createClient(options as never)).toThrow(TypeError);
    expect(() => createClient(options as never)).toThrow(`\`${name}\``);
  });

  test('per call, the limits are a TypeError saying to set them on the client; nothing is sent', async () => {
    server.route('/never', modes.json(200, {}));
    const api = createClient({ baseUrl: `${server.url}/` });
    const error = await api.get('never', { concurrency: 2 } as never).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/`concurrency` must be set on the client/);
    expect(server.requestsTo('/never')).toHaveLength(0);
  });

  test('an origin whose slots are all free still keeps its rate window (idle state is dropped only after it)', async () => {
    const limiter = createLimiter({ rateLimit: { requests: 2, interval: 80 } })!;
    (await limiter.acquire('https://a.example', {}))();
    (await limiter.acquire('https://a.example', {}))();
    const started = performance.now();
    (await limiter.acquire('https://a.example', {}))();
    expect(performance.now() - started).toBeGreaterThanOrEqual(70);
    await wait(100);
    const later = performance.now();
    (await limiter.acquire('https://a.example', {}))();
    expect(performance.now() - later).toBeLessThan(20);
  });

  test('off by default: no limiter, calls go out at once', () => {
    expect(createLimiter({})).toBeUndefined();
    expect(createLimiter({ concurrency: false, rateLimit: false })).toBeUndefined();
  });

  test('an extended client shares its parent queues unless it sets its own limits', async () => {
    const { state, handler } = slow(50);
    server.route('/shared', handler);
    const parent = createClient({ baseUrl: `${server.url}/`, concurrency: 2 });
    const child = parent.extend({ headers: { 'x-child': '1' } });
    await Promise.all([...Array.from({ length: 4 }, () => parent.get('shared')), ...Array.from({ length: 4 }, () => child.get('shared'))]);
    expect(state.max).toBe(2);
  });
});
