/**
 * sturdy's options: their types, the defaults, the one table of the options sturdy checks (bad input is a
 * TypeError naming the option, before any network call) and the merge rules of `extend` and per-call options.
 * Everything ky knows goes to ky untouched, and ky merges it (headers, hooks, searchParams, context).
 */
import type { Options as KyOptions } from 'ky';
import { type AuthStrategy, isAuthStrategy } from '../auth/types.ts';
import { breaksHeader } from '../shared/header-value.ts';
import { optionError } from '../shared/option-error.ts';
import type { EventListener } from './events.ts';
import type { Middleware } from './middleware.ts';
import type { RedactOptions } from './redact.ts';
import { type NormalizedRetry, normalizeRetry, type RetryBudgetOptions, type RetryOptions } from './retry.ts';
import { type InferInput, isStandardSchema, type StandardSchemaV1 } from './schema.ts';

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
/** What an option must be, its test, and `1` when its value may hold a credential (then it is never echoed). */
type Rule = [what: string, ok: (value: any, where?: Where) => unknown, secret?: 1 | undefined];
type Test = (value: any) => unknown;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && !!value;
const isFunction = (value: unknown) => typeof value === 'function';
const isBoolean = (value: unknown) => value === !!value;
const nonNegative = (value: unknown): value is number => typeof value === 'number' && value >= 0;
const isCount = (value: unknown) => nonNegative(value) && value % 1 === 0;
const arrayOf = (test: Test) => (value: unknown) => Array.isArray(value) && value.every(test);
/** An object whose defined values pass `test` (hooks, `redact`, `retryBudget`). */
const objectOf = (test: Test) => (value: unknown) =>
  isObject(value) && Object.values(value).every((item) => item === undefined || test(item));
const functions = /* @__PURE__ */ arrayOf(isFunction);
const fn: Rule = ['a function', isFunction];
const bool: Rule = ['true or false', isBoolean];
const list: Rule = ['an array', Array.isArray];
const wait: Rule = ['a number >= 0', nonNegative];
// An option that `false` turns off says so in its rule (`value === false ||`, "... or false"): no wrapper per rule.
/** A timeout: 0 would fail every attempt at once (axios users read it as "none"), so it is refused, not guessed. */
const timeout: Rule = [
  'a positive number of ms or false',
  (value) => value === false || (nonNegative(value) && value > 0),
];

/** sturdy's own options: the compiler makes this table name each one; ky never sees them. */
const OWN: { readonly [K in keyof SturdyOwnOptions | 'retryBudget' | 'schema']-?: Rule } = {
  auth: ['a strategy with `policy: credentialPolicy` or false', (value) => value === false || isAuthStrategy(value), 1],
  credentialOrigins: list,
  allowInsecure: bool,
  // One key on a client would make all its POSTs one operation: the server would drop every one after the first.
  idempotencyKey: [
    'a per-call header value or false',
    (value, where) =>
      value === false || (where === 'call' && typeof value === 'string' && value && !breaksHeader(value)),
  ],
  // Longer than a timer holds is no idle limit (guardedReader).
  idleTimeout: timeout,
  onEvent: fn,
  redact: ['an object of string arrays', /* @__PURE__ */ objectOf(arrayOf((name) => typeof name === 'string'))],
  use: ['an array of functions', functions],
  retryBudget: [
    '{ tokens, refill } on the client or false',
    (value, where) => value === false || (where === 'client' && objectOf(nonNegative)(value)),
  ],
  schema: ['a Standard Schema', isStandardSchema],
};

/** The settings of a `retry` object. */
const RETRY_RULES: Record<string, Rule> = {
  limit: ['an integer >= 0', isCount],
  backoffLimit: wait,
  maxRetryAfter: wait,
  delay: fn,
  shouldRetry: fn,
  jitter: ['a function, true or false', (value) => isBoolean(value) || isFunction(value)],
  retryOnTimeout: bool,
  methods: list,
  statusCodes: list,
  afterStatusCodes: list,
};

/** Client options of older sturdy: the error says what replaced them. */
const gone: Rule = ["in `use: [limit()]` from 'sturdy/limit'", () => 0];

/**
 * Every option sturdy checks: its own, and the ky options whose misuse sturdy can name better than fetch would.
 * Built by a call marked pure: a top-level object spread would keep the table in every bundle of the package's
 * one core chunk, even one that takes only an error guard.
 */
