/**
 * A stand-in for a token endpoint and an API in one `fetch`, for clientCredentials tests that need
 * no sockets: what the token endpoint was sent, and which Authorization the API received.
 */
import { bearerFrom, type TokenLoader, type TokenUse } from '../../src/auth/token-cache.ts';
import type { ClientCredentialsOptions } from '../../src/index.ts';

/**
 * A fetch answering https://auth.test/ with `reply(n)` (n counts token requests from 1) and every
 * other URL with `{ authorization }` as received; `tokenRequests` holds each token request's form.
 * @example
 * const { fetch, tokenRequests } = stubTokenFetch((n) => ({ access_token: `t-${n}`, token_type: 'Bearer' }));
 */
export function stubTokenFetch(reply: (n: number) => unknown) {
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

/** clientCredentials options for the stub's token endpoint (https://auth.test/token), with `extra` on top. */
export const stubClientCredentials = (extra: Partial<ClientCredentialsOptions> = {}): ClientCredentialsOptions => ({
  tokenUrl: 'https://auth.test/token',
  clientId: 'hd-app',
  clientSecret: 'hd-client-secret-1',
  ...extra,
});

/**
 * The token cache of `bearerFrom` with `use()` (what authorize returns), `get()`, the token alone, and `refresh`
 * of a bare token (a use that saw no failed refresh), for tests that only look at which token a use gets.
 * @example
 * const cache = tokenCache(async () => ({ token: 't1' })); expect(await cache.get()).toBe('t1');
 */
export function tokenCache(load: TokenLoader<undefined>) {
  const { authorize, refresh } = bearerFrom((refresh) => load(refresh, undefined));
  const target = () => ({ url: new URL('https://api.test/'), headers: new Headers(), fetch: globalThis.fetch });
  const use = async (): Promise<TokenUse> => (await authorize(target())) as TokenUse;
  return {
    use,
    get: async () => (await use()).token,
    refresh: (used: TokenUse | string) => refresh(typeof used === 'string' ? { token: used } : used, target()),
  };
}
