/**
 * createClient: a ky instance with sturdy's policies attached. ky merges and runs every
 * ky option (hooks, headers, searchParams, context, timeouts, `extend` with its function
 * form and `replaceOption`); sturdy resolves its own options once per client here and
 * attaches each call's policies in call.ts.
 */
import ky, { type Options as KyOptions, type KyInstance } from 'ky';
import { toOrigin } from '../auth/scope.ts';
import { CallState, callKyOptions, type ClientState } from './call.ts';
import {
  DEFAULTS,
  splitOptions,
  unwrapReplace,
  validateOptions,
  type CallOptions,
  type ClientOptions,
} from './options.ts';
import { createRedactor, REDACTED, type Redactor } from './redact.ts';
import { toResponsePromise, type ResponsePromise } from './response.ts';
import { createRetryBudget, normalizeRetry } from './retry.ts';
import { validate, type StandardSchemaV1 } from './schema.ts';

/** What a call is given as its URL (a `Request` works too, as in ky). */
export type Input = string | URL;

type CallFunction = <T = unknown, S extends StandardSchemaV1 = StandardSchemaV1>(
  input: Input | Request,
  options?: CallOptions<S>,
) => ResponsePromise<T>;
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete' | 'head' | 'query';

/**
 * A sturdy client: callable like a ky instance (`api(input, options)`), with ky's method
 * shortcuts, `request` (method from the options), and `extend` for a client with merged defaults.
 * @example
 * const api = createClient({ baseUrl: 'https://api.example.com/v1/' });
 * const order = await api.post('orders', { json: { sku: 'A1', qty: 2 } }).json();
 */
export type SturdyClient = CallFunction & { [M in Method]: CallFunction } & {
  /** Any method, given as `options.method` (default GET). */
  request: CallFunction;
  /** A new client whose defaults are these merged over this client's (ky's merge rules); a function gets this client's options. */
  extend: (options: ClientOptions | ((parent: ClientOptions) => ClientOptions)) => SturdyClient;
  /** A new client with only these defaults (ky's `create`): nothing of this client is inherited. */
  create: (options?: ClientOptions) => SturdyClient;
  /** ky's `stop`, for a `beforeRetry` hook: stop retrying without an error. */
  readonly stop: typeof ky.stop;
  /** ky's `retry()`, for an `afterResponse` hook: force a retry. */
  readonly retry: typeof ky.retry;
  /** The client's options (merged for extended clients). */
  readonly options: Readonly<ClientOptions>;
};

const METHODS: Method[] = ['get', 'post', 'put', 'patch', 'delete', 'head', 'query'];

/** The merged defaults of a ky instance (ky's `extend(fn)` hands them out). */
const defaultsOf = (instance: KyInstance): KyOptions => {
  let defaults: KyOptions = {};
  instance.extend((parent) => ((defaults = parent), {}));
  return defaults;
};

/** ky's keys that sturdy sets per call (its retry rules, its fetch chain): the ky instance never holds them. */
const PER_CALL = ['retry', 'fetch'] as const;

function kyPart(options: ClientOptions): KyOptions {
  const { ky: part } = splitOptions(options);
  for (const key of PER_CALL) delete part[key];
  return part as KyOptions;
}

/** sturdy's own options of an extended client: replaced, except `use` (appended) and `redact` (names added). */
function mergeOwn(parent: ClientOptions, extra: ClientOptions): ClientOptions {
  const merged: Record<string, unknown> = { ...parent };
  for (const [key, given] of Object.entries(splitOptions(extra).own)) {
    const { value, replace } = unwrapReplace(given);
    if (value === undefined) continue;
    if (key === 'use' && !replace) merged.use = [...(parent.use ?? []), ...(value as ClientOptions['use'] & object)];
    else if (key === 'redact' && !replace && parent.redact) {
      const names = (name: 'headers' | 'query' | 'fields') => [
        ...(parent.redact?.[name] ?? []),
        ...((value as ClientOptions['redact'])?.[name] ?? []),
      ];
      merged.redact = { headers: names('headers'), query: names('query'), fields: names('fields') };
    } else merged[key] = value;
  }
  for (const key of PER_CALL) if (extra[key] !== undefined) merged[key] = extra[key];
  return merged as ClientOptions;
}

/**
 * Creates a client. Every option may also be given per call.
 * @example
 * const api = createClient({ baseUrl: 'https://api.example.com/v1/', auth: bearer(() => session.token) });
 */
