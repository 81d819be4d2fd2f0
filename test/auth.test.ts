/**
 * bearer, apiKey, basic against the real server: what arrives, the 401 rule
 * (and a refresh that fails), the insecure-transport guard, per-call `auth: false`
 * and override, and the call's timeouts bounding the credential step.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  AuthError,
  apiKey,
  basic,
  bearer,
  clientCredentials,
  createClient,
  HTTPError,
  isAuthError,
  TimeoutError,
  type BearerToken,
  type ClientOptions,
  type SturdyEvent,
} from '../src/index.ts';
import { utf8Base64 } from '../src/auth/basic.ts';
import { printed } from './helpers/printed.ts';
import { elapsed, modes, startServer, type TestServer, wait } from './helpers/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
  server.route('/echo', modes.echo());
});
afterAll(() => server.close());

/** A route that answers 200 only to `Authorization: Bearer <valid()>`, 401 otherwise. */
const guarded = (path: string, valid: () => string) =>
  server.route(path, (request, response) => {
    const ok = request.headers.authorization === `Bearer ${valid()}`;
    response.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' }).end(JSON.stringify({ ok }));
  });

const echoed = async (promise: Promise<Response>) =>
  ((await (await promise).json()) as { headers: Record<string, string>; url: string }).headers;

describe('bearer', () => {
  test('a static token is sent as Authorization: Bearer', async () => {
    const api = createClient({ baseUrl: server.url, auth: bearer('static-token-1') });
    expect((await echoed(api.get('echo'))).authorization).toBe('Bearer static-token-1');
  });

  test.each([
    ['straight to fetch', []],
    ['through a `use` middleware', [(request: Request, next: (r: Request) => Promise<Response>) => next(request)]],
  ])("ky's hooks and errors never hold the credential (%s); the server gets it with the body", async (_how, use) => {
    server.route('/hooks-500', (_request, response) => void response.writeHead(500).end());
    const seen: Array<string | null> = [];
    const look = ({ request }: { request: Request }) => void seen.push(request.headers.get('authorization'));
    const api = createClient({
      baseUrl: server.url,
      auth: bearer('hook-token-7'),
      // Without retries ky's hooks see the very request ky hands to fetch (with them, a clone of it).
      retry: false,
      use,
      hooks: {
        beforeRequest: [look],
        afterResponse: [look],
        beforeRetry: [look],
        beforeError: [
          (state) => {
            look(state);
            return state.error;
          },
        ],
      },
    });
    const echo = (await (await api.post('echo', { json: { a: 1 } })).json()) as { headers: object; body: unknown };
    expect(echo.headers).toMatchObject({ authorization: 'Bearer hook-token-7' });
    expect(echo.body).toEqual({ a: 1 });
    const error = await api.get('hooks-500', { retry: { limit: 1, delay: () => 0 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HTTPError);
    expect(printed(error)).not.toContain('hook-token-7');
    const sent = server.requestsTo('/hooks-500').slice(-2);
    expect(sent.map((request) => request.headers.authorization)).toEqual(Array(2).fill('Bearer hook-token-7'));
    // beforeRequest and afterResponse of the POST; beforeRequest, two afterResponse, beforeRetry, beforeError of the GET.
    expect(seen).toEqual(Array(7).fill(null));
  });

  test("a call's abort stops its wait for the provider, not the load the other calls share", async () => {
    let release!: (token: BearerToken) => void;
    let loads = 0;
    const pending = new Promise<BearerToken>((resolve) => (release = resolve));
    const api = createClient({
      baseUrl: server.url,
      auth: bearer(() => {
        loads += 1;
        return pending;
      }),
    });
    const controller = new AbortController();
    const aborted = api.get('echo', { signal: controller.signal }).catch((e: unknown) => e);
    const other = echoed(api.get('echo'));
    await wait(20);
    controller.abort(new Error('caller gave up'));
    expect(await aborted).toMatchObject({ message: 'caller gave up' });
    release({ token: 'shared-token-9', expiresIn: 60 });
    expect((await other).authorization).toBe('Bearer shared-token-9');
    expect(loads).toBe(1);
  });

  test('401 -> one refresh -> success: 2 attempts, the provider told to refresh', async () => {
    let current = 'old-token-aaaa';
    guarded('/b401', () => 'new-token-bbbb');
    const calls: boolean[] = [];
    const api = createClient({
      baseUrl: server.url,
      auth: bearer(({ refresh }) => {
        calls.push(refresh);
        if (refresh) current = 'new-token-bbbb';
        return { token: current };
      }),
    });
    const response = await api.get('b401');
    expect(response.status).toBe(200);
    const seen = server.requestsTo('/b401').map((r) => r.headers.authorization);
    expect(seen).toEqual(['Bearer old-token-aaaa', 'Bearer new-token-bbbb']);
    expect(calls).toEqual([false, true]);
  });

  test('always 401 -> at most 2 attempts, then HTTPError 401', async () => {
    server.route('/always401', modes.json(401, { error: 'invalid_token' }));
    let n = 0;
    const api = createClient({ baseUrl: server.url, auth: bearer(() => `token-number-${++n}`) });
    const error = await api.get('always401').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HTTPError);
    expect((error as HTTPError).response.status).toBe(401);
    expect(server.requestsTo('/always401')).toHaveLength(2);
  });

  test('401 on a POST: a factory body is sent again with the new token; a consumed stream gives the 401 as it is', async () => {
    guarded('/upload', () => 'upload-token-2');
    const tokens = () => bearer(({ refresh }) => ({ token: refresh ? 'upload-token-2' : 'upload-token-1' }));
    const api = createClient({ baseUrl: server.url, auth: tokens() });
    expect((await api.post('upload', { body: () => 'payload-1' })).status).toBe(200);
    expect(server.requestsTo('/upload').map((r) => r.body)).toEqual(['payload-1', 'payload-1']);

    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('payload-2'));
        controller.close();
      },
    });
    const fresh = createClient({ baseUrl: server.url, auth: tokens() });
    const error = await fresh.post('upload', { body: stream, duplex: 'half' } as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HTTPError);
    expect((error as HTTPError).response.status).toBe(401);
    expect(server.requestsTo('/upload')).toHaveLength(3);
  });

  test('a static token is not repeated after 401 (nothing new to send)', async () => {
    server.route('/static401', modes.json(401));
    const api = createClient({ baseUrl: server.url, auth: bearer('static-token-2') });
    await expect(api.get('static401')).rejects.toBeInstanceOf(HTTPError);
    expect(server.requestsTo('/static401')).toHaveLength(1);
  });

  test('concurrent callers share one provider call; 20 concurrent 401s share ONE refresh', async () => {
    let valid = 'first-token-1';
    guarded('/shared', () => valid);
    let provided = 0;
    let refreshes = 0;
    const api = createClient({
      baseUrl: server.url,
      auth: bearer(async ({ refresh }) => {
        provided += 1;
        if (refresh) refreshes += 1;
        await wait(20);
        return { token: refresh ? 'second-token-2' : 'first-token-1', expiresIn: 3600 };
      }),
    });
    const first = await Promise.all(Array.from({ length: 20 }, () => api.get('shared')));
    expect(first.every((r) => r.status === 200)).toBe(true);
    expect(provided).toBe(1);
    valid = 'second-token-2'; // the server rotates: every cached token now fails
    const second = await Promise.all(Array.from({ length: 20 }, () => api.get('shared')));
    expect(second.every((r) => r.status === 200)).toBe(true);
    expect(refreshes).toBe(1);
    expect(provided).toBe(2);
    expect(server.requestsTo('/shared')).toHaveLength(60);
  });

  test('a request whose token was already replaced repeats with the new one, without another refresh', async () => {
    let valid = 'gen-1-token';
    guarded('/late', () => valid);
    let refreshes = 0;
    const api = createClient({
      baseUrl: server.url,
      auth: bearer(({ refresh }) => {
        if (refresh) refreshes += 1;
        return { token: refresh ? 'gen-2-token' : 'gen-1-token' };
      }),
    });
    await api.get('late');
    valid = 'gen-2-token';
    await api.get('late'); // 401 -> refresh -> gen-2
    expect(refreshes).toBe(1);
    // A request that still used gen-1 (sent before the refresh landed) fails later: it repeats with gen-2 at once.
    server.route('/slow401', async (request, response) => {
      await wait(50);
      const ok = request.headers.authorization === 'Bearer gen-3-token';
      response.writeHead(ok ? 200 : 401).end();
    });
    let generation = 2;
    const rotating = createClient({
      baseUrl: server.url,
      auth: bearer(({ refresh }) => {
        if (refresh) generation += 1;
        return { token: `gen-${generation}-token` };
      }),
    });
    await rotating.get('echo'); // caches gen-2
    const slow = rotating.get('slow401'); // sent with gen-2, answered 401 after 50 ms
    await wait(10);
    await rotating.get('late').catch(() => {}); // gen-2 is valid for /late: no refresh
    const results = await Promise.all([slow, rotating.get('slow401')]);
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    expect(generation).toBe(3); // both 401s on gen-2 shared one refresh
  });

  test('a plain string from the provider is asked for again on the next call (follows the session)', async () => {
    let session = 'session-token-A';
    const api = createClient({ baseUrl: server.url, auth: bearer(() => session) });
    expect((await echoed(api.get('echo'))).authorization).toBe('Bearer session-token-A');
    session = 'session-token-B';
    expect((await echoed(api.get('echo'))).authorization).toBe('Bearer session-token-B');
  });

  test('a plain-string provider: the repeat after a 401 uses the token the refresh call returned', async () => {
    server.route('/refuse-old', (request, response) => {
      const ok = request.headers.authorization === 'Bearer fresh-token-2';
      response.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' }).end(JSON.stringify({ ok }));
    });
    const calls: boolean[] = [];
    // The refreshed token is only returned by the refresh call; a plain call would give the stale one again.
    const api = createClient({
      baseUrl: server.url,
      auth: bearer(({ refresh }) => (calls.push(refresh), refresh ? 'fresh-token-2' : 'stale-token-1')),
    });
    await expect(api.get('refuse-old').json()).resolves.toEqual({ ok: true });
    expect(calls).toEqual([false, true]);
    const seen = server.requestsTo('/refuse-old').map((request) => request.headers.authorization);
    expect(seen).toEqual(['Bearer stale-token-1', 'Bearer fresh-token-2']);
    // The next call asks the provider again (a bare string is not cached).
    await api.get('refuse-old').catch(() => {});
    expect(calls.slice(0, 3)).toEqual([false, true, false]);
  });

  test('a provider returning garbage is an AuthError that does not echo it', async () => {
    const api = createClient({ baseUrl: server.url, auth: bearer((() => ({ tok: 'x' })) as never) });
    const error = await api.get('echo').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).toMatch(/must return a Latin-1 token or \{ token, expiresIn \}/);
  });

  test('a provider returning a character outside Latin-1 is an AuthError naming no token', async () => {
    const api = createClient({
      baseUrl: 'https://api.test/',
      fetch: async () => Response.json({}),
      auth: bearer(() => 'hd-token-€'),
    });
    const error = await api.get('me').catch((e: unknown) => e);
    expect(isAuthError(error)).toBe(true);
    expect(printed(error)).not.toContain('hd-token');
  });

  test('50 concurrent 401s with a refresh that throws: one provider refresh, 50 AuthErrors; the next call tries again', async () => {
    // The 401s arrive spread over ~100 ms, most of them after the refresh has already failed.
    server.route('/refresh-down', async (_request, response, n) => {
      await wait(2 * n);
      response.writeHead(401).end();
    });
    const calls = { load: 0, refresh: 0 };
    const auth = bearer(async ({ refresh }) => {
      if (!refresh) {
        calls.load += 1;
        return { token: 'hd-refused-token-1', expiresIn: 3600 };
      }
      calls.refresh += 1;
      throw new Error('identity provider down');
    });
    const api = createClient({ baseUrl: server.url, auth, retry: false });
    const results = await Promise.all(
      Array.from({ length: 50 }, () => api.get('refresh-down').catch((e: unknown) => e)),
    );
    expect(results.every((error) => isAuthError(error) && /identity provider down/.test(error.message))).toBe(true);
    expect(calls).toEqual({ load: 1, refresh: 1 });
    expect(server.requestsTo('/refresh-down')).toHaveLength(50);

    const next = await api.get('refresh-down').catch((e: unknown) => e);
    expect(isAuthError(next)).toBe(true);
    expect(calls.refresh).toBe(2);
  });

  test('bad static tokens are TypeErrors at construction', () => {
    expect(() => bearer(undefined as never)).toThrow(
      /option `bearer\(token\)` must be a non-empty string.*environment variable.*; got undefined$/,
    );
    expect(() => bearer('a\r\nx-evil: 1')).toThrow(/without control characters.*; got string \(not shown\)$/);
    expect(() => bearer('')).toThrow(/^sturdy: option `bearer\(token\)` must be a non-empty string .*; got ""$/);
  });
});

