/**
 * clientCredentials (RFC 6749 section 4.4) against a real token endpoint:
 * the request it sends, caching, single flight, expiry, 401 refresh, errors;
 * and, through a stub fetch, token lifetimes, resource and params.
 */
import { inspect } from 'node:util';
import type { ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import {
  AuthError,
  clientCredentials,
  createClient,
  HTTPError,
  isAuthError,
  type ClientCredentialsOptions,
} from '../src/index.ts';
import { DEFAULT_TOKEN_LIFETIME_S } from '../src/auth/client-credentials.ts';
import { EXPIRY_SKEW_MS } from '../src/auth/token-cache.ts';
import { printed } from './helpers/printed.ts';
import { modes, startServer, type ReceivedRequest, type TestServer, wait } from './helpers/server.ts';
import { stubClientCredentials, stubTokenFetch } from './helpers/token-fetch.ts';

const SECRET = 'cc-secret-5up3r:s/e+cr=t';
let server: TestServer;
beforeAll(async () => {
  server = await startServer();
  server.route('/echo', modes.echo());
});
afterAll(() => server.close());

/** A token endpoint on `path`: issues `tok-<path>-<n>` with `expires_in`, after `delayMs`. */
function tokenEndpoint(path: string, { expiresIn = 3600, delayMs = 0 }: { expiresIn?: number; delayMs?: number } = {}) {
  server.route(path, async (_request: ReceivedRequest, response: ServerResponse, n: number) => {
    await wait(delayMs);
    response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    response.end(
      JSON.stringify({
        access_token: `tok${path.replaceAll('/', '-')}-${n + 1}`,
        token_type: 'Bearer',
        expires_in: expiresIn,
      }),
    );
  });
  return `${server.url}${path}`;
}

const options = (tokenUrl: string, extra: Partial<ClientCredentialsOptions> = {}): ClientCredentialsOptions => ({
  tokenUrl,
  clientId: 'shop app',
  clientSecret: SECRET,
  ...extra,
});

describe('the token request', () => {
  test('form-encoded POST with client auth in a Basic header (default), scope and audience', async () => {
    const tokenUrl = tokenEndpoint('/t-basic');
    const api = createClient({
      baseUrl: server.url,
      auth: clientCredentials(
        options(tokenUrl, { scope: ['orders:read', 'orders:write'], audience: 'https://api.example' }),
      ),
    });
    expect(((await (await api.get('echo')).json()) as { headers: Record<string, string> }).headers.authorization).toBe(
      'Bearer tok-t-basic-1',
    );
    const [token] = server.requestsTo('/t-basic');
    expect(token!.method).toBe('POST');
    expect(token!.headers['content-type']).toBe('application/x-www-form-urlencoded;charset=UTF-8');
    expect(Object.fromEntries(new URLSearchParams(token!.body))).toEqual({
      grant_type: 'client_credentials',
      scope: 'orders:read orders:write',
      audience: 'https://api.example',
    });
    // RFC 6749 section 2.3.1: id and secret are form-encoded, then Basic-encoded.
    const decoded = Buffer.from((token!.headers.authorization as string).replace(/^Basic /, ''), 'base64').toString(
      'utf8',
    );
    expect(decoded).toBe(`shop+app:${new URLSearchParams({ s: SECRET }).toString().slice(2)}`);
  });

  test("method: 'body' puts client_id and client_secret in the form, no Authorization header", async () => {
    const tokenUrl = tokenEndpoint('/t-body');
    const api = createClient({
      baseUrl: server.url,
      auth: clientCredentials(options(tokenUrl, { method: 'body', scope: 'a b' })),
    });
    await api.get('echo');
    const [token] = server.requestsTo('/t-body');
    expect(token!.headers.authorization).toBeUndefined();
    expect(Object.fromEntries(new URLSearchParams(token!.body))).toEqual({
      grant_type: 'client_credentials',
      scope: 'a b',
      client_id: 'shop app',
      client_secret: SECRET,
    });
  });
});

describe('caching and single flight', () => {
  test('50 concurrent requests on a fresh client -> 1 token call', async () => {
    const tokenUrl = tokenEndpoint('/t-fifty', { delayMs: 50 });
    const api = createClient({ baseUrl: server.url, auth: clientCredentials(options(tokenUrl)) });
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => api.get('echo').json<{ headers: Record<string, string> }>()),
    );
    expect(server.requestsTo('/t-fifty')).toHaveLength(1);
    expect(new Set(responses.map((r) => r.headers.authorization))).toEqual(new Set(['Bearer tok-t-fifty-1']));
    await api.get('echo');
    expect(server.requestsTo('/t-fifty')).toHaveLength(1);
  });

  test('a token that lives no longer than the 30 s skew serves only the call that fetched it; concurrent calls share one fetch', async () => {
    const tokenUrl = tokenEndpoint('/t-expiry', { expiresIn: 4, delayMs: 20 });
    const api = createClient({ baseUrl: server.url, auth: clientCredentials(options(tokenUrl)) });
    await api.get('echo');
    await api.get('echo');
    expect(server.requestsTo('/t-expiry')).toHaveLength(2);
    const after = await Promise.all(
      Array.from({ length: 10 }, () => api.get('echo').json<{ headers: Record<string, string> }>()),
    );
    expect(server.requestsTo('/t-expiry')).toHaveLength(3);
    expect(new Set(after.map((r) => r.headers.authorization))).toEqual(new Set(['Bearer tok-t-expiry-3']));
  });

  test('expires_in: 0 is a token for this call only, never reused by the next (it was kept for 300 s)', async () => {
    const tokenUrl = tokenEndpoint('/t-zero', { expiresIn: 0 });
    const api = createClient({ baseUrl: server.url, auth: clientCredentials(options(tokenUrl)) });
    const first = await api.get('echo').json<{ headers: Record<string, string> }>();
    const second = await api.get('echo').json<{ headers: Record<string, string> }>();
    expect([first.headers.authorization, second.headers.authorization]).toEqual([
      'Bearer tok-t-zero-1',
      'Bearer tok-t-zero-2',
    ]);
    expect(server.requestsTo('/t-zero')).toHaveLength(2);
  });
});

