/**
 * Every retry rule of sturdy lives here: which calls may repeat, after what, how long to wait, when to stop,
 * and the budget that stops storms. ky runs the loop; `kyRetry` attaches these rules to it.
 */
// From errors.ts, which re-exports ky's classes: the bundle then imports them from ky once.
import { HTTPError, NetworkError, TimeoutError } from './errors.ts';
import { retryAfterMs, retryTimingHeader } from './retry-after.ts';
import type {} from '../shared/platform.ts';

export { retryAfterMs } from './retry-after.ts';

/**
 * ky's HTTPError as sturdy hands it out after a server-asked wait it did not keep (over `maxRetryAfter`, or
 * past `totalTimeout`): `retryAfter` is that wait in ms.
 * @example
 * catch (e) { if (isHTTPError(e)) setTimeout(again, (e as HTTPErrorWithRetryAfter).retryAfter ?? 1_000) }
 */
export type HTTPErrorWithRetryAfter = HTTPError & {
  /** The wait the server asked for (Retry-After or a rate-limit reset header), in ms; undefined when it named none. */
  readonly retryAfter?: number;
};

/**
 * Does `method` (any case) get an Idempotency-Key? POST and PATCH repeat only with one; sturdy sends one.
 * @example
 * isKeyedMethod('POST') // true
 */
export const isKeyedMethod = (method: string): boolean => /^(post|patch)$/i.test(method);

/** The header that lets a server recognise repeats of one POST/PATCH. */
export const IDEMPOTENCY_HEADER = 'idempotency-key';

/**
 * State handed to `retry.shouldRetry` (ky's shape).
 * @example
 * const shouldRetry = ({ error, retryCount }: ShouldRetryState) => retryCount < 2 && !isTimeoutError(error);
 */
export type ShouldRetryState = { error: Error; retryCount: number };

/**
 * Retry settings. Give a number for `{ limit }`, or `false` for no retries. A call's settings merge over its
 * client's.
 * @example
 * createClient({ retry: { limit: 5, backoffLimit: 2_000 } })
 */
export type RetryOptions = {
  /** Retries after the first attempt. @default 3 */
  limit?: number;
  /** Methods retried freely; POST and PATCH are retried only with an Idempotency-Key. @default GET HEAD OPTIONS PUT DELETE QUERY */
  methods?: readonly string[];
  /** Statuses that are retried. @default [408, 425, 429, 500, 502, 503, 504] */
  statusCodes?: readonly number[];
  /** Statuses whose Retry-After / rate-limit reset headers are obeyed. @default [413, 429, 503] */
  afterStatusCodes?: readonly number[];
  /** A server-asked wait longer than this is not waited: the error is thrown at once with `retryAfter` (ms). @default 60_000 */
  maxRetryAfter?: number;
  /** Longest backoff wait in ms. @default 10_000 */
  backoffLimit?: number;
  /** Backoff before jitter for retry `n` (1-based). @default n => 300 * 2 ** (n - 1) */
  delay?: (retry: number) => number;
  /**
   * `true`: full jitter (uniform in [0, delay]); a function maps the capped delay to the wait (give one for
   * deterministic tests); `false`: none. Results are clamped to [0, backoffLimit].
   * @default true
   */
  jitter?: boolean | ((delay: number) => number);
  /** Retry after a per-attempt timeout. @default true */
  retryOnTimeout?: boolean;
  /** Overrides the status/error rules: true retries, false stops, undefined uses the rules. Never makes a non-replayable call repeat. */
  shouldRetry?: (state: ShouldRetryState) => boolean | undefined | Promise<boolean | undefined>;
};

/**
 * Retry settings with every default filled in (`api.options.retry`). `methods` is lower case; it is the very
 * array of RETRY_DEFAULTS unless the caller chose the methods (then POST/PATCH repeat only when listed).
 */
export type NormalizedRetry = Required<Omit<RetryOptions, 'shouldRetry'>> & Pick<RetryOptions, 'shouldRetry'>;

/**
 * The retry defaults: the one table they are written in.
 * @example
 * RETRY_DEFAULTS.statusCodes.includes(503) // true
 */
