/**
 * The quota shared by every instance through a `rate-limiter-flexible` store
 * (RateLimiterRedis, RateLimiterPostgres, RateLimiterMemory, ...): per attempt
 * one point of the origin's clock window and one of its window from the first
 * attempt, waits on a rejection, and falls back to the local window when the
 * store fails, so a store outage never stops the calls.
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
  /** The store's window in seconds (rate-limiter-flexible's limiters have it); else `rateLimit.interval` is the window. */
  readonly duration?: number;
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
   * Resolves once the store granted `origin` a point of both counts (or failed: then the local window alone
   * applies); `opened` when that point opened the window from the first attempt. The clock's window (as a
   * server counting whole seconds has it) is used only when the attempt will arrive before it ends; else the
   * attempt asks the next one. After the window from the first attempt refused, it waits for that window to
   * end plus the latency of its first attempt: a server whose window began when that attempt arrived must
   * not see the next window's attempts before a full interval after it.
   */
  take(origin: string, wait: StoreWait): Promise<{ opened: boolean }>;
  /** Holds `origin` for every instance for `ms` (a server's Retry-After). */
  pause(origin: string, ms: number, report: StoreWait['report']): void;
  /** The time an attempt took to its response headers; `opened` as `take` said. */
  observe(origin: string, latencyMs: number, opened: boolean): void;
};

/**
 * What the store answered for one key: a point granted (and whether it opened the key's window), or refused
 * until the window ends (`msBeforeNext`), or a failure of the store (a refusal without `msBeforeNext`).
 */
type Asked = { granted: boolean; opened: boolean; windowLeft: number; failure?: { error: unknown } };

/** Sleeps until `at` (on `now()`'s clock), or fails at once when `at` is past the attempt's deadline. */
async function waitUntil(at: number, wait: StoreWait): Promise<void> {
  const ms = at - now();
  if (ms <= 0) return;
  if (at > wait.deadline) throw wait.onDeadline(ms);
  await sleep(ms, ...wait.signals);
}

/** After a store failure, the local window alone is used this long before the store is asked again. */
const STORE_RETRY_MS = 1_000;
/** The shortest wait after a rejection, so a store answering `msBeforeNext: 0` cannot make a busy loop. */
const MIN_WAIT_MS = 5;
/** Before any latency is known, an attempt granted in the last twentieth of a window waits for the next one. */
const MIN_ARRIVAL_SHARE = 0.05;

/**
 * Wraps a store for `limit()`; `timeout` bounds every store operation, `interval` caps the latency margin.
 * @example
 * const shared = createSharedQuota(new RateLimiterMemory({ points: 10, duration: 1 }), { interval: 1_000, timeout: 500 });
 */
/* @__NO_SIDE_EFFECTS__ */
export function createSharedQuota(store: RateLimitStore, settings: { interval: number; timeout: number }): SharedQuota {
  const windowMs = typeof store.duration === 'number' && store.duration > 0 ? store.duration * 1000 : settings.interval;
  // Windows follow the wall clock (a server counting whole seconds does too), not the first request.
  const windowAt = (at: number) => Math.floor(at / windowMs);
  const windowKey = (origin: string, index: number) => `${origin} window ${index}`;
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
  /** How long before its window ends a granted attempt may still start and arrive inside it. */
  const arrivalMargin = () => Math.min(windowMs / 2, Math.max(windowMs * MIN_ARRIVAL_SHARE, localMargin()));

  /** Leaves the store alone for a while (the local window applies) and reports why, once. */
  const failed = (error: unknown, report: StoreWait['report']): { opened: false } => {
    if (downUntil > now()) return { opened: false };
    downUntil = now() + STORE_RETRY_MS;
    let why = 'unknown error';
    try {
      why = error instanceof Error ? error.message : String(error);
    } catch {
      // A rejection value without a string form (a null-prototype object) still gets reported.
    }
    report(`rate limit store unavailable: ${why}; using the local window for ${STORE_RETRY_MS} ms`);
    return { opened: false };
  };

  const within = <T>(operation: () => Promise<T>): Promise<T> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${settings.timeout} ms`)), settings.timeout);
    });
    return Promise.race([Promise.resolve().then(operation), timeout]).finally(() => clearTimeout(timer));
  };

  /** One point of `key`, as {@link Asked} says. */
  const ask = (key: string): Promise<Asked> =>
    within(() => store.consume(key, 1)).then(
      (granted) => ({
        granted: true,
        opened: (granted as { isFirstInDuration?: unknown } | null)?.isFirstInDuration === true,
        windowLeft: 0,
      }),
      (rejection: unknown) => {
        const ms = (rejection as { msBeforeNext?: unknown } | null)?.msBeforeNext;
        return rejection instanceof Error || typeof ms !== 'number' || !(ms >= 0)
          ? { granted: false, opened: false, windowLeft: 0, failure: { error: rejection } }
          : { granted: false, opened: false, windowLeft: ms };
      },
    );
  /** Would an attempt starting now arrive before clock window `index` ends (within the recent latency)? */
  const arrivesWithin = (index: number) => (index + 1) * windowMs - Date.now() > arrivalMargin();

  return {
    async take(origin, wait) {
      // Points granted and kept while the attempt waits for the other count: a clock window's (while that
      // window lasts) and the window from the first attempt's (while the next clock window comes).
      let heldAligned: { index: number; asked: Asked } | undefined;
      let heldRolling: Asked | undefined;
      for (;;) {
        if (downUntil > now()) return { opened: false };
        const index = windowAt(Date.now());
        // One ms past the boundary: timers and the wall clock drift apart by about that.
        const untilNextWindow = () => now() + Math.max(MIN_WAIT_MS, (index + 1) * windowMs - Date.now() + 1);
        // First the clock's window (a server counting whole seconds), then the window from the first attempt
        // (a server counting from a client's first request): that one is opened only by an attempt that goes.
        const aligned = heldAligned?.index === index ? heldAligned.asked : await ask(windowKey(origin, index));
        heldAligned = undefined;
        if (aligned.failure) return failed(aligned.failure.error, wait.report);
        if (!aligned.granted || !arrivesWithin(index)) {
          // A point granted this late is spent: the attempt might arrive in the next window, which did not count it.
          await waitUntil(untilNextWindow(), wait);
          continue;
        }
        const rolling = heldRolling ?? (await ask(origin));
        heldRolling = undefined;
        if (rolling.failure) return failed(rolling.failure.error, wait.report);
        if (rolling.granted) {
          if (arrivesWithin(index)) return { opened: rolling.opened };
          heldRolling = rolling;
          await waitUntil(untilNextWindow(), wait);
          continue;
        }
        heldAligned = { index, asked: aligned };
        const windowEnd = now() + Math.max(MIN_WAIT_MS, rolling.windowLeft);
        await waitUntil(windowEnd, wait);
        // Read only now, once the ended window's first response is in (a cold first request is the slowest).
        await waitUntil(windowEnd + (await margin(origin)), wait);
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
