/**
 * sturdy's options: their types, the one table of sturdy's own keys, the
 * defaults, and validation (bad input is a TypeError naming the option,
 * before any network call). Everything ky knows goes to ky untouched, and ky
 * merges it (headers, hooks, searchParams, context: ky's rules).
 */
import type { Options as KyOptions } from 'ky';
import type { AuthStrategy } from '../auth/types.ts';
import { isAuthStrategy } from '../auth/types.ts';
import type { EventListener } from './events.ts';
import { checkMiddleware, type Middleware } from './middleware.ts';
import type { RedactOptions } from './redact.ts';
import type { RetryBudgetOptions, RetryOptions } from './retry.ts';
import type { InferInput, StandardSchemaV1 } from './schema.ts';
import { MAX_TIMER } from '../shared/clock.ts';
import { breaksHeader } from '../shared/header-value.ts';

/** Options sturdy adds to ky's; each may be set on the client or per call. */
export type SturdyOwnOptions = {
  /** Credentials (`bearer`, `apiKey`, `basic`, `clientCredentials`); `false` sends none for this call. */
  auth?: AuthStrategy | false;
  /** Origins besides the baseUrl's that receive credentials. @example ['https://uploads.example.com'] */
  credentialOrigins?: readonly string[];
  /** Allow credentials over plain http to non-loopback hosts. @default false */
  allowInsecure?: boolean;
  /** POST/PATCH Idempotency-Key, the same on every attempt of one call: a string (per call only) to use it, `false` to send none (then POST/PATCH are not retried). @default a random UUID per call */
  idempotencyKey?: string | false;
  /** Longest stall between two body chunks (or before the first), in ms. @default 15_000 */
  idleTimeout?: number | false;
  /** Receives `request`, `response`, `retry` and `error` events (redacted). */
  onEvent?: EventListener;
  /** Extra header, query and field names to redact from everything sturdy emits. */
  redact?: RedactOptions;
  /** Fetch middleware around every network attempt, outermost first; `extend` and call options append theirs. */
  use?: readonly Middleware[];
};

/** ky's options, with sturdy's retry settings and its body factory. */
export type PassThroughOptions = Omit<KyOptions, 'retry' | 'json' | 'method' | 'body'> & {
  /** Retry settings (section 2); a number is the limit, `false` turns retries off. @default { limit: 3 } */
  retry?: RetryOptions | number | false;
  /** Per attempt, until response headers, and for each body read of a shortcut (`.json()`, `.text()`): ky's `timeout`; `false` for none. @default 10_000 */
  timeout?: number | false;
  /** The whole call, retries, waits and body reading included (ky's `totalTimeout`). @default 60_000 */
  totalTimeout?: number | false;
  /** The request body, as in ky; a factory `() => BodyInit` is called per attempt, so a stream body can be retried. */
  body?: KyOptions['body'] | (() => NonNullable<KyOptions['body']>);
};

/**
 * Options of `createClient` (and of `extend`).
 * @example
 * createClient({ baseUrl: 'https://api.example.com/v1/', auth: bearer(process.env.API_TOKEN!) })
 */
export type ClientOptions = PassThroughOptions &
  SturdyOwnOptions & {
    /** Retry budget shared by every call of this client; `false` for none. @default { tokens: 10, refill: 0.1 } */
    retryBudget?: RetryBudgetOptions | false;
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

/** Every option sturdy consumes itself; ky never sees these. The compiler makes the table name each one. */
export const OWN_KEYS: { readonly [K in keyof SturdyOwnOptions | 'retryBudget' | 'schema']-?: true } = {
  auth: true,
  credentialOrigins: true,
  allowInsecure: true,
  idempotencyKey: true,
  idleTimeout: true,
  onEvent: true,
  redact: true,
  use: true,
  retryBudget: true,
  schema: true,
};

/** sturdy's defaults that differ from ky's, written once. Retry and budget defaults live in retry.ts. */
export const DEFAULTS = {
  timeout: 10_000,
  totalTimeout: 60_000,
  idleTimeout: 15_000,
} as const;

/** Options that moved out of the core: what to use instead. */
const MOVED: Record<string, string> = {
  concurrency: "`use: [limit({ concurrency })]` with `import { limit } from 'sturdy/limit'`",
  rateLimit: "`use: [limit({ rateLimit })]` with `import { limit } from 'sturdy/limit'`",
  prefixUrl: '`prefix` (ky 2 renamed it) or `baseUrl`',
};

const show = (value: unknown): string => {
  try {
    return typeof value === 'function' ? 'a function' : (JSON.stringify(value) ?? String(value));
  } catch {
    return typeof value;
  }
};

/** What a value is, without its content: for options that may hold a credential (auth, headers, baseUrl). */
const kindOf = (value: unknown): string =>
  typeof value === 'string'
    ? `a string of ${value.length} characters (not shown: it may be a credential)`
    : value === null
      ? 'null'
      : Array.isArray(value)
        ? 'an array'
        : typeof value === 'function'
          ? 'a function'
          : typeof value;

const fail = (option: string, expected: string, value: unknown): never => {
  throw new TypeError(`sturdy: option \`${option}\` must be ${expected}; got ${show(value)}`);
};

const failKind = (option: string, expected: string, value: unknown): never => {
  throw new TypeError(`sturdy: option \`${option}\` must be ${expected}; got ${kindOf(value)}`);
};

/** A timeout: 0 would fail every attempt at once (axios users read it as "none"), so it is refused rather than guessed. */
const checkDuration = (option: string, value: unknown, max = Infinity) => {
  if (value === undefined || value === false) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > max) {
    fail(option, `a positive number of milliseconds${max < Infinity ? ` up to ${max}` : ''}, or false for none`, value);
  }
};

