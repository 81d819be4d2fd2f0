/**
 * A paged listing for msw: answers page by page in the three common styles (RFC 8288 Link
 * headers, an opaque cursor, an offset), so a test can check code that walks every page.
 */
import { HttpResponse } from 'msw';
import type { Path } from 'msw';
import { optionError } from '../shared/option-error.ts';
import { checkNumber, defineScenario, errorBody, type ScenarioHandler, type ScenarioOptions } from './scenario.ts';

/**
 * Options of {@link pagedCollection}.
 * @example
 * { items: orders, pageSize: 25, style: 'cursor' }
 */
export type PagedCollectionOptions = ScenarioOptions & {
  /** The whole collection, served in order. */
  items: readonly unknown[];
  /** Items per page, unless the request asks for fewer (`per_page` or `limit`, at most this). @default 10 */
  pageSize?: number;
  /**
   * How pages are addressed:
   * - `'link'`: `?page=N` (1-based) answers the page's items as a JSON array, with a GitHub-style
   *   `Link` header (`rel="next"`, `"prev"`, `"first"`, `"last"`, absolute URLs keeping the other query parameters);
   * - `'cursor'`: `?cursor=C` answers `{ data, next_cursor }`, `next_cursor` opaque and `null` on the last page;
   * - `'offset'`: `?offset=O` answers `{ data, offset, limit, total }`.
   * @default 'link'
   */
  style?: 'link' | 'cursor' | 'offset';
};

const STYLES = ['link', 'cursor', 'offset'];

const encodeCursor = (offset: number) => btoa(`offset:${offset}`).replace(/=+$/, '');
const decodeCursor = (cursor: string): number | undefined => {
  try {
    const match = /^offset:(\d+)$/.exec(atob(cursor));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
};

/** `name`'s value as a non-negative integer; `fallback` when absent; undefined when malformed. */
const integerParam = (params: URLSearchParams, name: string, fallback: number): number | undefined => {
  const value = params.get(name);
  if (value === null) return fallback;
  return /^\d+$/.test(value) ? Number(value) : undefined;
};

const badRequest = (message: string) => HttpResponse.json(errorBody(400, message), { status: 400 });

/**
 * Serves `items` page by page in one of three styles (see `style`); a malformed `page`, `cursor`
 * or `offset` is a 400. Counts its calls like every scenario.
 * @example
 * const orders = pagedCollection('https://api.test/v1/orders', { items: makeOrders(45), pageSize: 20 });
 * server.use(orders);
 * const all = [];
 * for await (const order of paginate(api, 'orders')) all.push(order);
 * expect(all).toHaveLength(45);
 * expect(orders.calls).toBe(3);
 */
export function pagedCollection(path: Path, options: PagedCollectionOptions): ScenarioHandler {
  if (!Array.isArray(options?.items))
    throw optionError('/testing', 'items', 'an array (the whole collection)', options?.items);
  const { items, style = 'link' } = options;
  const pageSize = checkNumber('pageSize', options.pageSize, 10, { integer: true });
  if (pageSize < 1) throw optionError('/testing', 'pageSize', 'at least 1', pageSize);
  if (!STYLES.includes(style)) throw optionError('/testing', 'style', `one of ${STYLES.join(', ')}`, style);
  return defineScenario(path, options, ({ request }) => {
    const url = new URL(request.url);
    const size = integerParam(url.searchParams, style === 'link' ? 'per_page' : 'limit', pageSize);
    if (size === undefined || size < 1) return badRequest('the page size must be a positive integer');
    const limit = Math.min(size, pageSize);
    if (style === 'cursor') {
      const cursor = url.searchParams.get('cursor');
      const offset = cursor === null ? 0 : decodeCursor(cursor);
      if (offset === undefined) return badRequest('invalid cursor');
      const next = offset + limit < items.length ? encodeCursor(offset + limit) : null;
      return HttpResponse.json({ data: items.slice(offset, offset + limit), next_cursor: next });
    }
    if (style === 'offset') {
      const offset = integerParam(url.searchParams, 'offset', 0);
      if (offset === undefined) return badRequest('offset must be a non-negative integer');
      return HttpResponse.json({ data: items.slice(offset, offset + limit), offset, limit, total: items.length });
    }
    const page = integerParam(url.searchParams, 'page', 1);
    if (page === undefined || page < 1) return badRequest('page must be a positive integer');
    const last = Math.max(1, Math.ceil(items.length / limit));
    const link = linkHeader(url, page, last);
    return HttpResponse.json(items.slice((page - 1) * limit, page * limit), link ? { headers: { link } } : {});
  });
}

/** GitHub's Link header: absolute URLs that keep the request's other query parameters. */
function linkHeader(url: URL, page: number, last: number): string | undefined {
  const to = (n: number) => {
    const target = new URL(url);
    target.searchParams.set('page', String(n));
    return target.href;
  };
  const links: string[] = [];
  if (page > 1) links.push(`<${to(Math.min(page - 1, last))}>; rel="prev"`);
  if (page < last) links.push(`<${to(page + 1)}>; rel="next"`, `<${to(last)}>; rel="last"`);
  if (page > 1) links.push(`<${to(1)}>; rel="first"`);
  return links.length ? links.join(', ') : undefined;
}
