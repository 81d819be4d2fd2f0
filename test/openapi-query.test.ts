// queryOptions through a real @tanstack/query-core QueryClient, against a real node:http server: the key is
// stable and serializable, the query's signal reaches the request, a 204 is null, failures are the client's errors.
import { QueryClient, hashKey, isCancelledError } from '@tanstack/query-core';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { createClient, isHTTPError } from '../src/index.ts';
import { openapi, queryOptions } from '../src/openapi/index.ts';
import { modes, startServer, wait, type TestServer } from './helpers/server.ts';
import type { paths } from './openapi/generated/shop.d.ts';

let server: TestServer;
let shop: ReturnType<typeof openapi<paths>>;
let queryClient: QueryClient;
beforeAll(async () => {
  server = await startServer();
  shop = openapi<paths>(createClient({ baseUrl: `${server.url}/api/`, retry: false }));
});
beforeEach(() => {
  server.requests.length = 0;
  queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
});
afterAll(() => server.close());

const item = { id: 7, name: 'Lamp', price: 12.5 };
const header = { 'X-Request-Id': 'req-1' };

test('fetchQuery resolves the 2xx body; the key is method, path and input, as plain JSON', async () => {
  server.route('/api/items/7', modes.json(200, item));
  const options = queryOptions(shop, 'GET', '/items/{id}', { params: { path: { id: 7 }, header }, timeout: 5_000 });
  expect(options.queryKey).toEqual(['GET', '/items/{id}', { params: { path: { id: 7 }, header } }]);
  expect(JSON.parse(JSON.stringify(options.queryKey))).toEqual(options.queryKey);
  expect(await queryClient.fetchQuery(options)).toEqual(item);
  expect(queryClient.getQueryData(options.queryKey)).toEqual(item);
  expect(server.requests.map((request) => request.url)).toEqual(['/api/items/7']);
});

test('the key is stable: the same input in another order (or new objects) hashes the same; another input does not', () => {
  const first = queryOptions(shop, 'GET', '/items', { params: { query: { page: 1, q: 'lamp' } } });
  const again = queryOptions(shop, 'GET', '/items', { params: { query: { q: 'lamp', page: 1 } }, timeout: 1_000 });
  const next = queryOptions(shop, 'GET', '/items', { params: { query: { q: 'lamp', page: 2 } } });
  expect(hashKey(again.queryKey)).toBe(hashKey(first.queryKey));
  expect(hashKey(next.queryKey)).not.toBe(hashKey(first.queryKey));
  expect(queryOptions(shop, 'OPTIONS', '/items').queryKey).toEqual(['OPTIONS', '/items']);
});

test('a 204 is null (TanStack Query refuses undefined)', async () => {
  server.route('/api/items/7', modes.noContent());
  const data = await queryClient.fetchQuery(
    queryOptions(shop, 'DELETE', '/items/{id}', { params: { path: { id: 7 } } }),
  );
  expect(data).toBeNull();
});

test("a status the query cannot use rejects with the client's HTTPError and its body", async () => {
  server.route('/api/items/404', modes.json(404, { code: 'not_found', message: 'gone' }));
  const error = await queryClient
    .fetchQuery(queryOptions(shop, 'GET', '/items/{id}', { params: { path: { id: 404 }, header } }))
    .catch((caught: unknown) => caught);
  expect(isHTTPError(error)).toBe(true);
  expect(error).toMatchObject({ response: { status: 404 }, data: { code: 'not_found', message: 'gone' } });
});

test("cancelling the query aborts the request: the query's signal is passed on", async () => {
  let closed = false;
  server.route('/api/items/8', (_request, response) => {
    response.on('close', () => {
      closed = true;
    });
  });
  const options = queryOptions(shop, 'GET', '/items/{id}', { params: { path: { id: 8 }, header } });
  const pending = queryClient.fetchQuery(options).catch((caught: unknown) => caught);
  for (let waited = 0; server.requests.length === 0 && waited < 5_000; waited += 10) await wait(10);
  expect(server.requests).toHaveLength(1);
  await queryClient.cancelQueries({ queryKey: options.queryKey });
  expect(isCancelledError(await pending)).toBe(true);
  for (let waited = 0; !closed && waited < 5_000; waited += 10) await wait(10);
  expect(closed).toBe(true);
});

test("the caller's own signal still aborts too", async () => {
  server.route('/api/items/9', () => new Promise(() => {}));
  const controller = new AbortController();
  const options = queryOptions(shop, 'GET', '/items/{id}', {
    params: { path: { id: 9 }, header },
    signal: controller.signal,
  });
  const pending = queryClient.fetchQuery(options).catch((caught: unknown) => caught);
  setTimeout(() => controller.abort(new Error('left the page')), 50);
  expect(await pending).toMatchObject({ message: 'left the page' });
});
