import * as v from 'valibot';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { createClient, isHTTPError, type SturdyClient } from '../src/index.ts';
import { endpoint } from '../src/endpoint/index.ts';
import { modes, startServer, type TestServer } from './helpers/server.ts';
import { validationRejection } from './helpers/rejection.ts';

let server: TestServer;
let api: SturdyClient;
beforeAll(async () => {
  server = await startServer();
  api = createClient({ baseUrl: `${server.url}/v1/`, retry: false });
});
beforeEach(() => {
  server.requests.length = 0;
});
afterAll(() => server.close());

const Order = v.object({
  id: v.string(),
  total: v.pipe(v.number(), v.gtValue(0)),
  placedAt: v.pipe(
    v.string(),
    v.transform((text) => new Date(text)),
  ),
});
const NewOrder = v.object({
  customer: v.object({ email: v.pipe(v.string(), v.email()) }),
  total: v.pipe(v.string(), v.transform(Number), v.number(), v.gtValue(0)),
});
const order = { id: 'ord_1', total: 12.5, placedAt: '2026-11-25T00:00:00.000Z' };

/** Paths the server received (query included), in order. */
const receivedUrls = () => server.requests.map((request) => request.url);

describe('path parameters', () => {
  const getOrder = () => endpoint(api, { method: 'GET', path: 'orders/:id' });

  test('fill their segment, percent-encoded', async () => {
    server.route('/v1/orders/ord%201%C3%A9', modes.json(200, order));
    expect(await getOrder()({ params: { id: 'ord 1é' } })).toEqual(order);
    expect(receivedUrls()).toEqual(['/v1/orders/ord%201%C3%A9']);
  });

  test('`../admin` stays one segment inside orders/', async () => {
    server.route('/v1/admin', modes.json(200, { admin: true }));
    server.route('/v1/orders/..%2Fadmin', modes.json(404, { error: 'no such order' }));
    const error = await getOrder()({ params: { id: '../admin' } }).catch((e: unknown) => e);
    expect(isHTTPError(error) && error.response.status).toBe(404);
    expect(receivedUrls()).toEqual(['/v1/orders/..%2Fadmin']);
    expect(server.requestsTo('/v1/admin')).toHaveLength(0);
  });

  test('`a/b?c#d` is one segment: neither a query nor a fragment', async () => {
    server.route('/v1/orders/a%2Fb%3Fc%23d', modes.echo());
    const echoed = (await getOrder()({ params: { id: 'a/b?c#d' } })) as { url: string };
    expect(echoed.url).toBe('/v1/orders/a%2Fb%3Fc%23d');
    expect(receivedUrls()).toEqual(['/v1/orders/a%2Fb%3Fc%23d']);
  });

  test('percent signs are encoded too, so `%2e%2e` and `%2F` stay literal', async () => {
    server.route('/v1/orders/%252e%252e%252Fadmin', modes.json(200, order));
    await getOrder()({ params: { id: '%2e%2e%2Fadmin' } });
    expect(receivedUrls()).toEqual(['/v1/orders/%252e%252e%252Fadmin']);
  });

  test.each([['..'], ['.'], ['']])('%j cannot be a segment: ValidationError, nothing sent', async (id) => {
    const error = await validationRejection(getOrder()({ params: { id } }));
    expect(error.direction).toBe('request');
    expect(error.issues).toEqual([{ path: '$.id', message: `${JSON.stringify(id)} cannot be a path segment` }]);
    expect(error.message).toMatch(/^request params invalid at \$\.id: /);
    expect(server.requests).toHaveLength(0);
  });

  test('missing parameters are named before any request', async () => {
    const line = endpoint(api, { method: 'GET', path: 'orders/:orderId/lines/:lineId' });
    const error = await validationRejection(line({ params: { orderId: 'o1' } } as never));
    expect(error.issues).toEqual([
      { path: '$.lineId', message: 'missing: orders/:orderId/lines/:lineId needs params.lineId' },
    ]);
    expect(error.message).toBe(
      'request params invalid at $.lineId: missing: orders/:orderId/lines/:lineId needs params.lineId',
    );
    const none = await validationRejection((line as (input?: unknown) => Promise<unknown>)());
    expect(none.issues.map((issue) => issue.path)).toEqual(['$.orderId', '$.lineId']);
    expect(server.requests).toHaveLength(0);
  });

  test('objects and lone surrogates are refused', async () => {
    expect(
      (await validationRejection(getOrder()({ params: { id: { toString: () => 'x' } as never } }))).issues[0]!.message,
    ).toContain('string or number');
    expect((await validationRejection(getOrder()({ params: { id: 'a\ud800' } }))).issues[0]!.message).toContain(
      'lone surrogate',
    );
    expect(server.requests).toHaveLength(0);
  });

  test('a params schema validates and its output fills the path', async () => {
    server.route('/v1/orders/42/lines/7', modes.json(200, order));
    const line = endpoint(api, {
      method: 'GET',
      path: 'orders/:orderId/lines/:line',
      params: v.object({
        orderId: v.pipe(v.string(), v.digits()),
        line: v.pipe(
          v.number(),
          v.integer(),
          v.transform((n) => n + 1),
        ),
      }),
    });
    await line({ params: { orderId: '42', line: 6 } });
    expect(receivedUrls()).toEqual(['/v1/orders/42/lines/7']);
    const error = await validationRejection(line({ params: { orderId: '../x', line: 1 } }));
    expect(error.issues.map((issue) => issue.path)).toEqual(['$.orderId']);
    expect(error.message).toMatch(/^request params invalid at \$\.orderId: /);
    expect(server.requests).toHaveLength(1);
  });
});

