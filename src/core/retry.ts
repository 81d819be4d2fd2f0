/**
 * Every retry rule of sturdy lives here: which calls may repeat, after what,
 * how long to wait, and when to stop (DESIGN.md section 2).
 */
import { HTTPError, NetworkError, TimeoutError } from './errors.ts';
import { retryAfterMs } from './retry-after.ts';

export { retryAfterMs } from './retry-after.ts';

/**
 * ky's HTTPError as sturdy hands it out after a server-asked wait it did not keep (over
 * `maxRetryAfter`, or past `totalTimeout`): `retryAfter` is that wait in ms.
 * @example
 * catch (e) { if (isHTTPError(e)) setTimeout(again, (e as HTTPErrorWithRetryAfter).retryAfter ?? 1_000) }
 */
export type HTTPErrorWithRetryAfter = HTTPError & {
  /** The wait the server asked for (Retry-After or a rate-limit reset header), in ms; undefined when it named none. */
  readonly retryAfter?: number;
};

/** Methods that are safe to repeat as they are (RFC 9110 idempotent methods fetch can send). */
const IDEMPOTENT_METHODS = ['get', 'head', 'options', 'put', 'delete', 'query'];
/** Methods that repeat only with an Idempotency-Key header (lower case, as ky's `retry.methods`); sturdy sends one. */
export const KEYED_METHODS: readonly string[] = ['post', 'patch'];
/**
 * Does `method` (any case) get an Idempotency-Key?
 * @example
 * isKeyedMethod('POST') // true
 */
export const isKeyedMethod = (method: string): boolean => KEYED_METHODS.includes(method.toLowerCase());

/**
 * The header that lets a server recognise repeats of one POST/PATCH.
 * @example
 * new Headers({ [IDEMPOTENCY_HEADER]: 'order-42' })
 */
export const IDEMPOTENCY_HEADER = 'idempotency-key';

/**
 * State handed to `retry.shouldRetry` (ky's shape).
 * @example
 * const shouldRetry = ({ error, retryCount }: ShouldRetryState) => retryCount < 2 && !isTimeoutError(error);
 */
export type ShouldRetryState = { error: Error; retryCount: number };

/**
 * Retry settings. Give a number for `{ limit }`, or `false` for no retries.
 * A call's settings merge over its client's.
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
  /** Statuses whose Retry-After / rate-limit reset headers are obeyed. @default [429, 503] */
  afterStatusCodes?: readonly number[];
  /** A server-asked wait longer than this is not waited: the error is thrown at once with `retryAfter` (ms). @default 60_000 */
  maxRetryAfter?: number;
  /** Longest backoff wait in ms. @default 10_000 */
  backoffLimit?: number;
  /** Backoff before jitter for retry `n` (1-based). @default n => 300 * 2 ** (n - 1) */
  delay?: (retry: number) => number;
  /**
   * `true`: full jitter (uniform in [0, delay]); a function maps the capped delay to the
   * wait (give one for deterministic tests); `false`: none. Results are clamped to [0, backoffLimit].
   * @default true
   */
  jitter?: boolean | ((delay: number) => number);
  /** Retry after a per-attempt timeout. @default true */
  retryOnTimeout?: boolean;
  /** Overrides the status/error rules: true retries, false stops, undefined uses the rules. Never makes a non-replayable call repeat. */
  shouldRetry?: (state: ShouldRetryState) => boolean | undefined | Promise<boolean | undefined>;
};

/**
 * Retry settings with every default filled in.
 * @example
 * const retry: NormalizedRetry = normalizeRetry(2);
 */
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
  methods: IDEMPOTENT_METHODS,
  statusCodes: [408, 425, 429, 500, 502, 503, 504],
  afterStatusCodes: [429, 503],
  maxRetryAfter: 60_000,
  backoffLimit: 10_000,
  delay: (retry) => 300 * 2 ** (retry - 1),
  jitter: true,
  retryOnTimeout: true,
  shouldRetry: undefined,
  methodsGiven: false,
};

/**
 * Merges a `retry` option (number = limit, `false` = off, object) over a base
 * (the defaults, or the client's settings for a call or an extended client).
 * @example
 * normalizeRetry({ limit: 1 }, normalizeRetry({ backoffLimit: 2_000 })) // limit 1, backoffLimit 2000
 */
