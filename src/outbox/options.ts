/** The outbox's options: their types, their defaults (the one table they are written in) and their checks. */
import { RETRY_DEFAULTS, normalizeRetry, type NormalizedRetry, type RetryOptions } from '../core/retry.ts';
import { optionError } from '../shared/option-error.ts';
import { isKeyValueStorage, type KeyValueStorage } from '../shared/storage.ts';

/**
 * Options of `outbox()`.
 * @example
 * outbox(api, { name: 'orders', store: createStorage({ driver: redisDriver({ url }) }), maxAge: 3_600_000 })
 */
export type OutboxOptions = {
  /** Names the outbox: tabs and instances with the same name (and store) share its jobs. Letters, digits, `.`, `_`, `-`. */
  name: string;
  /** An unstorage `Storage` (fs, Redis, ...) for the jobs; required outside browsers. @default IndexedDB in browsers */
  store?: KeyValueStorage;
  /** Deliver one job at a time, in the order they were sent (the next after the previous one's final outcome). @default true */
  ordered?: boolean;
  /** Most jobs waiting at once; `send` on a full outbox rejects with an OutboxError (`reason: 'full'`). @default 1000 */
  maxJobs?: number;
  /** A job not delivered this long after `send` ends with an OutboxError (`reason: 'expired'`); keep it under your server's key retention. @default 86_400_000 (24 h) */
  maxAge?: number;
  /** Largest body `send` accepts, in bytes. @default 1_048_576 (1 MiB) */
  maxBodyBytes?: number;
  /** With `store`: how long an instance's hold on its jobs lasts unless renewed, in ms; a dead instance's jobs are taken over after it. @default 5_000 */
  lease?: number;
  /** The wait between deliveries of one job (no limit: it repeats until a final outcome or `maxAge`). @default { delay: n => 300 * 2 ** (n - 1), backoffLimit: 60_000, jitter: true } */
  retry?: Pick<RetryOptions, 'delay' | 'backoffLimit' | 'jitter'>;
};

/** The options with every default filled in. */
export type ResolvedOptions = Required<Omit<OutboxOptions, 'store' | 'retry'>> & {
  store: KeyValueStorage | undefined;
  retry: NormalizedRetry;
};

/** The defaults, written once. */
const OUTBOX_DEFAULTS = {
  ordered: true,
  maxJobs: 1000,
  maxAge: 24 * 60 * 60 * 1000,
  maxBodyBytes: 1024 * 1024,
  lease: 5_000,
  backoffLimit: 60_000,
} as const;

/**
 * Checks the options (a TypeError naming the option) and fills in the defaults.
 * @example
 * const resolved = resolveOptions({ name: 'orders' }); // ordered, 1000 jobs, 24 h, 1 MiB
 */
export function resolveOptions(options: OutboxOptions): ResolvedOptions {
  const { name, store } = options ?? {};
  if (!/^[\w.-]{1,100}$/.test(String(name)))
    throw optionError('/outbox', 'name', '1 to 100 letters, digits, `.`, `_` or `-`', name);
  if (store !== undefined && !isKeyValueStorage(store))
    throw optionError('/outbox', 'store', 'an unstorage Storage (createStorage())', store, 1);
  if (typeof (options.ordered ?? true) !== 'boolean')
    throw optionError('/outbox', 'ordered', 'a boolean', options.ordered);
  const resolved = { ...OUTBOX_DEFAULTS, ...options, store };
  // A lease must outlast the renewals (every lease / 3) of a busy instance.
  for (const key of ['maxJobs', 'maxAge', 'maxBodyBytes', 'lease'] as const) {
    const least = key === 'lease' ? 300 : 1;
    if (!Number.isSafeInteger(resolved[key]) || resolved[key] < least)
      throw optionError('/outbox', key, `an integer of at least ${least}`, resolved[key]);
  }
  const { delay, backoffLimit = 0, jitter = true } = options.retry ?? {};
  if (delay !== undefined && typeof delay !== 'function')
    throw optionError('/outbox', 'retry.delay', 'a function (n) => ms', delay);
  if (typeof backoffLimit !== 'number' || !(backoffLimit >= 0))
    throw optionError('/outbox', 'retry.backoffLimit', 'a number of ms', backoffLimit);
  if (!['boolean', 'function'].includes(typeof jitter))
    throw optionError('/outbox', 'retry.jitter', 'a boolean or a function', jitter);
  const retry = normalizeRetry({ backoffLimit: OUTBOX_DEFAULTS.backoffLimit, ...options.retry }, RETRY_DEFAULTS);
  return { ...resolved, retry };
}
