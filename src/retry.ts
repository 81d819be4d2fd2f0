/**
 * Every retry rule of sturdy lives here: which calls may repeat, after what,
 * how long to wait, and when to stop (DESIGN.md section 2).
 */
import { HTTPError, NetworkError, TimeoutError } from './errors.ts';

/** Methods that are safe to repeat as they are. */
const IDEMPOTENT_METHODS = ['get', 'head', 'options', 'put', 'delete', 'query', 'trace'];
/** Methods that repeat only with an Idempotency-Key header. */
const KEYED_METHODS = ['post', 'patch'];

export const IDEMPOTENCY_HEADER = 'idempotency-key';

/** State handed to `shouldRetry`. */
export type ShouldRetryState = { error: Error; retryCount: number };

/**
 * Retry settings. Give a number for `{ limit }`, or `false` for no retries.
 * @example
 * createClient({ retry: { limit: 5, backoffLimit: 2_000 } })
 */
export type RetryOptions = {
  /** Retries after the first attempt. @default 3 */
  limit?: number;
  /** Methods retried freely; POST and PATCH are retried only with an Idempotency-Key. @default GET HEAD OPTIONS PUT DELETE QUERY TRACE */
  methods?: readonly string[];
  /** Statuses that are retried. @default [408, 425, 429, 500, 502, 503, 504] */
  statusCodes?: readonly number[];
  /** Statuses whose Retry-After / rate-limit reset headers are obeyed. @default [429, 503] */
  afterStatusCodes?: readonly number[];
  /** A server-asked wait longer than this is not waited: the error is thrown with `retryAfter`. @default 60_000 */
  maxRetryAfter?: number;
  /** Longest backoff wait in ms. @default 10_000 */
  backoffLimit?: number;
  /** Backoff before jitter for retry `n` (1-based). @default n => 300 * 2 ** (n - 1) */
  delay?: (retry: number) => number;
  /** `true`: full jitter (uniform in [0, delay]); a function maps the delay; `false`: none. @default true */
  jitter?: boolean | ((delay: number) => number);
  /** Retry after a per-attempt timeout. @default true */
  retryOnTimeout?: boolean;
  /** Overrides the decision for an error: true retries, false stops, undefined uses the rules. */
  shouldRetry?: (state: ShouldRetryState) => boolean | undefined | Promise<boolean | undefined>;
};

export type NormalizedRetry = Required<Omit<RetryOptions, 'shouldRetry' | 'jitter'>> & {
  jitter: boolean | ((delay: number) => number);
  shouldRetry: RetryOptions['shouldRetry'];
};

/** The retry defaults: the one table they are written in. */
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
};

const NO_RETRY: NormalizedRetry = { ...RETRY_DEFAULTS, limit: 0 };

/** Merges `retry` options (number, false, object) over a base. */
export function normalizeRetry(value: RetryOptions | number | boolean | undefined, base: NormalizedRetry = RETRY_DEFAULTS): NormalizedRetry {
  if (value === undefined || value === true) return base;
  if (value === false) return NO_RETRY;
  if (typeof value === 'number') return { ...base, limit: value };
  const merged = { ...base };
  for (const [key, item] of Object.entries(value)) if (item !== undefined) (merged as Record<string, unknown>)[key] = item;
  merged.methods = merged.methods.map((method) => method.toLowerCase());
  return merged;
}

/** Retry budget: gRPC-style throttling so a failing upstream is not hit by a storm. */
export type RetryBudgetOptions = {
  /** Bucket size; each retry takes one token. @default 10 */
  tokens?: number;
  /** Tokens returned by each success. @default 0.1 */
  refill?: number;
};

export const BUDGET_DEFAULTS = { tokens: 10, refill: 0.1 } as const;

export type RetryBudget = {
  /** Takes a token for a retry; false when the bucket is empty. */
  take(): boolean;
  /** A call succeeded: refill a little. */
  success(): void;
  readonly available: number;
};

/** A token bucket shared by every call of one client. */
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

/** Can this call be repeated at all, given its method and headers? */
export function isReplayableMethod(method: string, headers: Headers, retry: NormalizedRetry): boolean {
  const lower = method.toLowerCase();
  if (retry.methods.includes(lower)) return true;
  return KEYED_METHODS.includes(lower) && headers.has(IDEMPOTENCY_HEADER);
}

/**
 * Sets the Idempotency-Key of one call (kept by every attempt). A caller's
 * header wins; `false` sends none; a string is used as given.
 */
