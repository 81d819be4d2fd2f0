/**
 * Redirects of credentialed requests, followed by sturdy (redirect.ts) against
 * two real servers: credentials never reach the second origin, the Fetch
 * standard's method/body rules, the 20-redirect limit, and following in code
 * chosen by what the runtime can do, not by a `document` global.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { apiKey, bearer, createClient, isRedirectError, RedirectError, type AuthStrategy } from '../src/index.ts';
import { modes, startServer, type TestServer } from './helpers/server.ts';

let home: TestServer;
let other: TestServer;
beforeAll(async () => {
  [home, other] = await Promise.all([startServer(), startServer()]);
  for (const server of [home, other]) server.route('/echo', modes.echo());
});
afterAll(() => Promise.all([home.close(), other.close()]));

const strategies: Array<[string, () => AuthStrategy]> = [
  ['bearer', () => bearer('redirect-token-1')],
  ['apiKey header', () => apiKey({ key: 'redirect-key-1' })],
  ['apiKey query', () => apiKey({ key: 'redirect-key-2', query: 'api_key' })],
];

describe('credentials never follow a redirect to another origin', () => {
  test.each(strategies)('%s: 307 to a second origin arrives without credentials', async (_name, strategy) => {
    home.route('/to-other', (request, response) => {
      // Echo the query in the Location, as many servers do: a key in it must be stripped.
      const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
      response.writeHead(307, { location: `${other.url}/echo${query}` }).end();
    });
    const before = other.requests.length;
    const api = createClient({ baseUrl: home.url, auth: strategy() });
    const response = await api.get('to-other', { searchParams: { page: 1 } });
    expect(response.status).toBe(200);
    const first = home.requestsTo('/to-other').at(-1)!;
    expect(first.headers.authorization ?? first.headers['x-api-key'] ?? first.url).toMatch(/redirect-(token|key)-\d/);
    const arrived = other.requests.slice(before);
    expect(arrived).toHaveLength(1);
    expect(arrived[0]!.headers.authorization).toBeUndefined();
    expect(arrived[0]!.headers['x-api-key']).toBeUndefined();
    expect(arrived[0]!.url).toBe('/echo?page=1');
  });

  test('once the chain has left, credentials are not restored when it comes back', async () => {
    home.route('/away', modes.redirect(`${other.url}/back`, 302));
    other.route('/back', modes.redirect(`${home.url}/echo`, 302));
    const api = createClient({ baseUrl: home.url, auth: bearer('round-trip-token') });
    const before = home.requestsTo('/echo').length;
    await api.get('away');
    expect(home.requestsTo('/away').at(-1)!.headers.authorization).toBe('Bearer round-trip-token');
    expect(other.requestsTo('/back').at(-1)!.headers.authorization).toBeUndefined();
    const back = home.requestsTo('/echo').slice(before);
    expect(back).toHaveLength(1);
    expect(back[0]!.headers.authorization).toBeUndefined();
  });

  test('a 401 from beyond the credential origins (they never saw the token) triggers no refresh and no repeat', async () => {
    home.route('/to-401', modes.redirect(`${other.url}/denied`, 302));
    other.route('/denied', modes.json(401, { error: 'login at the CDN' }));
    let refreshes = 0;
    const api = createClient({
      baseUrl: home.url,
      auth: bearer(({ refresh }) => ((refreshes += refresh ? 1 : 0), { token: 'cdn-token' })),
    });
    const error = await api.get('to-401').catch((e: unknown) => e);
    expect((error as { response: Response }).response.status).toBe(401);
    expect(refreshes).toBe(0);
    expect(home.requestsTo('/to-401')).toHaveLength(1);
  });

  test('a redirect within the credential origins keeps them', async () => {
    home.route('/moved', modes.redirect('/echo', 308));
    const api = createClient({ baseUrl: home.url, auth: bearer('same-origin-token') });
    const body = (await api.get('moved').json()) as { headers: Record<string, string> };
    expect(body.headers.authorization).toBe('Bearer same-origin-token');
  });

  test('a listed origin keeps them across the redirect', async () => {
    home.route('/to-listed', modes.redirect(`${other.url}/echo`));
    const api = createClient({ baseUrl: home.url, auth: bearer('listed-origin-token', { origins: [other.url] }) });
    const body = (await api.get('to-listed').json()) as { headers: Record<string, string> };
    expect(body.headers.authorization).toBe('Bearer listed-origin-token');
  });
});

describe('redirects are followed in code by runtime capability, not by a `document` global', () => {
  const global = globalThis as { document?: unknown };
  let saved: PropertyDescriptor | undefined;
  beforeEach(() => {
    // What jsdom, happy-dom and SSR shims do in Node.
    saved = Object.getOwnPropertyDescriptor(globalThis, 'document');
    global.document = {};
  });
  afterEach(() => {
    if (saved) Object.defineProperty(globalThis, 'document', saved);
    else delete global.document;
  });

  test('a 302 to another origin carries neither the X-API-Key header nor the ?appid= key', async () => {
    other.route('/landing', modes.echo());
    // A host move that keeps the query (as proxies do): the key would ride along in the Location.
    home.route('/moved-with-key', (request, response) => {
      const query = request.url.split('?')[1];
      response.writeHead(302, { location: `${other.url}/landing?from=api${query ? `&${query}` : ''}` }).end();
    });
    const header = createClient({ baseUrl: home.url, auth: apiKey({ key: 'header-key-123', header: 'X-API-Key' }) });
    const query = createClient({ baseUrl: home.url, auth: apiKey({ key: 'query-key-456', query: 'appid' }) });

    expect(await header.get('moved-with-key').json()).toMatchObject({ url: '/landing?from=api' });
    expect(await query.get('moved-with-key').json()).toMatchObject({
      url: expect.stringMatching(/^\/landing\?from=api/),
    });

    // The credential origin got the credential; the other origin did not.
    expect(home.requestsTo('/moved-with-key')[0]!.headers['x-api-key']).toBe('header-key-123');
    expect(home.requestsTo('/moved-with-key')[1]!.url).toBe('/moved-with-key?appid=query-key-456');
    expect(other.requestsTo('/landing')).toHaveLength(2);
    for (const received of other.requestsTo('/landing')) {
      expect(received.headers['x-api-key']).toBeUndefined();
      expect(received.url).not.toContain('query-key-456');
      expect(received.url).not.toContain('appid');
    }
  });

  test('a same-origin redirect keeps the credential (redirects are followed, not refused)', async () => {
    home.route('/old', modes.redirect('/new', 301));
    home.route('/new', modes.echo());
    const client = createClient({ baseUrl: home.url, auth: bearer('same-origin-token') });
    expect(await client.get('old').json()).toMatchObject({ url: '/new' });
    expect(home.requestsTo('/new')[0]!.headers.authorization).toBe('Bearer same-origin-token');
  });
});

describe('Fetch standard redirect rules', () => {
  test('303 after POST becomes GET without a body or content-type', async () => {
    home.route('/create', modes.redirect('/echo', 303));
    const api = createClient({ baseUrl: home.url, auth: bearer('post-token-1') });
    const body = (await api.post('create', { json: { sku: 'A1' } }).json()) as {
      method: string;
      body: unknown;
      headers: Record<string, string>;
    };
    expect(home.requestsTo('/create').at(-1)!.body).toBe('{"sku":"A1"}');
    expect(body.method).toBe('GET');
    expect(body.body).toBeUndefined();
    expect(body.headers['content-type']).toBeUndefined();
    expect(body.headers.authorization).toBe('Bearer post-token-1');
  });

  test.each([301, 302])('%i after POST becomes GET; after PUT keeps PUT and the body', async (status) => {
    home.route(`/legacy-${status}`, modes.redirect('/echo', status));
    const api = createClient({ baseUrl: home.url, auth: bearer('legacy-token') });
    const post = (await api.post(`legacy-${status}`, { json: { a: 1 } }).json()) as { method: string; body: unknown };
    expect(post.method).toBe('GET');
    expect(post.body).toBeUndefined();
    const put = (await api.put(`legacy-${status}`, { json: { a: 2 } }).json()) as { method: string; body: unknown };
    expect(put).toMatchObject({ method: 'PUT', body: { a: 2 } });
  });

  test.each([307, 308])(
    '%i keeps POST and re-sends the JSON body from its string, to another origin without credentials',
    async (status) => {
      home.route(`/keep-${status}`, modes.redirect(`${other.url}/echo`, status));
      const api = createClient({ baseUrl: home.url, auth: bearer('keep-token') });
      const body = (await api.post(`keep-${status}`, { json: { sku: 'A1', qty: 2 } }).json()) as {
        method: string;
        body: unknown;
        headers: Record<string, string>;
      };
      expect(body.method).toBe('POST');
      expect(body.body).toEqual({ sku: 'A1', qty: 2 });
      expect(body.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(body.headers['idempotency-key']).toBe(
        home.requestsTo(`/keep-${status}`).at(-1)!.headers['idempotency-key'],
      );
      expect(body.headers.authorization).toBeUndefined();
    },
  );

  test('a redirect loop stops after 20 redirects with an error that says so (and is not retried)', async () => {
    home.route('/loop', modes.redirect('/loop', 302));
    const api = createClient({ baseUrl: home.url, auth: bearer('loop-token') });
    const before = home.requestsTo('/loop').length;
    const error = await api.get('loop').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedirectError);
    expect(isRedirectError(error)).toBe(true);
    expect((error as RedirectError).message).toMatch(/^over 20 redirects \(30\d from GET /);
    expect((error as RedirectError).redirects).toBe(20);
    expect(home.requestsTo('/loop').length - before).toBe(21);
  });

  test('a chain of slow redirects is bounded by totalTimeout, not by 20 × timeout', async () => {
    home.route('/slow-hop', async (_request, response) => {
      await new Promise((resolve) => setTimeout(resolve, 150));
      response.writeHead(302, { location: '/slow-hop' }).end();
    });
    const api = createClient({ baseUrl: home.url, auth: bearer('slow-token'), retry: false, totalTimeout: 600 });
    const started = performance.now();
    const error = await api.get('slow-hop').catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    expect(error).toMatchObject({ name: 'TimeoutError', timeout: 'total' });
    expect(elapsed).toBeGreaterThanOrEqual(590);
    expect(elapsed).toBeLessThan(2_500); // 20 hops would take over 3 s
  });

  test('a streaming body cannot be sent again for a 307: a RedirectError says to pass a factory', async () => {
    home.route('/stream-307', modes.redirect('/echo', 307));
    const api = createClient({ baseUrl: home.url, auth: bearer('stream-token'), retry: false });
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('chunk'));
        controller.close();
      },
    });
    const error = await api.post('stream-307', { body: stream, duplex: 'half' } as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedirectError);
    expect((error as Error).message).toMatch(/pass `body` as a function/);
    // A factory works.
    const body = (await api.post('stream-307', { body: () => 'fresh body' }).json()) as { body: unknown };
    expect(body.body).toBe('fresh body');
  });

  test('requests without credentials are left to fetch (which follows redirects itself)', async () => {
    home.route('/plain-redirect', modes.redirect(`${other.url}/echo`, 302));
    const api = createClient({ baseUrl: home.url });
    expect((await api.get('plain-redirect')).url).toBe(`${other.url}/echo`);
    const withAuth = createClient({ baseUrl: home.url, auth: bearer('no-auth-call') });
    const body = (await withAuth.get('plain-redirect', { auth: false }).json()) as { headers: Record<string, string> };
    expect(body.headers.authorization).toBeUndefined();
  });

  test("the caller's own redirect: 'manual' is respected", async () => {
    home.route('/manual', modes.redirect(`${other.url}/echo`, 302));
    const api = createClient({ baseUrl: home.url, auth: bearer('manual-token'), throwHttpErrors: false });
    const response = await api.get('manual', { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(`${other.url}/echo`);
  });
});

test('a custom strategy that registers nothing: the header and query parameter its authorize sets are stripped when a redirect leaves', async () => {
  const { credentialPolicy } = await import('../src/index.ts');
  const strategy: AuthStrategy = {
    kind: 'sturdy.auth',
    type: 'custom',
    policy: credentialPolicy,
    authorize: ({ headers, url }) => {
      headers.set('x-token', 'custom-secret-123');
      url.searchParams.set('sig', 'custom-sig-456');
    },
  };
  home.route(
    '/custom-leaves',
    (_request, response) => void response.writeHead(302, { location: `${other.url}/custom-landing?page=2` }).end(),
  );
  other.route('/custom-landing', modes.json(200, { ok: true }));
  const api = createClient({ baseUrl: `${home.url}/`, auth: strategy });
  expect(await api.get('custom-leaves').json()).toEqual({ ok: true });
  const [sent] = home.requestsTo('/custom-leaves');
  expect(sent!.headers['x-token']).toBe('custom-secret-123');
  expect(sent!.url).toContain('sig=custom-sig-456');
  const [landed] = other.requestsTo('/custom-landing');
  expect(landed!.headers['x-token']).toBeUndefined();
  expect(landed!.url).toBe('/custom-landing?page=2');
});