describe('query', () => {
  const ListQuery = v.object({
    status: v.picklist(['open', 'paid']),
    limit: v.optional(v.pipe(v.number(), v.integer(), v.maxValue(100)), 20),
    search: v.optional(v.string()),
    tag: v.optional(v.array(v.string())),
  });
  const listOrders = () => endpoint(api, { method: 'GET', path: 'orders', query: ListQuery, response: v.array(Order) });

  test('is validated, defaults applied, and serialized as values (`&`, `=`, `#` cannot add a parameter)', async () => {
    server.route('/v1/orders', modes.json(200, [order]));
    const orders = await listOrders()({ query: { status: 'open', search: 'a&admin=1#x', tag: ['red', 'b=c'] } });
    expect(orders[0]!.placedAt).toEqual(new Date(order.placedAt));
    const [url] = receivedUrls();
    const sent = new URL(url!, server.url).searchParams;
    expect([...sent]).toEqual([
      ['status', 'open'],
      ['limit', '20'],
      ['search', 'a&admin=1#x'],
      ['tag', 'red'],
      ['tag', 'b=c'],
    ]);
    expect(sent.has('admin')).toBe(false);
  });

  test('an invalid query is a ValidationError with its path, nothing sent', async () => {
    const error = await validationRejection(listOrders()({ query: { status: 'open', limit: 500 } }));
    expect(error.issues.map((issue) => issue.path)).toEqual(['$.limit']);
    expect(error.message).toMatch(/^request query invalid at \$\.limit: /);
    expect(server.requests).toHaveLength(0);
  });

  test('without a schema: scalars, Dates and arrays; undefined and null left out; objects refused', async () => {
    server.route('/v1/search', modes.json(200, []));
    const search = endpoint(api, { method: 'GET', path: 'search' });
    await search({
      query: {
        q: 'x y',
        page: 2,
        exact: true,
        since: new Date('2026-01-01T00:00:00Z'),
        ids: [1, 2],
        gone: undefined,
        nil: null,
      },
    });
    expect(receivedUrls()).toEqual([
      '/v1/search?q=x+y&page=2&exact=true&since=2026-01-01T00%3A00%3A00.000Z&ids=1&ids=2',
    ]);
    const error = await validationRejection(
      search({ query: { filter: { a: 1 } as never, ok: 'x', when: [new Date('x')] } }),
    );
    expect(error.issues.map((issue) => issue.path)).toEqual(['$.filter', '$.when[0]']);
    expect(server.requests).toHaveLength(1);
  });
});

describe('body and response', () => {
  const createOrder = () => endpoint(api, { method: 'POST', path: 'orders', body: NewOrder, response: Order });

  test('the body schema output is sent and the response schema output returned', async () => {
    server.route('/v1/orders', modes.json(201, order));
    const created = await createOrder()({ body: { customer: { email: 'ada@example.com' }, total: '12.50' } });
    expect(created.placedAt).toBeInstanceOf(Date);
    const request = server.requestsTo('/v1/orders')[0]!;
    expect(request.method).toBe('POST');
    expect(JSON.parse(request.body)).toEqual({ customer: { email: 'ada@example.com' }, total: 12.5 });
    expect(request.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(request.headers['idempotency-key']).toBeTruthy();
  });

  test('an invalid body fails with the body path, nothing sent', async () => {
    const error = await validationRejection(createOrder()({ body: { customer: { email: 'nope' }, total: '1' } }));
    expect(error.message).toContain('request body invalid at $.customer.email: Invalid email');
    expect(server.requests).toHaveLength(0);
  });

  test('an invalid response fails with direction response and the status', async () => {
    server.route('/v1/orders', modes.json(201, { ...order, total: 0 }));
    const error = await validationRejection(
      createOrder()({ body: { customer: { email: 'ada@example.com' }, total: '1' } }),
    );
    expect(error).toMatchObject({ direction: 'response', status: 201 });
    expect(error.issues.map((issue) => issue.path)).toEqual(['$.total']);
  });

  test('per-call options reach the request; lowercase methods work', async () => {
    server.route('/v1/orders/o1', modes.echo());
    const remove = endpoint(api, { method: 'delete', path: 'orders/:id' });
    const echoed = (await remove({ params: { id: 'o1' } }, { headers: { 'x-trace': 't1' } })) as {
      method: string;
      headers: Record<string, string>;
    };
    expect(echoed.method).toBe('DELETE');
    expect(echoed.headers['x-trace']).toBe('t1');
  });
});

describe('definitions', () => {
  test('a path with a query is a TypeError that never echoes it (it may carry a key)', () => {
    expect(() => endpoint(api, { method: 'GET', path: 'orders?api_key=sk-live-4f9a' })).toThrow(
      /^sturdy\/endpoint: option `path` must be .*; got string \(not shown\)$/,
    );
  });

  test.each([
    [{ method: 'GTE', path: 'orders' }, 'option `method` must be one of GET'],
    [{ method: 'GET', path: 'orders?limit=1' }, "option `path` must be a path without '?'"],
    [{ method: 'GET', path: 'files/:name.json' }, 'a parameter is a whole segment'],
    [{ method: 'GET', path: '' }, 'non-empty string'],
    [{ method: 'GET', path: 'orders', response: { parse() {} } }, 'option `response` must be a Standard Schema'],
  ])('%j is a TypeError when defined', (definition, message) => {
    expect(() => endpoint(api, definition as never)).toThrow(TypeError);
    expect(() => endpoint(api, definition as never)).toThrow(message);
  });
});
