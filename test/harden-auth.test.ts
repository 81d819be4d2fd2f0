/**
 * Issue 13, auth items: a failing provider's error never names a token (5),
 * minted tokens stay bounded in the redactor (8), an issued token a header
 * cannot carry is an AuthError (13), a failed refresh fails its waiters once
 * (14), clientCredentials lifetimes and fetch (15), resource and params (16).
 */
import { inspect } from 'node:util';
import { afterEach, describe, expect, test, vi } from 'vitest';
import {
  AuthError,
  bearer,
  clientCredentials,
  createClient,
  isAuthError,
  type AuthStrategy,
  type ClientCredentialsOptions,
} from '../src/index.ts';
import { DEFAULT_TOKEN_LIFETIME_S } from '../src/auth/client-credentials.ts';
import { ISSUED_TOKENS_KEPT } from '../src/auth/strategy.ts';
import { createTokenCache, EXPIRY_SKEW_MS, type TokenGrant } from '../src/auth/token-cache.ts';
import { createRedactor } from '../src/core/redact.ts';
import type { SecretSink } from '../src/auth/types.ts';
import { startServer, wait } from './helpers/server.ts';

afterEach(() => {
  vi.useRealTimers();
});

const printed = (error: unknown) => {
  const cause = (error as Error).cause as Error | undefined;
  return [
    String(error),
    JSON.stringify(error),
    inspect(error, { depth: 10 }),
    (error as Error).stack ?? '',
    cause?.message ?? '',
    cause?.stack ?? '',
  ].join('\n');
};

/** A fetch standing in for a token endpoint (https://auth.test/token) and an API that reports the Authorization it got. */
function stubFetch(reply: (n: number) => unknown) {
  const tokenRequests: URLSearchParams[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    if (request.url.startsWith('https://auth.test/')) {
      tokenRequests.push(new URLSearchParams(await request.text()));
      return Response.json(reply(tokenRequests.length));
    }
    return Response.json({ authorization: request.headers.get('authorization') });
  };
  return { fetch, tokenRequests };
}

const ccOptions = (extra: Partial<ClientCredentialsOptions> = {}): ClientCredentialsOptions => ({
  tokenUrl: 'https://auth.test/token',
  clientId: 'hd-app',
  clientSecret: 'hd-client-secret-1',
  ...extra,
});

describe("a failing bearer provider's AuthError names no token (item 5)", () => {
  test('refresh of <token> failed: message, String, JSON, inspect, stack and cause are clean', async () => {
    const server = await startServer();
    server.route('/me', (_request, response) => void response.writeHead(401).end());
    let current = 'hd-first-token-0001';
    const auth = bearer(({ refresh }) => {
      if (refresh) throw new Error(`refresh of ${current} failed: session expired`);
      return { token: current, expiresIn: 3600 };
    });
    const api = createClient({ baseUrl: server.url, auth, retry: false });
    const error = await api.get('me').catch((e: unknown) => e);
    await server.close();
    expect(isAuthError(error)).toBe(true);
    expect((error as AuthError).message).toBe(
      'bearer token provider failed: refresh of [REDACTED] failed: session expired',
    );
    expect(printed(error)).not.toContain(current);
  });
});

describe('minted tokens stay bounded in the redactor (item 8)', () => {
  /** A real redactor that also counts the secrets registered with it right now, and the most ever. */
  const counting = () => {
    const real = createRedactor();
    const tally = { live: 0, peak: 0 };
    const redactor: SecretSink = {
      addHeader: (name) => real.addHeader(name),
      addQuery: (name) => real.addQuery(name),
      addSecret(secret) {
        tally.peak = Math.max(tally.peak, ++tally.live);
        real.addSecret(secret);
      },
      removeSecret(secret) {
        tally.live -= 1;
        real.removeSecret(secret);
      },
    };
    return { redactor, real, tally };
  };
  const target = () => ({ url: new URL('https://api.test/'), headers: new Headers(), fetch: globalThis.fetch });

  test('a provider minting a token per call: 10,000 tokens leave at most ISSUED_TOKENS_KEPT registered, the newest', async () => {
    let n = 0;
    const auth = bearer(() => `hd-minted-${++n}-token`);
    const { redactor, real, tally } = counting();
    auth.register!(redactor);
    for (let i = 0; i < 10_000; i++) await auth.authorize(target());
    expect(n).toBe(10_000);
    expect(tally.peak).toBeLessThanOrEqual(ISSUED_TOKENS_KEPT);
    expect(tally.live).toBe(ISSUED_TOKENS_KEPT);
    // The current token and the three before it (possibly still in flight) stay hidden; older ones are forgotten.
    expect(real.text('hd-minted-10000-token hd-minted-9997-token')).toBe('[REDACTED] [REDACTED]');
    expect(real.text('hd-minted-9996-token')).toBe('hd-minted-9996-token');
    // An old token is still hidden wherever a pattern covers it.
    expect(real.text('Authorization: Bearer hd-minted-1-token')).toBe('Authorization: Bearer [REDACTED]');
  });

  test('a redactor registered after the tokens were minted gets only the kept ones; fixed secrets are kept for good', async () => {
    const { fetch } = stubFetch((n) => ({ access_token: `hd-cc-token-${n}`, token_type: 'Bearer', expires_in: 3600 }));
    const auth: AuthStrategy = clientCredentials(ccOptions());
    let used = await auth.authorize({ ...target(), fetch });
    for (let i = 0; i < 50; i++) {
      await auth.refresh!(used, { ...target(), fetch });
      used = await auth.authorize({ ...target(), fetch });
    }
    const { redactor, real, tally } = counting();
    auth.register!(redactor);
    // clientSecret, its form-encoded form (the same here) and the Basic credentials, plus the kept tokens.
    expect(tally.live).toBeLessThanOrEqual(3 + ISSUED_TOKENS_KEPT);
    expect(real.text('hd-client-secret-1 hd-cc-token-51')).toBe('[REDACTED] [REDACTED]');
  });
});

