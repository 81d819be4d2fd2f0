// Type tests: checked by `npm run typecheck` (tsc over test/), never run by vitest (it runs *.test.ts).
import { type } from 'arktype';
import * as v from 'valibot';
import { expectTypeOf } from 'vitest';
import { z } from 'zod';
import { createClient, type InferInput, type InferOutput, type Result } from '../src/index.ts';

const api = createClient({ baseUrl: 'https://api.example.com/v1/' });

// Input: total is a numeric string; output: a number (a transform), and a default id.
const NewOrder = v.object({
  customer: v.object({ email: v.pipe(v.string(), v.email()) }),
  total: v.pipe(v.string(), v.transform(Number), v.number(), v.minValue(0.01)),
});
const Order = v.object({
  id: v.string(),
  total: v.pipe(v.number(), v.minValue(0.01)),
  placedAt: v.pipe(
    v.string(),
    v.transform((s) => new Date(s)),
  ),
});

type NewOrderInput = { customer: { email: string }; total: string };

expectTypeOf<InferInput<typeof NewOrder>>().toEqualTypeOf<NewOrderInput>();
expectTypeOf<InferOutput<typeof NewOrder>>().toEqualTypeOf<{ customer: { email: string }; total: number }>();

// json is the schema's INPUT type.
api.post('orders', { json: { customer: { email: 'a@example.com' }, total: '12.50' }, schema: NewOrder });
api.put('orders/1', { json: { customer: { email: 'a@example.com' }, total: '1' }, schema: NewOrder });
api.request('orders', { method: 'POST', json: { customer: { email: 'a@example.com' }, total: '1' }, schema: NewOrder });
// @ts-expect-error total is the schema's input (a string), not its output (a number)
api.post('orders', { json: { customer: { email: 'a@example.com' }, total: 12.5 }, schema: NewOrder });
// @ts-expect-error customer.email is required
api.post('orders', { json: { customer: {}, total: '1' }, schema: NewOrder });
// @ts-expect-error a wrong payload on `request` too
api.request('orders', { method: 'POST', json: { total: '1' }, schema: NewOrder });
// Without a schema, json stays open, and ky's explicit type argument still works.
api.post('orders', { json: { anything: [1, 2n.toString()] } });
expectTypeOf(api.get<{ id: string }>('orders/1').json()).resolves.toEqualTypeOf<{ id: string }>();

// The result is the response schema's OUTPUT type.
expectTypeOf(api.get('orders/1').json(Order)).resolves.toEqualTypeOf<{ id: string; total: number; placedAt: Date }>();
expectTypeOf(api.get('orders/1').result(Order)).resolves.toEqualTypeOf<
  Result<{ id: string; total: number; placedAt: Date }>
>();
const result = await api.get('orders/1').result(Order);
if (result.ok) expectTypeOf(result.data.placedAt).toEqualTypeOf<Date>();
else expectTypeOf(result.error).toEqualTypeOf<Error>();

// zod and arktype through Standard Schema.
const ZodOrder = z.object({ email: z.email(), total: z.string().transform(Number) });
api.post('orders', { json: { email: 'a@example.com', total: '3' }, schema: ZodOrder });
// @ts-expect-error zod input: total is a string
api.post('orders', { json: { email: 'a@example.com', total: 3 }, schema: ZodOrder });
expectTypeOf(api.get('x').json(ZodOrder)).resolves.toEqualTypeOf<{ email: string; total: number }>();

const ArkOrder = type({ email: 'string.email', total: 'string.numeric.parse' });
api.post('orders', { json: { email: 'a@example.com', total: '3' }, schema: ArkOrder });
// @ts-expect-error arktype input: total is a string
api.post('orders', { json: { email: 'a@example.com', total: 3 }, schema: ArkOrder });
expectTypeOf(api.get('x').json(ArkOrder)).resolves.toEqualTypeOf<{ email: string; total: number }>();

// Async schemas type like sync ones.
const AsyncOrder = v.pipeAsync(
  v.object({ id: v.string() }),
  v.checkAsync(async (order) => order.id !== '', 'empty id'),
);
expectTypeOf(api.get('x').json(AsyncOrder)).resolves.toEqualTypeOf<{ id: string }>();