export const RETRY_DEFAULTS: NormalizedRetry = {
  limit: 3,
  methods: ['get', 'head', 'options', 'put', 'delete', 'query'],
  statusCodes: [408, 425, 429, 500, 502, 503, 504],
  afterStatusCodes: [413, 429, 503],
  maxRetryAfter: 60_000,
  backoffLimit: 10_000,
  delay: (retry) => 300 * 2 ** (retry - 1),
  jitter: true,
  retryOnTimeout: true,
};

/**
 * Merges a `retry` option (number = limit, `false` = off, object) over a base (the defaults, or the client's
 * settings for a call or an extended client).
 * @example
 * normalizeRetry({ limit: 1 }, normalizeRetry({ backoffLimit: 2_000 })) // limit 1, backoffLimit 2000
 */
export function normalizeRetry(
  value: RetryOptions | number | boolean | undefined,
  base = RETRY_DEFAULTS,
): NormalizedRetry {
  if (value == null || value === true) return base;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, item] of Object.entries(typeof value === 'object' ? value : { limit: +value }))
    if (item !== undefined)
      merged[key] = key === 'methods' ? (item as string[]).map((method) => method.toLowerCase()) : item;
  return merged as NormalizedRetry;
}

/**
 * Retry budget: gRPC-style throttling so a failing upstream is not hit by a storm.
 * @example
 * createClient({ retryBudget: { tokens: 20, refill: 0.5 } })
 */
export type RetryBudgetOptions = {
  /** Bucket size; each retry takes one token. @default 10 */
  tokens?: number;
  /** Tokens returned by each success. @default 0.1 */
  refill?: number;
};

/** A token bucket shared by the calls of one client. */
export type RetryBudget = {
  /** Takes a token for a retry; false when the bucket is empty. */
  take(): boolean;
  /** A call succeeded: refill a little. */
  success(): void;
};

/**
 * A token bucket shared by every call of one client (and of clients made by `extend` unless they set their own
 * `retryBudget`); `false` = unlimited.
 * @example
 * const budget = createRetryBudget({ tokens: 5 });
 */
export function createRetryBudget(options: RetryBudgetOptions | false | undefined): RetryBudget {
  const { tokens: max = options === false ? Infinity : 10, refill = 0.1 } = options || {};
  let tokens = max;
  return {
    take: () => tokens >= 1 && tokens-- > 0,
    success() {
      tokens = Math.min(max, tokens + refill);
    },
  };
}

/**
 * Can this body be sent again? A stream (or async iterable) is read once; strings, Blobs, buffers, FormData and
 * URLSearchParams can be re-sent as they are. Streams retry only when given as a factory `() => BodyInit`.
 * @example
 * isReplayableBody(file.stream()) // false
 */
export const isReplayableBody = (body: unknown): boolean =>
  !(body instanceof ReadableStream || Symbol.asyncIterator in Object(body));

/**
 * The wait before retry `n`: exponential (`delay(n)`, capped at `backoffLimit`) with full jitter, always within
 * [0, backoffLimit].
 * @example
 * backoff(2, { ...RETRY_DEFAULTS, jitter: false }) // 600
 */
export function backoff(retryCount: number, { delay, jitter, backoffLimit }: NormalizedRetry): number {
  // NaN (a broken delay or jitter function) counts as the cap, not as "no wait".
  const clamp = (ms: number) => (ms < backoffLimit ? Math.max(ms, 0) : backoffLimit);
  const base = clamp(delay(retryCount));
  return clamp(jitter === true ? Math.random() * base : jitter ? jitter(base) : base);
}

/**
 * Puts the wait the server asked for on a paced HTTPError (`retryAfter`, ms) and returns it: the server's own
 * answer is what the caller needs when its wait is not kept (never a TimeoutError).
 * @example
 * noteRetryAfter(error, api.options.retry) // 2000, and error.retryAfter === 2000
 */
export function noteRetryAfter(error: unknown, retry: NormalizedRetry): number | undefined {
  if (error instanceof HTTPError && retry.afterStatusCodes.includes(error.response.status)) {
    const wait = (error as HTTPErrorWithRetryAfter).retryAfter ?? retryAfterMs(error.response.headers);
    // Reflect.set: an error a hook froze keeps what it has, and noting never throws.
    if (wait !== undefined) Reflect.set(error, 'retryAfter', wait);
    return wait;
  }
}

