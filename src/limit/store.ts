/**
 * The quota shared by every instance through a `rate-limiter-flexible` store
 * (RateLimiterRedis, RateLimiterPostgres, RateLimiterMemory, ...): one point
 * per attempt start per origin, waits on a rejection, and falls back to the
 * local window when the store fails, so a store outage never stops the calls.
 */
import { now, sleep } from '../shared/clock.ts';

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
  /** With `get`: shares the latency of each window's first attempt between instances (see SharedQuota.take). */
  set?(key: string, points: number, secDuration: number): Promise<unknown>;
  get?(key: string): Promise<unknown>;
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
  /**
   * Resolves once the store granted a point for `origin` (or failed: then the local window alone applies);
   * `opened` when that point opened the store's window. After a rejection it waits for the window to end,
   * plus the latency of that window's first attempt: the server's own window began when that attempt
   * arrived, so the next window's attempts must not arrive before a full interval after it.
   */
  take(origin: string, wait: StoreWait): Promise<{ opened: boolean }>;
  /** Holds `origin` for every instance for `ms` (a server's Retry-After). */
  pause(origin: string, ms: number, report: StoreWait['report']): void;
  /** The time an attempt took to its response headers; `opened` as `take` said. */
  observe(origin: string, latencyMs: number, opened: boolean): void;
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
  // The largest latency of this interval and the one before: a slow response widens waits for a while, not forever.
  let latency = { since: 0, previous: 0, current: 0 };
  const localMargin = () =>
    now() - latency.since > 2 * settings.interval ? 0 : Math.max(latency.previous, latency.current);
  const latencyKey = (origin: string) => `${origin} first-latency`;
  /** The first attempt of a window may have been another instance's: its latency comes through the store. */
  const margin = async (origin: string): Promise<number> => {
    let shared = 0;
    if (store.get) {
      const found = await within(() => store.get!(latencyKey(origin))).catch(() => undefined);
      shared = Number((found as { consumedPoints?: unknown } | null | undefined)?.consumedPoints) || 0;
    }
    return Math.min(settings.interval, Math.max(shared, localMargin()));
  };

  const failed = (error: unknown, report: StoreWait['report']): void => {
    if (downUntil > now()) return;
    downUntil = now() + STORE_RETRY_MS;
    let why = 'unknown error';
    try {
      why = error instanceof Error ? error.message : String(error);
    } catch {
      // A rejection value without a string form (a null-prototype object) still gets reported.
    }
    report(`rate limit store unavailable: ${why}; using the local window for ${STORE_RETRY_MS} ms`);
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
        if (downUntil > now()) return { opened: false };
        let rejection: unknown;
        try {
          const granted = await within(() => store.consume(origin, 1));
          return { opened: (granted as { isFirstInDuration?: unknown } | null)?.isFirstInDuration === true };
        } catch (error) {
          rejection = error;
        }
        const msBeforeNext = (rejection as { msBeforeNext?: unknown } | null)?.msBeforeNext;
        if (rejection instanceof Error || typeof msBeforeNext !== 'number' || !(msBeforeNext >= 0)) {
          failed(rejection, wait.report);
          return { opened: false };
        }
        const windowEnd = now() + Math.max(MIN_WAIT_MS, msBeforeNext);
        if (windowEnd > wait.deadline) throw wait.onDeadline(windowEnd - now());
        await sleep(windowEnd - now(), ...wait.signals);
        // Read only now, once the ended window's first response is in (a cold first request is the slowest).
        const settled = windowEnd + (await margin(origin)) - now();
        if (settled > 0) {
          if (now() + settled > wait.deadline) throw wait.onDeadline(settled);
          await sleep(settled, ...wait.signals);
        }
      }
    },
    pause(origin, ms, report) {
      if (!store.block || downUntil > now()) return;
      // Redis (and others) store whole seconds; 0 would mean "forever".
      within(() => store.block!(origin, Math.max(1, Math.ceil(ms / 1000)))).catch((error: unknown) =>
        failed(error, report),
      );
    },
    observe(origin, latencyMs, opened) {
      const at = now();
      if (at - latency.since > settings.interval) latency = { since: at, previous: latency.current, current: 0 };
      latency.current = Math.max(latency.current, latencyMs);
      if (!opened || !store.set || downUntil > at) return;
      const seconds = Math.max(1, Math.ceil((2 * settings.interval) / 1000));
      within(() => store.set!(latencyKey(origin), Math.ceil(latencyMs), seconds)).catch(() => {});
    },
  };
}
