/**
 * Issue 13, credential items on the ky pipeline (DESIGN 3, 5): a global `document` does not
 * switch off redirect following in code (9), allowInsecure is a boolean (10), userinfo in
 * baseUrl is refused naming baseUrl (11), and a credential step that never settles is bounded
 * by the call's timeouts (12).
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { apiKey, bearer, createClient, TimeoutError } from '../src/index.ts';
import { elapsed, modes, startServer, type TestServer } from './helpers/server.ts';

let api: TestServer;
let other: TestServer;
beforeEach(async () => {
  [api, other] = await Promise.all([startServer(), startServer()]);
});
afterEach(async () => {
  await Promise.all([api.close(), other.close()]);
});

describe('9: redirects are followed in code by runtime capability, not by a `document` global', () => {
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
    api.route('/moved', (request, response) => {
      const query = request.url.split('?')[1];
      response.writeHead(302, { location: `${other.url}/landing?from=api${query ? `&${query}` : ''}` }).end();
    });
    const header = createClient({ baseUrl: api.url, auth: apiKey({ key: 'header-key-123', header: 'X-API-Key' }) });
    const query = createClient({ baseUrl: api.url, auth: apiKey({ key: 'query-key-456', query: 'appid' }) });

    expect(await header.get('moved').json()).toMatchObject({ url: '/landing?from=api' });
    expect(await query.get('moved').json()).toMatchObject({ url: expect.stringMatching(/^\/landing\?from=api/) });

    // The credential origin got the credential; the other origin did not.
    expect(api.requests[0]!.headers['x-api-key']).toBe('header-key-123');
    expect(api.requests[1]!.url).toBe('/moved?appid=query-key-456');
    expect(other.requests).toHaveLength(2);
    for (const received of other.requests) {
      expect(received.headers['x-api-key']).toBeUndefined();
      expect(received.url).not.toContain('query-key-456');
      expect(received.url).not.toContain('appid');
    }
  });

  test('a same-origin redirect keeps the credential (redirects are followed, not refused)', async () => {
    api.route('/old', modes.redirect('/new', 301));
    api.route('/new', modes.echo());
    const client = createClient({ baseUrl: api.url, auth: bearer('same-origin-token') });
    expect(await client.get('old').json()).toMatchObject({ url: '/new' });
    expect(api.requestsTo('/new')[0]!.headers.authorization).toBe('Bearer same-origin-token');
  });
});

describe('10: allowInsecure is a boolean', () => {
  test.each(['false', 'true', 0, 1, null])(
    'allowInsecure: %j is a TypeError naming the option, before any request',
    async (value) => {
      api.route('/x', modes.echo());
      expect(() => createClient({ baseUrl: api.url, auth: bearer('t'), allowInsecure: value as never })).toThrow(
        /option `allowInsecure` must be true or false/,
      );
      const client = createClient({ baseUrl: api.url, auth: bearer('t') });
      const { error } = await elapsed(() => client.get('x', { allowInsecure: value as never }));
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toMatch(/allowInsecure/);
      expect(() => client.extend({ allowInsecure: value as never })).toThrow(TypeError);
      expect(api.requests).toHaveLength(0);
    },
  );

  test('a token to plain http off loopback is refused unless allowInsecure is true (the boolean still works)', async () => {
    const sent: string[] = [];
    const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      sent.push(`${request.url} ${request.headers.get('authorization')}`);
      return Response.json({ ok: true });
    };
    const refused = createClient({ baseUrl: 'http://api.internal/', auth: bearer('plain-token'), fetch });
    await expect(refused.get('x')).rejects.toMatchObject({ name: 'AuthError' });
    expect(sent).toEqual([]);
    const allowed = createClient({
      baseUrl: 'http://api.internal/',
      auth: bearer('plain-token'),
      allowInsecure: true,
      fetch,
    });
    await allowed.get('x');
    expect(sent).toEqual(['http://api.internal/x Bearer plain-token']);
  });
});

describe('11: userinfo in baseUrl', () => {
  test('is refused at createClient, extend and per call, naming baseUrl and never echoing the password', async () => {
    api.route('/x', modes.echo());
    const withUser = `http://admin:hunter2-secret@127.0.0.1:${api.port}/`;
    const check = (error: unknown) => {
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toMatch(/option `baseUrl` must not contain a user name or password/);
      expect((error as Error).message).not.toContain('hunter2-secret');
      expect(String(error)).not.toContain('hunter2-secret');
    };
    let thrown: unknown;
    try {
      createClient({ baseUrl: withUser });
    } catch (error) {
      thrown = error;
    }
    check(thrown);
    const client = createClient({ baseUrl: api.url });
    thrown = undefined;
    try {
      client.extend({ baseUrl: withUser });
    } catch (error) {
      thrown = error;
    }
    check(thrown);
    check((await elapsed(() => client.get('x', { baseUrl: withUser }))).error);
    // A user name alone counts too.
    expect(() => createClient({ baseUrl: `http://admin@127.0.0.1:${api.port}/` })).toThrow(/baseUrl/);
    expect(api.requests).toHaveLength(0);
  });
});

describe('12: the call timeouts bound the credential step', () => {
  test('a provider that never settles with totalTimeout 500 ends as a TimeoutError after about 500 ms, no request sent', async () => {
    api.route('/x', modes.echo());
    const client = createClient({
      baseUrl: api.url,
      auth: bearer(() => new Promise<string>(() => {})),
      totalTimeout: 500,
    });
    const { error, ms } = await elapsed(() => client.get('x'));
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toMatch(/totalTimeout of 500 ms/);
    expect(ms).toBeGreaterThanOrEqual(450);
    expect(ms).toBeLessThan(3_000);
    expect(api.requests).toHaveLength(0);
  });

  test('with only a per-attempt timeout, each attempt of the credential step is cut at it and retried, then the call fails', async () => {
    api.route('/x', modes.echo());
    let asked = 0;
    const provider = () => {
      asked += 1;
      return new Promise<string>(() => {});
    };
    const client = createClient({
      baseUrl: api.url,
      auth: bearer(provider),
      timeout: 200,
      retry: { limit: 1, delay: () => 0, jitter: false },
    });
    const { error, ms } = await elapsed(() => client.get('x'));
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toMatch(/timeout of 200 ms/);
    expect(ms).toBeGreaterThanOrEqual(380);
    expect(ms).toBeLessThan(3_000);
    // Both attempts wait on the one token request the cache shares (single flight); ms >= 380 shows the two attempts.
    expect(asked).toBe(1);
    expect(api.requests).toHaveLength(0);
  });
});

describe('an option that may hold a credential is never echoed in its TypeError', () => {
  test.each([
    ['auth', { auth: 'sk-live-4f9a8b7c6d5e' }],
    ['headers', { headers: 'Authorization: Bearer sk-live-4f9a8b7c6d5e' }],
    ['baseUrl', { baseUrl: 'https//api.example.com/?key=sk-live-4f9a8b7c6d5e' }],
  ])('%s', (option, options) => {
    let error: unknown;
    try {
      createClient(options as never);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toContain(`option \`${option}\``);
    expect((error as Error).message).toMatch(/got a string of \d+ characters \(not shown: it may be a credential\)/);
    expect((error as Error).message).not.toContain('sk-live-4f9a8b7c6d5e');
  });
});