describe('401', () => {
  test('401 -> one new token -> success (2 attempts); always 401 -> 2 attempts', async () => {
    const tokenUrl = tokenEndpoint('/t-401');
    server.route('/needs-2', (request, response) => {
      response.writeHead(request.headers.authorization === 'Bearer tok-t-401-2' ? 200 : 401).end();
    });
    const api = createClient({ baseUrl: server.url, auth: clientCredentials(options(tokenUrl)) });
    expect((await api.get('needs-2')).status).toBe(200);
    expect(server.requestsTo('/needs-2')).toHaveLength(2);
    expect(server.requestsTo('/t-401')).toHaveLength(2);

    server.route('/never', modes.json(401, { error: 'invalid_token' }));
    await expect(api.get('never')).rejects.toBeInstanceOf(HTTPError);
    expect(server.requestsTo('/never')).toHaveLength(2);
    expect(server.requestsTo('/t-401')).toHaveLength(3);
  });
});

describe('token endpoint failures', () => {
  const assertNoSecret = (error: unknown) => {
    for (const text of [
      (error as Error).message,
      String(error),
      JSON.stringify(error),
      inspect(error, { depth: 10 }),
      (error as Error).stack ?? '',
    ]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(encodeURIComponent(SECRET));
      expect(text).not.toContain(new URLSearchParams({ s: SECRET }).toString().slice(2));
    }
  };

  test('OAuth error -> AuthError with error and errorDescription, and no secret even when the server echoes it', async () => {
    server.route(
      '/t-bad',
      modes.json(401, { error: 'invalid_client', error_description: `client secret ${SECRET} is wrong` }),
    );
    const api = createClient({
      baseUrl: server.url,
      retry: false,
      auth: clientCredentials(options(`${server.url}/t-bad`)),
    });
    const before = server.requestsTo('/echo').length;
    const error = (await api.get('echo').catch((e: unknown) => e)) as AuthError;
    expect(error).toBeInstanceOf(AuthError);
    expect(error.error).toBe('invalid_client');
    expect(error.status).toBe(401);
    expect(error.errorDescription).toBe('client secret [REDACTED] is wrong');
    expect(error.message).toMatch(/token endpoint http:\/\/127\.0\.0\.1:\d+\/t-bad answered 401: invalid_client/);
    assertNoSecret(error);
    expect(server.requestsTo('/echo')).toHaveLength(before); // the API request never went out
  });

  test('a failed token fetch is not cached: the next call tries again', async () => {
    server.route(
      '/t-flaky',
      modes.sequence([
        { status: 503, body: { error: 'temporarily_unavailable' } },
        { status: 200, body: { access_token: 'tok-flaky-ok', token_type: 'bearer' } },
      ]),
    );
    const api = createClient({ baseUrl: server.url, auth: clientCredentials(options(`${server.url}/t-flaky`)) });
    await expect(api.get('echo')).rejects.toMatchObject({
      name: 'AuthError',
      error: 'temporarily_unavailable',
      status: 503,
    });
    expect(((await api.get('echo').json()) as { headers: Record<string, string> }).headers.authorization).toBe(
      'Bearer tok-flaky-ok',
    );
  });

  test('non-JSON, missing access_token, unsupported token_type, unreachable, too slow', async () => {
    server.route('/t-html', modes.html(200));
    server.route('/t-mac', modes.json(200, { access_token: 'x-mac-token', token_type: 'mac' }));
    server.route('/t-hang', modes.hang());
    const cases: Array<[string, RegExp, Partial<ClientCredentialsOptions>?]> = [
      [`${server.url}/t-html`, /without an access_token in a JSON body/],
      [`${server.url}/t-mac`, /issued a token of type "mac"; only token_type "bearer" is supported/],
      ['http://127.0.0.1:1/token', /token request to http:\/\/127\.0\.0\.1:1\/token failed/],
      [`${server.url}/t-hang`, /did not answer within 200 ms/, { timeout: 200 }],
    ];
    for (const [tokenUrl, message, extra] of cases) {
      const api = createClient({ baseUrl: server.url, auth: clientCredentials(options(tokenUrl, extra)) });
      const error = await api.get('echo').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthError);
      expect((error as Error).message).toMatch(message);
      assertNoSecret(error);
    }
  });

  test('a plain-http token endpoint is refused before any request (the secret would travel in clear)', async () => {
    let calls = 0;
    const fetch = async () => (calls++, new Response('{}'));
    const api = createClient({
      baseUrl: 'https://api.example.test/',
      fetch,
      auth: clientCredentials(options('http://auth.example.test/token')),
    });
    await expect(api.get('x')).rejects.toThrow(
      /clientCredentials credentials need https \(or allowInsecure\) for http:\/\/auth\.example\.test/,
    );
    expect(calls).toBe(0);
  });

  test('bad options are TypeErrors naming them', () => {
    expect(() => clientCredentials(options('not a url'))).toThrow(/tokenUrl/);
    expect(() => clientCredentials({ ...options('https://a.test/t'), clientSecret: undefined as never })).toThrow(
      /clientSecret.*environment variable/,
    );
    expect(() => clientCredentials(options('https://a.test/t', { method: 'jwt' as never }))).toThrow(/method/);
  });

  test.each([
    ['CR/LF', 'hd-token\r\nX-Injected: 1'],
    ['a character outside Latin-1', 'hd-token-€'],
  ])('an access_token with %s cannot go in a header: an AuthError naming no token', async (_what, token) => {
    const { fetch } = stubTokenFetch(() => ({ access_token: token, token_type: 'Bearer', expires_in: 3600 }));
    const api = createClient({ baseUrl: 'https://api.test/', fetch, auth: clientCredentials(stubClientCredentials()) });
    const error = await api.get('me').catch((e: unknown) => e);
    expect(isAuthError(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /access_token from https:\/\/auth\.test\/token cannot go in an Authorization header/,
    );
    expect(printed(error)).not.toContain('hd-token');
  });
});

