// Type tests: checked by `npm run typecheck` (tsc over test/), never run by vitest (it runs *.test.ts).
import { type } from 'arktype';
import * as v from 'valibot';
import { expectTypeOf } from 'vitest';
import { z } from 'zod';
import { createClient } from '../src/index.ts';
import { paginate, type PaginatedPage } from '../src/paginate/index.ts';

const api = createClient({ baseUrl: 'https://api.example.com/v1/' });

const Order = v.object({
  id: v.string(),
  placedAt: v.pipe(
    v.string(),
    v.transform((text) => new Date(text)),
  ),
});
const OrdersPage = v.object({ data: v.array(Order), next_cursor: v.nullable(v.string()) });
type Order = v.InferOutput<typeof Order>;

// Items are typed by the schema's OUTPUT and the `items` selector.
const orders = paginate(api, 'orders', { schema: OrdersPage, items: (page) => page.data });
expectTypeOf(orders).toEqualTypeOf<AsyncGenerator<Order, void, undefined>>();
for await (const order of orders) expectTypeOf(order.placedAt).toEqualTypeOf<Date>();

// A selector may reshape the items.
expectTypeOf(
  paginate(api, 'orders', { schema: OrdersPage, items: (page) => page.data.map((order) => order.id) }),
).toEqualTypeOf<AsyncGenerator<string, void, undefined>>();

// Without `items`, an array page's elements are the items.
expectTypeOf(paginate(api, 'orders', { schema: v.array(Order) })).toEqualTypeOf<
  AsyncGenerator<Order, void, undefined>
>();

// `next` sees the typed page; it returns a URL, call options or nothing.
paginate(api, 'orders', {
  schema: OrdersPage,
  items: (page) => page.data,
  next: ({ page, response, url, number }) => {
    expectTypeOf(page.next_cursor).toEqualTypeOf<string | null>();
    expectTypeOf(response).toEqualTypeOf<Response>();
    expectTypeOf(url).toEqualTypeOf<URL>();
    expectTypeOf(number).toEqualTypeOf<number>();
    return page.next_cursor ? { searchParams: { cursor: page.next_cursor } } : undefined;
  },
});
paginate(api, 'orders', {
  schema: OrdersPage,
  items: (page) => page.data,
  next: async ({ url }) => new URL('?page=2', url),
});
// @ts-expect-error next returns a URL, call options or nothing, not a number
paginate(api, 'orders', { schema: OrdersPage, items: (page) => page.data, next: () => 2 });
// @ts-expect-error the page has no `items` field
paginate(api, 'orders', { schema: OrdersPage, items: (page) => page.items });
// @ts-expect-error a page that is not an array needs `items`
paginate(api, 'orders', { schema: OrdersPage });
// @ts-expect-error maxPages is a number
paginate(api, 'orders', { schema: OrdersPage, maxPages: '10' });

// zod and arktype infer the same way.
const ZPage = z.object({ results: z.array(z.object({ n: z.number() })) });
expectTypeOf(paginate(api, 'rows', { schema: ZPage, items: (page) => page.results })).toEqualTypeOf<
  AsyncGenerator<{ n: number }, void, undefined>
>();
const APage = type({ rows: type({ id: 'number' }).array() });
expectTypeOf(paginate(api, 'rows', { schema: APage, items: (page) => page.rows })).toEqualTypeOf<
  AsyncGenerator<{ id: number }, void, undefined>
>();

// Without a schema: an explicit item type, or a typed selector.
expectTypeOf(paginate<Order>(api, 'orders')).toEqualTypeOf<AsyncGenerator<Order, void, undefined>>();
expectTypeOf(paginate(api, 'orders', { items: (page: { data: number[] }) => page.data })).toEqualTypeOf<
  AsyncGenerator<number, void, undefined>
>();
expectTypeOf(paginate(api, 'orders')).toEqualTypeOf<AsyncGenerator<unknown, void, undefined>>();

// paginate.pages: one typed page at a time.
for await (const page of paginate.pages(api, 'orders', { schema: OrdersPage, items: (page) => page.data })) {
  expectTypeOf(page).toEqualTypeOf<PaginatedPage<v.InferOutput<typeof OrdersPage>, Order>>();
  expectTypeOf(page.items).toEqualTypeOf<readonly Order[]>();
  expectTypeOf(page.page.next_cursor).toEqualTypeOf<string | null>();
}

// Call options for the first page pass through, typed as a call's.
paginate(api, 'orders', {
  schema: OrdersPage,
  items: (page) => page.data,
  searchParams: { limit: 50 },
  retry: { limit: 5 },
  signal: AbortSignal.timeout(1_000),
});
// @ts-expect-error timeout is a number or false
paginate(api, 'orders', { schema: OrdersPage, items: (page) => page.data, timeout: 'soon' });
