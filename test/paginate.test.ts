import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { apiKey, bearer, createClient, isHTTPError, isValidationError, type SturdyEvent } from '../src/index.ts';
import { isPaginationError, paginate } from '../src/paginate/index.ts';
import {
  collection,
  cursorPages,
  githubLinks,
  linkPages,
  offsetPages,
  requested,
  type Item,
} from './helpers/paged-server.ts';
import { modes, startServer, type TestServer } from './helpers/server.ts';

let server: TestServer;
let other: TestServer;
beforeAll(async () => {
  [server, other] = await Promise.all([startServer(), startServer()]);
});
afterAll(() => Promise.all([server.close(), other.close()]));

const Page = v.object({ data: v.array(v.object({ id: v.number() })) });
const data = (page: v.InferOutput<typeof Page>) => page.data;
const ids = (items: Item[]) => items.map((item) => item.id);
const client = (options: Parameters<typeof createClient>[0] = {}) =>
  createClient({ baseUrl: `${server.url}/`, retry: { limit: 2, delay: () => 5, jitter: false }, ...options });

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const result: T[] = [];
  for await (const item of iterable) result.push(item);
  return result;
}

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('Link header', () => {
  test('follows GitHub-style rel="next" links (absolute, with prev/last/first beside them) to the last page', async () => {
    server.route('/gh', linkPages(collection(5), 2, githubLinks));
    const items = await collect(paginate(client(), 'gh', { schema: Page, items: data, searchParams: { per_page: 2 } }));
    expect(ids(items)).toEqual([1, 2, 3, 4, 5]);
    expect(server.requestsTo('/gh').map((request) => request.url)).toEqual([
      '/gh?per_page=2',
      '/gh?page=2&per_page=2',
      '/gh?page=3&per_page=2',
    ]);
  });

  test('several rels in one value, quoted and unquoted params, commas inside quotes and <...>, relative URLs', async () => {
    const links = ({ page, pages }: { page: number; pages: number }) => {
      if (page >= pages) return `<?page=1>; rel="first"; title="the first, really; yes"`;
      const next =
        page === 1
          ? `<pages-b?page=${page + 1}&tags=a,b>; rel="next last"`
          : `</pages-b?page=${page + 1}>; title=t; rel=next`;
      return `<https://elsewhere.test/x?a=1,2>; rel=prev; title="no, not this; one", ${next}; type="application/json"`;
    };
    server.route('/pages-b', linkPages(collection(6), 2, links));
    const items = await collect(paginate(client(), 'pages-b', { schema: Page, items: data }));
    expect(ids(items)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(server.requestsTo('/pages-b').map((request) => request.url)).toEqual([
      '/pages-b',
      '/pages-b?page=2&tags=a,b',
      '/pages-b?page=3',
    ]);
  });

  test('an absolute link is fetched as it is: the client prefix is not joined to it', async () => {
    server.route('/api/prefixed', linkPages(collection(4), 2, githubLinks));
    const items = await collect(paginate(client({ prefix: 'api' }), 'prefixed', { schema: Page, items: data }));
    expect(ids(items)).toEqual([1, 2, 3, 4]);
    expect(server.requestsTo('/api/prefixed').map((request) => request.url)).toEqual([
      '/api/prefixed',
      '/api/prefixed?page=2&per_page=2',
    ]);
  });

  test('a link is followed as given: the call and client searchParams are not added twice', async () => {
    server.route('/gh-params', linkPages(collection(4), 2, githubLinks));
    const api = client({ searchParams: { per_page: 2 } });
    await collect(paginate(api, 'gh-params', { schema: Page, items: data }));
    expect(server.requestsTo('/gh-params').map((request) => request.url)).toEqual([
      '/gh-params?per_page=2',
      '/gh-params?page=2&per_page=2',
    ]);
  });
});

describe('cursor and offset', () => {
  test("a cursor from the body goes out as a search parameter, merged with the first page's", async () => {
    server.route('/events', cursorPages(collection(5)));
    const EventsPage = v.object({ data: v.array(v.object({ id: v.number() })), next_cursor: v.nullable(v.string()) });
    const events = paginate(client(), 'events', {
      schema: EventsPage,
      items: (page) => page.data,
      searchParams: { limit: 2 },
      next: ({ page }) => page.next_cursor && { searchParams: { cursor: page.next_cursor } },
    });
    expect(ids(await collect(events))).toEqual([1, 2, 3, 4, 5]);
    const received = server.requestsTo('/events');
    expect(requested(received, 'limit')).toEqual(['2', '2', '2']);
    expect(requested(received, 'cursor')).toEqual([null, 'Mw', 'NQ']);
  });

  test('an offset computed from the page number', async () => {
    server.route('/rows', offsetPages(collection(7)));
    const RowsPage = v.object({ data: v.array(v.object({ id: v.number() })), total: v.number() });
    const rows = paginate(client(), 'rows', {
      schema: RowsPage,
      items: (page) => page.data,
      searchParams: { limit: 3 },
      next: ({ page, number }) => (number * 3 < page.total ? { searchParams: { offset: number * 3 } } : undefined),
    });
    expect(ids(await collect(rows))).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(requested(server.requestsTo('/rows'), 'offset')).toEqual([null, '3', '6']);
  });

  test('a next URL from the body (relative) resolves like any call input', async () => {
    server.route('/feed', (request, response) => {
      const page = Number(new URL(request.url, 'http://x').searchParams.get('page') ?? 1);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ data: [{ id: page }], next: page < 3 ? `feed?page=${page + 1}` : null }));
    });
    const Feed = v.object({ data: v.array(v.object({ id: v.number() })), next: v.nullable(v.string()) });
    const items = await collect(
      paginate(client(), 'feed', { schema: Feed, items: (page) => page.data, next: ({ page }) => page.next }),
    );
    expect(ids(items)).toEqual([1, 2, 3]);
  });
});

