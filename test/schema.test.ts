import { type } from 'arktype';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import * as v from 'valibot';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { z } from 'zod';
import {
  createClient,
  isValidationError,
  SerializationError,
  ValidationError,
  type StandardSchemaV1,
  type SturdyEvent,
} from '../src/index.ts';
import { validate } from '../src/core/schema.ts';
import { validationRejection } from './helpers/rejection.ts';

const received: Array<{ method: string; body: string; contentType: string | null }> = [];
let orderReply: { status: number; body?: unknown } = {
  status: 201,
  body: { id: 'ord_1', total: 12.5, placedAt: '2026-11-25T00:00:00.000Z' },
};
const server = setupServer(
  http.all('https://api.test/orders', async ({ request }) => {
    received.push({
      method: request.method,
      body: await request.text(),
      contentType: request.headers.get('content-type'),
    });
    return orderReply.body === undefined
      ? new HttpResponse(null, { status: orderReply.status })
      : HttpResponse.json(orderReply.body as object, { status: orderReply.status });
  }),
);
beforeAll(() => server.listen({ onUnhandledFrame: 'error' } as never));
afterEach(() => {
  received.length = 0;
  orderReply = { status: 201, body: { id: 'ord_1', total: 12.5, placedAt: '2026-11-25T00:00:00.000Z' } };
  server.resetHandlers();
});
afterAll(() => server.close());

const api = createClient({ baseUrl: 'https://api.test/', retry: false });

// The seed's order: an email and a positive total; the total arrives as a form string and is sent as a number.
const NewOrder = v.object({
  customer: v.object({ email: v.pipe(v.string(), v.email()) }),
  total: v.pipe(v.string(), v.transform(Number), v.number(), v.gtValue(0)),
  note: v.optional(v.string(), 'none'),
});
const Order = v.object({
  id: v.string(),
  total: v.pipe(v.number(), v.gtValue(0)),
  placedAt: v.pipe(
    v.string(),
    v.isoTimestamp(),
    v.transform((text) => new Date(text)),
  ),
});
const valid = { customer: { email: 'ada@example.com' }, total: '12.50' };