export function createClient(options: ClientOptions = {}): SturdyClient {
  validateOptions(options, 'client');
  const redactor = createRedactor(options.redact);
  const instance = ky.create({ totalTimeout: DEFAULTS.totalTimeout, ...kyPart(options) });
  return build(
    resolve(instance, options, redactor, createRetryBudget(options.retryBudget), normalizeRetry(options.retry)),
  );
}

function resolve(
  instance: KyInstance,
  own: ClientOptions,
  redactor: Redactor,
  budget: ClientState['budget'],
  retry: ClientState['retry'],
): ClientState {
  const defaults = defaultsOf(instance);
  const headers = new Headers(defaults.headers as HeadersInit | undefined);
  const options = { ...own, ...defaults, headers } as ClientOptions;
  if (options.auth) options.auth.register?.(redactor);
  return {
    ky: instance,
    options,
    retry,
    origins: credentialOrigins(options),
    redactor,
    budget,
    hasHeader: (name) => headers.has(name),
  };
}

/** Where credentials may go: the baseUrl's origin (else the page's), `credentialOrigins` and the strategy's `origins`. */
function credentialOrigins(options: CallOptions & ClientOptions): Set<string> {
  const origins = new Set<string>();
  if (options.baseUrl !== undefined)
    origins.add(toOrigin(new URL(String(options.baseUrl), globalThis.location?.href), 'baseUrl'));
  // Without a baseUrl, relative URLs resolve against the page, so the page's origin is the base origin.
  else if (/^https?:/.test(String(globalThis.location?.origin))) origins.add(globalThis.location.origin);
  for (const origin of options.credentialOrigins ?? []) origins.add(toOrigin(origin, 'credentialOrigins'));
  if (options.auth) for (const origin of options.auth.origins ?? []) origins.add(toOrigin(origin, 'auth.origins'));
  return origins;
}

function build(client: ClientState): SturdyClient {
  // As in ky: the method from the options, else a Request input's own, else GET.
  const call = ((input: Input | Request, options?: CallOptions) =>
    send(client, options?.method ?? (input instanceof Request ? input.method : 'get'), input, options)) as CallFunction;
  const api = call as SturdyClient;
  for (const method of METHODS)
    api[method] = ((input: Input | Request, options?: CallOptions) =>
      send(client, method, input, options)) as CallFunction;
  api.request = call;
  api.extend = (given) => {
    const extra = typeof given === 'function' ? given(client.options) : given;
    validateOptions(extra, 'client');
    const own = mergeOwn(client.options, extra);
    const redactor = extra.redact === undefined ? client.redactor : createRedactor(own.redact);
    const budget = extra.retryBudget === undefined ? client.budget : createRetryBudget(extra.retryBudget);
    // Retry settings merge over the parent's normalized ones, so `retry: 5` keeps the parent's delay.
    const retry = normalizeRetry(extra.retry, client.retry);
    return build(resolve(client.ky.extend(kyPart(extra)), own, redactor, budget, retry));
  };
  api.create = (options) => createClient(options);
  Object.assign(api, { stop: ky.stop, retry: ky.retry });
  Object.defineProperty(api, 'options', { value: client.options, enumerable: true });
  return api;
}

/**
 * `extra` on top of `base`: both sets of names and secrets hide. With `keep`, what is registered
 * later (a per-call strategy's secrets) goes to `extra` only, so it never outlives that strategy.
 */
const composeRedactors = (base: Redactor, extra: Redactor, keep = false): Redactor => ({
  ...base,
  ...(keep
    ? {
        addSecret: extra.addSecret,
        removeSecret: extra.removeSecret,
        addHeader: extra.addHeader,
        addQuery: extra.addQuery,
      }
    : {}),
  url: (url) => extra.text(base.url(url)),
  text: (text) => extra.text(base.text(text)),
  data: (value) => extra.data(base.data(value)),
  headers(headers) {
    const result = base.headers(headers);
    for (const name in result) if (extra.isSensitiveHeader(name)) result[name] = REDACTED;
    return result;
  },
  isSensitiveHeader: (name) => base.isSensitiveHeader(name) || extra.isSensitiveHeader(name),
  isSensitiveField: (name) => base.isSensitiveField(name) || extra.isSensitiveField(name),
});

/** Per-call strategies: each one's secrets in a redactor of its own (one per strategy, so none accumulate in the client's). */
const strategyRedactors = new WeakMap<Redactor, WeakMap<object, Redactor>>();

