/**
 * sturdy/paginate: a listing's items as an async iterator, page by page, following the RFC 8288
 * `Link` header (`rel="next"`) or a cursor/offset a function computes (DESIGN.md section 9).
 * Each page is one ordinary call of the client: retries, auth and its scoping, redaction, events.
 * @example
 * import { paginate } from 'sturdy/paginate';
 * for await (const order of paginate(api, 'orders', { schema: OrdersPage, items: (page) => page.data })) console.log(order.id);
 */
import type { Input } from '../core/client.ts';
import {
  checkPaginateOptions,
  type ElementOf,
  type PaginatedPage,
  type PaginateOptions,
  type SchemaPaginateOptions,
} from './options.ts';
import { walkPages, type Pageable } from './walk.ts';
import type { InferOutput, StandardSchemaV1 } from '../core/schema.ts';

export { parseLinkHeader, findLink, type Link } from './link.ts';
export { PaginationError, isPaginationError } from './errors.ts';
export type {
  ElementOf,
  NextPage,
  PageCallOptions,
  PageContext,
  PaginatedPage,
  PaginateOptions,
  SchemaPaginateOptions,
} from './options.ts';
export type { Pageable } from './walk.ts';

/**
 * `paginate(api, input, options)`: the items of every page, lazily (a page is fetched when the
 * consumer asks past the previous page's items). `paginate.pages(...)`: the same walk, one
 * `{ page, items, response, url, number }` per page. Both are async generators: `break` stops them.
 * @example
 * const OrdersPage = v.object({ data: v.array(Order) });
 * for await (const order of paginate(api, 'orders', { schema: OrdersPage, items: (page) => page.data })) total += order.total;
 * for await (const { number, items } of paginate.pages(api, 'orders', { schema: OrdersPage, items: (page) => page.data })) log(number, items.length);
 */
export type Paginate = {
  <S extends StandardSchemaV1, Item = ElementOf<InferOutput<S>>>(
    api: Pageable,
    input: Input,
    options: SchemaPaginateOptions<S, Item>,
  ): AsyncGenerator<Item, void, undefined>;
  <Item = unknown, Page = unknown>(
    api: Pageable,
    input: Input,
    options?: PaginateOptions<Page, Item> & { schema?: undefined },
  ): AsyncGenerator<Item, void, undefined>;
  /** One `{ page, items, response, url, number }` per page, for page-at-a-time consumers. */
  pages: {
    <S extends StandardSchemaV1, Item = ElementOf<InferOutput<S>>>(
      api: Pageable,
      input: Input,
      options: SchemaPaginateOptions<S, Item>,
    ): AsyncGenerator<PaginatedPage<InferOutput<S>, Item>, void, undefined>;
    <Item = unknown, Page = unknown>(
      api: Pageable,
      input: Input,
      options?: PaginateOptions<Page, Item> & { schema?: undefined },
    ): AsyncGenerator<PaginatedPage<Page, Item>, void, undefined>;
  };
};

const checkClient = (api: Pageable) => {
  if (typeof api?.request !== 'function')
    throw new TypeError('sturdy/paginate: the first argument must be a client from createClient()');
};

function pages(
  api: Pageable,
  input: Input,
  options?: PaginateOptions<unknown, unknown>,
): AsyncGenerator<PaginatedPage<unknown, unknown>, void, undefined> {
  checkClient(api);
  // Checked here, not in the generator: bad options throw at the call, before anything is iterated.
  return walkPages(api, input, checkPaginateOptions(options));
}

function items(
  api: Pageable,
  input: Input,
  options?: PaginateOptions<unknown, unknown>,
): AsyncGenerator<unknown, void, undefined> {
  const walk = pages(api, input, options);
  const signal = options?.signal;
  return (async function* () {
    for await (const page of walk) {
      for (const item of page.items) {
        signal?.throwIfAborted();
        yield item;
      }
    }
  })();
}

/**
 * Iterates a paged listing's items; see {@link Paginate} for the options.
 * @example
 * for await (const repo of paginate(github, 'user/repos', { searchParams: { per_page: 100 } })) console.log(repo);
 */
export const paginate: Paginate = /* @__PURE__ */ Object.assign(items, { pages }) as Paginate;