describe('request validation (valibot)', () => {
  test('the schema output is what is sent: transforms and defaults applied', async () => {
    const order = await api.post('orders', { json: valid, schema: NewOrder }).json(Order);
    expect(received).toHaveLength(1);
    expect(JSON.parse(received[0]!.body)).toEqual({
      customer: { email: 'ada@example.com' },
      total: 12.5,
      note: 'none',
    });
    expect(received[0]!.contentType).toBe('application/json; charset=utf-8');
    expect(order).toEqual({ id: 'ord_1', total: 12.5, placedAt: new Date('2026-11-25T00:00:00.000Z') });
  });

  test('an invalid body throws ValidationError naming the path, and nothing is sent', async () => {
    const events: SturdyEvent[] = [];
    const error = await validationRejection(
      api.post('orders', {
        json: { customer: { email: 'not-an-email' }, total: '12.50' },
        schema: NewOrder,
        onEvent: (e) => events.push(e),
      }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.direction).toBe('request');
    expect(error.status).toBeUndefined();
    expect(error.issues).toEqual([{ path: '$.customer.email', message: 'Invalid email: Received "not-an-email"' }]);
    expect(error.message).toContain('request body invalid at $.customer.email: Invalid email');
    expect(received).toHaveLength(0);
    expect(events.map((e) => e.type)).toEqual(['error']);
  });

  test('a non-positive total after the transform is an issue at $.total', async () => {
    const error = await validationRejection(api.post('orders', { json: { ...valid, total: '-3' }, schema: NewOrder }));
    expect(error.issues.map((issue) => issue.path)).toEqual(['$.total']);
    expect(received).toHaveLength(0);
  });

  test('the message lists the first three issues and counts the rest', async () => {
    const Wide = v.object({ a: v.string(), b: v.string(), c: v.string(), d: v.string(), e: v.string() });
    const error = await validationRejection(api.post('orders', { json: {} as never, schema: Wide }));
    expect(error.issues).toHaveLength(5);
    expect(error.message).toMatch(/^request body invalid at \$\.a: .+; at \$\.b: .+; at \$\.c: .+ \(and 2 more\)$/);
  });

  test('a schema without json validates undefined (a missing body is an error, not an empty request)', async () => {
    const error = await validationRejection(api.post('orders', { schema: NewOrder }));
    expect(error.issues[0]!.path).toBe('$');
    expect(received).toHaveLength(0);
  });

  test('the body is validated once and its output re-sent on each retry', async () => {
    let validations = 0;
    const counted: StandardSchemaV1<{ n: number }, { n: number; seen: true }> = {
      '~standard': {
        version: 1,
        vendor: 'test',
        validate: (value) => {
          validations += 1;
          return { value: { ...(value as { n: number }), seen: true } };
        },
      },
    };
    server.use(
      http.post('https://api.test/orders', async ({ request }) => {
        received.push({ method: request.method, body: await request.text(), contentType: null });
        return received.length === 1 ? HttpResponse.json({}, { status: 503 }) : HttpResponse.json({ ok: true });
      }),
    );
    const retrying = createClient({ baseUrl: 'https://api.test/', retry: { limit: 2, backoffLimit: 1 } });
    expect(await retrying.post('orders', { json: { n: 1 }, schema: counted }).json()).toEqual({ ok: true });
    expect(validations).toBe(1);
    expect(received.map((r) => r.body)).toEqual(['{"n":1,"seen":true}', '{"n":1,"seen":true}']);
  });

  test('a body shortcut gets the SerializationError of an output JSON cannot carry, and nothing is sent', async () => {
    // The schema's output holds a BigInt: the call fails before ky runs, so there is no ky shortcut to call.
    const toBigInt: StandardSchemaV1<{ n: number }, { n: bigint }> = {
      '~standard': {
        version: 1,
        vendor: 'test',
        validate: (value) => ({ value: { n: BigInt((value as { n: number }).n) } }),
      },
    };
    const call = api.post('orders', { json: { n: 1 }, schema: toBigInt });
    const [text, blob, response] = await Promise.all(
      [call.text(), call.blob(), call].map((read) =>
        read.then(
          () => undefined,
          (error: unknown) => error,
        ),
      ),
    );
    for (const error of [text, blob, response]) {
      expect(error).toBeInstanceOf(SerializationError);
      expect((error as Error).message).toMatch(/BigInt .*at \$\.n/);
    }
    expect(received).toHaveLength(0);
  });

  test('something that is not a Standard Schema is a TypeError at the call (a bad option), before any request', () => {
    expect(() =>
      api.post('orders', { json: valid, schema: { parse: () => valid } as unknown as StandardSchemaV1 }),
    ).toThrow(/option `schema` must be a Standard Schema/);
    expect(received).toHaveLength(0);
  });

  test('validate() (sse, paginate, openapi) words a non-schema with the same option template', async () => {
    const error = await validate({ parse: () => 1 } as never, 1, 'response').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/option `schema` must be a Standard Schema; got \{\}/);
  });
});

describe('response validation (valibot)', () => {
  test('.json(schema) rejects a bad body with direction, status and paths', async () => {
    orderReply = { status: 201, body: { id: 'ord_1', total: -1, placedAt: 'yesterday' } };
    const error = await validationRejection(api.get('orders').json(Order));
    expect(error.direction).toBe('response');
    expect(error.status).toBe(201);
    expect(error.issues.map((issue) => issue.path)).toEqual(['$.total', '$.placedAt']);
    expect(error.message).toMatch(/^response body invalid at \$\.total: /);
  });

  test('.result(schema) resolves { ok: false, error } instead of rejecting, and { ok: true, data } with the output', async () => {
    orderReply = { status: 200, body: { id: 7 } };
    const bad = await api.get('orders').result(Order);
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(isValidationError(bad.error)).toBe(true);
      expect((bad.error as ValidationError).status).toBe(200);
    }
    orderReply = { status: 200, body: { id: 'ord_2', total: 1, placedAt: '2026-01-01T00:00:00.000Z' } };
    const good = await api.get('orders').result(Order);
    expect(good.ok && good.data.placedAt.getUTCFullYear()).toBe(2026);
    expect(good.ok && good.response.status).toBe(200);
  });

  test('a 204 is validated as undefined: an object schema fails, an optional one passes', async () => {
    orderReply = { status: 204 };
    const error = await validationRejection(api.delete('orders').json(Order));
    expect(error.status).toBe(204);
    expect(await api.delete('orders').json(v.optional(Order))).toBeUndefined();
  });
});

