/** sturdy/testing's pagedCollection, walked by sturdy/paginate the way a user's test would. */
import { describe, expect, test } from 'vitest';
import { createClient } from '../src/index.ts';
import { paginate } from '../src/paginate/index.ts';
import { pagedCollection } from '../src/testing/paged.ts';
import { useMswServer } from './helpers/msw-server.ts';

const API = 'https://api.paged.test/v1/';
const { server, recorder } = useMswServer();

type Row = { id: number };
const rows = (count: number): Row[] => Array.from({ length: count }, (_, index) => ({ id: index + 1 }));
const api = createClient({ baseUrl: API });
const sent = (path: string) => recorder.to(path).map((request) => new URL(request.url).search);

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const result: T[] = [];
  for await (const item of iterable) result.push(item);
  return result;
}

describe('pagedCollection', () => {
  test("'link': array pages with a GitHub-style Link header that keeps the other query parameters", async () => {
    const handler = pagedCollection(`${API}orders`, { items: rows(5), pageSize: 2 });
    server.use(handler);
    const items = await collect(paginate<Row>(api, 'orders', { searchParams: { state: 'open' } }));
    expect(items).toEqual(rows(5));
    expect(handler.calls).toBe(3);
    expect(sent('/v1/orders')).toEqual(['?state=open', '?state=open&page=2', '?state=open&page=3']);
    const response = await api.get('orders', { searchParams: { page: 2 } });
    expect(response.headers.get('link')).toBe(
      [
        `<${API}orders?page=1>; rel="prev"`,
        `<${API}orders?page=3>; rel="next"`,
        `<${API}orders?page=3>; rel="last"`,
        `<${API}orders?page=1>; rel="first"`,
      ].join(', '),
    );
  });

  test("'cursor': { data, next_cursor } with an opaque cursor, null on the last page", async () => {
    server.use(pagedCollection(`${API}events`, { items: rows(5), pageSize: 2, style: 'cursor' }));
    const events = paginate(api, 'events', {
      items: (page: { data: Row[]; next_cursor: string | null }) => page.data,
      next: ({ page }) => page.next_cursor && { searchParams: { cursor: page.next_cursor } },
    });
    expect(await collect(events)).toEqual(rows(5));
    const last = await api
      .get('events', {
        searchParams: { cursor: new URL(recorder.to('/v1/events')[2]!.url).searchParams.get('cursor')! },
      })
      .json();
    expect(last).toEqual({ data: [{ id: 5 }], next_cursor: null });
    expect((await api.get('events', { searchParams: { cursor: 'made-up' }, throwHttpErrors: false })).status).toBe(400);
  });

  test("'offset': { data, offset, limit, total }; a smaller limit is honoured, a larger one capped", async () => {
    server.use(pagedCollection(`${API}rows`, { items: rows(7), pageSize: 3, style: 'offset' }));
    type Page = { data: Row[]; offset: number; limit: number; total: number };
    const all = paginate(api, 'rows', {
      items: (page: Page) => page.data,
      next: ({ page }) =>
        page.offset + page.limit < page.total ? { searchParams: { offset: page.offset + page.limit } } : undefined,
    });
    expect(await collect(all)).toEqual(rows(7));
    expect(await api.get('rows', { searchParams: { offset: 1, limit: 2 } }).json()).toEqual({
      data: [{ id: 2 }, { id: 3 }],
      offset: 1,
      limit: 2,
      total: 7,
    });
    expect(await api.get('rows', { searchParams: { limit: 50 } }).json()).toMatchObject({ limit: 3 });
  });

  test('bad options are a TypeError naming the option', () => {
    expect(() => pagedCollection(`${API}x`, { items: 'abc' as never })).toThrow(/option `items`/);
    expect(() => pagedCollection(`${API}x`, { items: [], pageSize: 0 })).toThrow(/option `pageSize`/);
    expect(() => pagedCollection(`${API}x`, { items: [], style: 'pages' as never })).toThrow(/option `style`/);
  });
});