export function applyIdempotencyKey(method: string, headers: Headers, option: string | boolean | undefined): void {
  if (option === false || headers.has(IDEMPOTENCY_HEADER) || !KEYED_METHODS.includes(method.toLowerCase())) return;
  headers.set(IDEMPOTENCY_HEADER, typeof option === 'string' ? option : crypto.randomUUID());
}

/**
 * Milliseconds the server asked us to wait (Retry-After as seconds or
 * HTTP-date, or a rate-limit reset header), or undefined.
 */
export function retryAfterMs(headers: Headers, nowMs = Date.now()): number | undefined {
  const retryAfter = headers.get('retry-after');
  if (retryAfter !== null) return parseWait(retryAfter, false, nowMs);
  const reset = headers.get('ratelimit-reset') ?? headers.get('x-ratelimit-reset') ?? headers.get('x-rate-limit-reset');
  if (reset !== null) return parseWait(reset, true, nowMs);
  const after = headers.get('x-ratelimit-retry-after');
  return after === null ? undefined : parseWait(after, false, nowMs);
}

/** Reset headers may be epoch seconds (GitHub) rather than a delay. */
const EPOCH_THRESHOLD_SECONDS = 1_000_000_000;

function parseWait(value: string, allowEpoch: boolean, nowMs: number): number | undefined {
  const trimmed = value.trim();
  if (/^\d+(?:\.\d+)?$/.test(trimmed)) {
    const seconds = Number(trimmed);
    if (allowEpoch && seconds >= EPOCH_THRESHOLD_SECONDS) return Math.max(0, seconds * 1000 - nowMs);
    return seconds * 1000;
  }
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/** The decision for one failed attempt. */
export type RetryDecision =
  | { retry: true; delayMs: number; reason: string }
  | { retry: false; reason: string; retryAfterMs?: number };

/** A short reason for events: `status 503`, `timeout`, `network error`. */
export function describeFailure(error: unknown): string {
  if (error instanceof HTTPError) return `status ${error.response.status}`;
  if (error instanceof TimeoutError) return 'timeout';
  if (error instanceof NetworkError) return 'network error';
  return (error as Error)?.name ?? 'error';
}

/**
 * Decides whether attempt `retryCount` (1 = first retry) may follow `error`
 * and how long to wait. Pure apart from `random` and the budget; a call may
 * repeat only if `replayable` (method, key and body allow it).
 */
export async function decideRetry(input: {
  error: unknown;
  retryCount: number;
  retry: NormalizedRetry;
  replayable: boolean;
  budget: RetryBudget;
  random?: () => number;
}): Promise<RetryDecision> {
  const { error, retryCount, retry, replayable, budget } = input;
  const reason = describeFailure(error);
  if (retryCount > retry.limit) return { retry: false, reason: `${reason}; retry limit ${retry.limit} reached` };
  if (!replayable) return { retry: false, reason: `${reason}; request is not replayable` };
  if (!(error instanceof Error)) return { retry: false, reason };

  let wanted: boolean | undefined;
  if (retry.shouldRetry) wanted = await retry.shouldRetry({ error, retryCount });
  if (wanted === false) return { retry: false, reason: `${reason}; shouldRetry said no` };

  let serverWait: number | undefined;
  if (wanted === undefined) {
    if (error instanceof HTTPError) {
      const status = error.response.status;
      if (!retry.statusCodes.includes(status)) return { retry: false, reason };
      if (retry.afterStatusCodes.includes(status)) serverWait = retryAfterMs(error.response.headers);
    } else if (error instanceof TimeoutError) {
      if (!retry.retryOnTimeout) return { retry: false, reason };
    } else if (!(error instanceof NetworkError)) {
      return { retry: false, reason };
    }
  }

  if (serverWait !== undefined && serverWait > retry.maxRetryAfter) {
    return { retry: false, reason: `${reason}; server asked to wait ${serverWait} ms (over maxRetryAfter ${retry.maxRetryAfter} ms)`, retryAfterMs: serverWait };
  }
  if (!budget.take()) return { retry: false, reason: `${reason}; retry budget exhausted` };
  const delayMs = serverWait ?? backoff(retryCount, retry, input.random ?? Math.random);
  return { retry: true, delayMs, reason };
}

/** Exponential backoff for retry `n`, with full jitter, capped at backoffLimit. */
export function backoff(retryCount: number, retry: NormalizedRetry, random: () => number = Math.random): number {
  const base = Math.min(retry.backoffLimit, retry.delay(retryCount));
  let delay = base;
  if (retry.jitter === true) delay = random() * base;
  else if (typeof retry.jitter === 'function') delay = retry.jitter(base);
  if (!Number.isFinite(delay) || delay < 0) delay = base;
  return Math.min(retry.backoffLimit, delay);
}