describe('token lifetimes, and the fetch each token request goes through', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  test.each([
    ['null', null],
    ['missing', undefined],
    ['negative', -5],
    ['garbage', 'soon'],
  ])(
    'expires_in %s: the token is used for DEFAULT_TOKEN_LIFETIME_S minus the skew, then renewed once',
    async (_what, expiresIn) => {
      vi.useFakeTimers({ toFake: ['performance', 'Date'] });
      const { fetch, tokenRequests } = stubTokenFetch((n) => ({
        access_token: `hd-life-token-${n}`,
        token_type: 'Bearer',
        expires_in: expiresIn,
      }));
      const api = createClient({
        baseUrl: 'https://api.test/',
        fetch,
        auth: clientCredentials(stubClientCredentials()),
      });
      for (let i = 0; i < 3; i++)
        expect(await api.get('me').json()).toEqual({ authorization: 'Bearer hd-life-token-1' });
      expect(tokenRequests).toHaveLength(1);
      vi.advanceTimersByTime(DEFAULT_TOKEN_LIFETIME_S * 1000 - EXPIRY_SKEW_MS - 1000);
      await api.get('me');
      expect(tokenRequests).toHaveLength(1);
      vi.advanceTimersByTime(2000);
      expect(await api.get('me').json()).toEqual({ authorization: 'Bearer hd-life-token-2' });
      expect(tokenRequests).toHaveLength(2);
    },
  );

  test('expires_in as a numeric string ("7200") is read as seconds', async () => {
    vi.useFakeTimers({ toFake: ['performance', 'Date'] });
    const { fetch, tokenRequests } = stubTokenFetch((n) => ({
      access_token: `hd-str-token-${n}`,
      token_type: 'Bearer',
      expires_in: '7200',
    }));
    const api = createClient({ baseUrl: 'https://api.test/', fetch, auth: clientCredentials(stubClientCredentials()) });
    await api.get('me');
    vi.advanceTimersByTime(7200_000 - EXPIRY_SKEW_MS - 1000);
    await api.get('me');
    expect(tokenRequests).toHaveLength(1);
  });

  test('one strategy shared by two clients: each token request goes through the fetch of the call that needs it', async () => {
    vi.useFakeTimers({ toFake: ['performance', 'Date'] });
    const auth = clientCredentials(stubClientCredentials());
    const a = stubTokenFetch((n) => ({ access_token: `hd-a-token-${n}`, token_type: 'Bearer', expires_in: 60 }));
    const b = stubTokenFetch((n) => ({ access_token: `hd-b-token-${n}`, token_type: 'Bearer', expires_in: 60 }));
    const apiA = createClient({ baseUrl: 'https://api.test/', fetch: a.fetch, auth });
    const apiB = createClient({ baseUrl: 'https://api.test/', fetch: b.fetch, auth });
    expect(await apiA.get('me').json()).toEqual({ authorization: 'Bearer hd-a-token-1' });
    expect(await apiB.get('me').json()).toEqual({ authorization: 'Bearer hd-a-token-1' }); // the cached token
    vi.advanceTimersByTime(60_000);
    expect(await apiB.get('me').json()).toEqual({ authorization: 'Bearer hd-b-token-1' });
    expect([a.tokenRequests.length, b.tokenRequests.length]).toEqual([1, 1]);
  });
});

