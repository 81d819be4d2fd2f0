import { afterAll, afterEach, beforeAll, beforeEach, expect, test, vi } from 'vitest';
import { bearer, isHTTPError } from '../src/index.ts';
import { httpCache } from '../src/cache/index.ts';
import { eventually, recordingClient, tokenStrategy, versioned } from './helpers/cache-server.ts';
import { startServer, type TestServer } from './helpers/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());
// Only Date is faked (http-cache-semantics reads Date.now()); it keeps running, and `later` jumps it.
beforeEach(() => void vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true }));
afterEach(() => void vi.useRealTimers());
const later = (seconds: number) => vi.setSystemTime(Date.now() + seconds * 1000);

test('a fresh entry is served with no request, as a new readable Response each time', async () => {
  versioned(server, '/fresh', (n) => ({ headers: { 'cache-control': 'max-age=60', 'x-n': String(n) }, body: `v${n}` }));
  const { api, outcomes } = recordingClient(server, [httpCache()]);
  expect(await api.get('fresh').text()).toBe('v0');
  const [first, second] = await Promise.all([api.get('fresh'), api.get('fresh')]);
  expect([await first.text(), await second.text()]).toEqual(['v0', 'v0']);
  expect(first.headers.get('x-n')).toBe('0');
  expect(first.url).toBe(`${server.url}/fresh`);
  expect(server.requestsTo('/fresh').length).toBe(1);
  expect(outcomes()).toEqual(['miss', 'hit', 'hit']);
});

test('max-age: served until it expires, then fetched again', async () => {
  versioned(server, '/max-age', (n) => ({ headers: { 'cache-control': 'max-age=10' }, body: `v${n}` }));
  const { api, outcomes } = recordingClient(server, [httpCache()]);
  await api.get('max-age').text();
  later(9);
  expect(await api.get('max-age').text()).toBe('v0');
  later(2);
  expect(await api.get('max-age').text()).toBe('v1');
  expect(server.requestsTo('/max-age').length).toBe(2);
  expect(outcomes()).toEqual(['miss', 'hit', 'miss']);
});

test('Age counts against max-age, and a hit reports its own Age', async () => {
  versioned(server, '/aged', (n) => ({ headers: { 'cache-control': 'max-age=60', age: '50' }, body: `v${n}` }));
  const { api } = recordingClient(server, [httpCache()]);
  await api.get('aged').text();
  later(5);
  const hit = await api.get('aged');
  expect(Number(hit.headers.get('age'))).toBeGreaterThanOrEqual(55);
  expect(await hit.text()).toBe('v0');
  later(6);
  expect(await api.get('aged').text()).toBe('v1');
});

test('Expires: fresh until the date the server gave (measured against its Date)', async () => {
  versioned(server, '/expires', (n) => ({
    headers: { date: new Date(Date.now()).toUTCString(), expires: new Date(Date.now() + 30_000).toUTCString() },
    body: `v${n}`,
  }));
  const { api } = recordingClient(server, [httpCache()]);
  await api.get('expires').text();
  later(20);
  expect(await api.get('expires').text()).toBe('v0');
  later(15);
  expect(await api.get('expires').text()).toBe('v1');
});

test('no-store: never stored, every call reaches the server', async () => {
  versioned(server, '/no-store', (n) => ({ headers: { 'cache-control': 'no-store, max-age=60' }, body: `v${n}` }));
  const { api, outcomes } = recordingClient(server, [httpCache()]);
  expect([await api.get('no-store').text(), await api.get('no-store').text()]).toEqual(['v0', 'v1']);
  expect(outcomes()).toEqual(['miss', 'miss']);
});