/** A wait limit: 0 is meaningful (never wait). */
const checkWait = (option: string, value: unknown) => {
  if (value !== undefined && (typeof value !== 'number' || Number.isNaN(value) || value < 0))
    fail(option, 'a non-negative number of milliseconds', value);
};

const checkRetry = (retry: unknown) => {
  if (retry === undefined || retry === false || retry === true) return;
  const limit =
    typeof retry === 'number'
      ? retry
      : typeof retry === 'object' && retry !== null
        ? (retry as RetryOptions).limit
        : NaN;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0))
    fail('retry', 'false, a non-negative integer, or { limit, ... }', retry);
  if (typeof retry !== 'object' || retry === null) return;
  const options = retry as RetryOptions;
  checkWait('retry.backoffLimit', options.backoffLimit);
  checkWait('retry.maxRetryAfter', options.maxRetryAfter);
  for (const name of ['delay', 'shouldRetry'] as const)
    if (options[name] !== undefined && typeof options[name] !== 'function')
      fail(`retry.${name}`, 'a function', options[name]);
  if (options.jitter !== undefined && typeof options.jitter !== 'boolean' && typeof options.jitter !== 'function')
    fail('retry.jitter', 'true, false or a function (delay) => ms', options.jitter);
  for (const name of ['methods', 'statusCodes', 'afterStatusCodes'] as const)
    if (options[name] !== undefined && !Array.isArray(options[name])) fail(`retry.${name}`, 'an array', options[name]);
};

const checkHeaders = (headers: unknown) => {
  if (headers === undefined) return;
  if (typeof headers !== 'object' || headers === null)
    failKind('headers', 'an object, an array of pairs or a Headers', headers);
  const entries =
    headers instanceof Headers ? [...headers] : Array.isArray(headers) ? headers : Object.entries(headers as object);
  for (const [name, value] of entries as Array<[string, unknown]>) {
    if (typeof value === 'string' && breaksHeader(value)) {
      throw new TypeError(
        `sturdy: option \`headers\` value of ${JSON.stringify(name)} contains a line break or NUL; remove it (header injection)`,
      );
    }
  }
};

const checkBaseUrl = (value: unknown) => {
  if (value === undefined) return;
  let url: URL;
  try {
    // A relative baseUrl ('/api/') resolves against the page, as in ky.
    url = new URL(String(value), (globalThis as { location?: { href: string } }).location?.href);
  } catch {
    return failKind(
      'baseUrl',
      "an absolute URL like 'https://api.example.com/v1/' (or, in a browser, a path like '/api/')",
      value,
    );
  }
  // Userinfo would make every request fail with a message that shows it: refuse it here, without echoing it.
  if (url.username || url.password) {
    throw new TypeError(
      'sturdy: option `baseUrl` must not contain a user name or password; use auth: basic({ username, password }) instead',
    );
  }
};

/**
 * ky's `replaceOption(value)` wrapper: the wrapped value, and whether it was wrapped.
 * @example
 * unwrapReplace(replaceOption({ beforeRequest: [] })) // { value: { beforeRequest: [] }, replace: true }
 */
