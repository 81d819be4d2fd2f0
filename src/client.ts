/**
 * createClient: wires the modules into one call pipeline over ky. Options are
 * resolved once per client here; one call's pipeline (its attempts) is call.ts.
 */
import { toOrigin } from './auth/scope.ts';
import { Call } from './call.ts';
import { createEndpoint, type EndpointFactory } from './endpoint.ts';
import { createLimiter, type Limiter } from './limiter.ts';
import { mergeOptions, validateOptions, type CallOptions, type ClientOptions } from './options.ts';
import { createRedactor, type Redactor } from './redact.ts';
import { toResponsePromise, type ResponsePromise } from './response.ts';
import { createRetryBudget, normalizeRetry, type NormalizedRetry, type RetryBudget } from './retry.ts';
import type { StandardSchemaV1 } from './schema.ts';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete' | 'head';
/** What a call is given as its URL: resolved against baseUrl/prefix (url.ts). */
export type Input = string | URL;

/**
 * A sturdy client: method shortcuts returning ResponsePromises, `request`
 * for any method, and `extend` for a client with merged defaults.
 * @example
 * const api = createClient({ baseUrl: 'https://api.example.com/v1/' });
 * const order = await api.post('orders', { json: { sku: 'A1', qty: 2 } }).json();
 */
export type SturdyClient = {
  [M in Method]: <T = unknown, S extends StandardSchemaV1 = StandardSchemaV1>(input: Input, options?: CallOptions<S>) => ResponsePromise<T>;
} & {
  /** Any method, given as `options.method` (default GET). */
  request: <T = unknown, S extends StandardSchemaV1 = StandardSchemaV1>(input: Input, options?: CallOptions<S>) => ResponsePromise<T>;
  /** A typed endpoint function: `api.endpoint({ method: 'GET', path: 'orders/:id', response: Order })`. */
  endpoint: EndpointFactory;
  /** A new client whose defaults are these merged over this client's (ky's merge rules). */
  extend: (options: ClientOptions) => SturdyClient;
  /** The client's options as given (merged for extended clients). */
  readonly options: Readonly<ClientOptions>;
};

/** Keys sturdy consumes; everything else goes to ky (and from ky to fetch) untouched. */
const OWN_KEYS = new Set([
  'retry', 'timeout', 'totalTimeout', 'idleTimeout', 'auth', 'credentialOrigins', 'allowInsecure', 'idempotencyKey',
  'onEvent', 'redact', 'retryBudget', 'json', 'schema', 'baseUrl', 'prefix', 'searchParams', 'headers', 'hooks',
  'body', 'method', 'parseJson', 'stringifyJson', 'signal', 'fetch', 'throwHttpErrors', 'concurrency', 'rateLimit', 'use',
]);

/** Per-client state shared by its calls (and by clients made with `extend`, for the budget). */
export type Shared = { redactor: Redactor; budget: RetryBudget; limiter: Limiter | undefined };

/** Options resolved once per client so a call reads them without recomputing. */
export type Resolved = {
  options: ClientOptions;
  retry: NormalizedRetry;
  origins: Set<string>;
  passThrough: Record<string, unknown>;
};

const pickPassThrough = (options: object): Record<string, unknown> => {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) if (!OWN_KEYS.has(key)) result[key] = value;
  return result;
};

function resolve(options: ClientOptions, retry = normalizeRetry(options.retry)): Resolved {
  const origins = new Set<string>();
  if (options.baseUrl !== undefined) origins.add(toOrigin(options.baseUrl, 'baseUrl'));
  // Without a baseUrl, relative URLs resolve against the page, so the page's origin is the base origin.
  else if (/^https?:/.test(String(globalThis.location?.origin))) origins.add(globalThis.location.origin);
  for (const origin of options.credentialOrigins ?? []) origins.add(toOrigin(origin, 'credentialOrigins'));
  if (options.auth) for (const origin of options.auth.origins ?? []) origins.add(toOrigin(origin, 'auth.origins'));
  return { options, retry, origins, passThrough: pickPassThrough(options) };
}

