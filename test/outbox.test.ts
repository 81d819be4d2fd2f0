/**
 * sturdy/outbox in one process, against a real idempotency layer on a node:http server: a job is stored
 * before any network call, delivered with one Idempotency-Key until a final outcome, in order, bounded.
 */
import { createStorage, type Storage } from 'unstorage';
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { bearer, createClient, isHTTPError } from '../src/index.ts';
import { createRedactor } from '../src/core/redact.ts';
import { OutboxError, isOutboxError, outbox, type Outbox, type Outcome } from '../src/outbox/index.ts';
import { createJob } from '../src/outbox/job.ts';
import { kvJobStore } from '../src/outbox/kv-store.ts';
import { outcomeFromData, outcomeToData } from '../src/outbox/outcome.ts';
import { idempotentCreate } from './helpers/idempotency.ts';
import { modes, startServer, type TestServer } from './helpers/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

const boxes: Outbox[] = [];
afterEach(async () => {
  await Promise.all(boxes.splice(0).map((box) => box.close()));
});

let routes = 0;
/** A fresh path per test, so request counts start at zero. */
const route = (handler: Parameters<TestServer['route']>[1]) => {
  const path = `/r${++routes}`;
  server.route(path, handler);
  return path.slice(1);
};

/** A route that answers 503 until `up()`, then a real idempotency layer. */
const downThenUp = () => {
  const endpoint = idempotentCreate();
  let isUp = false;
  const path = route((request, response, n, raw) =>
    (isUp ? endpoint.handler : modes.json(503))(request, response, n, raw),
  );
  const up = () => {
    isUp = true;
  };
  return { endpoint, path, up };
};

const fast = { delay: () => 30, jitter: false } as const;

const open = (options: Partial<Parameters<typeof outbox>[1]> = {}, store: Storage = createStorage()) => {
  const api = createClient({ baseUrl: `${server.url}/`, timeout: 2_000 });
  const box = outbox(api, { name: 'orders', store, retry: fast, ...options });
  boxes.push(box);
  return { box, store, api };
};

/** Every key the store holds, with its raw value. */
const dump = async (store: Storage) =>
  Object.fromEntries(await Promise.all((await store.getKeys()).map(async (key) => [key, await store.getItem(key)])));

const jobKeys = async (store: Storage) => (await store.getKeys()).filter((key) => key.includes(':job:'));