function callRedactor(client: ClientState, options: CallOptions): Redactor {
  let redactor = client.redactor;
  const auth = options.auth;
  if (auth && auth !== client.options.auth) {
    let known = strategyRedactors.get(client.redactor);
    if (!known) strategyRedactors.set(client.redactor, (known = new WeakMap()));
    let child = known.get(auth);
    if (!child) {
      child = composeRedactors(client.redactor, createRedactor(), true);
      auth.register?.(child);
      known.set(auth, child);
    }
    redactor = child;
  }
  return options.redact ? composeRedactors(redactor, createRedactor(options.redact)) : redactor;
}

/** Call options that only carry a body: nothing to validate or merge. */
const BODY_KEYS = new Set(['json', 'body', 'schema']);
const bodyOnly = (options: object) => {
  for (const key in options) if (!BODY_KEYS.has(key)) return false;
  return true;
};

const EMPTY: CallOptions = {};

function send<T>(
  client: ClientState,
  method: string,
  input: Input | Request,
  given: CallOptions | undefined,
): ResponsePromise<T> {
  const options = given ?? EMPTY;
  let state: CallState | undefined;
  const finalize = (error: unknown) => (state ? state.fail(error) : error);
  const wantJson = () => {
    if (state) state.wantsJson = true;
  };
  const userParse = options.parseJson ?? client.options.parseJson;
  // ky's context for parseJson: the request that got this response.
  const parse =
    userParse &&
    ((text: string, response: Response) =>
      userParse(text, { request: state?.lastRequest ?? (input as Request), response }));
  try {
    if (given && !bodyOnly(given)) validateOptions(given, 'call');
    const retry = options.retry === undefined ? client.retry : normalizeRetry(options.retry, client.retry);
    const redactor = callRedactor(client, options);
    // A call that changes where credentials may go gets its own origin set; the common call reuses the client's.
    const scoped = options.auth || options.credentialOrigins || options.baseUrl !== undefined;
    const origins = scoped
      ? credentialOrigins({ ...client.options, ...options } as CallOptions & ClientOptions)
      : client.origins;
    const callState = (state = new CallState(
      client,
      method.toUpperCase(),
      options as CallOptions & ClientOptions,
      retry,
      redactor,
      origins,
    ));
    const { ky: kyGiven } = options === EMPTY ? { ky: {} } : splitOptions(options);
    const start = (json: unknown, withJson: boolean) => {
      const call = withJson ? { ...options, json } : options;
      const part = withJson ? { ...kyGiven, json } : kyGiven;
      return client.ky(input, callKyOptions(callState, part, call as CallOptions & ClientOptions, input));
    };
    if (options.schema === undefined)
      return toResponsePromise<T>(start(undefined, false), { redactor, parse, finalize, wantJson });
    // Request validation is asynchronous (any Standard Schema); ky's shortcuts are reached through the started call.
    const started = validate(options.schema, options.json, 'request', { what: 'request body' }, redactor).then(
      (value) => ({ call: start(value, true) }),
    );
    const source = Object.assign(
      started.then((box) => box.call),
      Object.fromEntries(
        ['text', 'json', 'blob', 'arrayBuffer', 'formData', 'bytes'].map((name) => [
          name,
          () => started.then((box) => (box.call as unknown as Record<string, () => Promise<unknown>>)[name]!()),
        ]),
      ),
    );
    return toResponsePromise<T>(source, { redactor, parse, finalize, wantJson });
  } catch (error) {
    // Bad options reject the call (so `.result()` still never rejects) instead of throwing synchronously.
    return toResponsePromise<T>(Promise.reject(relativeUrlHint(error, input, client, options)), {
      redactor: client.redactor,
      parse,
      finalize,
      wantJson,
    });
  }
}

/** A relative URL with nothing to resolve it against: say what to do. */
function relativeUrlHint(error: unknown, input: Input | Request, client: ClientState, options: CallOptions): unknown {
  const base = options.baseUrl ?? client.options.baseUrl ?? options.prefix ?? client.options.prefix;
  if (
    typeof input !== 'string' ||
    base ||
    /^[a-z][\d+.a-z-]*:/i.test(input) ||
    globalThis.location ||
    !(error instanceof TypeError)
  )
    return error;
  return new TypeError(
    `sturdy: cannot resolve url ${JSON.stringify(client.redactor.url(input))}: pass an absolute URL or set the baseUrl option`,
    { cause: error },
  );
}