describe('laziness and bounds', () => {
  test("a page is requested only when the consumer asks past the previous page's items", async () => {
    server.route('/lazy', linkPages(collection(6), 2, githubLinks));
    const iterator = paginate(client(), 'lazy', { schema: Page, items: data });
    expect(server.requestsTo('/lazy')).toHaveLength(0);
    const seen: number[] = [];
    for (let i = 0; i < 4; i++) seen.push(((await iterator.next()).value as Item).id);
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(requested(server.requestsTo('/lazy'))).toEqual([null, '2']);
    expect(((await iterator.next()).value as Item).id).toBe(5);
    expect(requested(server.requestsTo('/lazy'))).toEqual([null, '2', '3']);
    await iterator.return();
  });

  test('a next link already fetched is a PaginationError naming it (redacted); the repeat is never sent', async () => {
    server.route('/loop', (request, response) => {
      const page = Number(new URL(request.url, 'http://x').searchParams.get('page') ?? 1);
      const next = page === 1 ? '/loop?page=2&token=s3cr3t-value' : '/loop?page=1&token=s3cr3t-value';
      response
        .writeHead(200, { 'content-type': 'application/json', link: `<${next}>; rel="next"` })
        .end(JSON.stringify({ data: [{ id: page }] }));
    });
    const events: SturdyEvent[] = [];
    const items: number[] = [];
    const error = await rejection(
      (async () => {
        for await (const item of paginate(
          client({ onEvent: (event) => events.push(event) }),
          'loop?page=1&token=s3cr3t-value',
          { schema: Page, items: data },
        ))
          items.push(item.id);
      })(),
    );
    expect(items).toEqual([1, 2]);
    expect(isPaginationError(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'loop', page: 3 });
    const { message, url } = error as Error & { url: string };
    expect(message).toContain('page 3');
    expect(message).toContain('page 1');
    expect(url).toBe(`${server.url}/loop?page=1&token=[REDACTED]`);
    expect(JSON.stringify(error) + message).not.toContain('s3cr3t');
    expect(server.requestsTo('/loop')).toHaveLength(2);
    expect(events.filter((event) => event.type === 'error').map((event) => event.reason)).toEqual([
      expect.stringContaining('PaginationError'),
    ]);
  });

  test('next links that differ only by #fragment are the same request: a loop, caught before the repeat is sent', async () => {
    server.route('/fragments', (_request, response, n) => {
      response
        .writeHead(200, { 'content-type': 'application/json', link: `</fragments?page=1#more-${n}>; rel="next"` })
        .end(JSON.stringify({ data: [{ id: n + 1 }] }));
    });
    const error = await rejection(
      collect(paginate(client(), 'fragments?page=1#top', { schema: Page, items: data, maxPages: 25 })),
    );
    expect(error).toMatchObject({
      name: 'PaginationError',
      reason: 'loop',
      page: 2,
      url: `${server.url}/fragments?page=1`,
    });
    expect(server.requestsTo('/fragments')).toHaveLength(1);
  });

  test("maxPages: a next page beyond it throws after the last allowed page's items; a list that fits does not", async () => {
    server.route('/endless', linkPages(collection(1_000), 1, githubLinks));
    const items: number[] = [];
    const error = await rejection(
      (async () => {
        for await (const item of paginate(client(), 'endless', { schema: Page, items: data, maxPages: 3 }))
          items.push(item.id);
      })(),
    );
    expect(items).toEqual([1, 2, 3]);
    expect(error).toMatchObject({ name: 'PaginationError', reason: 'maxPages', page: 4 });
    expect((error as Error).message).toContain(`page 4 at ${server.url}/endless?page=4&per_page=2 beyond maxPages (3)`);
    expect(server.requestsTo('/endless')).toHaveLength(3);

    server.route('/three', linkPages(collection(3), 1, githubLinks));
    expect(ids(await collect(paginate(client(), 'three', { schema: Page, items: data, maxPages: 3 })))).toEqual([
      1, 2, 3,
    ]);
  });

  test('maxItems stops mid-page and does not fetch the next page', async () => {
    server.route('/many', linkPages(collection(20), 5, githubLinks));
    const items = await collect(paginate(client(), 'many', { schema: Page, items: data, maxItems: 7 }));
    expect(ids(items)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(server.requestsTo('/many')).toHaveLength(2);
  });

  test('break stops the walk: no further page is requested', async () => {
    server.route('/break', linkPages(collection(6), 2, githubLinks));
    for await (const item of paginate(client(), 'break', { schema: Page, items: data })) if (item.id === 3) break;
    expect(server.requestsTo('/break')).toHaveLength(2);
  });

  test("the caller's signal stops it between pages and between items", async () => {
    server.route('/abort', linkPages(collection(6), 3, githubLinks));
    const controller = new AbortController();
    const seen: number[] = [];
    const error = await rejection(
      (async () => {
        for await (const item of paginate(client(), 'abort', {
          schema: Page,
          items: data,
          signal: controller.signal,
        })) {
          seen.push(item.id);
          if (item.id === 2) controller.abort(new Error('user left'));
        }
      })(),
    );
    expect(seen).toEqual([1, 2]);
    expect((error as Error).message).toBe('user left');
    expect(server.requestsTo('/abort')).toHaveLength(1);
  });
  test('aborting while a page is in flight ends the walk at once with the reason', async () => {
    const list = linkPages(collection(4), 2, githubLinks);
    server.route('/slow-second', (request, response, n, raw) =>
      (request.url.includes('page=2') ? modes.hang() : list)(request, response, n, raw),
    );
    const controller = new AbortController();
    const walk = paginate(client(), 'slow-second', { schema: Page, items: data, signal: controller.signal });
    expect([(await walk.next()).value, (await walk.next()).value]).toEqual([{ id: 1 }, { id: 2 }]);
    const pending = walk.next();
    setTimeout(() => controller.abort(new Error('navigated away')), 50);
    const started = performance.now();
    expect(((await rejection(pending)) as Error).message).toBe('navigated away');
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  test('a loop is caught even when a middleware outside paginate answers (a cache): by the URL, without fragment', async () => {
    let answered = 0;
    const cache = async () => {
      answered += 1;
      return new Response(JSON.stringify({ data: [{ id: answered }] }), {
        headers: { 'content-type': 'application/json', link: `<cached#${answered}>; rel="next"` },
      });
    };
    const error = await rejection(collect(paginate(client({ use: [cache] }), 'cached', { schema: Page, items: data })));
    expect(error).toMatchObject({ name: 'PaginationError', reason: 'loop', page: 2, url: `${server.url}/cached` });
    expect(answered).toBe(2);
  });
});

describe('every page goes through the pipeline', () => {
  test('a 503 on page 4 is retried (the server saw page 4 twice) and the walk goes on', async () => {
    const list = linkPages(collection(5), 1, githubLinks);
    let failed = false;
    server.route('/flaky-pages', (request, response, n, raw) => {
      if (request.url.includes('page=4') && !failed) {
        failed = true;
        return modes.json(503, { error: 'busy' })(request, response, n, raw);
      }
      return list(request, response, n, raw);
    });
    const events: SturdyEvent[] = [];
    const items = await collect(
      paginate(client({ onEvent: (event) => events.push(event) }), 'flaky-pages', { schema: Page, items: data }),
    );
    expect(ids(items)).toEqual([1, 2, 3, 4, 5]);
    expect(requested(server.requestsTo('/flaky-pages'))).toEqual([null, '2', '3', '4', '4', '5']);
    expect(events.filter((event) => event.type === 'retry')).toHaveLength(1);
  });

  test('an HTTP error on a page (after retries) ends the walk with that HTTPError', async () => {
    server.route('/gone', (request, response, n, raw) =>
      (request.url.includes('page=2') ? modes.json(404, { error: 'gone' }) : linkPages(collection(4), 2, githubLinks))(
        request,
        response,
        n,
        raw,
      ),
    );
    const error = await rejection(collect(paginate(client(), 'gone', { schema: Page, items: data })));
    expect(isHTTPError(error) && error.response.status).toBe(404);
  });

  test('a schema mismatch on page 2 is a ValidationError naming the page and its redacted URL', async () => {
    server.route('/bad-page', (request, response) => {
      const page = Number(new URL(request.url, 'http://x').searchParams.get('page') ?? 1);
      const link = `</bad-page?page=${page + 1}&api_key=k3y-value>; rel="next"`;
      response
        .writeHead(200, { 'content-type': 'application/json', link })
        .end(JSON.stringify({ data: page === 2 ? [{ id: 'tok-echoed-SECRET' }] : [{ id: page }] }));
    });
    const events: SturdyEvent[] = [];
    const api = client({ auth: bearer('tok-echoed-SECRET'), onEvent: (event) => events.push(event) });
    const error = await rejection(collect(paginate(api, 'bad-page', { schema: Page, items: data })));
    expect(isValidationError(error)).toBe(true);
    expect(error).toMatchObject({
      page: 2,
      url: `${server.url}/bad-page?page=2&api_key=[REDACTED]`,
      status: 200,
      issues: [{ path: '$.data[0].id' }],
    });
    expect((error as Error).message).toMatch(
      /^page 2 from http:\/\/127\.0\.0\.1:\d+\/bad-page\?page=2&api_key=\[REDACTED\] invalid at \$\.data\[0\]\.id: /,
    );
    for (const text of [JSON.stringify(error), String(error), JSON.stringify(events)]) {
      expect(text).not.toContain('k3y-value');
      expect(text).not.toContain('tok-echoed-SECRET');
    }
    expect((error as Error).message).toContain('[REDACTED]"');
    expect(events.filter((event) => event.type === 'error')).toEqual([
      expect.objectContaining({ status: 200, reason: expect.stringContaining('page 2') }),
    ]);
    expect(server.requestsTo('/bad-page')).toHaveLength(2);
  });

  test('a next link to another origin gets no credentials; the credential origin still does', async () => {
    other.route('/mirror', (request, response) => {
      const link = `<${server.url}/home?page=3>; rel="next"`;
      response.writeHead(200, { 'content-type': 'application/json', link }).end(JSON.stringify({ data: [{ id: 2 }] }));
    });
    server.route('/home', (request, response) => {
      const page = Number(new URL(request.url, 'http://x').searchParams.get('page') ?? 1);
      const link = page === 1 ? `<${other.url}/mirror?page=2>; rel="next"` : undefined;
      response
        .writeHead(200, { 'content-type': 'application/json', ...(link ? { link } : {}) })
        .end(JSON.stringify({ data: [{ id: page }] }));
    });
    const api = client({ auth: bearer('tok-paginate-123') });
    expect(ids(await collect(paginate(api, 'home', { schema: Page, items: data })))).toEqual([1, 2, 3]);
    expect(server.requestsTo('/home').map((request) => request.headers.authorization)).toEqual([
      'Bearer tok-paginate-123',
      'Bearer tok-paginate-123',
    ]);
    const [away] = other.requestsTo('/mirror');
    expect(away).toBeDefined();
    expect(away!.headers.authorization).toBeUndefined();
  });

  test('a next link to another origin that copies the api_key query into it reaches that origin without the key', async () => {
    const key = 'k3y-paginate-0123456789';
    other.route('/keyed-away', (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: [{ id: 2 }] }));
    });
    // As some APIs do: the next link is built from the query received, on another host.
    server.route('/keyed', (request, response) => {
      const copied = new URL(request.url, 'http://x').searchParams.get('api_key') ?? '';
      const link = `<${other.url}/keyed-away?page=2&api_key=${encodeURIComponent(copied)}>; rel="next"`;
      response.writeHead(200, { 'content-type': 'application/json', link }).end(JSON.stringify({ data: [{ id: 1 }] }));
    });
    const api = client({ auth: apiKey({ key, query: 'api_key' }) });
    expect(ids(await collect(paginate(api, 'keyed', { schema: Page, items: data })))).toEqual([1, 2]);
    expect(requested(server.requestsTo('/keyed'), 'api_key')).toEqual([key]);
    const away = other.requestsTo('/keyed-away');
    expect(requested(away, 'page')).toEqual(['2']);
    expect(requested(away, 'api_key')).toEqual([null]);
    expect(JSON.stringify(away)).not.toContain(key);
  });
});

