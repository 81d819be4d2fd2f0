/**
 * The quota shared by every instance through a `rate-limiter-flexible` store
 * (RateLimiterRedis, RateLimiterPostgres, RateLimiterMemory, ...): one point
 * per attempt start per origin, waits on a rejection, and falls back to the
 * local window when the store fails, so a store outage never stops the calls.
 */
import { MAX_TIMER } from '../timeouts.ts';
import { now } from './queue.ts';

/**
 * What sturdy uses of a `rate-limiter-flexible` limiter: `consume` (resolves
 * when a point was taken, rejects with `{ msBeforeNext }` when the quota is
 * spent, or with an Error when the store fails) and `block` (for a server's
 * Retry-After). Any of its limiters fits; typed structurally so sturdy does
 * not depend on the package.
 * @example
 * const store: RateLimitStore = new RateLimiterRedis({ storeClient: redis, points: 20, duration: 1 });
 */
export type RateLimitStore = {
  consume(key: string, points?: number): Promise<unknown>;
  block?(key: string, secDuration: number): Promise<unknown>;
};

/**
 * How one attempt waits on the store.
 * @example
 * const wait: StoreWait = { signals: [request.signal], deadline: now() + call.remaining(), onDeadline: (ms) => new Error(`quota ${ms}`), report };
 */
export type StoreWait = {
  signals: readonly (AbortSignal | undefined)[];
  deadline: number;
  /** The error when the store's wait would end past the deadline (`ms`: that wait). */
  onDeadline: (ms: number) => Error;
  /** Tells the call the store failed (an `error` event); the attempt goes on with the local window. */
  report: (reason: string) => void;
};

/**
 * The shared quota of one `limit()` instance.
 * @example
 * const shared = createSharedQuota(store, { interval: 1_000, timeout: 500 });
 * await shared.take(origin, wait);
 */
export type SharedQuota = {
  /** Resolves once the store granted a point for `origin` (or failed: then the local window alone applies). */
  take(origin: string, wait: StoreWait): Promise<void>;
  /** Holds `origin` for every instance for `ms` (a server's Retry-After). */
  pause(origin: string, ms: number, report: StoreWait['report']): void;
  /** The time an attempt took to its response headers: widens the wait after a rejection (see take). */
  observe(latencyMs: number): void;
};

/** After a store failure, the local window alone is used this long before the store is asked again. */
const STORE_RETRY_MS = 1_000;
/** The shortest wait after a rejection, so a store answering `msBeforeNext: 0` cannot make a busy loop. */
const MIN_WAIT_MS = 5;

/**
 * Wraps a store for `limit()`; `timeout` bounds every store operation, `interval` caps the latency margin.
 * @example
 * const shared = createSharedQuota(new RateLimiterMemory({ points: 10, duration: 1 }), { interval: 1_000, timeout: 500 });
 */
/* @__NO_SIDE_EFFECTS__ */
export function createSharedQuota(store: RateLimitStore, settings: { interval: number; timeout: number }): SharedQuota {
  let downUntil = 0;
  let latency = 0;

  const failed = (error: unknown, report: StoreWait['report']): void => {
    if (downUntil > now()) return;
    downUntil = now() + STORE_RETRY_MS;
    report(`rate limit store unavailable: ${error instanceof Error ? error.message : String(error)}; using the local window for ${STORE_RETRY_MS} ms`);
  };

  const within = <T>(operation: () => Promise<T>): Promise<T> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${settings.timeout} ms`)), settings.timeout);
    });
    return Promise.race([Promise.resolve().then(operation), timeout]).finally(() => clearTimeout(timer));
  };

  return {
    async take(origin, wait) {
      for (;;) {
        if (downUntil > now()) return;
        let rejection: unknown;
        try {
          await within(() => store.consume(origin, 1));
          return;
        } catch (error) {
          rejection = error;
        }
        const msBeforeNext = (rejection as { msBeforeNext?: unknown } | null)?.msBeforeNext;
        if (rejection instanceof Error || typeof msBeforeNext !== 'number' || !(msBeforeNext >= 0)) {
          failed(rejection, wait.report);
          return;
        }
        // The last window's requests may still be on their way to the server when it ends: wait for them too.
        const ms = Math.max(MIN_WAIT_MS, msBeforeNext + latency);
        if (now() + ms > wait.deadline) throw wait.onDeadline(ms);
        await sleep(ms, wait.signals);
      }
    },
    pause(origin, ms, report) {
      if (!store.block || downUntil > now()) return;
      // Redis (and others) store whole seconds; 0 would mean "forever".
      within(() => store.block!(origin, Math.max(1, Math.ceil(ms / 1000)))).catch((error: unknown) => failed(error, report));
    },
    observe(latencyMs) {
      // The largest recent latency, decaying, so one slow response does not widen every later wait.
      latency = Math.min(settings.interval, Math.max(latencyMs, latency * 0.8));
    },
  };
}

/** Waits `ms`; rejects at once with the reason of any signal that aborts. */
function sleep(ms: number, signals: readonly (AbortSignal | undefined)[]): Promise<void> {
  const aborted = signals.find((signal) => signal?.aborted);
  if (aborted) return Promise.reject(aborted.reason);
  return new Promise((resolve, reject) => {
    const finish = (error?: unknown) => {
      clearTimeout(timer);
      for (const signal of signals) signal?.removeEventListener('abort', onAbort);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onAbort = (event: Event) => finish((event.target as AbortSignal).reason);
    const timer = setTimeout(finish, Math.min(ms, MAX_TIMER));
    for (const signal of signals) signal?.addEventListener('abort', onAbort, { once: true });
  });
}