describe('an issued token a header cannot carry is an AuthError (item 13)', () => {
  test.each([
    ['CR/LF', 'hd-token\r\nX-Injected: 1'],
    ['a character outside Latin-1', 'hd-token-€'],
  ])('clientCredentials: access_token with %s', async (_what, token) => {
    const { fetch } = stubFetch(() => ({ access_token: token, token_type: 'Bearer', expires_in: 3600 }));
    const api = createClient({ baseUrl: 'https://api.test/', fetch, auth: clientCredentials(ccOptions()) });
    const error = await api.get('me').catch((e: unknown) => e);
    expect(isAuthError(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /access_token from https:\/\/auth\.test\/token cannot go in an Authorization header/,
    );
    expect(printed(error)).not.toContain('hd-token');
  });

  test('a bearer provider returning a character outside Latin-1', async () => {
    const api = createClient({
      baseUrl: 'https://api.test/',
      fetch: async () => Response.json({}),
      auth: bearer(() => 'hd-token-€'),
    });
    const error = await api.get('me').catch((e: unknown) => e);
    expect(isAuthError(error)).toBe(true);
    expect(printed(error)).not.toContain('hd-token');
  });
});

describe('a failed refresh fails its waiters once (item 14)', () => {
  test('50 concurrent 401s with a refresh that throws: one provider refresh, 50 AuthErrors; the next call tries again', async () => {
    const server = await startServer();
    // The 401s arrive spread over ~100 ms, most of them after the refresh has already failed.
    server.route('/me', async (_request, response, n) => {
      await wait(2 * n);
      response.writeHead(401).end();
    });
    const calls = { load: 0, refresh: 0 };
    const auth = bearer(async ({ refresh }) => {
      if (!refresh) return (calls.load++, { token: 'hd-refused-token-1', expiresIn: 3600 });
      calls.refresh += 1;
      throw new Error('identity provider down');
    });
    const api = createClient({ baseUrl: server.url, auth, retry: false });
    const results = await Promise.all(Array.from({ length: 50 }, () => api.get('me').catch((e: unknown) => e)));
    expect(results.every((error) => isAuthError(error) && /identity provider down/.test(error.message))).toBe(true);
    expect(calls).toEqual({ load: 1, refresh: 1 });
    expect(server.requestsTo('/me')).toHaveLength(50);

    const next = await api.get('me').catch((e: unknown) => e);
    await server.close();
    expect(isAuthError(next)).toBe(true);
    expect(calls.refresh).toBe(2);
  });
});

describe('the token cache after a failed refresh (item 14)', () => {
  /** A loader whose refreshes fail until `healthy` is set. */
  const flaky = () => {
    const state = { healthy: false, loads: [] as boolean[] };
    const cache = createTokenCache(async (refresh): Promise<TokenGrant> => {
      state.loads.push(refresh);
      if (refresh && !state.healthy) throw new Error('refresh failed');
      return { token: `tc-${state.loads.length}`, expiresIn: 3600 };
    });
    return { state, cache };
  };

  test('uses from before the failure fail with its error, without a load; a use after it may try again', async () => {
    const { state, cache } = flaky();
    const [first, second] = await Promise.all([cache.use(), cache.use()]);
    await expect(cache.refresh(first)).rejects.toThrow('refresh failed');
    await expect(cache.refresh(second)).rejects.toThrow('refresh failed');
    expect(state.loads).toEqual([false, true]);
    const later = await cache.use();
    expect(later.token).toBe('tc-1');
    state.healthy = true;
    expect(await cache.refresh(later)).toBe(true);
    expect(state.loads).toEqual([false, true, true]);
    // A use from before the failure whose token has been replaced since repeats with the new one.
    expect(await cache.refresh(second)).toBe(true);
    expect(await cache.get()).toBe('tc-3');
  });
});

describe('clientCredentials lifetimes and fetch (item 15)', () => {
  test.each([
    ['null', null],
    ['missing', undefined],
    ['negative', -5],
    ['garbage', 'soon'],
  ])(
    'expires_in %s: the token is used for DEFAULT_TOKEN_LIFETIME_S minus the skew, then renewed once',
    async (_what, expiresIn) => {
      vi.useFakeTimers({ toFake: ['performance', 'Date'] });
      const { fetch, tokenRequests } = stubFetch((n) => ({
        access_token: `hd-life-token-${n}`,
        token_type: 'Bearer',
        expires_in: expiresIn,
      }));
      const api = createClient({ baseUrl: 'https://api.test/', fetch, auth: clientCredentials(ccOptions()) });
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
    const { fetch, tokenRequests } = stubFetch((n) => ({
      access_token: `hd-str-token-${n}`,
      token_type: 'Bearer',
      expires_in: '7200',
    }));
    const api = createClient({ baseUrl: 'https://api.test/', fetch, auth: clientCredentials(ccOptions()) });
    await api.get('me');
    vi.advanceTimersByTime(7200_000 - EXPIRY_SKEW_MS - 1000);
    await api.get('me');
    expect(tokenRequests).toHaveLength(1);
  });

  test('one strategy shared by two clients: each token request goes through the fetch of the call that needs it', async () => {
    vi.useFakeTimers({ toFake: ['performance', 'Date'] });
    const auth = clientCredentials(ccOptions());
    const a = stubFetch((n) => ({ access_token: `hd-a-token-${n}`, token_type: 'Bearer', expires_in: 60 }));
    const b = stubFetch((n) => ({ access_token: `hd-b-token-${n}`, token_type: 'Bearer', expires_in: 60 }));
    const apiA = createClient({ baseUrl: 'https://api.test/', fetch: a.fetch, auth });
    const apiB = createClient({ baseUrl: 'https://api.test/', fetch: b.fetch, auth });
    expect(await apiA.get('me').json()).toEqual({ authorization: 'Bearer hd-a-token-1' });
    expect(await apiB.get('me').json()).toEqual({ authorization: 'Bearer hd-a-token-1' }); // the cached token
    vi.advanceTimersByTime(60_000);
    expect(await apiB.get('me').json()).toEqual({ authorization: 'Bearer hd-b-token-1' });
    expect([a.tokenRequests.length, b.tokenRequests.length]).toEqual([1, 1]);
  });
});

describe('clientCredentials resource and params (item 16)', () => {
  test('resource (RFC 8707) as repeated form fields, params as extra fields', async () => {
    const { fetch, tokenRequests } = stubFetch(() => ({
      access_token: 'hd-res-token',
      token_type: 'Bearer',
      expires_in: 3600,
    }));
    const auth = clientCredentials(
      ccOptions({
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
    const { fetch, tokenRequests } = stubFetch(() => ({
      access_token: 'hd-res-token',
      token_type: 'Bearer',
      expires_in: 3600,
    }));
    await createClient({
      baseUrl: 'https://api.test/',
      fetch,
      auth: clientCredentials(ccOptions({ resource: 'https://api.test/v1' })),
    }).get('me');
    expect(tokenRequests[0]!.getAll('resource')).toEqual(['https://api.test/v1']);
  });

  test.each([
    [{ params: { grant_type: 'password' } }, /params\b.*cannot set grant_type/],
    [{ params: { client_id: 'other' } }, /cannot set client_id/],
    [{ params: { client_secret: 'x' } }, /cannot set client_secret/],
    [{ params: { scope: 'admin' } }, /cannot set scope/],
    [{ audience: 'a', params: { audience: 'b' } }, /audience both as an option and in params/],
    [{ params: { aud: 42 } }, /params\b.*aud must be a string/],
    [{ params: 'aud=x' }, /params\b.*must be an object/],
    [{ resource: 'api' }, /resource\b.*absolute URIs without a fragment/],
    [{ resource: ['https://api.test/#frag'] }, /resource\b.*absolute URIs without a fragment/],
  ])('%o is a TypeError naming the option', (extra, message) => {
    expect(() => clientCredentials(ccOptions(extra as never))).toThrow(TypeError);
    expect(() => clientCredentials(ccOptions(extra as never))).toThrow(message);
  });
});