describe('paginate.pages and options', () => {
  test('yields one { page, items, response, url, number } per page', async () => {
    server.route('/by-page', linkPages(collection(5), 2, githubLinks));
    const pages = await collect(paginate.pages(client(), 'by-page', { schema: Page, items: data }));
    expect(
      pages.map(({ number, items, url, response }) => [number, ids([...items]), url.search, response.status]),
    ).toEqual([
      [1, [1, 2], '', 200],
      [2, [3, 4], '?page=2&per_page=2', 200],
      [3, [5], '?page=3&per_page=2', 200],
    ]);
    expect(pages[0]!.page).toEqual({ data: [{ id: 1 }, { id: 2 }] });
  });

  test('without items, a page must be an array; otherwise a TypeError says to give items', async () => {
    server.route(
      '/plain',
      (_request, response) =>
        void response.writeHead(200, { 'content-type': 'application/json' }).end('[{"id":1},{"id":2}]'),
    );
    expect(await collect(paginate<Item>(client(), 'plain'))).toEqual([{ id: 1 }, { id: 2 }]);
    server.route('/object', modes.json(200, { data: [] }));
    const error = await rejection(collect(paginate(client(), 'object')));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toContain('option `items`');
  });

  test.each([
    [{ maxPages: 0 }, 'maxPages'],
    [{ maxPages: Infinity }, 'maxPages'],
    [{ maxItems: -1 }, 'maxItems'],
    [{ next: 'cursor' }, 'next'],
    [{ items: 'data' }, 'items'],
    [{ schema: { type: 'object' } }, 'schema'],
  ])('bad option %o is a TypeError naming `%s`, before any request', (options, name) => {
    const before = server.requests.length;
    expect(() => paginate(client(), 'never', options as never)).toThrow(new RegExp(`option \`${name}\``));
    expect(server.requests.length).toBe(before);
  });

  test('a next function returning something else is a TypeError naming `next`', async () => {
    server.route('/weird', linkPages(collection(4), 2, githubLinks));
    const error = await rejection(
      collect(paginate(client(), 'weird', { schema: Page, items: data, next: () => 42 as never })),
    );
    expect((error as Error).message).toContain('option `next` must return');
  });
});