test('error statuses are never stored, whatever their freshness (404, 410, 501, 500 with max-age)', async () => {
  for (const status of [404, 410, 501, 500]) {
    const path = `/error-${status}`;
    versioned(server, path, (n) => ({
      status,
      headers: { 'cache-control': 'public, max-age=31536000' },
      body: `e${n}`,
    }));
    const { api, outcomes } = recordingClient(server, [httpCache()], { throwHttpErrors: false });
    const texts = [await api.get(path.slice(1)).text(), await api.get(path.slice(1)).text()];
    expect({ status, texts, outcomes: outcomes() }).toEqual({
      status,
      texts: ['e0', 'e1'],
      outcomes: ['miss', 'miss'],
    });
  }
});

test('no-cache and must-revalidate: revalidated on every use, even while fresh', async () => {
  for (const directive of ['no-cache', 'max-age=60, must-revalidate']) {
    const path = `/always-${directive.length}`;
    versioned(server, path, (n, request) =>
      request.headers['if-none-match'] === '"e1"'
        ? { status: 304, headers: { etag: '"e1"' } }
        : { headers: { 'cache-control': directive, etag: '"e1"' }, body: `v${n}` },
    );
    const { api, outcomes } = recordingClient(server, [httpCache()]);
    expect(await api.get(path.slice(1)).text()).toBe('v0');
    expect(await api.get(path.slice(1)).text()).toBe('v0');
    expect(server.requestsTo(path).map((request) => request.headers['if-none-match'])).toEqual([undefined, '"e1"']);
    expect(outcomes()).toEqual(['miss', 'revalidated']);
  }
});

test('Vary: accept-language keeps one entry per language', async () => {
  versioned(server, '/greeting', (_n, request) => ({
    headers: { 'cache-control': 'max-age=60', vary: 'Accept-Language' },
    body: `hello in ${request.headers['accept-language']}`,
  }));
  const { api } = recordingClient(server, [httpCache()]);
  const get = (language: string) => api.get('greeting', { headers: { 'accept-language': language } }).text();
  expect([await get('en'), await get('de'), await get('en'), await get('de')]).toEqual([
    'hello in en',
    'hello in de',
    'hello in en',
    'hello in de',
  ]);
  expect(server.requestsTo('/greeting').length).toBe(2);
});

test('ETag revalidation: a 304 updates the stored headers and keeps the stored body', async () => {
  versioned(server, '/etag', (n, request) =>
    request.headers['if-none-match'] === '"v1"'
      ? { status: 304, headers: { etag: '"v1"', 'cache-control': 'max-age=60', 'x-rev': String(n) } }
      : { headers: { etag: '"v1"', 'cache-control': 'max-age=1', 'x-rev': String(n) }, body: 'the body' },
  );
  const { api, outcomes } = recordingClient(server, [httpCache()]);
  await api.get('etag').text();
  later(2);
  const revalidated = await api.get('etag');
  expect(revalidated.status).toBe(200);
  expect(revalidated.headers.get('x-rev')).toBe('1');
  expect(await revalidated.text()).toBe('the body');
  // The 304's max-age=60 now holds: a hit, the body still the first one.
  later(30);
  expect(await api.get('etag').text()).toBe('the body');
  expect(server.requestsTo('/etag').map((request) => request.headers['if-none-match'])).toEqual([undefined, '"v1"']);
  expect(outcomes()).toEqual(['miss', 'revalidated', 'hit']);
});

test('Last-Modified revalidation: If-Modified-Since, 304, body kept', async () => {
  const modified = new Date(Date.now() - 3_600_000).toUTCString();
  versioned(server, '/modified', (_n, request) =>
    request.headers['if-modified-since'] === modified
      ? { status: 304, headers: { 'cache-control': 'no-cache' } }
      : { headers: { 'last-modified': modified, 'cache-control': 'no-cache' }, body: 'as of then' },
  );
  const { api, outcomes } = recordingClient(server, [httpCache()]);
  expect([await api.get('modified').text(), await api.get('modified').text()]).toEqual(['as of then', 'as of then']);
  expect(server.requestsTo('/modified')[1]?.headers['if-modified-since']).toBe(modified);
  expect(outcomes()).toEqual(['miss', 'revalidated']);
});

