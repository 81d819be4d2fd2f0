// Type tests: checked by `npm run typecheck` (tsc over test/), never run by vitest (it runs *.test.ts).
import * as v from 'valibot';
import { expectTypeOf } from 'vitest';
import { z } from 'zod';
import { createClient } from '../src/index.ts';
import { endpoint, type EndpointCallOptions, type PathParamNames, type QueryValue } from '../src/endpoint/index.ts';

const api = createClient({ baseUrl: 'https://api.example.com/v1/' });

expectTypeOf<PathParamNames<'orders/:id/lines/:line'>>().toEqualTypeOf<'id' | 'line'>();
expectTypeOf<PathParamNames<'https://api.example.com:8443/orders'>>().toEqualTypeOf<never>();

const NewOrder = v.object({
  customer: v.object({ email: v.pipe(v.string(), v.email()) }),
  total: v.pipe(v.string(), v.transform(Number), v.number(), v.gtValue(0)),
});
const Order = v.object({
  id: v.string(),
  total: v.number(),
  placedAt: v.pipe(
    v.string(),
    v.transform((text) => new Date(text)),
  ),
});
type OrderOutput = { id: string; total: number; placedAt: Date };

// Params from the path; body typed by the schema input; output by the response schema output.
const updateOrder = endpoint(api, { method: 'PUT', path: 'orders/:id', body: NewOrder, response: Order });
expectTypeOf(updateOrder).parameter(0).toEqualTypeOf<{
  params: { id: string | number };
  query?: Record<string, QueryValue>;
  body: { customer: { email: string }; total: string };
}>();
expectTypeOf(updateOrder).parameter(1).toEqualTypeOf<EndpointCallOptions | undefined>();
expectTypeOf(updateOrder).returns.resolves.toEqualTypeOf<OrderOutput>();
updateOrder(
  { params: { id: 'ord_1' }, body: { customer: { email: 'a@example.com' }, total: '12.50' } },
  { timeout: 5_000 },
);
// @ts-expect-error a wrong payload: total is the schema's input, a string
updateOrder({ params: { id: 'ord_1' }, body: { customer: { email: 'a@example.com' }, total: 12.5 } });
// @ts-expect-error the path parameter is required
updateOrder({ body: { customer: { email: 'a@example.com' }, total: '1' } });
// @ts-expect-error a parameter the path does not have
updateOrder({ params: { id: 'ord_1', orderId: 'x' }, body: { customer: { email: 'a@example.com' }, total: '1' } });
// @ts-expect-error the endpoint sets json itself
updateOrder({ params: { id: 'ord_1' }, body: { customer: { email: 'a@example.com' }, total: '1' } }, { json: {} });

// A params schema types params by its input; a query schema with defaults makes those keys optional.
const listLines = endpoint(api, {
  method: 'GET',
  path: 'orders/:orderId/lines',
  params: v.object({ orderId: v.pipe(v.string(), v.uuid()) }),
  query: v.object({ limit: v.optional(v.number(), 20), status: v.picklist(['open', 'paid']) }),
  response: v.array(Order),
});
expectTypeOf(listLines)
  .parameter(0)
  .toEqualTypeOf<{ params: { orderId: string }; query: { limit?: number | undefined; status: 'open' | 'paid' } }>();
expectTypeOf(listLines).returns.resolves.toEqualTypeOf<OrderOutput[]>();
// @ts-expect-error 'shipped' is not a status
listLines({ params: { orderId: 'x' }, query: { status: 'shipped' } });

// No input needed: the input is optional; no response schema: the output is unknown.
const health = endpoint(api, { method: 'get', path: 'health' });
health();
expectTypeOf(health).returns.resolves.toBeUnknown();
// @ts-expect-error a method that does not exist
endpoint(api, { method: 'GTE', path: 'health' });

// An optional query schema keeps the input optional; zod works the same way.
const search = endpoint(api, {
  method: 'GET',
  path: 'search',
  query: z.object({ q: z.string() }).optional(),
  response: z.array(z.string()),
});
search();
search({ query: { q: 'shoes' } });
expectTypeOf(search).returns.resolves.toEqualTypeOf<string[]>();
