/**
 * Every retry rule of sturdy lives here: which calls may repeat, after what, how long to wait, when to stop,
 * and the budget that stops storms. ky runs the loop; `kyRetry` attaches these rules to it.
 */
import { HTTPError, NetworkError, TimeoutError } from 'ky';
import { hasRetryTiming, retryAfterMs } from './retry-after.ts';

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

/** Methods that repeat only with an Idempotency-Key header (lower case, as ky's `retry.methods`); sturdy sends one. */
const KEYED_METHODS: readonly string[] = ['post', 'patch'];
/**
 * Does `method` (any case) get an Idempotency-Key?
 * @example
 * isKeyedMethod('POST') // true
 */
export const isKeyedMethod = (method: string): boolean => KEYED_METHODS.includes(method.toLowerCase());

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

/** Retry settings with every default filled in (`api.options.retry`). */
export type NormalizedRetry = Required<Omit<RetryOptions, 'shouldRetry'>> & {
  shouldRetry: RetryOptions['shouldRetry'];
  /** The caller chose `methods`: then POST/PATCH repeat only when listed, Idempotency-Key or not. */
  methodsGiven: boolean;
};

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
  shouldRetry: undefined,
  methodsGiven: false,
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
  if (value === undefined || value === true) return base;
  if (typeof value !== 'object') return { ...base, limit: value === false ? 0 : value };
  const merged: Record<string, unknown> = { ...base };
  for (const [key, item] of Object.entries(value)) if (item !== undefined) merged[key] = item;
  if (value.methods) {
    merged.methods = value.methods.map((method) => method.toLowerCase());
    merged.methodsGiven = true;
  }
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
  const max = options === false ? Infinity : (options?.tokens ?? 10);
  const refill = (options || undefined)?.refill ?? 0.1;
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
  typeof body !== 'object' || body === null || (!(body instanceof ReadableStream) && !(Symbol.asyncIterator in body));

/**
 * The wait before retry `n`: exponential (`delay(n)`, capped at `backoffLimit`) with full jitter, always within
 * [0, backoffLimit].
 * @example
 * backoff(2, { ...RETRY_DEFAULTS, jitter: false }) // 600
 */
export function backoff(retryCount: number, retry: NormalizedRetry): number {
  // NaN (a broken delay or jitter function) counts as the cap, not as "no wait".
  const clamp = (ms: number) => (Number.isNaN(ms) ? retry.backoffLimit : Math.min(retry.backoffLimit, Math.max(0, ms)));
  const base = clamp(retry.delay(retryCount));
  if (retry.jitter === true) return Math.random() * base;
  return typeof retry.jitter === 'function' ? clamp(retry.jitter(base)) : base;
}

/** Error codes of a keep-alive socket the server closed while idle: the request never reached it. */
const STALE_SOCKET = /^(ECONNRESET|EPIPE|UND_ERR_SOCKET)$/;
const isStaleSocket = (error: unknown): boolean => {
  for (let cause = (error as Error).cause, depth = 0; cause && depth < 4; cause = (cause as Error).cause, depth++) {
    if (STALE_SOCKET.test(String((cause as { code?: unknown }).code))) return true;
  }
  return false;
};

/**
 * Puts the wait the server asked for on a paced HTTPError (`retryAfter`, ms) and returns it: the server's own
 * answer is what the caller needs when its wait is not kept (never a TimeoutError).
 * @example
 * noteRetryAfter(error, api.options.retry) // 2000, and error.retryAfter === 2000
 */
export function noteRetryAfter(error: unknown, retry: NormalizedRetry): number | undefined {
  if (!(error instanceof HTTPError) || !retry.afterStatusCodes.includes(error.response.status)) return undefined;
  const wait = (error as HTTPErrorWithRetryAfter).retryAfter ?? retryAfterMs(error.response.headers);
  if (wait !== undefined) Object.assign(error, { retryAfter: wait });
  return wait;
}