describe('send', () => {
  test('stores the request before any network call, then delivers it with its Idempotency-Key', async () => {
    const endpoint = idempotentCreate();
    const path = route(endpoint.handler);
    const store = createStorage();
    const storedAtFetch: string[][] = [];
    const api = createClient({
      baseUrl: `${server.url}/`,
      fetch: async (input, init) => {
        storedAtFetch.push(await jobKeys(store));
        return fetch(input, init);
      },
    });
    const box = outbox(api, { name: 'orders', store });
    boxes.push(box);
    const job = await box.send(path, { json: { sku: 'A1', qty: 2 } });
    expect(await jobKeys(store)).toEqual([expect.stringContaining(job.id)]);
    const outcome = await job.done;
    expect(outcome).toMatchObject({ ok: true, data: { id: 1 } });
    expect(outcome.ok && outcome.response.status).toBe(201);
    expect(storedAtFetch).toEqual([[expect.stringContaining(job.id)]]);
    expect(server.requestsTo(`/${path}`)).toMatchObject([
      { method: 'POST', body: '{"sku":"A1","qty":2}', headers: { 'idempotency-key': job.key } },
    ]);
    expect(await store.getKeys()).toEqual([expect.stringContaining(':alive:')]);
  });

  test('a job survives its outbox: a new one on the same store delivers it with the same key', async () => {
    const { path, up } = downThenUp();
    const first = open({ retry: { delay: () => 60_000, jitter: false } });
    const job = await first.box.send(path, { json: { n: 1 } });
    await expect.poll(() => server.requestsTo(`/${path}`).length).toBe(1);
    await first.box.close();
    up();
    const second = open({}, first.store);
    const outcomes: Outcome[] = [];
    second.box.onOutcome((_job, outcome) => outcomes.push(outcome));
    await expect.poll(() => outcomes.length, { timeout: 10_000 }).toBe(1);
    expect(outcomes[0]).toMatchObject({ ok: true, data: { id: 1 } });
    const keys = server.requestsTo(`/${path}`).map((request) => request.headers['idempotency-key']);
    expect(keys).toEqual([job.key, job.key]);
    expect(await second.box.pending()).toEqual([]);
  });

  test('refuses credentials in headers or the URL, before storing anything', async () => {
    const { box, store } = open();
    await expect(box.send('orders', { headers: { authorization: 'Bearer abc' }, json: {} })).rejects.toThrow(
      /header authorization carries a credential/,
    );
    await expect(box.send('orders?api_key=abc', { json: {} })).rejects.toThrow(
      /url orders\?api_key=\[REDACTED\] carries a credential/,
    );
    await expect(box.send('orders?api_key=abc', { json: {} })).rejects.not.toThrow(/abc/);
    expect(await jobKeys(store)).toEqual([]);
  });

  test('stores no credential: the client adds its bearer token at each delivery', async () => {
    const token = 'tok-5c1d2e3f-very-secret';
    const endpoint = idempotentCreate();
    const path = route(endpoint.handler);
    const store = createStorage();
    const api = createClient({ baseUrl: `${server.url}/`, auth: bearer(token) });
    const box = outbox(api, { name: 'orders', store, retry: fast });
    boxes.push(box);
    const job = await box.send(path, { json: { sku: 'A1' }, headers: { 'x-request-source': 'checkout' } });
    const stored = JSON.stringify(await dump(store));
    expect(stored).toContain('checkout');
    expect(stored).not.toContain(token);
    await job.done;
    expect(server.requestsTo(`/${path}`)[0]!.headers.authorization).toBe(`Bearer ${token}`);
  });

  test('rejects a body JSON cannot carry, or one over maxBodyBytes', async () => {
    const { box, store } = open({ maxBodyBytes: 100 });
    await expect(box.send('orders', { json: { total: 10n } })).rejects.toThrow(/a BigInt .* at \$\.total/);
    const error = await box.send('orders', { json: { note: 'x'.repeat(200) } }).catch((e: unknown) => e);
    expect(isOutboxError(error) && error.reason).toBe('tooLarge');
    expect(String(error)).toMatch(/211 bytes, over maxBodyBytes \(100\)/);
    expect(await jobKeys(store)).toEqual([]);
  });

  test('a store that fails: send rejects (the job is not durable), and nothing else breaks', async () => {
    const down = () => Promise.reject(new Error('store down'));
    const broken = { getItem: down, setItem: down, removeItem: down, getKeys: down };
    const box = outbox(createClient({ baseUrl: `${server.url}/` }), { name: 'orders', store: broken, lease: 300 });
    // Its presence writes fail meanwhile: no unhandled rejection.
    await new Promise((resolve) => setTimeout(resolve, 400));
    await expect(box.send('orders', { json: {} })).rejects.toThrow('store down');
    await expect(box.pending()).rejects.toThrow('store down');
    await expect(box.close()).rejects.toThrow('store down');
  });

  test('a full outbox rejects send with an error that says so', async () => {
    const path = route(modes.hang());
    const { box } = open({ maxJobs: 2 });
    await box.send(path, { json: { n: 1 } });
    await box.send(path, { json: { n: 2 } });
    const error = await box.send(path, { json: { n: 3 } }).catch((e: unknown) => e);
    expect(isOutboxError(error) && error.reason).toBe('full');
    expect(String(error)).toMatch(/the outbox is full: 2 jobs are waiting \(maxJobs\)/);
    expect(await box.pending()).toHaveLength(2);
  });
});

test('bad options are a TypeError naming the option', () => {
  const api = createClient({ baseUrl: `${server.url}/` });
  const store = createStorage();
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ name: 'orders/../x', store }, /option `name` must be 1 to 100 letters/],
    [{ name: 'orders', store: {} }, /option `store` must be an unstorage Storage/],
    // A store's options may hold a password: never echoed.
    [{ name: 'orders', store: { url: 'redis://:pw-1234@redis' } }, /option `store` .*; got object \(not shown\)$/],
    [{ name: 'orders', store, maxJobs: 0 }, /option `maxJobs` must be an integer of at least 1/],
    [{ name: 'orders', store, lease: 100 }, /option `lease` must be an integer of at least 300/],
    [{ name: 'orders', store, ordered: 'yes' }, /option `ordered` must be a boolean/],
    [{ name: 'orders', store, retry: { delay: 100 } }, /option `retry.delay` must be a function/],
    [{ name: 'orders' }, /option `store` must be an unstorage Storage where there is no IndexedDB; got undefined$/],
  ];
  for (const [options, message] of cases)
    expect(() => outbox(api, options as unknown as Parameters<typeof outbox>[1])).toThrow(message);
});