export function unwrapReplace(value: unknown): { value: unknown; replace: boolean } {
  if (
    typeof value === 'object' &&
    value !== null &&
    Object.getOwnPropertySymbols(value).length === 1 &&
    Object.keys(value).length === 1 &&
    'value' in value
  ) {
    return { value: (value as { value: unknown }).value, replace: true };
  }
  return { value, replace: false };
}

/** Validates the options sturdy reads; ky validates the rest. `where` says whether client-only options may appear. */
export function validateOptions(options: ClientOptions & CallOptions, where: 'client' | 'call'): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw new TypeError(`sturdy: ${where} options must be an object`);
  for (const name in MOVED)
    if ((options as Record<string, unknown>)[name] !== undefined)
      fail(name, `replaced: use ${MOVED[name]}`, (options as Record<string, unknown>)[name]);
  checkBaseUrl(options.baseUrl);
  checkDuration('timeout', options.timeout, MAX_TIMER);
  checkDuration('totalTimeout', options.totalTimeout, MAX_TIMER);
  checkDuration('idleTimeout', options.idleTimeout, MAX_TIMER);
  checkRetry(options.retry);
  const budget = options.retryBudget;
  if (budget !== undefined && budget !== false) {
    if (where === 'call') fail('retryBudget', 'set on the client (createClient or extend), not per call', budget);
    if (typeof budget !== 'object' || budget === null) fail('retryBudget', '{ tokens, refill } or false', budget);
    for (const name of ['tokens', 'refill'] as const) {
      const value = budget[name];
      if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < 0))
        fail(`retryBudget.${name}`, 'a non-negative number', value);
    }
  }
  if (options.auth !== undefined && options.auth !== false && !isAuthStrategy(options.auth)) {
    failKind(
      'auth',
      'a strategy from bearer(), apiKey(), basic() or clientCredentials() (a custom one needs `policy: credentialPolicy`), or false',
      options.auth,
    );
  }
  if (options.allowInsecure !== undefined && typeof options.allowInsecure !== 'boolean')
    fail('allowInsecure', 'true or false (a boolean, not a string)', options.allowInsecure);
  const key = options.idempotencyKey;
  if (key !== undefined && key !== false && (typeof key !== 'string' || key === '' || breaksHeader(key))) {
    fail('idempotencyKey', 'a non-empty string without line breaks or NUL, or false', key);
  }
  // One key on a client would make all its POSTs one operation: the server would drop every one after the first.
  if (where === 'client' && typeof key === 'string')
    fail('idempotencyKey', 'false or unset on a client (give a string per call)', key);
  if (options.onEvent !== undefined && typeof options.onEvent !== 'function')
    fail('onEvent', 'a function', options.onEvent);
  if (options.credentialOrigins !== undefined && !Array.isArray(options.credentialOrigins))
    fail('credentialOrigins', 'an array of origins', options.credentialOrigins);
  if (options.redact !== undefined) {
    const redact = options.redact as Record<string, unknown>;
    if (typeof redact !== 'object' || redact === null)
      fail('redact', '{ headers?, query?, fields? } (arrays of names)', redact);
    for (const name of ['headers', 'query', 'fields']) {
      const list = redact[name];
      if (list !== undefined && (!Array.isArray(list) || list.some((item) => typeof item !== 'string')))
        fail(`redact.${name}`, 'an array of names', list);
    }
  }
  const hooks = unwrapReplace(options.hooks).value as Record<string, unknown> | undefined;
  if (hooks !== undefined && (typeof hooks !== 'object' || hooks === null))
    fail('hooks', 'an object of hook arrays', hooks);
  for (const [name, list] of Object.entries(hooks ?? {})) {
    if (list !== undefined && (!Array.isArray(list) || list.some((hook) => typeof hook !== 'function')))
      fail(`hooks.${name}`, 'an array of functions', list);
  }
  checkHeaders(unwrapReplace(options.headers).value);
  checkMiddleware(unwrapReplace(options.use).value);
}

/** Splits options into sturdy's own part and the part ky merges and runs. */
export function splitOptions<T extends object>(
  options: T,
): { own: Partial<ClientOptions & CallOptions>; ky: Record<string, unknown> } {
  const own: Record<string, unknown> = {};
  const rest: Record<string, unknown> = {};
  for (const key in options) {
    if (!Object.hasOwn(options, key)) continue;
    const value = (options as Record<string, unknown>)[key];
    if (key in OWN_KEYS) own[key] = value;
    else rest[key] = value;
  }
  return { own, ky: rest };
}
