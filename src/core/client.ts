/**
 * createClient: a ky instance with sturdy's policies attached. A client's options become one frozen snapshot
 * here (validated, merged with its parent's, defaults filled in): `api.options` is what its calls use. ky
 * merges and runs every ky option; each call attaches its policies in call.ts.
 */
import ky, { type KyInstance, type Options as KyOptions } from 'ky';
import { type Client, credentialOrigins, startCall } from './call.ts';
import {
  type CallOptions,
  type ClientOptions,
  checkOptions,
  DEFAULTS,
  kyPart,
  mergeOptions,
  type ResolvedOptions,
} from './options.ts';
import { createRedactor } from './redact.ts';
import { type ResponsePromise, respond, SHORTCUTS } from './response.ts';
import { createRetryBudget, RETRY_DEFAULTS } from './retry.ts';
import { type StandardSchemaV1, validate } from './schema.ts';

/** What a call is given as its URL (a `Request` works too, as in ky). */
export type Input = string | URL;

type CallFunction = <T = unknown, S extends StandardSchemaV1 = StandardSchemaV1>(
  input: Input | Request,
  options?: CallOptions<S>,
) => ResponsePromise<T>;
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete' | 'head' | 'query';

/**
 * A sturdy client: callable like a ky instance (`api(input, options)`), with ky's method shortcuts, `request`
 * (method from the options), and `extend` for a client with merged defaults.
 * @example
 * const api = createClient({ baseUrl: 'https://api.example.com/v1/' });
 * const order = await api.post('orders', { json: { sku: 'A1', qty: 2 } }).json();
 */
export type SturdyClient = CallFunction & { [M in Method]: CallFunction } & {
  /** Any method, given as `options.method` (default GET). */
  request: CallFunction;
  /** A new client whose defaults are these merged over this client's (ky's merge rules); a function gets this client's options. */
  extend: (options: ClientOptions | ((parent: ResolvedOptions) => ClientOptions)) => SturdyClient;
  /** A new client with only these defaults (ky's `create`): nothing of this client is inherited. */
  create: (options?: ClientOptions) => SturdyClient;
  /** ky's `stop`, for a `beforeRetry` hook: stop retrying without an error. */
  readonly stop: typeof ky.stop;
  /** ky's `retry()`, for an `afterResponse` hook: force a retry. */
  readonly retry: typeof ky.retry;
  /** The options this client's calls use: merged with its parents', defaults filled in, frozen. */
  readonly options: ResolvedOptions;
};

const METHODS: Method[] = ['get', 'post', 'put', 'patch', 'delete', 'head', 'query'];
/** What every client starts from. */
const ROOT = /* @__PURE__ */ (() => ({ ...DEFAULTS, retry: RETRY_DEFAULTS }) as ResolvedOptions)();

/** The ky part of client options: sturdy sets `retry` and `fetch` per call, so the ky instance never holds them. */
const instancePart = (options: ClientOptions): KyOptions => {
  const { retry, fetch, ...part } = kyPart(options);
  return part;
};

/**
 * Creates a client. Every option may also be given per call.
 * @example
 * const api = createClient({ baseUrl: 'https://api.example.com/v1/', auth: bearer(() => session.token) });
 */
export function createClient(options: ClientOptions = {}): SturdyClient {
  checkOptions(options, 'client');
  return build(ky.create({ totalTimeout: DEFAULTS.totalTimeout, ...instancePart(options) }), ROOT, options);
}

function build(instance: KyInstance, base: ResolvedOptions, given: ClientOptions, parent?: Client): SturdyClient {
  const merged = mergeOptions(base, given);
  const snapshot: Record<string, unknown> = {};
  for (const key in merged) snapshot[key] = merged[key as keyof ResolvedOptions];
  // ky's own merge of its options (headers, hooks, searchParams, context), as the instance holds them.
  instance.extend((defaults) => {
    Object.assign(snapshot, defaults, { headers: new Headers(defaults.headers as HeadersInit) });
    return {};
  });
  const options = Object.freeze(snapshot) as ResolvedOptions;
  const redactor = parent && given.redact === undefined ? parent.redactor : createRedactor(options.redact);
  (options.auth || undefined)?.register?.(redactor);
  const client: Client = {
    ky: instance,
    options,
    redactor,
    budget: parent && given.retryBudget === undefined ? parent.budget : createRetryBudget(options.retryBudget),
    origins: credentialOrigins(options),
  };
  const send = (method: string, input: Input | Request, callOptions?: CallOptions) => {
    const { call, start } = startCall(client, method, input, callOptions);
    if (callOptions?.schema === undefined) return respond(call, start(callOptions?.json) as never);
    // Request validation is asynchronous (any Standard Schema); ky's shortcuts are reached through the started call.
    const started = validate(
      callOptions.schema,
      callOptions.json,
      'request',
      { what: 'request body' },
      call.redact,
    ).then((json) => ({
      source: start(json) as unknown as Record<string, () => Promise<unknown>>,
    }));
    const source = Object.assign(
      started.then((box) => box.source),
      Object.fromEntries(SHORTCUTS.map((name) => [name, () => started.then((box) => box.source[name]!())])),
    );
    return respond(call, source as never);
  };
  // As in ky: the method from the options, else a Request input's own, else GET.
  const api = ((input: Input | Request, callOptions?: CallOptions) =>
    send(callOptions?.method ?? (input instanceof Request ? input.method : 'get'), input, callOptions)) as SturdyClient;
  for (const method of METHODS)
    api[method] = ((input: Input | Request, callOptions?: CallOptions) =>
      send(method, input, callOptions)) as CallFunction;
  return Object.assign(api, {
    request: api,
    extend(extra: ClientOptions | ((parent: ResolvedOptions) => ClientOptions)) {
      const next = typeof extra === 'function' ? extra(options) : extra;
      checkOptions(next, 'client');
      return build(instance.extend(instancePart(next)), options, next, client);
    },
    create: createClient,
    stop: ky.stop,
    retry: ky.retry,
    options,
  });
}