test('stale-while-revalidate: stale is served at once, refreshed once in the background', async () => {
  versioned(server, '/swr', (n) => ({
    headers: { 'cache-control': 'max-age=1, stale-while-revalidate=60' },
    body: `v${n}`,
  }));
  const { api, outcomes } = recordingClient(server, [httpCache()]);
  await api.get('swr').text();
  later(2);
  expect(await Promise.all([api.get('swr').text(), api.get('swr').text()])).toEqual(['v0', 'v0']);
  await eventually(() => server.requestsTo('/swr').length === 2);
  await new Promise((resolve) => setTimeout(resolve, 30));
  expect(await api.get('swr').text()).toBe('v1');
  expect(server.requestsTo('/swr').length).toBe(2);
  expect(outcomes()).toEqual(['miss', 'stale', 'stale', 'hit']);
});

test('stale-if-error: after a 503 storm and every retry, the stale entry is served; the 503 never replaces it', async () => {
  versioned(server, '/sie', (n) =>
    n === 0
      ? { headers: { 'cache-control': 'max-age=1, stale-if-error=600' }, body: 'good' }
      : { status: 503, body: 'down' },
  );
  const { api, events } = recordingClient(server, [httpCache()], {
    retry: { limit: 2, delay: () => 1, jitter: false },
  });
  await api.get('sie').text();
  later(2);
  expect(await api.get('sie').text()).toBe('good');
  // The retries happened first: 1 + 2 retries went to the origin; stale came on the last attempt.
  expect(server.requestsTo('/sie').length).toBe(4);
  expect(events.filter((event) => event.type === 'cache').map((event) => [event.outcome, event.attempt])).toEqual([
    ['miss', 1],
    ['miss', 1],
    ['miss', 2],
    ['stale', 3],
  ]);
  expect(await api.get('sie').text()).toBe('good');
  expect(server.requestsTo('/sie').length).toBe(7);
});

test('stale-if-error: an origin that cannot be reached (socket dropped) is answered stale on the last attempt', async () => {
  server.route('/sie-drop', (_request, response, n) => {
    if (n === 0)
      response
        .writeHead(200, { 'cache-control': 'max-age=1, stale-if-error=600', 'content-type': 'text/plain' })
        .end('kept');
    else response.socket?.destroy();
  });
  const { api, outcomes } = recordingClient(server, [httpCache()], {
    retry: { limit: 1, delay: () => 1, jitter: false },
  });
  await api.get('sie-drop').text();
  later(2);
  expect(await api.get('sie-drop').text()).toBe('kept');
  expect(server.requestsTo('/sie-drop').length).toBe(3);
  expect(outcomes()).toEqual(['miss', 'stale']);
  // Past max-age + stale-if-error, the network error is the caller's.
  later(700);
  await expect(api.get('sie-drop').text()).rejects.toThrow();
});

test('without stale-if-error, a stale entry does not hide the 503', async () => {
  versioned(server, '/no-sie', (n) =>
    n === 0 ? { headers: { 'cache-control': 'max-age=1' }, body: 'good' } : { status: 503, body: 'down' },
  );
  const { api } = recordingClient(server, [httpCache()]);
  await api.get('no-sie').text();
  later(2);
  const error = await api
    .get('no-sie')
    .text()
    .catch((caught: unknown) => caught);
  expect(isHTTPError(error) && error.response.status).toBe(503);
});

