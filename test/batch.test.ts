import { afterAll, beforeAll, expect, expectTypeOf, test } from 'vitest';
import { batch } from '../src/batch/index.ts';
import { createClient, isHTTPError } from '../src/index.ts';
import { modes, startServer, wait, type TestServer } from './helpers/server.ts';

type User = { id: string; name: string };

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
  // A batch endpoint: one result per id, in order; unknown ids get an error entry.
  server.route('/users/batch', (request, response) => {
    const { ids } = JSON.parse(request.body) as { ids: string[] };
    const results = ids.map((id) =>
      id.startsWith('missing') ? { error: 'not_found', id } : { id, name: id.toUpperCase() },
    );
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ results }));
  });
});
afterAll(() => server.close());

const api = () => createClient({ baseUrl: `${server.url}/` });
const sentIds = (path = '/users/batch') =>
  server.requestsTo(path).map((request) => (JSON.parse(request.body) as { ids: string[] }).ids);

/** The loader a user would write: one POST for many ids, an Error for each id the API could not find. */
const userLoader = (options?: Parameters<typeof batch<string, User>>[1], path = 'users/batch') =>
  batch<string, User>(async (ids) => {
    const { results } = await api()
      .post(path, { json: { ids } })
      .json<{ results: Array<User | { error: string; id: string }> }>();
    return results.map((result) => ('error' in result ? new Error(`${result.error}: ${result.id}`) : result));
  }, options);

test('calls made in the same task go out as one request; each caller gets its own result', async () => {
  server.requests.length = 0;
  const getUser = userLoader();
  const users = await Promise.all(['ann', 'bob', 'cy'].map((id) => getUser(id)));
  expect(users).toEqual([
    { id: 'ann', name: 'ANN' },
    { id: 'bob', name: 'BOB' },
    { id: 'cy', name: 'CY' },
  ]);
  expect(sentIds()).toEqual([['ann', 'bob', 'cy']]);
});

test('one failing item rejects alone; the others in its batch resolve', async () => {
  const getUser = userLoader();
  const [ann, missing, bob] = await Promise.allSettled([getUser('ann'), getUser('missing-1'), getUser('bob')]);
  expect(ann).toEqual({ status: 'fulfilled', value: { id: 'ann', name: 'ANN' } });
  expect(missing).toMatchObject({ status: 'rejected', reason: { message: 'not_found: missing-1' } });
  expect(bob).toEqual({ status: 'fulfilled', value: { id: 'bob', name: 'BOB' } });
});

test('a full batch goes out at once; the rest waits for the next batch', async () => {
  server.requests.length = 0;
  const getUser = userLoader({ maxSize: 4, windowMs: 50 });
  const started = performance.now();
  const first = Promise.all(['a', 'b', 'c', 'd'].map((id) => getUser(id)));
  const rest = Promise.all(['e', 'f'].map((id) => getUser(id)));
  await first;
  // The full batch did not wait for the 50 ms window.
  expect(performance.now() - started).toBeLessThan(45);
  await rest;
  expect(sentIds()).toEqual([
    ['a', 'b', 'c', 'd'],
    ['e', 'f'],
  ]);
});

test('items within the window share a batch; a later item starts a new one', async () => {
  server.requests.length = 0;
  const getUser = userLoader({ windowMs: 40 });
  const early = [getUser('a')];
  await wait(10);
  early.push(getUser('b'));
  await Promise.all(early);
  await getUser('c');
  expect(sentIds()).toEqual([['a', 'b'], ['c']]);
});

test('a failed request rejects every item of its batch with the HTTPError', async () => {
  server.route('/users/broken', modes.json(422, { error: 'bad batch' }));
  const getUser = userLoader({}, 'users/broken');
  const results = await Promise.allSettled([getUser('a'), getUser('b')]);
  for (const result of results) {
    expect(result.status).toBe('rejected');
    expect(isHTTPError((result as PromiseRejectedResult).reason)).toBe(true);
  }
});

test('with `key`, duplicates in a batch are sent once and share the result; without it, equal items are separate', async () => {
  const seen: string[][] = [];
  const byKey = batch(async (ids: string[]) => (seen.push(ids), ids.map((id) => `user ${id}`)), { key: (id) => id });
  expect(await Promise.all([byKey('a'), byKey('a'), byKey('b')])).toEqual(['user a', 'user a', 'user b']);
  const plain = batch(async (ids: string[]) => (seen.push(ids), ids.map((id) => `user ${id}`)));
  expect(await Promise.all([plain('a'), plain('a')])).toEqual(['user a', 'user a']);
  expect(seen).toEqual([
    ['a', 'b'],
    ['a', 'a'],
  ]);
});