export function normalizeRetry(
  value: RetryOptions | number | boolean | undefined,
  base: NormalizedRetry = RETRY_DEFAULTS,
): NormalizedRetry {
  if (value === undefined || value === true) return base;
  if (value === false) return { ...base, limit: 0 };
  if (typeof value === 'number') return { ...base, limit: value };
  const merged = { ...base };
  for (const [key, item] of Object.entries(value))
    if (item !== undefined) (merged as Record<string, unknown>)[key] = item;
  merged.methods = merged.methods.map((method) => method.toLowerCase());
  if (value.methods !== undefined) merged.methodsGiven = true;
  return merged;
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

/**
 * The budget defaults.
 * @example
 * BUDGET_DEFAULTS.tokens // 10
 */
const BUDGET_DEFAULTS = { tokens: 10, refill: 0.1 } as const;

/**
 * A token bucket shared by the calls of one client.
 * @example
 * if (budget.take()) scheduleRetry(); else throw error;
 */
export type RetryBudget = {
  /** Takes a token for a retry; false when the bucket is empty. */
  take(): boolean;
  /** A call succeeded: refill a little. */
  success(): void;
  readonly available: number;
};

/**
 * A token bucket shared by every call of one client (and of clients made by
 * `extend` unless they set their own `retryBudget`); `false` = unlimited.
 * @example
 * const budget = createRetryBudget({ tokens: 5 });
 */
export function createRetryBudget(options: RetryBudgetOptions | false | undefined): RetryBudget {
  if (options === false) return { take: () => true, success() {}, available: Infinity };
  const max = options?.tokens ?? BUDGET_DEFAULTS.tokens;
  const refill = options?.refill ?? BUDGET_DEFAULTS.refill;
  let tokens = max;
  return {
    take() {
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
    success() {
      tokens = Math.min(max, tokens + refill);
    },
    get available() {
      return tokens;
    },
  };
}

/**
 * Can this body be sent again? A stream (or async iterable) is read once;
 * strings, Blobs, buffers, FormData and URLSearchParams can be re-sent as
 * they are. Streams retry only when given as a factory `() => BodyInit`.
 * @example
 * isReplayableBody('{"a":1}') // true
 * isReplayableBody(file.stream()) // false
 */
export function isReplayableBody(body: unknown): boolean {
  if (body === undefined || body === null || typeof body !== 'object') return true;
  return (
    !(body instanceof ReadableStream) &&
    typeof (body as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] !== 'function'
  );
}

/**
 * Can this call be repeated at all, given its method and whether it carries
 * an Idempotency-Key? POST and PATCH only with a key (so the server can drop a
 * repeat), unless the caller listed `methods` explicitly: then only those.
 * @example
 * isReplayableMethod('POST', true, RETRY_DEFAULTS) // true
 */
export function isReplayableMethod(method: string, keyed: boolean, retry: NormalizedRetry): boolean {
  const lower = method.toLowerCase();
  if (retry.methods.includes(lower)) return true;
  return !retry.methodsGiven && keyed && KEYED_METHODS.includes(lower);
}

/**
 * The decision for one failed attempt. `retryAfterMs` is the server's asked
 * wait when one was given but not waited (it goes on the error as `retryAfter`).
 * @example
 * if (!decision.retry) throw Object.assign(error, { retryAfter: decision.retryAfterMs });
 */
type RetryDecision =
  | { retry: true; delayMs: number; reason: string; stale?: true }
  | { retry: false; reason: string; retryAfterMs?: number; outOfTime?: true };

/**
 * A short reason for events: `status 503`, `timeout`, `network error`.
 * @example
 * describeFailure(new NetworkError(request)) // 'network error'
 */
function describeFailure(error: unknown): string {
  if (error instanceof HTTPError) return `status ${error.response.status}`;
  if (error instanceof TimeoutError) return 'timeout';
  if (error instanceof NetworkError) return 'network error';
  return (error as Error)?.name ?? 'error';
}

/** Error codes of a keep-alive socket the server closed while idle: the request never reached it. */
const STALE_SOCKET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

const isStaleSocket = (error: unknown): boolean => {
  for (let cause = (error as Error)?.cause, depth = 0; cause && depth < 4; cause = (cause as Error).cause, depth++) {
    if (STALE_SOCKET_CODES.has(String((cause as { code?: unknown }).code))) return true;
  }
  return false;
};

/**
 * Decides whether retry `retryCount` (1 = first retry) may follow `error` and
 * how long to wait first. A call repeats only if `replayable` (method, key
 * and body allow it); each retry takes a token from the client's budget,
 * except a wait the server paced and the first repeat after a stale keep-alive socket.
 * @example
 * const decision = await decideRetry({ error, retryCount: 1, retry: RETRY_DEFAULTS, replayable: true, budget });
 */
async function decideRetry(input: {
  error: unknown;
  retryCount: number;
  retry: NormalizedRetry;
  replayable: boolean;
  budget: RetryBudget;
  /** The call carries an Idempotency-Key (a 409 to its repeat means "still in progress"). */
  keyed?: boolean;
  /** Time left of the call's totalTimeout; a wait that does not fit spends no budget token. */
  timeLeftMs?: number;
  /** Free repeats after a stale socket already used by this call. */
  staleRetries?: number;
}): Promise<RetryDecision> {
  const { error, retryCount, retry, replayable, budget, timeLeftMs = Infinity } = input;
  const reason = describeFailure(error);
  const status = error instanceof HTTPError ? error.response.status : undefined;
  const serverWait =
    status !== undefined && retry.afterStatusCodes.includes(status)
      ? retryAfterMs((error as HTTPError).response.headers)
      : undefined;
  const stop = (why?: string): RetryDecision & { retry: false } => ({
    retry: false,
    reason: why ? `${reason}; ${why}` : reason,
    ...(serverWait === undefined ? {} : { retryAfterMs: serverWait }),
  });

  if (retryCount > retry.limit) return stop(`retry limit ${retry.limit} reached`);
  if (!replayable) return stop('request is not replayable (POST/PATCH without Idempotency-Key, or a stream body)');
  if (!(error instanceof Error)) return stop();

  // Idempotency-Key draft: a 409 to a repeat of a keyed request means the first one is still being processed.
  const inProgress = status === 409 && input.keyed === true && retryCount > 1;
  const wanted = retry.shouldRetry ? await retry.shouldRetry({ error, retryCount }) : undefined;
  if (wanted === false) return stop('shouldRetry said no');
  if (wanted === undefined && !inProgress) {
    if (status !== undefined) {
      if (!retry.statusCodes.includes(status)) return stop();
    } else if (error instanceof TimeoutError) {
      if (!retry.retryOnTimeout) return stop();
    } else if (!(error instanceof NetworkError)) {
      return stop();
    }
  }

  // ky's rule: a 413 is worth repeating only when the server says when (the body will not shrink).
  if (status === 413 && serverWait === undefined && wanted === undefined) return stop();
  if (serverWait !== undefined) {
    if (serverWait > retry.maxRetryAfter)
      return stop(`server asked to wait ${serverWait} ms (over maxRetryAfter ${retry.maxRetryAfter} ms)`);
    // The server's own answer is what the caller needs when its wait cannot be kept (never a TimeoutError).
    if (serverWait >= timeLeftMs)
      return stop(
        `server asked to wait ${serverWait} ms, more than the ${Math.round(timeLeftMs)} ms left of totalTimeout`,
      );
    // A wait the server paced is not a storm: no budget token.
    return { retry: true, delayMs: serverWait, reason };
  }
  const delayMs = backoff(retryCount, retry);
  if (delayMs >= timeLeftMs)
    return { ...stop(`a wait of ${Math.round(delayMs)} ms does not fit in the time left`), outOfTime: true };
  if (error instanceof NetworkError && (input.staleRetries ?? 0) === 0 && isStaleSocket(error))
    return { retry: true, delayMs: 0, reason, stale: true };
  if (!budget.take()) return stop('retry budget exhausted');
  return { retry: true, delayMs, reason };
}

/**
 * The wait before retry `n`: exponential (`delay(n)`, capped at
 * `backoffLimit`) with full jitter, always within [0, backoffLimit].
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

/**
 * ky's `retry` option for one call: ky runs the loop (its hooks, its waits, `ky.retry()`), sturdy's
 * rules decide through `shouldRetry` and choose each wait through `delay`, so every rule above
 * holds while ky's documented behaviour stays ky's.
 * @example
 * ky(url, { retry: kyRetry({ retry, replayable: true, keyed: true, budget, remaining: () => Infinity, onRetry() {}, outOfTime: () => new Error('late') }) });
 */
export function kyRetry(call: {
  retry: NormalizedRetry;
  /** The body can be sent again (a forced `ky.retry()` needs only this). */
  bodyReplayable: boolean;
  /** The method (and its Idempotency-Key) allows a repeat. */
  methodReplayable: boolean;
  keyed: boolean;
  budget: RetryBudget;
  remaining(): number;
  /** Told of each retry sturdy decided, before the wait. */
  onRetry(decision: { delayMs: number; reason: string }, retryCount: number): void;
  /** The error for a backoff wait that cannot fit in totalTimeout. */
  outOfTime(): Error;
}) {
  const { retry } = call;
  let planned: number | undefined;
  let staleRetries = 0;
  const methods = isReplayableMethod('post', call.keyed, retry)
    ? [...new Set([...retry.methods, ...KEYED_METHODS])]
    : retry.methods;
  return {
    limit: call.bodyReplayable ? retry.limit : 0,
    methods,
    statusCodes: retry.statusCodes,
    afterStatusCodes: retry.afterStatusCodes,
    retryOnTimeout: retry.retryOnTimeout,
    // sturdy chooses the whole wait (server's, or backoff with jitter and its cap): ky must not cap or jitter it again.
    backoffLimit: Infinity,
    maxRetryAfter: Infinity,
    delay(retryCount: number) {
      const wait = planned ?? backoff(retryCount, retry);
      planned = undefined;
      return wait;
    },
    async shouldRetry({ error, retryCount }: ShouldRetryState): Promise<boolean> {
      const decision = await decideRetry({
        error,
        retryCount,
        retry,
        replayable: call.methodReplayable,
        keyed: call.keyed,
        budget: call.budget,
        timeLeftMs: call.remaining(),
        staleRetries,
      });
      if (decision.retry) {
        planned = decision.delayMs;
        if (decision.stale) staleRetries += 1;
        call.onRetry(decision, retryCount);
        return true;
      }
      if (decision.retryAfterMs !== undefined) Object.assign(error, { retryAfter: decision.retryAfterMs });
      if (decision.outOfTime) throw call.outOfTime();
      return false;
    },
  };
}