test('a successful POST invalidates its URL and its Location; a failed one does not', async () => {
  versioned(server, '/items', (n) => ({ headers: { 'cache-control': 'max-age=60' }, body: `list ${n}` }));
  versioned(server, '/items/7', (n) => ({ headers: { 'cache-control': 'max-age=60' }, body: `item ${n}` }));
  let fail = true;
  const { api } = recordingClient(server, [httpCache()]);
  const both = async () => [await api.get('items').text(), await api.get('items/7').text()];
  expect(await both()).toEqual(['list 0', 'item 0']);
  // The POST goes to /items itself: route it by method.
  versioned(server, '/items', (n, request) =>
    request.method === 'POST'
      ? fail
        ? { status: 500, body: 'no' }
        : { status: 201, headers: { location: '/items/7' }, body: 'created' }
      : { headers: { 'cache-control': 'max-age=60' }, body: `list ${n}` },
  );
  await api.post('items', { json: {}, throwHttpErrors: false });
  expect(await both()).toEqual(['list 0', 'item 0']);
  fail = false;
  await api.post('items', { json: {} });
  expect(await both()).toEqual(['list 2', 'item 1']);
});

test('a response reached through a redirect to another origin is not stored under the URL that redirected', async () => {
  const other = await startServer();
  try {
    versioned(other, '/landing', (n) => ({ headers: { 'cache-control': 'max-age=31536000' }, body: `elsewhere ${n}` }));
    versioned(server, '/moved', (n) =>
      n === 0
        ? { status: 302, headers: { location: `${other.url}/landing` } }
        : { headers: { 'cache-control': 'max-age=60' }, body: 'home again' },
    );
    const { api, outcomes } = recordingClient(server, [httpCache()]);
    const first = await api.get('moved');
    expect([first.url, await first.text()]).toEqual([`${other.url}/landing`, 'elsewhere 0']);
    // The redirect is gone: the next call asks the first origin again and gets its own answer.
    expect(await api.get('moved').text()).toBe('home again');
    expect(await api.get('moved').text()).toBe('home again');
    expect(server.requestsTo('/moved')).toHaveLength(2);
    expect(outcomes()).toEqual(['miss', 'miss', 'hit']);
  } finally {
    await other.close();
  }
});

test("token A's entry is never served to token B, and the store never holds a token", async () => {
  versioned(server, '/me', (_n, request) => ({
    headers: { 'cache-control': 'private, max-age=60', 'set-cookie': 'session=s3cr3t' },
    body: `user ${request.headers.authorization}`,
  }));
  const cache = httpCache();
  const asA = recordingClient(server, [cache], { auth: bearer('token-A-123') }).api;
  const asB = recordingClient(server, [cache], { auth: bearer('token-B-456') }).api;
  expect(await asA.get('me').text()).toBe('user Bearer token-A-123');
  expect(await asB.get('me').text()).toBe('user Bearer token-B-456');
  expect(await asA.get('me').text()).toBe('user Bearer token-A-123');
  const hit = await asB.get('me');
  expect(await hit.text()).toBe('user Bearer token-B-456');
  expect(hit.headers.get('set-cookie')).toBeNull();
  expect(server.requestsTo('/me').length).toBe(2);
});

test("a custom strategy's credential separates entries even when it registers nothing: B never gets A's", async () => {
  versioned(server, '/mine', (_n, request) => ({
    headers: { 'cache-control': 'private, max-age=60' },
    body: `user ${request.headers['x-token']}`,
  }));
  const cache = httpCache();
  const asA = recordingClient(server, [cache], { auth: tokenStrategy('tok_A_111') }).api;
  const asB = recordingClient(server, [cache], { auth: tokenStrategy('tok_B_222') }).api;
  expect(await asA.get('mine').text()).toBe('user tok_A_111');
  expect(await asB.get('mine').text()).toBe('user tok_B_222');
  expect([await asA.get('mine').text(), await asB.get('mine').text()]).toEqual(['user tok_A_111', 'user tok_B_222']);
  expect(server.requestsTo('/mine').map((request) => request.headers['x-token'])).toEqual(['tok_A_111', 'tok_B_222']);
});

test('a query API key is a credential too: two keys, two entries', async () => {
  versioned(server, '/keyed', (_n, request) => ({ headers: { 'cache-control': 'max-age=60' }, body: request.url }));
  const { api } = recordingClient(server, [httpCache()]);
  const get = (key: string) => api.get('keyed', { searchParams: { api_key: key } }).text();
  expect([await get('k1'), await get('k2'), await get('k1')]).toEqual([
    '/keyed?api_key=k1',
    '/keyed?api_key=k2',
    '/keyed?api_key=k1',
  ]);
  expect(server.requestsTo('/keyed').length).toBe(2);
});

