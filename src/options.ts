/**
 * sturdy's options: their types, the defaults table, validation (bad input is
 * a TypeError naming the option, before any network call) and ky-style merging.
 */
import type { Options as KyOptions, Hooks } from 'ky';
import type { AuthStrategy } from './auth/types.ts';
import { isAuthStrategy } from './auth/types.ts';
import type { EventListener } from './events.ts';
import { checkMiddleware, type Middleware } from './middleware.ts';
import type { RateLimitOptions } from './limiter.ts';
import type { RedactOptions } from './redact.ts';
import type { RetryBudgetOptions, RetryOptions } from './retry.ts';
import type { InferInput, StandardSchemaV1 } from './schema.ts';

/** Options sturdy adds to ky's; each may be set on the client or per call. */
export type SturdyOwnOptions = {
  /** Retry settings (section 2); a number is the limit, `false` turns retries off. @default { limit: 3 } */
  retry?: RetryOptions | number | false;
  /** Per attempt, until response headers arrive, in ms; `false` for none. @default 10_000 */
  timeout?: number | false;
  /** The whole call, retries and waits and body reading included, in ms. @default 60_000 */
  totalTimeout?: number | false;
  /** Longest stall between two body chunks (or before the first), in ms. @default 15_000 */
  idleTimeout?: number | false;
  /** Credentials (`bearer`, `apiKey`, `basic`, `clientCredentials`); `false` sends none for this call. */
  auth?: AuthStrategy | false;
  /** Origins besides the baseUrl's that receive credentials. @example ['https://uploads.example.com'] */
  credentialOrigins?: readonly string[];
  /** Allow credentials over plain http to non-loopback hosts. @default false */
  allowInsecure?: boolean;
  /** POST/PATCH Idempotency-Key, the same on every attempt of one call: a string (per call only) to use it, `false` to send none (then POST/PATCH are not retried). @default a random UUID per call */
  idempotencyKey?: string | false;
  /** Receives `request`, `response`, `retry` and `error` events (redacted). */
  onEvent?: EventListener;
  /** Fetch middleware around every network attempt, outermost first; `extend` and call options append theirs. */
  use?: readonly Middleware[];
  /** The request body, as in ky; a factory `() => BodyInit` is called per attempt, so a stream body can be retried. */
  body?: KyOptions['body'] | (() => NonNullable<KyOptions['body']>);
};

/** ky's options that sturdy passes through unchanged. */
export type PassThroughOptions = Omit<KyOptions, 'retry' | 'timeout' | 'totalTimeout' | 'json' | 'method' | 'body'>;

/**
 * Options of `createClient`.
 * @example
 * createClient({ baseUrl: 'https://api.example.com/v1/', auth: bearer(process.env.API_TOKEN!) })
 */
export type ClientOptions = PassThroughOptions &
  SturdyOwnOptions & {
    /** Extra header, query and field names to redact from everything sturdy emits. */
    redact?: RedactOptions;
    /** Retry budget shared by every call of this client; `false` for none. @default { tokens: 10, refill: 0.1 } */
    retryBudget?: RetryBudgetOptions | false;
    /** Most attempts in flight per origin (until response headers); others queue. `false`: no limit. @default false */
    concurrency?: number | false;
    /**
     * Most attempt starts per origin in any `interval` ms; others queue. With either limit on, a 429 with
     * Retry-After pauses that origin's queue for every call of the client. @default false
     * @example createClient({ baseUrl, rateLimit: { requests: 10, interval: 1_000 }, concurrency: 4 })
     */
    rateLimit?: RateLimitOptions | false;
  };

/**
 * Options of one call. With `schema`, `json` is typed as the schema's input.
 * @example
 * api.post('orders', { json: order, schema: Order, timeout: 5_000 })
 */
export type CallOptions<Schema extends StandardSchemaV1 = StandardSchemaV1> = PassThroughOptions &
  SturdyOwnOptions & {
    /** The request body as JSON; validated by `schema` first when given. */
    json?: NoInfer<InferInput<Schema>>;
    /** Validates `json` before sending; the schema's output (transforms applied) is sent. */
    schema?: Schema;
    method?: string;
  };

