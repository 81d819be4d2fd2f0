/**
 * What `paginate` accepts: its types, its defaults, and the checks that turn bad input into a
 * TypeError naming the option before any request.
 */
import type { CallOptions } from '../core/options.ts';
import { isStandardSchema, type InferOutput, type StandardSchemaV1 } from '../core/schema.ts';
import { optionError } from '../shared/option-error.ts';

/** Pages fetched at most, unless `maxPages` says otherwise. */
const DEFAULT_MAX_PAGES = 1000;

/**
 * The call options of a page: every option of a call, except `schema` (here the page's response schema).
 * @example
 * const first: PageCallOptions = { searchParams: { limit: 100 }, retry: { limit: 5 } };
 */
export type PageCallOptions = Omit<CallOptions, 'schema'>;

/**
 * What a `next` function learns about the page just read.
 * @example
 * const next = ({ page }: PageContext<{ cursor?: string }>) => page.cursor && { searchParams: { cursor: page.cursor } };
 */
export type PageContext<Page> = {
  /** The page's Response (its body already read). */
  response: Response;
  /** The page's body, parsed and validated by `schema`. */
  page: Page;
  /** The page's URL (the response's, after redirects). */
  url: URL;
  /** 1 for the first page, 2 for the second, ... */
  number: number;
};

/**
 * What a `next` function returns: the next page's URL (a string is resolved like any call's input,
 * a URL or absolute string is fetched as it is), call options merged over the first page's
 * (`{ searchParams: { cursor } }`), or `undefined` / `null` / `false` after the last page.
 * @example
 * const next = ({ page }): NextPage => page.next_cursor ? { searchParams: { cursor: page.next_cursor } } : undefined;
 */
export type NextPage = string | URL | PageCallOptions | undefined | null | false;

/**
 * Options of `paginate` and `paginate.pages`: the pagination settings, then any call option for the
 * first page (`searchParams`, `headers`, `signal`, `retry`, `auth`, ...).
 * @example
 * paginate(api, 'orders', { schema: OrdersPage, items: (page) => page.data, maxItems: 500, signal });
 */
export type PaginateOptions<Page, Item> = PageCallOptions & {
  /** Picks a page's items. @default the page itself, which must then be an array */
  items?: (page: Page) => readonly Item[];
  /** Where the next page is: `'link'` follows the `Link` header's `rel="next"`, or a function for cursors and offsets. @default 'link' */
  next?: 'link' | ((context: PageContext<Page>) => NextPage | Promise<NextPage>);
  /** Most pages fetched; a next page beyond them is a PaginationError (a silent stop would look like the whole list). @default 1000 */
  maxPages?: number;
  /** Most items yielded: iteration stops there, mid-page, and fetches no further page. @default Infinity */
  maxItems?: number;
};

/**
 * The element type of an array page (a page that is not an array needs `items`).
 * @example
 * type Row = ElementOf<Array<{ id: number }>>; // { id: number }
 */
export type ElementOf<Page> = Page extends readonly (infer Item)[] ? Item : never;

/**
 * Options with a page schema: pages are its output type.
 * @example
 * const options: SchemaPaginateOptions<typeof OrdersPage, Order> = { schema: OrdersPage, items: (page) => page.data };
 */
export type SchemaPaginateOptions<S extends StandardSchemaV1, Item> = PaginateOptions<InferOutput<S>, Item> & {
  /** Validates every page (Standard Schema); a mismatch is a ValidationError naming the page. */
  schema: S;
} & (InferOutput<S> extends readonly unknown[] ? unknown : { items: (page: InferOutput<S>) => readonly Item[] });

/**
 * One page as `paginate.pages` yields it.
 * @example
 * for await (const { items, number, response } of paginate.pages(api, 'orders')) console.log(number, items.length, response.status);
 */
export type PaginatedPage<Page, Item> = PageContext<Page> & {
  /** The page's items (fewer than the page holds when `maxItems` ends in it). */
  items: readonly Item[];
};

/**
 * The settings `checkPaginateOptions` reads off the options, defaults filled in.
 * @example
 * const settings: PageSettings = checkPaginateOptions({ maxItems: 10 }); // settings.maxPages === 1000
 */
export type PageSettings = {
  schema: StandardSchemaV1 | undefined;
  items: ((page: unknown) => unknown) | undefined;
  next: 'link' | ((context: PageContext<unknown>) => NextPage | Promise<NextPage>);
  maxPages: number;
  maxItems: number;
  /** The first page's call options (everything that is not a pagination setting). */
  call: PageCallOptions;
};

/**
 * Checks the options (a TypeError naming the option, before any request) and splits them into the
 * pagination settings and the first page's call options.
 * @example
 * const { maxPages, call } = checkPaginateOptions({ maxPages: 10, searchParams: { limit: 50 } });
 */
export function checkPaginateOptions(
  options: PaginateOptions<unknown, unknown> & { schema?: unknown } = {},
): PageSettings {
  if (typeof options !== 'object' || options === null) throw optionError('/paginate', 'options', 'an object', options);
  const { schema, items, next = 'link', maxPages = DEFAULT_MAX_PAGES, maxItems = Infinity, ...call } = options;
  if (schema !== undefined && !isStandardSchema(schema))
    throw optionError('/paginate', 'schema', 'a Standard Schema (valibot, zod, arktype, ...) of one page', schema);
  if (items !== undefined && typeof items !== 'function')
    throw optionError('/paginate', 'items', 'a function (page) => the array of its items', items);
  if (next !== 'link' && typeof next !== 'function')
    throw optionError(
      '/paginate',
      'next',
      "'link' or a function ({ response, page, url }) => the next URL, call options or undefined",
      next,
    );
  if (!Number.isInteger(maxPages) || maxPages < 1)
    throw optionError(
      '/paginate',
      'maxPages',
      'a positive integer (a bound: pagination never runs unbounded)',
      maxPages,
    );
  if (!(maxItems === Infinity || (Number.isInteger(maxItems) && maxItems >= 0)))
    throw optionError('/paginate', 'maxItems', 'a non-negative integer or Infinity', maxItems);
  return {
    schema: schema as StandardSchemaV1 | undefined,
    items: items as PageSettings['items'],
    next: next as PageSettings['next'],
    maxPages,
    maxItems,
    call,
  };
}
