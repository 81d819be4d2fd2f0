/**
 * sturdy's options: their types, the defaults, the one table of the options sturdy checks (bad input is a
 * TypeError naming the option, before any network call) and the merge rules of `extend` and per-call options.
 * Everything ky knows goes to ky untouched, and ky merges it (headers, hooks, searchParams, context).
 */
import type { Options as KyOptions } from 'ky';
import { type AuthStrategy, isAuthStrategy } from '../auth/types.ts';
import { MAX_TIMER } from '../shared/clock.ts';
import { breaksHeader } from '../shared/header-value.ts';
import type { EventListener } from './events.ts';
import type { Middleware } from './middleware.ts';
import type { RedactOptions } from './redact.ts';
import { type NormalizedRetry, normalizeRetry, type RetryBudgetOptions, type RetryOptions } from './retry.ts';
import type { InferInput, StandardSchemaV1 } from './schema.ts';

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
  /** Retry settings; a number is the limit, `false` turns retries off. @default { limit: 3 } */
  retry?: RetryOptions | number | boolean;
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

/**
 * A client's options as its calls use them (`api.options`): merged with its parents', defaults filled in,
 * `retry` normalized, frozen.
 */
export type ResolvedOptions = Readonly<
  Omit<ClientOptions, 'retry' | 'timeout' | 'totalTimeout' | 'idleTimeout'> & {
    retry: NormalizedRetry;
    timeout: number | false;
    totalTimeout: number | false;
    idleTimeout: number | false;
  }
>;

/** sturdy's defaults that differ from ky's, written once. Retry and budget defaults live in retry.ts. */
export const DEFAULTS = { timeout: 10_000, totalTimeout: 60_000, idleTimeout: 15_000 } as const;

type Where = 'client' | 'call';
/** What an option must be, and the test of a given value (`secret`: never echo the value, it may be a credential). */
type Rule = [expected: string, ok: (value: any, where: Where) => boolean, secret?: 1];

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
const isFunction = (value: unknown) => typeof value === 'function';
const arrayOf = (test: (item: unknown) => boolean) => (value: unknown) => Array.isArray(value) && value.every(test);
/** A timeout: 0 would fail every attempt at once (axios users read it as "none"), so it is refused, not guessed. */
const duration = (max = Infinity): Rule => [
  `a positive number of milliseconds${max < Infinity ? ` up to ${max}` : ''}, or false for none`,
  (value) => value === false || (typeof value === 'number' && value > 0 && value <= max && value !== Infinity),
];
const NAMES = ['headers', 'query', 'fields'] as const;

/** sturdy's own options: the compiler makes this table name each one; ky never sees them. */
export const OWN: { readonly [K in keyof SturdyOwnOptions | 'retryBudget' | 'schema']-?: Rule } = {
  auth: [
    'a strategy from bearer(), apiKey(), basic() or clientCredentials() (a custom one needs `policy: credentialPolicy`), or false',
    (value) => value === false || isAuthStrategy(value),
    1,
  ],
  credentialOrigins: ['an array of origins', Array.isArray],
  allowInsecure: ['true or false (a boolean, not a string)', (value) => typeof value === 'boolean'],
  // One key on a client would make all its POSTs one operation: the server would drop every one after the first.
  idempotencyKey: [
    'a non-empty string without line breaks or NUL (per call only), or false',
    (value, where) =>
      value === false || (where === 'call' && typeof value === 'string' && value !== '' && !breaksHeader(value)),
  ],
  idleTimeout: /* @__PURE__ */ duration(MAX_TIMER),
  onEvent: ['a function', isFunction],
  redact: [
    '{ headers?, query?, fields? } (arrays of names)',
    (value) =>
      isObject(value) &&
      NAMES.every((name) => value[name] === undefined || arrayOf((item) => typeof item === 'string')(value[name])),
  ],
  use: [
    'an array of middleware functions `(request, next, call) => Promise<Response>`',
    /* @__PURE__ */ arrayOf(isFunction),
  ],
  retryBudget: [
    '{ tokens, refill } (non-negative numbers) or false, set on the client (createClient or extend), not per call',
    (value, where) =>
      value === false ||
      (where === 'client' &&
        isObject(value) &&
        ['tokens', 'refill'].every(
          (name) => value[name] === undefined || (Number.isFinite(value[name]) && (value[name] as number) >= 0),
        )),
  ],
  schema: ['a Standard Schema (valibot, zod, arktype, ...)', (value) => isFunction(value?.['~standard']?.validate)],
};

const count: Rule = ['a non-negative integer', (value) => Number.isInteger(value) && value >= 0];
const wait: Rule = ['a non-negative number of milliseconds', (value) => typeof value === 'number' && value >= 0];
const fn: Rule = ['a function', isFunction];
const list: Rule = ['an array', Array.isArray];
/** The settings of a `retry` object. */
const RETRY_RULES: Record<string, Rule> = {
  limit: count,
  backoffLimit: wait,
  maxRetryAfter: wait,
  delay: fn,
  shouldRetry: fn,
  jitter: ['true, false or a function (delay) => ms', (value) => typeof value === 'boolean' || isFunction(value)],
  retryOnTimeout: ['true or false', (value) => typeof value === 'boolean'],
  methods: list,
  statusCodes: list,
  afterStatusCodes: list,
};