/**
 * Creates a client. Every option may also be given per call.
 * @example
 * const api = createClient({ baseUrl: 'https://api.example.com/v1/', auth: bearer(() => session.token) });
 */
export function createClient(options: ClientOptions = {}): SturdyClient {
  validateOptions(options, 'client');
  const redactor = createRedactor(options.redact);
  if (options.auth) options.auth.register?.(redactor);
  return build(resolve(options), { redactor, budget: createRetryBudget(options.retryBudget), limiter: createLimiter(options) });
}

function build(client: Resolved, shared: Shared): SturdyClient {
  const call = (method: string) => (input: Input, options?: CallOptions) => send(client, shared, method, input, options);
  return {
    get: call('get'),
    post: call('post'),
    put: call('put'),
    patch: call('patch'),
    delete: call('delete'),
    head: call('head'),
    request: (input, options) => send(client, shared, options?.method ?? 'get', input, options),
    endpoint: (definition) => createEndpoint((input, options) => send(client, shared, options.method ?? 'get', input, options), definition),
    extend(extra) {
      validateOptions(extra, 'client');
      if (extra.auth) extra.auth.register?.(shared.redactor);
      const budget = extra.retryBudget === undefined ? shared.budget : createRetryBudget(extra.retryBudget);
      const merged = mergeOptions(client.options, extra);
      // Same limits: the same queues (an extended client must not double the allowed rate).
      const limiter = extra.concurrency === undefined && extra.rateLimit === undefined ? shared.limiter : createLimiter(merged);
      // Retry settings merge over the parent's normalized ones, so `retry: 5` keeps the parent's delay.
      return build(resolve(merged, normalizeRetry(extra.retry, client.retry)), { redactor: shared.redactor, budget, limiter });
    },
    options: client.options,
  } as SturdyClient;
}

function send<T>(client: Resolved, shared: Shared, method: string, input: Input, callOptions: CallOptions | undefined): ResponsePromise<T> {
  let call: Call;
  try {
    call = new Call(callOptions ? withCallOptions(client, shared, callOptions) : client, shared, method.toUpperCase());
  } catch (error) {
    // Bad options reject the call (so `.result()` still never rejects) instead of throwing synchronously.
    return toResponsePromise<T>(Promise.reject(error), { redactor: shared.redactor, parseJson: undefined, onBodyError() {} });
  }
  return toResponsePromise<T>(call.run(input), {
    redactor: shared.redactor,
    parseJson: call.options.parseJson as ((text: string) => unknown) | undefined,
    onBodyError: (error) => call.emitError(error, call.attempt),
  });
}

/** Call options that only carry a body: nothing to validate, merge or pass to ky but the body itself. */
const BODY_KEYS = new Set(['json', 'body', 'schema']);

/** A call's view of the client: the client's resolved options with the call's merged over them. */
function withCallOptions(client: Resolved, shared: Shared, callOptions: CallOptions): Resolved {
  // The common call (`{ json }`) reuses everything resolved once per client.
  let bodyOnly = true;
  for (const key in callOptions) if (!BODY_KEYS.has(key)) bodyOnly = false;
  if (bodyOnly) return { ...client, options: { ...client.options, ...callOptions } };
  validateOptions(callOptions, 'call');
  const options = mergeOptions(client.options, callOptions);
  const changesScope = callOptions.auth || callOptions.credentialOrigins || callOptions.baseUrl;
  if (callOptions.auth) callOptions.auth.register?.(shared.redactor);
  return {
    options,
    retry: normalizeRetry(callOptions.retry, client.retry),
    origins: changesScope ? resolve(options).origins : client.origins,
    passThrough: { ...client.passThrough, ...pickPassThrough(callOptions) },
  };
}