const RULES: Record<string, Rule> = /* @__PURE__ */ (() => ({
  ...OWN,
  timeout,
  totalTimeout: timeout,
  retry: [
    'an integer >= 0, { limit, ... } or false',
    (value) => isBoolean(value) || isCount(value) || check(value, RETRY_RULES, 'retry.'),
  ],
  hooks: ['an object of function arrays', objectOf(functions)],
  // Headers take any value's String(): an object whose toString holds CR/LF is an injection too. Names cannot
  // hold one (Headers refuses them), so the entries' text is checked at once.
  headers: [
    'headers without control characters',
    (value) => {
      try {
        return !breaksHeader(String([...new Headers(value)]));
      } catch {}
    },
    1,
  ],
  // Userinfo would end up in every message: refused here, never echoed. A path resolves against the page, as in ky.
  baseUrl: [
    'an absolute URL without user:password@',
    (value) => {
      try {
        const url = new URL(value, globalThis.location?.href);
        return !(url.username + url.password);
      } catch {}
    },
    1,
  ],
  concurrency: gone,
  rateLimit: gone,
}))();

/** Is `value` ky's `replaceOption(x)` wrapper? */
const isReplace = (value: unknown): value is { value: unknown } =>
  isObject(value) && Object.getOwnPropertySymbols(value)[0]?.description === 'replaceOption';

/**
 * Checks the options it is given (only the keys given: a call pays for what it sets). Throws a TypeError that
 * names the option and what it must be.
 * @example
 * checkOptions({ timeout: 0 }, 'call'); // TypeError: sturdy: option `timeout` must be a positive number ...
 */
export function checkOptions(options: unknown, where: Where): void {
  if (!check(options, RULES, '', where)) throw optionError('', 'options', 'an object', options);
}

/**
 * Is `options` a plain object (not an array)? Throws for the first own key that `rules` name whose value fails
 * its rule; the error names the option with its `prefix`.
 */
function check(options: unknown, rules: Record<string, Rule>, prefix: string, where?: Where): boolean {
  if (!isObject(options) || Array.isArray(options)) return false;
  for (let [key, value] of Object.entries(options)) {
    const rule = rules[key];
    if (!rule) continue;
    if (isReplace(value)) value = value.value;
    if (value !== undefined && !rule[1](value, where)) throw optionError('', prefix + key, rule[0], value, rule[2]);
  }
  return true;
}

/**
 * The part of options that ky merges and runs: everything but sturdy's own keys and `json`.
 * @example
 * kyPart({ auth, timeout: 5_000 }) // { timeout: 5000 }
 */
export function kyPart(options: object): Record<string, unknown> {
  const part: Record<string, unknown> = {};
  // `json` is the call's: it serializes it once and hands ky the string (or `json` itself when a hook must see it).
  for (const [key, value] of Object.entries(options)) if (key !== 'json' && !(key in OWN)) part[key] = value;
  return part;
}

/** `use` lists append; `redact` lists add their names. */
const join = (base: any, add: any): any => {
  if (Array.isArray(add)) return [...(base ?? []), ...add];
  const joined = { ...base };
  for (const name in add) if (add[name]) joined[name] = join(joined[name], add[name]);
  return joined;
};

/**
 * `given` over `base`, by sturdy's merge rules (the same for `extend` and for a call): a defined value
 * replaces, except `use` (appended), `redact` (names added) and `retry` (merged over the base's settings);
 * ky's `replaceOption` replaces any of them.
 * @example
 * mergeOptions(api.options, { retry: 5 }).retry.delay === api.options.retry.delay // true
 */
export function mergeOptions(base: ResolvedOptions, given: object): ResolvedOptions {
  const own: Record<string, unknown> = {};
  for (let [key, value] of Object.entries(given)) {
    const replace = isReplace(value);
    if (replace) value = value.value;
    if (value !== undefined)
      own[key] =
        key === 'retry'
          ? normalizeRetry(value, replace ? undefined : base.retry)
          : replace || (key !== 'use' && key !== 'redact')
            ? value
            : join(base[key], value);
  }
  // Over the frozen snapshot, set as the prototype after the writes (a write of a name it holds would throw).
  return Object.setPrototypeOf(own, base);
}
