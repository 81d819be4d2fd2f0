/**
 * A token shared by every instance through an unstorage `Storage` (Redis,
 * Cloudflare KV, Vercel KV, ...): a valid token in the store is used by all;
 * when it is missing or refused, one instance fetches a new one under a short
 * lock in the store, the others wait for it. A crashed holder blocks nobody
 * beyond the lock's timeout. The stored value is the access token itself: a
 * credential, so the store must be as private as the client secret.
 */
import { sha256Hex } from '../shared/sha256.ts';
import { sleep } from '../shared/clock.ts';
import { renewBeforeMs, servesOneCall, type TokenGrant, type TokenLoader } from './token-cache.ts';

/**
 * What sturdy uses of an unstorage `Storage` (any driver); typed structurally so sturdy does not depend on unstorage.
 * @example
 * const cache: TokenStorage = createStorage({ driver: redisDriver({ url: process.env.REDIS_URL }) });
 */
export type TokenStorage = {
  getItem(key: string): Promise<unknown>;
  setItem(key: string, value: unknown, options?: { ttl?: number }): Promise<void>;
  removeItem(key: string): Promise<void>;
};

/**
 * Settings of {@link sharedTokenLoader}.
 * @example
 * sharedTokenLoader(load, { storage, identity: [tokenUrl.href, clientId, scope, audience] })
 */
export type SharedTokenOptions = {
  storage: TokenStorage;
  /** What tells tokens apart (token URL, client id, scope, audience, resource): hashed into the key. Never the secret. */
  identity: readonly (string | undefined)[];
  /** Longest a lock holder may take to fetch a token before another instance takes over. @default 10_000 */
  lockTimeout?: number;
  /** Called with every token taken from the store (to register it for redaction). */
  onToken?: (token: string) => void;
};

type Stored = { token: string; expiresAt: number; lifetimeMs: number };
type Lock = { owner: string; until: number };

/** How often a waiting instance looks for the holder's token. */
const POLL_MS = 50;
/** A lock is confirmed by reading it back after this long: unstorage has no atomic set-if-absent. */
const SETTLE_MS = 30;
/** Marks a failure of the store itself: then the token is fetched as without one. */
const STORE_FAILED = Symbol('token store failed');

/**
 * The store key for a token: a SHA-256 of its identity, so no key names the client or carries the secret.
 * @example
 * await tokenKey(['https://auth.example.com/token', 'shop', 'orders:read', undefined]) // 'sturdy:token:3f1c...'
 */
export async function tokenKey(identity: readonly (string | undefined)[]): Promise<string> {
  return `sturdy:token:${await sha256Hex(JSON.stringify(identity))}`;
}

/**
 * Wraps a token loader so that instances share its tokens through `storage`.
 * `load` runs in one instance at a time per key; a refresh (after a 401)
 * takes a token another instance stored since, or fetches a new one.
 * @example
 * const { authorize, refresh } = bearerFrom(sharedTokenLoader(load, { storage, identity: [tokenUrl.href, clientId, scope, audience] }));
 */
export function sharedTokenLoader<Context>(
  load: TokenLoader<Context>,
  options: SharedTokenOptions,
): TokenLoader<Context> {
  const { lockTimeout = 10_000, onToken } = options;
  // A store that fails must not stop the calls: its errors are told apart from the token endpoint's.
  const wrap =
    <A extends unknown[], R>(operation: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> =>
      operation.apply(options.storage, args).catch((cause: unknown) => Promise.reject({ [STORE_FAILED]: cause }));
  const storage = {
    getItem: wrap(options.storage.getItem),
    setItem: wrap(options.storage.setItem),
    removeItem: wrap(options.storage.removeItem),
  };
  const owner = crypto.randomUUID();
  let keys: Promise<{ token: string; lock: string }> | undefined;
  /** The token this instance last handed out: after a 401 it is the refused one. */
  let last: string | undefined;

  const fresh = async (key: string, refused: string | undefined): Promise<TokenGrant | undefined> => {
    const stored = (await storage.getItem(key)) as Stored | null | undefined;
    if (
      !stored ||
      typeof stored.token !== 'string' ||
      typeof stored.expiresAt !== 'number' ||
      typeof stored.lifetimeMs !== 'number'
    )
      return undefined;
    const left = stored.expiresAt - Date.now();
    // Stale as the local cache would see it (token-cache.ts's skew): then one instance renews it for all.
    if (left < renewBeforeMs(stored.lifetimeMs) || stored.token === refused) return undefined;
    try {
      onToken?.(stored.token);
    } catch {
      // A stored token this instance refuses (empty, a control character): fetched anew, for every instance.
      return undefined;
    }
    return { token: stored.token, expiresIn: left / 1000 };
  };

  const tryLock = async (key: string): Promise<boolean> => {
    const held = (await storage.getItem(key)) as Lock | null | undefined;
    if (held && typeof held.until === 'number' && held.until > Date.now() && held.owner !== owner) return false;
    await storage.setItem(key, { owner, until: Date.now() + lockTimeout } satisfies Lock, {
      ttl: Math.ceil(lockTimeout / 1000),
    });
    await sleep(SETTLE_MS);
    return ((await storage.getItem(key)) as Lock | null | undefined)?.owner === owner;
  };

  const viaStore = async (refresh: boolean, context: Context): Promise<TokenGrant> => {
    keys ??= tokenKey(options.identity).then((token) => ({ token, lock: `${token}:lock` }));
    const key = await keys;
    const refused = refresh ? last : undefined;
    const give = (grant: TokenGrant) => {
      last = grant.token;
      return grant;
    };
    for (;;) {
      const shared = await fresh(key.token, refused);
      if (shared) return give(shared);
      if (await tryLock(key.lock)) break;
      // Another instance is fetching: wait for its token, or for its lock to run out.
      const started = Date.now();
      while (Date.now() - started < lockTimeout + POLL_MS) {
        await sleep(POLL_MS);
        const arrived = await fresh(key.token, refused);
        if (arrived) return give(arrived);
        const held = (await storage.getItem(key.lock)) as Lock | null | undefined;
        if (!held || !(held.until > Date.now())) break;
      }
    }
    try {
      // The previous holder may have stored its token just before this instance took the lock.
      const shared = await fresh(key.token, refused);
      if (shared) return give(shared);
      const grant = await load(refresh, context);
      const lifetimeMs = (grant.expiresIn ?? 0) * 1000;
      // A token that serves one call only is not shared either.
      if (lifetimeMs > 0 && !servesOneCall(lifetimeMs)) {
        const stored: Stored = { token: grant.token, expiresAt: Date.now() + lifetimeMs, lifetimeMs };
        await storage.setItem(key.token, stored, { ttl: Math.ceil(lifetimeMs / 1000) }).catch(() => {});
      }
      return give(grant);
    } finally {
      // Only this instance's own lock: one that ran out may be another instance's by now.
      const held = (await storage.getItem(key.lock).catch(() => undefined)) as Lock | null | undefined;
      if (held?.owner === owner) await storage.removeItem(key.lock).catch(() => {});
    }
  };

  return async (refresh, context) => {
    try {
      return await viaStore(refresh, context);
    } catch (error) {
      if (typeof error !== 'object' || error === null || !(STORE_FAILED in error)) throw error;
      const grant = await load(refresh, context);
      last = grant.token;
      return grant;
    }
  };
}