describe('delivery', () => {
  test('repeats with the same key until a final outcome: 503, a timeout, 409 in progress, then the stored 201', async () => {
    const endpoint = idempotentCreate({ processMs: 700 });
    let n = 0;
    const path = route((request, response, count, raw) =>
      ++n === 1 ? modes.json(503)(request, response, count, raw) : endpoint.handler(request, response, count, raw),
    );
    const api = createClient({ baseUrl: `${server.url}/`, timeout: 300 });
    const slow = outbox(api, { name: 'slow', store: createStorage(), retry: { delay: () => 150, jitter: false } });
    boxes.push(slow);
    const job = await slow.send(path, { json: { sku: 'B2' } });
    const outcome = await job.done;
    expect(outcome).toMatchObject({ ok: true, data: { id: 1 } });
    expect(endpoint.orders).toHaveLength(1);
    const statuses = endpoint.answers.map((answer) => answer.status);
    expect(statuses).toContain(409);
    expect(statuses.at(-1)).toBe(201);
    expect(new Set(server.requestsTo(`/${path}`).map((request) => request.headers['idempotency-key']))).toEqual(
      new Set([job.key]),
    );
  });

  test('a final 4xx ends the job and is reported; 422 (the key reused with another body) is final', async () => {
    const endpoint = idempotentCreate();
    const path = route(endpoint.handler);
    const { box } = open();
    const first = await box.send(path, { json: { sku: 'A' }, idempotencyKey: 'order-42' });
    const second = await box.send(path, { json: { sku: 'B' }, idempotencyKey: 'order-42' });
    expect(await first.done).toMatchObject({ ok: true });
    const outcome = await second.done;
    expect(outcome.ok).toBe(false);
    const error = !outcome.ok ? outcome.error : undefined;
    expect(isHTTPError(error) && error.response.status).toBe(422);
    expect(isHTTPError(error) && error.data).toEqual({ error: 'Idempotency-Key reused with another request' });
    expect(server.requestsTo(`/${path}`)).toHaveLength(2);
    expect(await box.pending()).toEqual([]);
  });

  test('waits what Retry-After asks between deliveries', async () => {
    const path = route(modes.retryAfter(503, 1, { status: 201, body: { id: 7 } }));
    const { box } = open();
    const job = await box.send(path, { json: {} });
    expect(await job.done).toMatchObject({ ok: true, data: { id: 7 } });
    const [first, second] = server.requestsTo(`/${path}`);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
  });

  test('ordered: the next job goes after the previous one has its final outcome', async () => {
    const seen: string[] = [];
    let inFlight = 0;
    let most = 0;
    let failures = 2;
    const path = route(async (request, response) => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 50));
      inFlight -= 1;
      seen.push(request.body);
      const fail = request.body === '{"n":1}' && failures-- > 0;
      response.writeHead(fail ? 503 : 201, { 'content-type': 'application/json' }).end('{}');
    });
    const { box } = open();
    const jobs = [];
    for (let n = 1; n <= 4; n++) jobs.push(await box.send(path, { json: { n } }));
    await Promise.all(jobs.map((job) => job.done));
    expect(most).toBe(1);
    expect(seen).toEqual(['{"n":1}', '{"n":1}', '{"n":1}', '{"n":2}', '{"n":3}', '{"n":4}']);
  });

  test('ordered: false: a failing job does not hold back the others', async () => {
    const path = route((request, response) => {
      const fail = request.body === '{"n":1}';
      response.writeHead(fail ? 503 : 201, { 'content-type': 'application/json' }).end('{}');
    });
    const { box } = open({ ordered: false, retry: { delay: () => 60_000, jitter: false } });
    const first = await box.send(path, { json: { n: 1 } });
    const second = await box.send(path, { json: { n: 2 } });
    expect(await second.done).toMatchObject({ ok: true });
    expect((await box.pending()).map((job) => job.id)).toEqual([first.id]);
  });

  test('maxAge ends a job that got no final answer in time, with a final outcome that says so', async () => {
    const path = route(modes.json(503));
    const { box, store } = open({ maxAge: 600 });
    const heard: Outcome[] = [];
    box.onOutcome((_job, outcome) => heard.push(outcome));
    const job = await box.send(path, { json: {} });
    const outcome = await job.done;
    expect(outcome.ok).toBe(false);
    const error = !outcome.ok ? outcome.error : undefined;
    expect(isOutboxError(error) && error.reason).toBe('expired');
    expect(String(error)).toMatch(/no final answer within maxAge \(600 ms/);
    expect(heard).toEqual([outcome]);
    expect(await jobKeys(store)).toEqual([]);
  });

  test('close() during a look at the store: nothing is delivered after it', async () => {
    const path = route(modes.json(503));
    const memory = createStorage();
    // A job left by an earlier run, waiting for its next delivery.
    const earlier = open({ retry: { delay: () => 60_000, jitter: false } }, memory);
    await earlier.box.send(path, { json: {} });
    await expect.poll(() => server.requestsTo(`/${path}`).length).toBe(1);
    await earlier.box.close();
    // This run's first look at the store is slow, and it closes meanwhile.
    const slow: Storage = {
      ...memory,
      getKeys: async (base?: string) => {
        await new Promise((resolve) => setTimeout(resolve, 300));
        return memory.getKeys(base);
      },
    };
    const { box } = open({}, slow);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await box.close();
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(server.requestsTo(`/${path}`)).toHaveLength(1);
  });

  test('job.done never rejects, and a throwing listener does not stop delivery', async () => {
    const path = route(modes.json(400, { error: 'bad' }));
    const { box } = open();
    box.onOutcome(() => {
      throw new Error('listener bug');
    });
    const first = await box.send(path, { json: {} });
    const second = await box.send(path, { json: {} });
    await expect(first.done).resolves.toMatchObject({ ok: false });
    await expect(second.done).resolves.toMatchObject({ ok: false });
  });
});

