/**
 * The token cache both `bearer` providers and `clientCredentials` use: one
 * in-flight load shared by every caller (single flight), reuse until the
 * token's lifetime minus a skew, and the 401 rule of DESIGN.md section 3.
 */

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
 * Loads a token; `refresh` is true when the previous one was refused (401).
 * @example
 * const load: TokenLoader = async (refresh) => ({ token: await login({ force: refresh }) });
 */
export type TokenLoader = (refresh: boolean) => Promise<TokenGrant>;

/**
 * A token is renewed this long before it expires, so it never expires in flight
 * (at most half its lifetime, so a 40 s token is used for 20 s).
 * @example
 * expires_in 3600 -> renewed after 3570 s
 */
export const EXPIRY_SKEW_MS = 30_000;

/**
 * A token with its cache and single flight; see {@link createTokenCache}.
 * @example
 * const token = await cache.get(signal);
 * if (response.status === 401 && (await cache.refresh(token))) repeat();
 */
export type TokenCache = {
  /** The current token: cached, or loaded once for all concurrent callers. */
  get(signal?: AbortSignal): Promise<string>;
  /**
   * After a 401 on `used`: true when a repeat makes sense. Concurrent failures
   * on the same token share ONE load; a caller whose token was already
   * replaced gets true at once and repeats with the new one.
   */
  refresh(used: unknown, signal?: AbortSignal): Promise<boolean>;
};

/** `oneShot`: a token without a lifetime of 0 s (a bare string from a provider), never reused by a later call. */
type Entry = { token: string; expiresAt: number; oneShot: boolean };

const now = () => globalThis.performance?.now() ?? Date.now();

/** When to stop using a token: its lifetime minus the skew, but never less than half its lifetime. */
const expiresAt = (expiresIn: number | undefined): number => {
  if (expiresIn === undefined) return Infinity;
  const lifetimeMs = expiresIn * 1000;
  return now() + lifetimeMs - Math.min(EXPIRY_SKEW_MS, lifetimeMs / 2);
};

/** Waits for a shared promise, but lets this caller's signal stop only this caller. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Creates a cache over `load`.
 * @example
 * const cache = createTokenCache(async (refresh) => ({ token: await login(refresh), expiresIn: 3600 }));
 * headers.set('authorization', `Bearer ${await cache.get()}`);
 */
export function createTokenCache(load: TokenLoader): TokenCache {
  let current: Entry | undefined;
  let flight: Promise<Entry> | undefined;
  // Calls told to repeat after a 401 are owed the refreshed token, even a one-shot one:
  // asking the provider again without `refresh` could hand back the refused token.
  let owedRepeats = 0;

  const start = (refresh: boolean): Promise<Entry> => {
    owedRepeats = 0;
    const promise = load(refresh).then(
      (grant) => (current = { token: grant.token, expiresAt: expiresAt(grant.expiresIn), oneShot: grant.expiresIn === 0 }),
    );
    flight = promise;
    // A failed load is not cached: the next caller tries again.
    const settle = () => {
      if (flight === promise) flight = undefined;
    };
    promise.then(settle, settle);
    return promise;
  };

  return {
    async get(signal) {
      if (flight) return (await abortable(flight, signal)).token;
      if (current && now() < current.expiresAt) return current.token;
      if (current?.oneShot && owedRepeats > 0) {
        owedRepeats -= 1;
        return current.token;
      }
      return (await abortable(start(false), signal)).token;
    },
    async refresh(used, signal) {
      if (!flight && current && current.token !== used) {
        owedRepeats += 1;
        return true;
      }
      const entry = await abortable(flight ?? start(true), signal);
      // The same token again would fail the same way: no repeat.
      if (entry.token === used) return false;
      owedRepeats += 1;
      return true;
    },
  };
}