describe('apiKey', () => {
  test('default header X-API-Key', async () => {
    const api = createClient({ baseUrl: server.url, auth: apiKey({ key: 'key-in-header-1' }) });
    expect((await echoed(api.get('echo')))['x-api-key']).toBe('key-in-header-1');
  });

  test('custom header, and query parameter', async () => {
    const header = createClient({ baseUrl: server.url, auth: apiKey({ key: 'key-in-header-2', header: 'X-Token' }) });
    expect((await echoed(header.get('echo')))['x-token']).toBe('key-in-header-2');
    const query = createClient({ baseUrl: server.url, auth: apiKey({ key: 'key in query', query: 'api_key' }) });
    const body = (await (await query.get('echo', { searchParams: { page: 2 } })).json()) as {
      url: string;
      headers: Record<string, string>;
    };
    expect(new URL(body.url, server.url).searchParams.get('api_key')).toBe('key in query');
    expect(new URL(body.url, server.url).searchParams.get('page')).toBe('2');
    expect(body.headers['x-api-key']).toBeUndefined();
  });

  test.each<[string, ClientOptions]>([
    ['a `use` middleware', { use: [(request, next) => next(request)] }],
    ['a fetch of the caller', { fetch: (input, init) => fetch(input, init) }],
  ])('in the query, with %s between sturdy and fetch: a POST carries its JSON body and the key', async (_, extra) => {
    const api = createClient({
      baseUrl: server.url,
      auth: apiKey({ key: 'query-key-post-1', query: 'api_key' }),
      ...extra,
    });
    const echo = (await api.post('echo', { json: { sku: 'A1' } }).json()) as { url: string; body: unknown };
    expect(new URL(echo.url, server.url).searchParams.get('api_key')).toBe('query-key-post-1');
    expect(echo.body).toEqual({ sku: 'A1' });
  });

  test('header and query together is a TypeError', () => {
    expect(() => apiKey({ key: 'k-1234', header: 'x', query: 'y' } as never)).toThrow(/either `header` or `query`/);
  });
});