describe('resource and params', () => {
  test('resource (RFC 8707) as repeated form fields, params as extra fields', async () => {
    const { fetch, tokenRequests } = stubTokenFetch(() => ({
      access_token: 'hd-res-token',
      token_type: 'Bearer',
      expires_in: 3600,
    }));
    const auth = clientCredentials(
      stubClientCredentials({
        scope: 'read',
        resource: ['https://api.test/', 'https://files.test/'],
        params: { aud: 'hd-audience', tenant: ['t1', 't2'] },
      }),
    );
    await createClient({ baseUrl: 'https://api.test/', fetch, auth }).get('me');
    expect([...tokenRequests[0]!]).toEqual([
      ['grant_type', 'client_credentials'],
      ['scope', 'read'],
      ['resource', 'https://api.test/'],
      ['resource', 'https://files.test/'],
      ['aud', 'hd-audience'],
      ['tenant', 't1'],
      ['tenant', 't2'],
    ]);
  });

  test('a single resource string', async () => {
    const { fetch, tokenRequests } = stubTokenFetch(() => ({
      access_token: 'hd-res-token',
      token_type: 'Bearer',
      expires_in: 3600,
    }));
    await createClient({
      baseUrl: 'https://api.test/',
      fetch,
      auth: clientCredentials(stubClientCredentials({ resource: 'https://api.test/v1' })),
    }).get('me');
    expect(tokenRequests[0]!.getAll('resource')).toEqual(['https://api.test/v1']);
  });

  test.each([
    [{ params: { grant_type: 'password' } }, /option `clientCredentials\(\{ params.grant_type \}\)` must be left out/],
    [{ params: { client_id: 'other' } }, /params.client_id \}\)` must be left out: sturdy sets it/],
    [{ params: { client_secret: 'x' } }, /params.client_secret \}\)` must be left out: sturdy sets it/],
    [{ params: { scope: 'admin' } }, /params.scope \}\)` must be left out: sturdy sets it/],
    [{ audience: 'a', params: { audience: 'b' } }, /params.audience \}\)` must be left out when the `audience` option/],
    // A param's value may be a secret (a client assertion): described, never echoed.
    [{ params: { aud: 42 } }, /params.aud \}\)` must be a string or a list of strings; got number \(not shown\)$/],
    [{ params: 'aud=x' }, /params \}\)` must be an object of form fields.*; got string \(not shown\)$/],
    [{ resource: 'api' }, /resource\b.*absolute URIs without a fragment/],
    [{ resource: ['https://api.test/#frag'] }, /resource\b.*absolute URIs without a fragment/],
    // A URI may carry a user name and password: never echoed.
    [
      { resource: 'https://me:pw-1234@api.test/#f' },
      /resource \}\)` must be absolute URIs.*; got string \(not shown\)$/,
    ],
  ])('%o is a TypeError naming the option', (extra, message) => {
    expect(() => clientCredentials(stubClientCredentials(extra as never))).toThrow(TypeError);
    expect(() => clientCredentials(stubClientCredentials(extra as never))).toThrow(message);
  });
});
