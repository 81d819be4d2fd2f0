/** httpCache's options: their types, their defaults (the one table they are written in) and their checks. */
import { optionError } from '../shared/option-error.ts';
import { isKeyValueStorage, type KeyValueStorage } from '../shared/storage.ts';

export type { KeyValueStorage } from '../shared/storage.ts';

/**
 * Options of `httpCache()`.
 * @example
 * const options: HttpCacheOptions = { maxBytes: 50 << 20, maxEntryBytes: 2 << 20 };
 */
export type HttpCacheOptions = {
  /** Most records the in-memory store keeps (least recently used go first). @default 1000 */
  maxEntries?: number;
  /** Most bytes the in-memory store keeps (bodies plus headers, LRU). @default 10 MiB */
  maxBytes?: number;
  /** A body larger than this is passed through and not stored. @default 1 MiB */
  maxEntryBytes?: number;
  /**
   * An unstorage `Storage` (Redis, Cloudflare KV, Vercel KV, fs, IndexedDB) instead of memory: entries
   * are plain JSON, bodies base64, with a TTL for drivers that expire keys. Bound it there (Redis
   * `maxmemory`); `maxEntries` and `maxBytes` are for the memory store.
   */
  store?: KeyValueStorage;
};

/** The defaults of httpCache's limits. */
const CACHE_DEFAULTS = { maxEntries: 1000, maxBytes: 10 * 1024 * 1024, maxEntryBytes: 1024 * 1024 } as const;

/**
 * The memory store's bounds and the entry size limit, every default filled in.
 * @example
 * const limits: CacheLimits = checkOptions({});
 */
export type CacheLimits = { maxEntries: number; maxBytes: number; maxEntryBytes: number };

/**
 * Checks httpCache's options (a TypeError naming the option) and fills in the defaults.
 * @example
 * const limits = checkOptions({ maxBytes: 50 << 20 }); // { maxEntries: 1000, maxBytes: 52428800, maxEntryBytes: 1048576 }
 */
export function checkOptions(options: HttpCacheOptions): CacheLimits {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('sturdy/cache: httpCache(options) takes an object, e.g. httpCache({ maxBytes: 50 << 20 })');
  const limits: CacheLimits = { ...CACHE_DEFAULTS };
  for (const name of ['maxEntries', 'maxBytes', 'maxEntryBytes'] as const) {
    const value = options[name];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value <= 0) throw optionError('/cache', name, 'a positive integer', value);
    limits[name] = value;
  }
  if (options.store !== undefined) {
    if (!isKeyValueStorage(options.store))
      throw optionError('/cache', 'store', 'an unstorage Storage (createStorage()) with getKeys', options.store, 1);
    if (options.maxEntries !== undefined || options.maxBytes !== undefined) {
      throw new TypeError(
        'sturdy/cache: options `maxEntries` and `maxBytes` bound the memory store; with `store`, bound the store itself (Redis maxmemory, KV limits)',
      );
    }
  }
  if (options.store === undefined && limits.maxEntryBytes > limits.maxBytes) {
    throw optionError('/cache', 'maxEntryBytes', `at most \`maxBytes\` (${limits.maxBytes})`, limits.maxEntryBytes);
  }
  return limits;
}