describe('basic', () => {
  test('José / pässwörd✓ arrive as the exact UTF-8 base64 bytes', async () => {
    const api = createClient({ baseUrl: server.url, auth: basic({ username: 'José', password: 'pässwörd✓' }) });
    await api.get('echo');
    const header = server.requests.at(-1)!.headers.authorization as string;
    // UTF-8 bytes of "José:pässwörd✓", base64 (worked out independently with Buffer).
    expect(header).toBe(`Basic ${Buffer.from('José:pässwörd✓', 'utf8').toString('base64')}`);
    expect(header).toBe('Basic Sm9zw6k6cMOkc3N3w7ZyZOKckw==');
    expect(Buffer.from(header.slice(6), 'base64')).toEqual(
      Buffer.from([
        0x4a, 0x6f, 0x73, 0xc3, 0xa9, 0x3a, 0x70, 0xc3, 0xa4, 0x73, 0x73, 0x77, 0xc3, 0xb6, 0x72, 0x64, 0xe2, 0x9c,
        0x93,
      ]),
    );
  });

  test('long values encode (no argument-limit overflow)', () => {
    const long = 'ü'.repeat(100_000);
    expect(utf8Base64(long)).toBe(Buffer.from(long).toString('base64'));
  });

  test('a colon in the username is a TypeError (RFC 7617)', () => {
    expect(() => basic({ username: 'a:b', password: 'pw-1234' })).toThrow(
      /^sturdy: option `basic\(\{ username \}\)` must be a string without ":".*; got string \(not shown\)$/,
    );
  });
});