describe('instances sharing a store', () => {
  test("each delivers the jobs it sent; a closed instance's jobs are taken over with their keys", async () => {
    const { endpoint, path, up } = downThenUp();
    const store = createStorage();
    const a = open({ lease: 600, retry: { delay: () => 60_000, jitter: false } }, store);
    const b = open({ lease: 600 }, store);
    const stranded = await a.box.send(path, { json: { from: 'a' } });
    await expect.poll(() => server.requestsTo(`/${path}`).length).toBe(1);
    up();
    const own = await b.box.send(path, { json: { from: 'b' } });
    const heard: string[] = [];
    b.box.onOutcome((job) => heard.push(job.key));
    // Ordered: b's job waits behind a's, which a holds (its backoff is a minute) until a closes.
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(endpoint.orders).toEqual([]);
    await a.box.close();
    expect(await own.done).toMatchObject({ ok: true });
    expect(heard).toEqual([stranded.key, own.key]);
    expect(endpoint.orders.map((order) => order.key)).toEqual([stranded.key, own.key]);
  });
});

test('a job another instance ended after it was listed is not claimed (nor delivered again)', async () => {
  const storage = createStorage();
  const store = kvJobStore(storage, { name: 'orders', sender: 'a', lease: 1_000 });
  const context = { sender: 'a', redactor: createRedactor(), maxBodyBytes: 1_000, base: undefined };
  await store.add(createJob('orders', { json: { n: 1 } }, context), 10);
  const [listed] = await store.list();
  await storage.removeItem(`sturdy-outbox:orders:job:${listed!.id}`);
  expect(await store.claim(listed!)).toBe(undefined);
  await store.close();
});

test('ordered: false: jobs another live instance holds do not keep this one from its own', async () => {
  const store = createStorage();
  const stuck = route(modes.hang());
  // a's deliveries hang until its client's 8 s timeout: b must not wait for them.
  const patient = createClient({ baseUrl: `${server.url}/`, timeout: 8_000 });
  const a = outbox(patient, { name: 'orders', store, ordered: false, lease: 600 });
  boxes.push(a);
  for (let n = 1; n <= 6; n++) await a.send(stuck, { json: { n } });
  const b = open({ ordered: false, lease: 600 }, store);
  const endpoint = idempotentCreate();
  const job = await b.box.send(route(endpoint.handler), { json: { from: 'b' } });
  const started = performance.now();
  expect(await job.done).toMatchObject({ ok: true });
  expect(performance.now() - started).toBeLessThan(4_000);
});