/** What kyRetry reads of a call (call.ts's Call): its settings, the budget, the clock, and where retries are told. */
export type RetryCall = {
  readonly retry: NormalizedRetry;
  readonly method: string;
  /** A POST/PATCH that carries an Idempotency-Key: it may repeat, and a 409 to a repeat means "in progress". */
  readonly keyed: boolean;
  /** The attempt being made (1 for the first). */
  readonly attempt: number;
  readonly client: { readonly budget: RetryBudget };
  /** Milliseconds left of totalTimeout. */
  remaining(): number;
  /** Gets a `retry` event before each wait. */
  emit(event: { type: 'retry'; attempt: number; delayMs: number; reason: string }): void;
  /** The TimeoutError for a backoff wait that cannot fit in totalTimeout. */
  timeoutError(kind: 'total'): Error;
};

/**
 * ky's `retry` option for a call whose body can be sent again: ky runs the loop (its hooks, its waits,
 * `ky.retry()`); sturdy's rules decide every repeat through `shouldRetry` and choose its wait through `delay`.
 * Only the keys ky reads then are given, so ky normalizes a small object.
 * @example
 * ky(url, { retry: kyRetry(call) });
 */
export function kyRetry(call: RetryCall) {
  const { retry, keyed } = call;
  const { methods } = retry;
  const method = call.method.toLowerCase();
  // A keyed POST/PATCH repeats unless the caller listed the methods that may repeat.
  const methodOk = methods.includes(method) || (keyed && methods === RETRY_DEFAULTS.methods);
  // The wait shouldRetry chose, for the delay ky asks for next (a forced `ky.retry()` gets the backoff).
  let planned: number | undefined;
  let plannedFor: number | undefined;
  let staleSeen: boolean | undefined;
  // ky's own backoff cap and jitter are off by default: the wait is sturdy's.
  return {
    limit: retry.limit,
    methods: [method],
    delay: (retryCount: number) => (retryCount === plannedFor ? planned! : backoff(retryCount, retry)),
    async shouldRetry(state: ShouldRetryState): Promise<boolean> {
      const { error, retryCount } = state;
      const serverWait = noteRetryAfter(error, retry);
      const status = error instanceof HTTPError && error.response.status;
      const network = error instanceof NetworkError;
      const timedOut = error instanceof TimeoutError;
      // The caller's shouldRetry decides unless it answers undefined (or null, as ky reads it); else the rules do.
      const wanted = methodOk && (await retry.shouldRetry?.(state));
      const ruled = status
        ? // Idempotency-Key draft: a 409 to a repeat of a keyed request means the first one is still in progress.
          (status === 409 && keyed && retryCount > 1) ||
          (retry.statusCodes.includes(status) &&
            // ky's rule: a 413 is worth repeating only with a timing header (the body will not shrink).
            (status !== 413 || retryTimingHeader((error as HTTPError).response.headers)))
        : timedOut
          ? retry.retryOnTimeout
          : network;
      if (!(wanted ?? ruled)) return false;
      plannedFor = retryCount;
      planned = serverWait || backoff(retryCount, retry);
      const late = planned >= call.remaining();
      if (late && !serverWait) throw call.timeoutError('total');
      if (!globalThis.__STURDY_WEB__ && !serverWait && !staleSeen && network && isStaleSocket(error)) {
        // The first repeat after a stale keep-alive socket is free and at once: the server never saw the request
        // (only a server runtime's fetch names a socket error, so the web builds leave this out).
        staleSeen = true;
        planned = 0;
      }
      // A wait the server paced takes no budget token; not kept, it is the server's HTTPError (with retryAfter).
      else if (serverWait ? late || serverWait > retry.maxRetryAfter : !call.client.budget.take()) return false;
      call.emit({
        type: 'retry',
        attempt: call.attempt + 1,
        delayMs: Math.round(planned),
        reason: status ? `status ${status}` : timedOut ? 'timeout' : network ? 'network error' : error.name,
      });
      return true;
    },
  };
}

/** Does the error or one of its first causes carry the code of a keep-alive socket the server closed while idle? */
function isStaleSocket(error: unknown): boolean {
  for (let depth = 5; error instanceof Object && depth--; error = (error as Error).cause)
    if (/^(ECONNRESET|EPIPE|UND_ERR_SOCKET)$/.test((error as { code?: string }).code!)) return true;
  return false;
}
