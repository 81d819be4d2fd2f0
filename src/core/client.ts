/**
 * createClient: a ky instance with sturdy's policies attached. A client's options become one frozen snapshot
 * here (validated, merged with its parent's, defaults filled in): `api.options` is what its calls use. ky
 * merges and runs every ky option; each call attaches its policies in call.ts.
 */
import ky, { type KyInstance } from 'ky';
import { type Client, credentialOrigins } from './call.ts';
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
import { type ResponsePromise, respond } from './response.ts';
import { createRetryBudget, RETRY_DEFAULTS } from './retry.ts';
import type { StandardSchemaV1 } from './schema.ts';

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
const ROOT: ResolvedOptions = /* @__PURE__ */ (() => ({ ...DEFAULTS, retry: RETRY_DEFAULTS }))();

/**
 * Creates a client. Every option may also be given per call.
 * @example
 * const api = createClient({ baseUrl: 'https://api.example.com/v1/', auth: bearer(() => session.token) });
 */
export function createClient(options: ClientOptions = {}): SturdyClient {
  return build(ky.create({ totalTimeout: DEFAULTS.totalTimeout }), ROOT, options);
}

/** A client whose options are `given` over `base` (its parent's, or the root's), on a ky instance extending `kyBase`. */
function build(kyBase: KyInstance, base: ResolvedOptions, given: ClientOptions, parent?: Client): SturdyClient {
  checkOptions(given, 'client');
  // sturdy sets `retry` and `fetch` per call, so the ky instance never holds them.
  const { retry, fetch, ...part } = kyPart(given);
  const instance = kyBase.extend(part);
  let options!: ResolvedOptions;
  // One flat snapshot: sturdy's merge over the (flat) base, then ky's own merge of its options (headers, hooks,
  // searchParams, context) as the instance holds them.
  instance.extend((defaults) => {
    options = Object.freeze({
      ...base,
      ...mergeOptions(base, given),
      ...defaults,
      headers: new Headers(defaults.headers as HeadersInit),
    }) as ResolvedOptions;
    return {};
  });
  const redactor = (given.redact === undefined && parent?.redactor) || createRedactor(options.redact);
  if (options.auth) options.auth.register?.(redactor);
  const client: Client = {
    ky: instance,
    options,
    redactor,
    budget: (given.retryBudget === undefined && parent?.budget) || createRetryBudget(options.retryBudget),
    origins: credentialOrigins(options),
  };
  // As in ky: a shortcut's method, else the one in the options, else a Request input's own, else GET.
  const caller = (method?: string) => (input: Input | Request, callOptions?: CallOptions) =>
    respond(
      client,
      method ?? callOptions?.method ?? (input instanceof Request ? input.method : 'get'),
      input,
      callOptions,
    );
  const api = caller() as SturdyClient;
  for (const method of METHODS) api[method] = caller(method);
  return Object.assign(api, {
    request: api,
    extend: (extra: ClientOptions | ((parent: ResolvedOptions) => ClientOptions)) =>
      build(instance, options, typeof extra === 'function' ? extra(options) : extra, client),
    create: createClient,
    stop: ky.stop,
    retry: ky.retry,
    options,
  });
}