/** Every sturdy default, written once. Retry and budget defaults live in retry.ts. */
export const DEFAULTS = {
  timeout: 10_000,
  totalTimeout: 60_000,
  idleTimeout: 15_000,
  concurrency: false,
  rateLimit: false,
} as const;

const fail = (option: string, expected: string, value: unknown): never => {
  let shown: string;
  try {
    shown = typeof value === 'function' ? 'a function' : JSON.stringify(value) ?? String(value);
  } catch {
    shown = typeof value;
  }
  throw new TypeError(`sturdy: option \`${option}\` must be ${expected}; got ${shown}`);
};

const checkDuration = (option: string, value: unknown) => {
  if (value === undefined || value === false) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) fail(option, 'a non-negative number of milliseconds or false', value);
};

/** Validates the options sturdy reads; ky validates the rest. */
export function validateOptions(options: ClientOptions & CallOptions, where: 'client' | 'call'): void {
  if (typeof options !== 'object' || options === null) throw new TypeError(`sturdy: ${where} options must be an object`);
  if (options.baseUrl !== undefined) {
    try {
      new URL(options.baseUrl);
    } catch {
      fail('baseUrl', "an absolute URL like 'https://api.example.com/v1/'", String(options.baseUrl));
    }
  }
  checkDuration('timeout', options.timeout);
  checkDuration('totalTimeout', options.totalTimeout);
  checkDuration('idleTimeout', options.idleTimeout);
  const retry = options.retry;
  if (retry !== undefined && retry !== false) {
    const limit = typeof retry === 'number' ? retry : typeof retry === 'object' && retry !== null ? retry.limit : NaN;
    if (limit !== undefined && (!Number.isInteger(limit) || (limit as number) < 0)) fail('retry', 'false, a non-negative integer, or { limit, ... }', retry);
    if (typeof retry === 'object') {
      checkDuration('retry.backoffLimit', retry.backoffLimit);
      checkDuration('retry.maxRetryAfter', retry.maxRetryAfter);
      for (const name of ['delay', 'shouldRetry'] as const) if (retry[name] !== undefined && typeof retry[name] !== 'function') fail(`retry.${name}`, 'a function', retry[name]);
      if (retry.jitter !== undefined && typeof retry.jitter !== 'boolean' && typeof retry.jitter !== 'function') fail('retry.jitter', 'true, false or a function (delay) => ms', retry.jitter);
      for (const name of ['methods', 'statusCodes', 'afterStatusCodes'] as const) if (retry[name] !== undefined && !Array.isArray(retry[name])) fail(`retry.${name}`, 'an array', retry[name]);
    }
  }
  checkLimits(options, where);
  const budget = options.retryBudget;
  if (budget !== undefined && budget !== false) {
    if (typeof budget !== 'object' || budget === null) fail('retryBudget', '{ tokens, refill } or false', budget);
    for (const name of ['tokens', 'refill'] as const) {
      const value = budget[name];
      if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < 0)) fail(`retryBudget.${name}`, 'a non-negative number', value);
    }
  }
  if (options.auth !== undefined && options.auth !== false && !isAuthStrategy(options.auth)) {
    fail('auth', 'a strategy from bearer(), apiKey(), basic() or clientCredentials(), or false', options.auth);
  }
  const key = options.idempotencyKey;
  if (key !== undefined && key !== false && (typeof key !== 'string' || key === '' || /[\r\n]/.test(key))) {
    fail('idempotencyKey', 'a non-empty string without line breaks, or false', key);
  }
  // One key on a client would make all its POSTs one operation: the server would drop every one after the first.
  if (where === 'client' && typeof key === 'string') fail('idempotencyKey', 'false or unset on a client (give a string per call)', key);
  if (options.onEvent !== undefined && typeof options.onEvent !== 'function') fail('onEvent', 'a function', options.onEvent);
  if (options.credentialOrigins !== undefined && !Array.isArray(options.credentialOrigins)) {
    fail('credentialOrigins', 'an array of origins', options.credentialOrigins);
  }
  if (options.headers) checkHeaders(options.headers);
  checkMiddleware(options.use);
}