/** Every option sturdy checks: its own, and the ky options whose misuse sturdy can name better than fetch would. */
const RULES: Record<string, Rule> = /* @__PURE__ */ (() => ({
  ...OWN,
  timeout: /* @__PURE__ */ duration(),
  totalTimeout: /* @__PURE__ */ duration(),
  retry: [
    'false, a non-negative integer, or { limit, ... }',
    (value) =>
      typeof value === 'boolean' ||
      count[1](value, 'call') ||
      (isObject(value) && !Array.isArray(value) && check(value, RETRY_RULES, 'client', 'retry.')),
  ],
  hooks: [
    'an object of hook arrays',
    (value) => isObject(value) && Object.values(value).every((list) => list === undefined || arrayOf(isFunction)(list)),
  ],
  headers: [
    'an object, an array of pairs or a Headers, without line breaks or NUL in a value (header injection)',
    (value) =>
      isObject(value) &&
      [...(value instanceof Headers || Array.isArray(value) ? value : Object.entries(value))].every(
        // Headers take any value's String(): an object whose toString holds CR/LF is an injection too.
        ([, item]) => item === undefined || !breaksHeader(String(item)),
      ),
    1,
  ],
  baseUrl: [
    "an absolute URL like 'https://api.example.com/v1/' (or, in a browser, a path like '/api/')",
    (value) => {
      let url: URL;
      try {
        // A relative baseUrl ('/api/') resolves against the page, as in ky.
        url = new URL(String(value), globalThis.location?.href);
      } catch {
        return false;
      }
      // Userinfo would end up in every message: refuse it here, without echoing it.
      if (url.username || url.password) {
        throw new TypeError(
          'sturdy: option `baseUrl` must not contain a user name or password; use auth: basic({ username, password }) instead',
        );
      }
      return true;
    },
    1,
  ],
  concurrency: [
    "replaced: use `use: [limit({ concurrency })]` with `import { limit } from 'sturdy/limit'`",
    () => false,
  ],
  rateLimit: ["replaced: use `use: [limit({ rateLimit })]` with `import { limit } from 'sturdy/limit'`", () => false],
  prefixUrl: ['replaced: use `prefix` (ky 2 renamed it) or `baseUrl`', () => false],
}))();

/** What a value is, shown without its content when it may be a credential. */
const show = (value: unknown, secret?: 1): string => {
  if (typeof value === 'string' && secret)
    return `a string of ${value.length} characters (not shown: it may be a credential)`;
  if (typeof value === 'function') return 'a function';
  if (secret && isObject(value)) return Array.isArray(value) ? 'an array' : 'an object';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return typeof value;
  }
};

/**
 * ky's `replaceOption(value)` wrapper: the wrapped value, and whether it was wrapped.
 * @example
 * unwrapReplace(replaceOption({ beforeRequest: [] })) // { value: { beforeRequest: [] }, replace: true }
 */
function unwrapReplace(value: unknown): { value: unknown; replace: boolean } {
  const replace =
    isObject(value) &&
    Object.getOwnPropertySymbols(value).length === 1 &&
    Object.keys(value).length === 1 &&
    'value' in value;
  return { value: replace ? value.value : value, replace };
}

/**
 * Checks the options it is given (only the keys given: a call pays for what it sets). Throws a TypeError that
 * names the option and what it must be.
 * @example
 * checkOptions({ timeout: 0 }, 'call'); // TypeError: sturdy: option `timeout` must be a positive number ...
 */
export function checkOptions(options: unknown, where: Where): void {
  if (!isObject(options) || Array.isArray(options)) throw new TypeError(`sturdy: ${where} options must be an object`);
  check(options, RULES, where);
}

/** Checks each own key of `options` that `rules` name; the error names the option with its `prefix`. */
function check(options: Record<string, unknown>, rules: Record<string, Rule>, where: Where, prefix = ''): true {
  for (const key of Object.keys(options)) {
    const rule = rules[key];
    const value = unwrapReplace(options[key]).value;
    if (rule && value !== undefined && !rule[1](value, where)) {
      throw new TypeError(`sturdy: option \`${prefix}${key}\` must be ${rule[0]}; got ${show(value, rule[2])}`);
    }
  }
  return true;
}

/**
 * Splits options into the part ky merges and runs (everything but sturdy's own keys and `json`/`body`, which
 * the call attaches itself).
 * @example
 * kyPart({ auth, timeout: 5_000 }) // { timeout: 5000 }
 */
export function kyPart(options: object): Record<string, unknown> {
  const part: Record<string, unknown> = {};
  for (const key in options)
    if (!(key in OWN) && Object.hasOwn(options, key)) part[key] = (options as Record<string, unknown>)[key];
  return part;
}

/**
 * `given` over `base`, by sturdy's merge rules (the same for `extend` and for a call): a defined value
 * replaces, except `use` (appended), `redact` (names added) and `retry` (merged over the base's settings);
 * ky's `replaceOption` replaces any of them.
 * @example
 * mergeOptions(api.options, { retry: 5 }).retry.delay === api.options.retry.delay // true
 */
export function mergeOptions(base: ResolvedOptions, given: object): ResolvedOptions {
  // Over the frozen snapshot: defined, not assigned (assigning a name the frozen prototype holds would throw).
  const merged = Object.create(base) as ResolvedOptions;
  const put = (key: string, value: unknown) =>
    Object.defineProperty(merged, key, { value, enumerable: true, writable: true });
  for (const key in given) {
    const { value, replace } = unwrapReplace((given as Record<string, unknown>)[key]);
    if (value === undefined) continue;
    if (key === 'retry') put(key, normalizeRetry(value as RetryOptions, replace ? undefined : base.retry));
    else if (key === 'use' && !replace) put(key, [...(base.use ?? []), ...(value as Middleware[])]);
    else if (key === 'redact' && !replace && base.redact) {
      const add = value as RedactOptions;
      put(key, Object.fromEntries(NAMES.map((name) => [name, [...(base.redact![name] ?? []), ...(add[name] ?? [])]])));
    } else put(key, value);
  }
  return merged;
}
