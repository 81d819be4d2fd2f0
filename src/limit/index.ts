/**
 * sturdy/limit: client-side flow control as a `use` middleware. Per origin, at
 * most `concurrency` attempts in flight and `rateLimit.requests` attempts per
 * `rateLimit.interval`; a server's 429/503 wait pauses the origin's queue.
 * With `rateLimit.store` the quota is shared by every instance.
 */
import { TimeoutError } from 'ky';
import type { CallInfo, Middleware } from '../core/middleware.ts';
import { retryAfterMs } from '../core/retry-after.ts';
import { now } from '../shared/clock.ts';
import { optionError } from '../shared/option-error.ts';
import { createQueues, type Ticket } from './queue.ts';
import { createSharedQuota, type RateLimitStore } from './store.ts';
import { pausedReply } from './reply.ts';

export type { RateLimitStore } from './store.ts';

/**
 * At most `requests` attempts start per `interval` ms per origin. An attempt
 * counts from its start until `interval` after its response headers, so a
 * server counting fixed windows by arrival time never sees more than `requests`
 * in one of them. `store` shares the quota between instances (section 10).
 * @example
 * limit({ rateLimit: { requests: 20, interval: 1_000, store: new RateLimiterRedis({ storeClient: redis, points: 20, duration: 1 }) } })
 */
export type LimitRateOptions = {
  requests: number;
  interval: number;
  /**
   * A `rate-limiter-flexible` limiter shared by all instances. Each attempt takes a point from two counts of its
   * origin: the store's window from its first attempt, and the window of the wall clock (the store's `duration`).
   */
  store?: RateLimitStore | undefined;
  /**
   * Longest wait for one store operation before the attempt goes on with the local window alone (and an `error` event).
   * @default 500
   */
  storeTimeout?: number | undefined;
};

/**
 * Options of `limit()`; each omitted one is off. A server's 429/503 wait pauses the origin either way.
 * @example
 * const options: LimitOptions = { concurrency: 4, rateLimit: { requests: 10, interval: 1_000 } };
 */
export type LimitOptions = {
  /** Most attempts in flight per origin, counted until their response headers arrive. */
  concurrency?: number | undefined;
  rateLimit?: LimitRateOptions | undefined;
};

const DEFAULT_STORE_TIMEOUT = 500;

/**
 * Flow control per origin, as fetch middleware. One instance is one set of
 * queues: pass the same instance to several clients to share it.
 *
 * Queued attempts wait in order (a retry goes first), honour the call's signal
 * and its `totalTimeout` (a `TimeoutError`). A 429 or 503 asking for a wait of
 * at most `retry.maxRetryAfter` pauses the origin: queued attempts wait it out,
 * and one whose deadline falls inside the pause fails at once with an `HTTPError`
 * holding the status and the wait left (`retryAfter`), never the body or headers
 * of the answer that paused the origin (it may have been another client's).
 * @example
 * import { limit } from 'sturdy/limit';
 * const flow = limit({ concurrency: 4, rateLimit: { requests: 25, interval: 1_000 } });
 * const api = createClient({ baseUrl, use: [flow] });
 */
/* @__NO_SIDE_EFFECTS__ */
export function limit(options: LimitOptions = {}): Middleware {
  checkOptions(options);
  const { concurrency, rateLimit } = options;
  const interval = rateLimit?.interval ?? 0;
  const queues = createQueues({
    concurrency: concurrency ?? Infinity,
    requests: rateLimit?.requests ?? Infinity,
    interval,
  });
  const store = rateLimit?.store;
  const shared = store
    ? createSharedQuota(store, { interval, timeout: rateLimit?.storeTimeout ?? DEFAULT_STORE_TIMEOUT })
    : undefined;

  return async (request, next, call) => {
    const origin = new URL(request.url).origin;
    const queued = now();
    const deadline = queued + call.remaining();
    const signals = [call.signal, request.signal];
    const granted = await queues.acquire(origin, {
      signals,
      deadline,
      first: call.attempt > 1,
      onDeadline: () =>
        timeoutError(request, call, `waited ${Math.round(now() - queued)} ms in the queue for ${origin}`),
    });
    if (granted instanceof Response) return granted;
    const ticket: Ticket = granted;
    const report = (reason: string) => call.emit({ type: 'error', reason: call.redact.text(reason) });
    let response: Response;
    let opened = false;
    try {
      if (shared) {
        ({ opened } = await shared.take(origin, {
          signals,
          deadline,
          report,
          onDeadline: (ms) =>
            timeoutError(
              request,
              call,
              `the shared rate limit allows the next attempt to ${origin} in ${Math.round(ms)} ms`,
            ),
        }));
      }
    } catch (error) {
      ticket.done(false);
      throw error;
    }
    const sent = now();
    try {
      response = await next(request);
    } catch (error) {
      ticket.done();
      throw error;
    }
    shared?.observe(origin, now() - sent, opened);
    const wait = response.status === 429 || response.status === 503 ? retryAfterMs(response.headers) : undefined;
    // A wait over maxRetryAfter fails only this call (the retry layer says so); it pauses nothing.
    if (wait !== undefined && wait > 0 && wait <= call.retry.maxRetryAfter) {
      const until = now() + wait;
      queues.pause(origin, { until, reply: pausedReply(response.status, until) });
      shared?.pause(origin, wait, report);
    }
    // After the pause is set, so no queued attempt slips into the slot this one frees.
    ticket.done();
    return response;
  };
}

/** ky's TimeoutError for a wait the call's totalTimeout cannot cover; URL redacted. */
function timeoutError(request: Request, call: CallInfo, what: string): TimeoutError {
  const url = call.redact.url(request.url);
  const error = new TimeoutError(new Request(url, { method: request.method }));
  error.message = `Request timed out (totalTimeout): ${what}, past the call's totalTimeout: ${request.method} ${url}`;
  return error;
}

function checkOptions(options: LimitOptions): void {
  if (typeof options !== 'object' || options === null)
    throw new TypeError(
      'sturdy/limit: limit(options) takes an object like { concurrency: 4, rateLimit: { requests: 10, interval: 1000 } }',
    );
  const { concurrency, rateLimit } = options;
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1))
    throw optionError(
      '/limit',
      'concurrency',
      'a whole number >= 1 (attempts in flight per origin), or left out',
      concurrency,
    );
  if (rateLimit === undefined) return;
  if (typeof rateLimit !== 'object' || rateLimit === null)
    throw optionError('/limit', 'rateLimit', '{ requests, interval } (attempts per interval in ms)', rateLimit);
  const { requests, interval, store, storeTimeout } = rateLimit;
  if (!(Number.isInteger(requests) && requests >= 1))
    throw optionError('/limit', 'rateLimit.requests', 'a whole number >= 1', requests);
  if (!(typeof interval === 'number' && interval > 0 && Number.isFinite(interval)))
    throw optionError('/limit', 'rateLimit.interval', 'a number of ms > 0', interval);
  // A limiter holds its Redis client and that client's options (a password): described, never echoed.
  if (store !== undefined && typeof (store as { consume?: unknown } | null)?.consume !== 'function') {
    const what = 'a rate-limiter-flexible limiter (with consume(key)) like new RateLimiterRedis({ storeClient, ... })';
    throw optionError('/limit', 'rateLimit.store', what, store, 1);
  }
  if (
    storeTimeout !== undefined &&
    !(typeof storeTimeout === 'number' && storeTimeout > 0 && Number.isFinite(storeTimeout))
  )
    throw optionError('/limit', 'rateLimit.storeTimeout', 'a number of ms > 0', storeTimeout);
}