test('maxEntries: the least recently used entry goes first', async () => {
  versioned(server, '/lru', (n, request) => ({
    headers: { 'cache-control': 'max-age=60' },
    body: `${request.url} ${n}`,
  }));
  const { api } = recordingClient(server, [httpCache({ maxEntries: 2 })]);
  const get = (id: string) => api.get('lru', { searchParams: { id } }).text();
  await get('a');
  await get('b');
  await get('a'); // a is now the most recently used
  await get('c'); // evicts b
  const before = server.requestsTo('/lru').length;
  await get('a');
  await get('c');
  expect(server.requestsTo('/lru').length).toBe(before);
  await get('b');
  expect(server.requestsTo('/lru').length).toBe(before + 1);
});

test('maxBytes: bodies past the byte budget evict the oldest', async () => {
  versioned(server, '/big', () => ({ headers: { 'cache-control': 'max-age=60' }, body: 'x'.repeat(1000) }));
  const { api } = recordingClient(server, [httpCache({ maxBytes: 3000, maxEntryBytes: 2000 })]);
  const get = (id: string) => api.get('big', { searchParams: { id } }).text();
  await get('a');
  await get('b');
  await get('a');
  expect(server.requestsTo('/big').length).toBe(2);
  await get('c'); // a and b and c do not fit: b (least recent) goes
  await get('a');
  await get('c');
  expect(server.requestsTo('/big').length).toBe(3);
  await get('b');
  expect(server.requestsTo('/big').length).toBe(4);
});

test('a body over maxEntryBytes streams through intact and is not stored, with or without Content-Length', async () => {
  const big = 'y'.repeat(5000);
  versioned(server, '/huge', () => ({ headers: { 'cache-control': 'max-age=60' }, body: big }));
  server.route('/huge-chunked', (_request, response) => {
    response.writeHead(200, { 'cache-control': 'max-age=60', 'content-type': 'text/plain' });
    for (let i = 0; i < 5; i++) response.write(big.slice(i * 1000, (i + 1) * 1000));
    response.end();
  });
  const { api, outcomes } = recordingClient(server, [httpCache({ maxEntryBytes: 4096 })]);
  for (const path of ['huge', 'huge-chunked']) {
    expect([await api.get(path).text(), await api.get(path).text()]).toEqual([big, big]);
    expect(server.requestsTo(`/${path}`).length).toBe(2);
  }
  expect(outcomes()).toEqual(['miss', 'miss', 'miss', 'miss']);
});

test('HEAD is cached apart from GET; POST and other methods pass straight through', async () => {
  versioned(server, '/both', (n) => ({ headers: { 'cache-control': 'max-age=60' }, body: `v${n}` }));
  const { api } = recordingClient(server, [httpCache()]);
  await api.head('both');
  const head = await api.head('both');
  expect(head.body).toBeNull();
  expect(await api.get('both').text()).toBe('v1');
  expect(server.requestsTo('/both').map((request) => request.method)).toEqual(['HEAD', 'GET']);
});

test('bad options are TypeErrors naming the option', () => {
  expect(() => httpCache({ maxEntries: 0 })).toThrow(/option `maxEntries` must be a positive integer/);
  expect(() => httpCache({ maxBytes: Number.NaN })).toThrow(/option `maxBytes`/);
  expect(() => httpCache({ maxEntryBytes: 2_000, maxBytes: 1_000 })).toThrow(
    /option `maxEntryBytes` must be at most `maxBytes` \(1000\); got 2000/,
  );
  expect(() => httpCache({ store: {} as never })).toThrow(/option `store` must be an unstorage Storage/);
  expect(() => httpCache(null as never)).toThrow(/takes an object/);
});