test("a sender that lost its jobs while unresponsive still gets done: it stores the job again and hears the server's stored answer", async () => {
  const { endpoint, path, up } = downThenUp();
  const shared = createStorage();
  // The stalled instance: its presence is not renewed (as if its event loop were blocked past the lease) until b
  // has taken its job over and ended it.
  let stalling = true;
  const stalled: Storage = {
    ...shared,
    setItem: (key: string, value: string) =>
      stalling && key.includes(':alive:') ? Promise.resolve() : shared.setItem(key, value),
  };
  const a = open({ lease: 600, retry: { delay: () => 60_000, jitter: false } }, stalled);
  const job = await a.box.send(path, { json: { sku: 'D4' } });
  await expect.poll(() => server.requestsTo(`/${path}`).length).toBe(1);
  up();
  const b = open({ lease: 600 }, shared);
  const heardByB: string[] = [];
  b.box.onOutcome((ended) => heardByB.push(ended.key));
  await expect.poll(() => heardByB, { timeout: 10_000 }).toEqual([job.key]);
  stalling = false;
  // a's job is gone from the store, ended by b: a's done still resolves, with the server's answer.
  expect(await job.done).toMatchObject({ ok: true, data: { id: 1 } });
  expect(endpoint.orders).toHaveLength(1);
  const answers = endpoint.answers.map((answer) => answer.status);
  expect(answers).toEqual([201, 201]);
  expect(new Set(server.requestsTo(`/${path}`).map((request) => request.headers['idempotency-key']))).toEqual(
    new Set([job.key]),
  );
  expect(await a.box.pending()).toEqual([]);
});

describe('outcomes heard by other tabs (plain data over BroadcastChannel)', () => {
  const redactor = createRedactor();
  const roundTrip = (outcome: Outcome) => outcomeFromData(structuredClone(outcomeToData(outcome, redactor)), 'orders');

  test('a 2xx keeps its status, headers and data; set-cookie stays in the tab that received it', async () => {
    const response = new Response('{"id":1}', {
      status: 201,
      headers: { 'content-type': 'application/json', 'set-cookie': 'session=abc', location: '/orders/1' },
    });
    const heard = roundTrip({ ok: true, data: { id: 1 }, response });
    expect(heard.ok && heard.data).toEqual({ id: 1 });
    expect(heard.ok && heard.response.status).toBe(201);
    expect(heard.ok && heard.response.headers.get('location')).toBe('/orders/1');
    expect(heard.ok && heard.response.headers.get('set-cookie')).toBe(null);
    expect(heard.ok && (await heard.response.json())).toEqual({ id: 1 });
  });

  test('a final HTTPError stays an HTTPError with its status and data; an OutboxError keeps its reason', async () => {
    const path = route(modes.json(422, { error: 'key reused' }));
    const failed = await createClient({ baseUrl: `${server.url}/`, retry: false })
      .post(path, { json: {} })
      .result();
    const heard = roundTrip(failed);
    const error = !heard.ok ? heard.error : undefined;
    expect(isHTTPError(error) && [error.response.status, error.data, error.request.method, error.request.url]).toEqual([
      422,
      { error: 'key reused' },
      'POST',
      `${server.url}/${path}`,
    ]);
    expect(error?.message).toBe(!failed.ok ? failed.error.message : '');
    const expired = roundTrip({ ok: false, error: new OutboxError('expired', 'too late') });
    expect(!expired.ok && isOutboxError(expired.error) && expired.error.reason).toBe('expired');
    expect(!expired.ok && expired.error.message).toBe('sturdy/outbox: too late');
  });

  test('a heard HTTPError prints as the one the call threw does: its echoed body, response and request out of enumeration', async () => {
    const path = route(modes.json(401, { error: 'bad token', echoed: 'tok-heard-secret' }));
    const failed = await createClient({ baseUrl: `${server.url}/`, retry: false })
      .post(path, { json: {} })
      .result();
    const heard = roundTrip(failed);
    const error = !heard.ok ? heard.error : undefined;
    expect(isHTTPError(error) && error.data).toEqual({ error: 'bad token', echoed: 'tok-heard-secret' });
    for (const printed of [inspect(error), JSON.stringify(error), String(error), JSON.stringify({ ...error })])
      expect(printed).not.toContain('tok-heard-secret');
    expect(Object.keys(error!)).not.toContain('data');
  });
});