/** `concurrency` and `rateLimit` hold per-client queues, so they cannot vary per call. */
const checkLimits = (options: ClientOptions, where: 'client' | 'call') => {
  for (const name of ['concurrency', 'rateLimit'] as const) {
    if (options[name] !== undefined && where === 'call') fail(name, 'set on the client (createClient or extend), not per call', options[name]);
  }
  const { concurrency, rateLimit } = options;
  if (concurrency !== undefined && concurrency !== false && !(Number.isInteger(concurrency) && concurrency >= 1)) {
    fail('concurrency', 'a positive integer or false', concurrency);
  }
  if (rateLimit !== undefined && rateLimit !== false) {
    const { requests, interval } = (typeof rateLimit === 'object' && rateLimit) || ({} as Partial<RateLimitOptions>);
    if (!(Number.isInteger(requests) && requests! >= 1 && typeof interval === 'number' && Number.isFinite(interval) && interval > 0)) {
      fail('rateLimit', '{ requests: a positive integer, interval: milliseconds > 0 } or false', rateLimit);
    }
  }
};

const checkHeaders = (headers: NonNullable<KyOptions['headers']>) => {
  const entries = headers instanceof Headers ? [...headers] : Array.isArray(headers) ? headers : Object.entries(headers);
  for (const [name, value] of entries as Array<[string, unknown]>) {
    if (typeof value === 'string' && /[\r\n\0]/.test(value)) {
      throw new TypeError(`sturdy: option \`headers\` value of ${JSON.stringify(name)} contains a line break or NUL; remove it (header injection)`);
    }
  }
};

type Mergeable = ClientOptions & CallOptions;

const mergeHeaders = (base: KyOptions['headers'], extra: KyOptions['headers']): Headers => {
  const result = new Headers(base as HeadersInit | undefined);
  if (!extra) return result;
  const entries = extra instanceof Headers ? [...extra] : Array.isArray(extra) ? extra : Object.entries(extra);
  for (const [name, value] of entries as Array<[string, string | undefined]>) {
    if (value === undefined) result.delete(name);
    else result.set(name, value);
  }
  return result;
};

const mergeHooks = (base: Hooks | undefined, extra: Hooks | undefined): Hooks => {
  const result: Record<string, unknown[]> = {};
  for (const source of [base, extra]) {
    for (const [name, list] of Object.entries(source ?? {})) result[name] = [...(result[name] ?? []), ...((list as unknown[]) ?? [])];
  }
  return result as Hooks;
};

type SearchParamsOption = NonNullable<KyOptions['searchParams']>;

const searchEntries = (params: SearchParamsOption): Array<[string, unknown]> =>
  typeof params === 'string' || params instanceof URLSearchParams
    ? [...new URLSearchParams(params)]
    : Array.isArray(params)
      ? (params as Array<[string, unknown]>)
      : Object.entries(params);

/** Later values replace earlier ones of the same name; `undefined` removes a name. */
const mergeSearchParams = (base: SearchParamsOption, extra: SearchParamsOption): URLSearchParams => {
  const params = new URLSearchParams();
  for (const [name, value] of searchEntries(base)) if (value !== undefined) params.append(name, String(value));
  const replaced = new Set<string>();
  for (const [name, value] of searchEntries(extra)) {
    if (!replaced.has(name)) params.delete(name);
    replaced.add(name);
    if (value !== undefined) params.append(name, String(value));
  }
  return params;
};

/**
 * ky's merge rules: headers merge (undefined deletes), hooks append,
 * searchParams and context merge, retry objects merge, the rest is replaced.
 */
export function mergeOptions<T extends Mergeable>(base: Mergeable, extra: T): T {
  const merged = { ...base, ...extra } as Mergeable;
  if (base.headers || extra.headers) merged.headers = mergeHeaders(base.headers, extra.headers);
  if (base.hooks || extra.hooks) merged.hooks = mergeHooks(base.hooks, extra.hooks);
  if (base.use && extra.use) merged.use = [...base.use, ...extra.use];
  if (base.context && extra.context) merged.context = { ...base.context, ...extra.context };
  if (typeof base.retry === 'object' && typeof extra.retry === 'object') merged.retry = { ...base.retry, ...extra.retry };
  if (base.searchParams && extra.searchParams) merged.searchParams = mergeSearchParams(base.searchParams, extra.searchParams);
  return merged as T;
}