describe('scope: which requests get credentials', () => {
  test('http://example.test + bearer -> AuthError, zero fetch calls', async () => {
    let calls = 0;
    const fetch = async () => (calls++, new Response('{}'));
    const api = createClient({ baseUrl: 'http://example.test/v1/', auth: bearer('secret-token-x'), fetch });
    const error = await api.get('orders').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).toMatch(
      /^bearer credentials need https \(or allowInsecure\) for http:\/\/example\.test$/,
    );
    expect(calls).toBe(0);
  });

  test("a strategy's allowInsecure must be a boolean: the string 'false' is a TypeError, never a plain-http credential", async () => {
    let sent = 0;
    const fetch = async () => (sent++, new Response('{}'));
    const strategies = [
      () => bearer('insecure-token-1', { allowInsecure: 'false' as never }),
      () => apiKey({ key: 'insecure-key-1', allowInsecure: 'false' as never }),
      () => basic({ username: 'u', password: 'insecure-pw-1', allowInsecure: 'no' as never }),
      () =>
        clientCredentials({
          tokenUrl: 'https://auth.test/t',
          clientId: 'c',
          clientSecret: 'insecure-secret-1',
          allowInsecure: 1 as never,
        }),
    ];
    for (const make of strategies) expect(make).toThrow(/allowInsecure.*must be true or false/);
    expect(sent).toBe(0);
  });

  test('loopback over http is allowed; allowInsecure opts out (client or strategy)', async () => {
    const seen: string[] = [];
    const fetch = async (request: Request) => (
      seen.push(request.headers.get('authorization') ?? ''), new Response('{}')
    );
    for (const base of ['http://127.0.0.1:1/', 'http://localhost:1/', 'http://[::1]:1/']) {
      await createClient({ baseUrl: base, auth: bearer('loopback-token'), fetch: fetch as never }).get('x');
    }
    await createClient({
      baseUrl: 'http://example.test/',
      auth: bearer('lan-token-1'),
      allowInsecure: true,
      fetch: fetch as never,
    }).get('x');
    await createClient({
      baseUrl: 'http://example.test/',
      auth: bearer('lan-token-2', { allowInsecure: true }),
      fetch: fetch as never,
    }).get('x');
    expect(seen).toEqual([
      'Bearer loopback-token',
      'Bearer loopback-token',
      'Bearer loopback-token',
      'Bearer lan-token-1',
      'Bearer lan-token-2',
    ]);
    expect(
      (await echoed(createClient({ baseUrl: server.url, auth: bearer('loopback-real') }).get('echo'))).authorization,
    ).toBe('Bearer loopback-real');
  });

  test('beyond the credential origins the query goes as written; only a key parameter a server copied is taken out', async () => {
    const other = await startServer();
    try {
      other.route('/echo', modes.echo());
      const api = createClient({ baseUrl: server.url, auth: apiKey({ key: 'query-key-77', query: 'api_key' }) });
      await api.get(`${other.url}/echo?q=a%20b&x=1`);
      await api.get(`${other.url}/echo?q=c&api_key=query-key-77`);
      expect(other.requests.map((request) => request.url)).toEqual(['/echo?q=a%20b&x=1', '/echo?q=c']);
    } finally {
      await other.close();
    }
  });

  test('absolute URL to another origin goes out without credentials', async () => {
    const other = await startServer();
    try {
      other.route('/echo', modes.echo());
      for (const auth of [
        bearer('origin-token-1'),
        apiKey({ key: 'origin-key-1' }),
        apiKey({ key: 'origin-key-2', query: 'api_key' }),
        basic({ username: 'u', password: 'origin-pw-1' }),
      ]) {
        const api = createClient({ baseUrl: server.url, auth });
        await api.get(`${other.url}/echo`);
      }
      for (const request of other.requests) {
        expect(request.headers.authorization).toBeUndefined();
        expect(request.headers['x-api-key']).toBeUndefined();
        expect(request.url).toBe('/echo');
      }
      expect(other.requests).toHaveLength(4);
      // ...unless that origin is listed (client credentialOrigins or the strategy's origins).
      await createClient({ baseUrl: server.url, auth: bearer('listed-token-1'), credentialOrigins: [other.url] }).get(
        `${other.url}/echo`,
      );
      await createClient({ baseUrl: server.url, auth: bearer('listed-token-2', { origins: [other.url] }) }).get(
        `${other.url}/echo`,
      );
      expect(other.requests.slice(4).map((r) => r.headers.authorization)).toEqual([
        'Bearer listed-token-1',
        'Bearer listed-token-2',
      ]);
    } finally {
      await other.close();
    }
  });

  test('per-call auth: false sends none; a per-call strategy overrides the client one', async () => {
    const api = createClient({ baseUrl: server.url, auth: bearer('client-token-1') });
    expect((await echoed(api.get('echo', { auth: false }))).authorization).toBeUndefined();
    const overridden = await echoed(api.get('echo', { auth: apiKey({ key: 'call-key-1' }) }));
    expect(overridden.authorization).toBeUndefined();
    expect(overridden['x-api-key']).toBe('call-key-1');
    expect((await echoed(api.get('echo'))).authorization).toBe('Bearer client-token-1');
  });

  test('auth without any origin to send it to is an AuthError, not a silent anonymous request', async () => {
    let calls = 0;
    const api = createClient({ auth: bearer('nowhere-token'), fetch: async () => (calls++, new Response('{}')) });
    await expect(api.get('https://api.example.test/x')).rejects.toThrow(
      /^bearer credentials need baseUrl or credentialOrigins$/,
    );
    expect(calls).toBe(0);
  });

  test('events of a refreshed call show the 401 refresh and no token', async () => {
    guarded('/evt', () => 'event-token-new');
    const events: SturdyEvent[] = [];
    const api = createClient({
      baseUrl: server.url,
      onEvent: (e) => events.push(e),
      auth: bearer(({ refresh }) => ({ token: refresh ? 'event-token-new' : 'event-token-old' })),
    });
    await api.get('evt');
    expect(events.map((e) => e.type)).toEqual(['request', 'response', 'retry', 'request', 'response']);
    expect(events[2]!.reason).toBe('401 refresh');
    expect(JSON.stringify(events)).not.toMatch(/event-token/);
  });
});