/** What a call tells its retry rules. */
export type RetryCall = {
  retry: NormalizedRetry;
  method: string;
  /** The call carries an Idempotency-Key (POST/PATCH may repeat; a 409 to a repeat means "in progress"). */
  keyed: boolean;
  /** The body can be sent again. */
  replayable: boolean;
  budget: RetryBudget;
  /** Milliseconds left of totalTimeout. */
  remaining(): number;
  /** Told of each retry, before its wait. */
  onRetry(delayMs: number, reason: string): void;
  /** The error for a backoff wait that cannot fit in totalTimeout. */
  outOfTime(): Error;
};

/**
 * Why an attempt failed, for events (`status 503`, `timeout`, `network error`); undefined for an error that
 * is never retried by the status/error rules.
 */
const failure = (error: Error): string | undefined =>
  error instanceof HTTPError
    ? `status ${error.response.status}`
    : error instanceof TimeoutError
      ? 'timeout'
      : error instanceof NetworkError
        ? 'network error'
        : undefined;

/**
 * ky's `retry` option for one call: ky runs the loop (its hooks, its waits, `ky.retry()`); sturdy's rules decide
 * every repeat through `shouldRetry` and choose its wait through `delay`. Only the keys ky reads then are given,
 * so ky normalizes a small object.
 * @example
 * ky(url, { retry: kyRetry({ retry, method: 'POST', keyed: true, replayable: true, budget, remaining, onRetry, outOfTime }) });
 */
export function kyRetry(call: RetryCall) {
  const { retry, keyed } = call;
  const method = call.method.toLowerCase();
  // POST and PATCH repeat with an Idempotency-Key, unless the caller listed the methods that may repeat.
  const methodOk = retry.methods.includes(method) || (!retry.methodsGiven && keyed && KEYED_METHODS.includes(method));
  let planned: number | undefined;
  let staleRetries = 0;
  return {
    limit: call.replayable ? retry.limit : 0,
    methods: [method],
    // sturdy chooses the whole wait (the server's, or backoff with jitter and its cap): ky must not change it.
    backoffLimit: Infinity,
    delay(retryCount: number) {
      const wait = planned ?? backoff(retryCount, retry);
      planned = undefined;
      return wait;
    },
    async shouldRetry({ error, retryCount }: ShouldRetryState): Promise<boolean> {
      const status = error instanceof HTTPError ? error.response.status : undefined;
      const serverWait = noteRetryAfter(error, retry);
      if (!methodOk) return false;
      const reason = failure(error) ?? error.name;
      // Idempotency-Key draft: a 409 to a repeat of a keyed request means the first one is still being processed.
      const inProgress = status === 409 && keyed && retryCount > 1;
      const wanted = retry.shouldRetry ? await retry.shouldRetry({ error, retryCount }) : undefined;
      if (wanted === false) return false;
      if (wanted === undefined && !inProgress) {
        const ruled =
          status !== undefined
            ? retry.statusCodes.includes(status)
            : error instanceof TimeoutError
              ? retry.retryOnTimeout
              : failure(error);
        // ky's rule: a 413 is worth repeating only when the server sent a timing header (the body will not shrink).
        if (!ruled || (status === 413 && !hasRetryTiming((error as HTTPError).response.headers))) return false;
      }
      const timeLeft = call.remaining();
      let wait: number;
      if (serverWait) {
        if (serverWait > retry.maxRetryAfter || serverWait >= timeLeft) return false;
        // A wait the server paced is not a storm: no budget token (a wait of 0 is not pacing).
        wait = serverWait;
      } else {
        wait = backoff(retryCount, retry);
        if (wait >= timeLeft) throw call.outOfTime();
        // The first repeat after a stale keep-alive socket is free: the server never saw the request.
        const stale = staleRetries === 0 && error instanceof NetworkError && isStaleSocket(error);
        if (stale) {
          staleRetries++;
          wait = 0;
        } else if (!call.budget.take()) return false;
      }
      planned = wait;
      call.onRetry(wait, reason);
      return true;
    },
  };
}
