/**
 * Paged listings for test/helpers/server.ts: routes that answer `?page=N` (or a cursor, or an
 * offset) with a slice of a collection and say where the next page is.
 */
import type { Handler, ReceivedRequest } from './server.ts';

export type Item = { id: number };

/** Items 1..total. */
export const collection = (total: number): Item[] => Array.from({ length: total }, (_, index) => ({ id: index + 1 }));

/** What a Link-style route knows when it writes a page's Link header. */
export type LinkContext = { page: number; pages: number; path: string; origin: string };

/** GitHub's format: absolute URLs, one `rel` per link, prev/next/last/first as they apply. */
export const githubLinks = ({ page, pages, path, origin }: LinkContext): string | undefined => {
  const to = (n: number) => `${origin}${path}?page=${n}&per_page=2`;
  const links: string[] = [];
  if (page > 1) links.push(`<${to(page - 1)}>; rel="prev"`);
  if (page < pages) links.push(`<${to(page + 1)}>; rel="next"`, `<${to(pages)}>; rel="last"`);
  if (page > 1) links.push(`<${to(1)}>; rel="first"`);
  return links.length ? links.join(', ') : undefined;
};

const query = (request: ReceivedRequest) => new URL(request.url, 'http://x').searchParams;

/**
 * `?page=N` (1-based) answers `{ data }` with page N's items and the Link header `links` writes.
 * @example
 * server.route('/orders', linkPages(collection(5), 2, githubLinks));
 */
export function linkPages(
  items: Item[],
  pageSize: number,
  links: (context: LinkContext) => string | undefined,
  origin = '',
): Handler {
  const pages = Math.max(1, Math.ceil(items.length / pageSize));
  return (request, response) => {
    const page = Number(query(request).get('page') ?? 1);
    const path = request.url.split('?')[0]!;
    const link = links({ page, pages, path, origin: origin || `http://${request.headers.host}` });
    response.writeHead(200, { 'content-type': 'application/json', ...(link ? { link } : {}) });
    response.end(JSON.stringify({ data: items.slice((page - 1) * pageSize, page * pageSize) }));
  };
}

/**
 * `?cursor=C&limit=L` answers `{ data, next_cursor }` (null after the last page); the cursor is the
 * next item's id, as opaque base64 (so only the server's value works).
 * @example
 * server.route('/events', cursorPages(collection(5)));
 */
export function cursorPages(items: Item[]): Handler {
  return (request, response) => {
    const params = query(request);
    const limit = Number(params.get('limit') ?? 2);
    const cursor = params.get('cursor');
    const start = cursor ? Number(Buffer.from(cursor, 'base64url').toString()) - 1 : 0;
    const data = items.slice(start, start + limit);
    const after = items[start + limit];
    const next_cursor = after ? Buffer.from(String(after.id)).toString('base64url') : null;
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data, next_cursor }));
  };
}

/**
 * `?offset=O&limit=L` answers `{ data, total }`.
 * @example
 * server.route('/rows', offsetPages(collection(5)));
 */
export function offsetPages(items: Item[]): Handler {
  return (request, response) => {
    const params = query(request);
    const offset = Number(params.get('offset') ?? 0);
    const limit = Number(params.get('limit') ?? 2);
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ data: items.slice(offset, offset + limit), total: items.length }));
  };
}

/** The `page` (or another) query value of each request, in order. */
export const requested = (requests: ReceivedRequest[], name = 'page'): Array<string | null> =>
  requests.map((request) => query(request).get(name));