describe("the call's timeouts bound the credential step", () => {
  test('a provider that never settles with totalTimeout 500 ends as a TimeoutError after about 500 ms, no request sent', async () => {
    server.route('/unsent', modes.echo());
    const client = createClient({
      baseUrl: server.url,
      auth: bearer(() => new Promise<string>(() => {})),
      totalTimeout: 500,
    });
    const { error, ms } = await elapsed(() => client.get('unsent'));
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toMatch(/totalTimeout of 500 ms/);
    expect(ms).toBeGreaterThanOrEqual(450);
    expect(ms).toBeLessThan(3_000);
    expect(server.requestsTo('/unsent')).toHaveLength(0);
  });

  test('with only a per-attempt timeout, each attempt of the credential step is cut at it and retried, then the call fails', async () => {
    server.route('/unsent', modes.echo());
    let asked = 0;
    const provider = () => {
      asked += 1;
      return new Promise<string>(() => {});
    };
    const client = createClient({
      baseUrl: server.url,
      auth: bearer(provider),
      timeout: 200,
      retry: { limit: 1, delay: () => 0, jitter: false },
    });
    const { error, ms } = await elapsed(() => client.get('unsent'));
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toMatch(/timeout of 200 ms/);
    expect(ms).toBeGreaterThanOrEqual(380);
    expect(ms).toBeLessThan(3_000);
    // Both attempts wait on the one token request the cache shares (single flight); ms >= 380 shows the two attempts.
    expect(asked).toBe(1);
    expect(server.requestsTo('/unsent')).toHaveLength(0);
  });
});
