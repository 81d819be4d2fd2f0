/**
 * The token cache both `bearer` providers and `clientCredentials` use: one
 * in-flight load shared by every caller (single flight), reuse until the
 * token's lifetime minus a skew, and the 401 rule of DESIGN.md section 3.
 */
import { now } from '../shared/clock.ts';
import type { AuthStrategy, AuthTarget } from './types.ts';

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
 * A token as calls used it (what `authorize` returns), for `refresh` after a 401: one object for every call that
 * got the same token while no refresh of it failed (no object per call). `error` is set once a refresh of its
 * token failed, so a call that used it fails with that error instead of refreshing again.
 * @example
 * const used = await authorize(target); // { token: 'tc-1' }
 */
export type TokenUse = { readonly token: string; error?: unknown };

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
 * Does a token of this lifetime serve only the call that fetched it? One that lives no longer than the skew would
 * expire in flight if reused (`expires_in: 0`, a bare string from a bearer provider).
 * @example
 * servesOneCall(0) // true; servesOneCall(3_600_000) // false; servesOneCall(Infinity) // false (valid until a 401)
 */
export const servesOneCall = (lifetimeMs: number): boolean => lifetimeMs <= EXPIRY_SKEW_MS;

/**
 * `authorize` and `refresh` of a strategy sending `Authorization: Bearer <token>` from a token cache over `load`
 * (its context: the call's fetch, which a token request uses): one load shared by every concurrent caller, the
 * token reused until its lifetime minus renewBeforeMs (forever without one). After a 401, `refresh` resolves
 * true when a repeat makes sense: concurrent failures on the same token share ONE load; a caller whose token was
 * already replaced gets true at once and repeats with the new one. A failed refresh fails every call that used
 * the refused token before it failed, once, with its error; a call that gets the token afterwards may try
 * again. A cached token is set synchronously (no promise per call). A caller that stops waiting (an abort) does
 * so around these promises (the credential policy races them with the call's signal): a load is shared.
 * @example
 * return strategy('bearer', options, { ...bearerFrom(load), register });
 */
export function bearerFrom(
  load: TokenLoader<typeof globalThis.fetch>,
): Required<Pick<AuthStrategy, 'authorize' | 'refresh'>> {
  // The calls' use of the current token, and when it is renewed (0: it serves only the call that fetched it).
  let use: TokenUse | undefined;
  let expiresAt = 0;
  let flight: Promise<unknown> | undefined;
  // Calls told to repeat after a 401 are owed the refreshed token, even a one-shot one:
  // asking the provider again without `refresh` could hand back the refused token.
  let owed = 0;

  // One flight at a time (one starts only when none is in the air); it ends as it settles, and a failed load is
  // not cached: the next caller tries again.
  const start = (refresh: boolean, fetch: typeof globalThis.fetch) => {
    owed = 0;
    flight = load(refresh, fetch).then(
      ({ token, expiresIn }) => {
        flight = undefined;
        const lifetimeMs = (expiresIn ?? Infinity) * 1000;
        expiresAt = servesOneCall(lifetimeMs) ? 0 : now() + lifetimeMs - renewBeforeMs(lifetimeMs);
        // The same token again keeps its use: a failed refresh of it still fails the calls that used it.
        if (use?.token !== token) use = { token };
      },
      (error: unknown) => {
        flight = undefined;
        throw error;
      },
    );
    return flight;
  };
  const put = ({ headers }: AuthTarget): TokenUse => {
    headers.set('authorization', `Bearer ${use!.token}`);
    return use!;
  };

  return {
    authorize(target) {
      return !flight && use && (now() < expiresAt || (!expiresAt && owed && owed--))
        ? put(target)
        : (flight ?? start(false, target.fetch)).then(() => put(target));
    },
    async refresh(used, { fetch }) {
      const { token, error } = used as TokenUse;
      if (!flight) {
        if (use!.token !== token) return ++owed > 0;
        // Single flight for failures too: the calls already holding the refused token share the refresh that failed.
        if (error) throw error;
        const refused = use!;
        start(true, fetch).catch((failure: unknown) => {
          refused.error = failure;
          // Calls that get the token from now on may try again.
          if (use === refused) use = { token };
        });
      }
      await flight;
      // The same token again would fail the same way: no repeat.
      return use!.token !== token && ++owed > 0;
    },
  };
}

/**
 * Can an issued token (from a provider or a token endpoint) go into `Authorization`? A non-empty string a header
 * can carry: no CR, LF, NUL or other control character, nothing outside Latin-1 (tab, ` `-`~`, \x80-\xff).
 * Whoever refuses one says so without showing it.
 * @example
 * if (!isIssuedToken(token)) throw new AuthError("the token cannot go in an Authorization header");
 */
export const isIssuedToken = (value: unknown): value is string =>
  typeof value === 'string' && /^[\t -~\x80-\xff]+$/.test(value);