describe('async schemas', () => {
  const taken = new Set(['taken@example.com']);
  const Signup = v.pipeAsync(
    v.object({ email: v.pipe(v.string(), v.email()) }),
    v.checkAsync(async ({ email }) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return !taken.has(email);
    }, 'email already registered'),
  );

  test('an async request schema is awaited before sending', async () => {
    await api.post('orders', { json: { email: 'new@example.com' }, schema: Signup });
    expect(JSON.parse(received[0]!.body)).toEqual({ email: 'new@example.com' });
    const error = await validationRejection(
      api.post('orders', { json: { email: 'taken@example.com' }, schema: Signup }),
    );
    expect(error.issues).toEqual([{ path: '$', message: 'email already registered' }]);
    expect(received).toHaveLength(1);
  });

  test('an async response schema is awaited, and its failure carries the status', async () => {
    const AsyncOrder = v.pipeAsync(
      Order,
      v.transformAsync(async (order) => ({ ...order, checked: true })),
    );
    expect(await api.get('orders').json(AsyncOrder)).toMatchObject({ id: 'ord_1', checked: true });
    orderReply = { status: 200, body: { id: 'ord_1', total: 0, placedAt: '2026-11-25T00:00:00.000Z' } };
    const error = await validationRejection(api.get('orders').json(AsyncOrder));
    expect(error).toMatchObject({ direction: 'response', status: 200 });
  });
});

describe('any Standard Schema', () => {
  test('zod: request transform sent, bad request not sent, response output typed', async () => {
    const ZodNewOrder = z.object({ email: z.email(), total: z.string().transform(Number).pipe(z.number().positive()) });
    const ZodOrder = z.object({ id: z.string(), total: z.number().positive() });
    expect(
      await api.post('orders', { json: { email: 'ada@example.com', total: '4' }, schema: ZodNewOrder }).json(ZodOrder),
    ).toEqual({ id: 'ord_1', total: 12.5 });
    expect(JSON.parse(received[0]!.body)).toEqual({ email: 'ada@example.com', total: 4 });
    const error = await validationRejection(
      api.post('orders', { json: { email: 'nope', total: '4' }, schema: ZodNewOrder }),
    );
    expect(error.issues).toEqual([{ path: '$.email', message: 'Invalid email address' }]);
    expect(received).toHaveLength(1);
    orderReply = { status: 200, body: { id: 'ord_1', total: -2 } };
    expect((await validationRejection(api.get('orders').json(ZodOrder))).issues[0]!.path).toBe('$.total');
  });

  test('arktype: request morph sent, bad request not sent, response validated', async () => {
    const ArkNewOrder = type({ email: 'string.email', total: 'string.numeric.parse' });
    const ArkOrder = type({ id: 'string', total: 'number > 0' });
    expect(
      await api.post('orders', { json: { email: 'ada@example.com', total: '4' }, schema: ArkNewOrder }).json(ArkOrder),
    ).toMatchObject({ id: 'ord_1', total: 12.5 });
    expect(JSON.parse(received[0]!.body)).toEqual({ email: 'ada@example.com', total: 4 });
    const error = await validationRejection(
      api.post('orders', { json: { email: 'nope', total: '4' }, schema: ArkNewOrder }),
    );
    expect(error.issues[0]!.path).toBe('$.email');
    expect(error.message).toContain('request body invalid at $.email: email must be an email address');
    expect(received).toHaveLength(1);
    orderReply = { status: 200, body: { id: 'ord_1', total: -2 } };
    expect((await validationRejection(api.get('orders').json(ArkOrder))).issues[0]!.path).toBe('$.total');
  });
});