test('results may come back as a Map by key; an item without a result rejects alone', async () => {
  const load = batch(async (ids: number[]) => new Map(ids.filter((id) => id !== 2).map((id) => [id, id * 10])));
  const [one, two, three] = await Promise.allSettled([load(1), load(2), load(3)]);
  expect(one).toEqual({ status: 'fulfilled', value: 10 });
  expect(two).toMatchObject({
    status: 'rejected',
    reason: { message: expect.stringContaining('no result for item 2') },
  });
  expect(three).toEqual({ status: 'fulfilled', value: 30 });
});

/** Settles every promise, or says 'hung' after 2 s; records unhandled rejections meanwhile. */
async function settleWatched(promises: Array<Promise<unknown>>) {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => void unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    const results = await Promise.race([Promise.allSettled(promises), wait(2_000).then(() => 'hung' as const)]);
    // Unhandled rejections are reported after the microtask queue drains.
    await new Promise((resolve) => setImmediate(resolve));
    return { results, unhandled };
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
}

test('a Map result missing a BigInt key: each caller of that item gets a clear error, the others their results', async () => {
  const load = batch(
    async (ids: bigint[]) => new Map(ids.filter((id) => id !== 2n).map((id) => [id, Number(id) * 10])),
  );
  const { results, unhandled } = await settleWatched([load(1n), load(2n), load(3n), load(2n)]);
  expect(unhandled).toEqual([]);
  expect(results).not.toBe('hung');
  const [one, two, three, twoAgain] = results as PromiseSettledResult<number>[];
  expect(one).toEqual({ status: 'fulfilled', value: 10 });
  expect(three).toEqual({ status: 'fulfilled', value: 30 });
  for (const missing of [two, twoAgain])
    expect(missing).toMatchObject({
      status: 'rejected',
      reason: { message: expect.stringContaining('no result for item 2n') },
    });
});

test('printing a missing key never throws: a cycle, a throwing toJSON and toString, no prototype, a symbol, a long string', async () => {
  const cycle: Record<string, unknown> = { name: 'cycle' };
  cycle.self = cycle;
  const hostile = {
    toJSON() {
      throw new Error('no JSON');
    },
    toString() {
      throw new Error('no string');
    },
  };
  const keys: unknown[] = [cycle, hostile, Object.create(null), Symbol('s'), 'x'.repeat(10_000)];
  const load = batch(async () => new Map<unknown, string>(), { key: (index: number) => keys[index] });
  const { results, unhandled } = await settleWatched(keys.map((_, index) => load(index)));
  expect(unhandled).toEqual([]);
  expect(results).not.toBe('hung');
  for (const result of results as PromiseSettledResult<string>[]) {
    expect(result.status).toBe('rejected');
    const { message } = (result as PromiseRejectedResult).reason as Error;
    expect(message).toMatch(/^sturdy: the batch function returned no result for item /);
    expect(message.length).toBeLessThan(300);
  }
});

test('a result Map that throws when read fails every caller still waiting with its error, never an unhandled rejection', async () => {
  class BrokenMap extends Map<string, string> {
    override get(): never {
      throw new Error('broken map');
    }
  }
  const load = batch(async (ids: string[]) => new BrokenMap(ids.map((id) => [id, id])));
  const { results, unhandled } = await settleWatched([load('a'), load('b')]);
  expect(unhandled).toEqual([]);
  expect(results).toEqual([
    { status: 'rejected', reason: new Error('broken map') },
    { status: 'rejected', reason: new Error('broken map') },
  ]);
});

test('a result array of the wrong length rejects every item with a TypeError that says what is expected', async () => {
  const load = batch(async (ids: string[]) => ids.slice(1));
  const results = await Promise.allSettled([load('a'), load('b')]);
  for (const result of results) {
    expect((result as PromiseRejectedResult).reason).toBeInstanceOf(TypeError);
    expect((result as PromiseRejectedResult).reason.message).toContain('one result per item (2)');
  }
});

test.each([
  [{ windowMs: -1 }, 'windowMs'],
  [{ maxSize: 0 }, 'maxSize'],
  [{ maxSize: 2.5 }, 'maxSize'],
  [{ key: 'id' }, 'key'],
])('bad option %j is a TypeError naming it', (options, name) => {
  expect(() => batch(async () => [], options as never)).toThrow(new RegExp(`\`${name}\``));
});

test('the loader is typed by the batch function: item in, result out', () => {
  const load = batch(async (ids: number[]) => ids.map((id) => ({ id, label: String(id) })));
  expectTypeOf(load).toEqualTypeOf<(item: number) => Promise<{ id: number; label: string }>>();
});
