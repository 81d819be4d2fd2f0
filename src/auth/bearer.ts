/**
 * `bearer`: `Authorization: Bearer <token>` (RFC 6750) from a fixed token or
 * from a provider, with caching, single flight and one refresh after a 401.
 */
import { AuthError } from '../core/errors.ts';
import { checkCredential, createSecrets, type ScopeOptions, strategy } from './strategy.ts';
import { bearerFrom, isIssuedToken, type TokenGrant } from './token-cache.ts';
import type { AuthStrategy } from './types.ts';

/**
 * What a provider may return: the token, or the token with its lifetime in seconds.
 * @example
 * 'eyJhbGciOi...' | { token: 'eyJhbGciOi...', expiresIn: 3600 }
 */
export type BearerToken = string | TokenGrant;

/**
 * Gives the token. Called with `{ refresh: true }` after the server refused
 * the previous token (401), so the provider knows to fetch a new one.
 *
 * - A string is used for the calls in flight at that moment and asked for
 *   again on the next call (so `() => session.token` follows your session).
 * - `{ token, expiresIn }` is cached for `expiresIn` seconds minus a 30 s skew.
 * - `{ token }` is cached until a 401.
 *
 * Every token it returns is hidden in what sturdy prints; the last four stay registered (one may still be in
 * flight), older ones only where a pattern covers them (`Authorization`, `Bearer <token>`, `access_token=`).
 * @example
 * const provider: BearerProvider = async ({ refresh }) => ({ token: await session.token({ force: refresh }), expiresIn: 900 });
 */
export type BearerProvider = (context: { refresh: boolean }) => BearerToken | Promise<BearerToken>;

/**
 * Options of `bearer`: where the token may go.
 * @example
 * bearer(token, { origins: ['https://uploads.example.com'] })
 */
export type BearerOptions = ScopeOptions;

/**
 * Sends `Authorization: Bearer <token>` to the client's credential origins.
 * @example
 * // A fixed token from the environment:
 * createClient({ baseUrl: 'https://api.example.com/', auth: bearer(process.env.API_TOKEN!) });
 * // A provider: called again with { refresh: true } after a 401.
 * createClient({ baseUrl, auth: bearer(async ({ refresh }) => ({ token: await session.token(refresh), expiresIn: 3600 })) });
 */
export function bearer(token: string | BearerProvider, options: BearerOptions = {}): AuthStrategy {
  // A fixed token is a secret for the strategy's lifetime; a provider's are issued as they come.
  const secrets = createSecrets(...(typeof token === 'function' ? [] : [checkCredential(token, 'bearer(token)')]));
  // A fixed token goes through the same cache as a provider's (it never expires): one code path, no second one.
  const load = async (refresh: boolean): Promise<TokenGrant> => {
    if (typeof token !== 'function') return { token };
    let value: unknown;
    try {
      value = await token({ refresh });
    } catch (error) {
      // A token its message names is hidden with every other error's: the call redacts what it hands out.
      throw new AuthError(`bearer token provider failed: ${(error as Error)?.message ?? error}`, { cause: error });
    }
    // A bare string has no known lifetime: it serves the callers already waiting for it, and the next call asks again.
    const { token: issued, expiresIn }: TokenGrant =
      typeof value === 'string' ? { token: value, expiresIn: 0 } : Object(value);
    if (!isIssuedToken(issued) || !(expiresIn === undefined || (typeof expiresIn === 'number' && expiresIn >= 0)))
      throw new AuthError('bearer token provider must return a Latin-1 token or { token, expiresIn }');
    secrets.issue(issued);
    // A new object: a getter on the provider's could give another token on a second read.
    return { token: issued, expiresIn };
  };
  return strategy('bearer', options, { ...bearerFrom(load), register: secrets.register });
}
