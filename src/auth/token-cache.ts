/**
 * The token cache both `bearer` providers and `clientCredentials` use: one
 * in-flight load shared by every caller (single flight), reuse until the
 * token's lifetime minus a skew, and the 401 rule of DESIGN.md section 3.
 */
import { now } from '../shared/clock.ts';
import type { AuthStrategy } from './types.ts';

/**
 * What a token source gives: the token and, when known, its lifetime in seconds (OAuth `expires_in`).
 * @example
 * bearer(async () => ({ token: await fetchToken(), expiresIn: 3600 }))
 */
export type TokenGrant = {
  token: string;
  /** Seconds the token is valid from now; omitted = valid until a 401 says otherwise. */
  expiresIn?: number | undefined;
};

/**
 * Loads a token; `refresh` is true when the previous one was refused (401). `context` is what the caller
 * that started this load passed (clientCredentials: its call's fetch); concurrent callers share the load.
 * @example
 * const load: TokenLoader = async (refresh) => ({ token: await login({ force: refresh }) });
 */
export type TokenLoader<Context = undefined> = (refresh: boolean, context: Context) => Promise<TokenGrant>;

/**
 * A token as one call used it (what `authorize` returns), for `refresh` after a 401: `failed` is the last failed
 * refresh seen before, so a call that used a token whose refresh has failed since fails with that error instead
 * of refreshing again.
 * @example
 * const used = await authorize(target); // { token: 'tc-1', failed: undefined }
 */
export type TokenUse = { readonly token: string; readonly failed: Failure | undefined };

/** A failed refresh: the token it was to replace and its error. */
type Failure = { token: string; error: unknown };

/**
 * A token is renewed this long before it expires, so it never expires in flight
 * (at most half its lifetime, so a 40 s token is used for 20 s).
 * @example
 * expires_in 3600 -> renewed after 3570 s
 */
export const EXPIRY_SKEW_MS = 30_000;

/**
 * How long before its expiry a token of `lifetimeMs` is renewed: the skew, but never more than half its
 * lifetime. The one rule for this cache and for a token shared through a store (token-store.ts).
 * @example
 * renewBeforeMs(3_600_000) // 30_000
 */
export const renewBeforeMs = (lifetimeMs: number): number => Math.min(EXPIRY_SKEW_MS, lifetimeMs / 2);

/**
 * Does a token of this lifetime (seconds) serve only the call that fetched it? One that lives no longer than the
 * skew would expire in flight if reused (`expires_in: 0`, a bare string from a bearer provider).
 * @example
 * servesOneCall(0) // true; servesOneCall(3600) // false; servesOneCall(undefined) // false (valid until a 401)
 */
export const servesOneCall = (expiresIn: number | undefined): boolean =>
  expiresIn !== undefined && expiresIn * 1000 <= EXPIRY_SKEW_MS;

/**
 * `authorize` and `refresh` of a strategy sending `Authorization: Bearer <token>` from a token cache over `load`
 * (its context: the call's fetch, which a token request uses): one load shared by every concurrent caller, the
 * token reused until its lifetime minus renewBeforeMs (forever without one). After a 401, `refresh` resolves
 * true when a repeat makes sense: concurrent failures on the same token share ONE load; a caller whose token was
 * already replaced gets true at once and repeats with the new one. A failed refresh fails every call that used
 * the refused token before it failed, once, with its error; a call that gets the token afterwards may try
 * again. A caller that stops waiting (an abort) does so around these promises (the credential policy races
 * them with the call's signal): a load is shared.
 * @example
 * return strategy('bearer', options, { ...bearerFrom(load), register });
 */
export function bearerFrom(
  load: TokenLoader<typeof globalThis.fetch>,
): Required<Pick<AuthStrategy, 'authorize' | 'refresh'>> {
  // The current token and when it is renewed (0: it serves only the call that fetched it, never a later one).
  let current: string | undefined;
  let expiresAt = 0;
  let flight: Promise<string> | undefined;
  // Calls told to repeat after a 401 are owed the refreshed token, even a one-shot one:
  // asking the provider again without `refresh` could hand back the refused token.
  let owed = 0;
  // The last failed refresh (a new object for each).
  let failed: Failure | undefined;

  const start = (refresh: boolean, fetch: typeof globalThis.fetch): Promise<string> => {
    owed = 0;
    const promise = load(refresh, fetch).then(({ token, expiresIn }) => {
      const lifetimeMs = expiresIn === undefined ? Infinity : expiresIn * 1000;
      expiresAt = servesOneCall(expiresIn) ? 0 : now() + lifetimeMs - renewBeforeMs(lifetimeMs);
      current = token;
      return token;
    });
    flight = promise;
    // A failed load is not cached: the next caller tries again.
    const settle = () => {
      if (flight === promise) flight = undefined;
    };
    promise.then(settle, settle);
    return promise;
  };

  return {
    async authorize({ headers, fetch }): Promise<TokenUse> {
      const seen = failed;
      let token = flight ? undefined : current;
      if (!token || now() >= expiresAt) {
        if (token && !expiresAt && owed) owed -= 1;
        else token = await (flight ?? start(false, fetch));
      }
      headers.set('authorization', `Bearer ${token}`);
      return { token, failed: seen };
    },
    async refresh(used, { fetch }) {
      const { token, failed: seen } = used as TokenUse;
      if (!flight) {
        if (current && current !== token) return ++owed > 0;
        // Single flight for failures too: the calls already holding the refused token share the refresh that failed.
        if (failed !== seen && failed?.token === token) throw failed.error;
        start(true, fetch).catch((error: unknown) => {
          failed = { token, error };
        });
      }
      // The same token again would fail the same way: no repeat.
      if ((await flight) === token) return false;
      owed += 1;
      return true;
    },
  };
}

/**
 * Can an issued token (from a provider or a token endpoint) go into `Authorization`? A non-empty string a header
 * can carry: no CR, LF, NUL or other control character, nothing outside Latin-1. Whoever refuses one says so
 * without showing it.
 * @example
 * if (!isIssuedToken(token)) throw new AuthError("the token cannot go in an Authorization header");
 */
export const isIssuedToken = (value: unknown): value is string =>
  typeof value === 'string' && /^[\t\x20-\x7e\x80-\xff]+$/.test(value);
