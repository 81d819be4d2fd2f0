/**
 * One call: its state (the CallInfo every middleware sees), the ky options that attach sturdy's policies to
 * ky's pipeline (retry rules, JSON headers and body, the fetch of each attempt), and the one place every
 * failure is finalized (named, redacted, reported once).
 */
import type { KyInstance, Options as KyOptions } from 'ky';
import type { AuthStrategy } from '../auth/types.ts';
import { now } from '../shared/clock.ts';
import { optionError } from '../shared/option-error.ts';
import type {} from '../shared/platform.ts';
import { isSturdyError, NetworkError, SerializationError, sanitizeError, TimeoutError } from './errors.ts';
import { emit, type SturdyEvent } from './events.ts';
import { JSON_ACCEPT, JSON_CONTENT_TYPE, serializeJson } from './json.ts';
import { type CallInfo, type CredentialNames, runChain } from './middleware.ts';
import { type CallOptions, checkOptions, kyPart, mergeOptions, type ResolvedOptions } from './options.ts';
import { createRedactor, type RedactOptions, type Redactor } from './redact.ts';
import {
  IDEMPOTENCY_HEADER,
  isKeyedMethod,
  isReplayableBody,
  kyRetry,
  noteRetryAfter,
  type RetryBudget,
} from './retry.ts';
import type { KySource } from './response.ts';
import { nameTimeout } from './timeouts.ts';
import { describeNetworkCause, guardResponse, transport } from './transport.ts';

/** What a client resolved once for all its calls (client.ts builds it). */
export type Client = {
  ky: KyInstance;
  /** The snapshot every call starts from (`api.options`). */
  options: ResolvedOptions;
  redactor: Redactor;
  budget: RetryBudget;
  /** Where the client's credentials may go. */
  origins: ReadonlySet<string>;
};

/** The options of a call that gave none (shared: nothing is built for it). */
export const NO_OPTIONS: CallOptions = {};

/** One call's state; it is the `CallInfo` each middleware gets: one object for every attempt. */
export class Call implements CallInfo {
  attempt = 0;
  /** The request ky handed to fetch last (the safe request errors carry, event URLs). */
  lastRequest: Request | undefined;
  /** `.json()` was asked for before the request went out: it asks for JSON, and a body that is not is bounded. */
  readsJson = false;
  /** The names this attempt's credential is in; the credential policy sets it on each attempt (see CallInfo). */
  credential: CredentialNames | undefined;
  /** A POST/PATCH that carries an Idempotency-Key (it may repeat). */
  keyed = false;
  /** sturdy's default headers to set on each attempt's request, when no hook sees ky's (then ky holds them). */
  headers: Array<[string, string]> | undefined;
  readonly started = now();
  // Set once by the constructor (declared only: no field initializers to emit).
  declare readonly client: Client;
  /** The options this call uses: its client's snapshot, with what the call gave merged over it. */
  declare readonly options: ResolvedOptions;
  declare readonly method: string;
  declare readonly redact: Redactor;
  declare readonly origins: ReadonlySet<string>;
  declare readonly signal: AbortSignal | undefined;
  declare readonly context: Readonly<Record<string, unknown>>;
  declare readonly retry: ResolvedOptions['retry'];
  // Set by kyOptions for the credential policy (PolicyCall).
  /** The fetch below sturdy: the caller's, else the platform's. */
  declare fetch: typeof globalThis.fetch;
  /** The request body once more (a retry, a 401 repeat, a 307/308 hop); undefined when it cannot be sent again. */
  declare replay: (() => BodyInit | null | undefined) | undefined;
  /** The body each attempt sends when ky's request holds none; undefined when ky holds it. */
  declare sendBody: (() => BodyInit | null | undefined) | undefined;
  /** Nothing but the platform's fetch below sturdy: a body and a credential may ride on fetch's init. */
  declare direct: boolean;
  #failed: unknown;

  /** The call `given` (NO_OPTIONS for none) makes: its options checked and merged over its client's. */
  constructor(client: Client, method: string, given: CallOptions) {
    // Options that are not an object are refused at the call, as ky does; a call that gives only its body has
    // nothing to check or merge.
    if (typeof given !== 'object' || !given || Array.isArray(given)) checkOptions(given, 'call');
    let options = client.options;
    for (const key in given)
      if (key !== 'json' && key !== 'body') {
        checkOptions(given, 'call');
        options = mergeOptions(options, given);
        break;
      }
    this.client = client;
    this.options = options;
    this.method = method.toUpperCase();
    // The client's redactor, plus a per-call strategy's secrets and a per-call `redact` option.
    const { auth, redact } = given;
    let redactor = client.redactor;
    if (auth && auth !== client.options.auth) redactor = childOf(redactor, auth, {}, auth);
    this.redact = redact ? childOf(redactor, redact, redact) : redactor;
    this.origins =
      auth !== undefined || given.credentialOrigins || given.baseUrl !== undefined
        ? credentialOrigins(options)
        : client.origins;
    this.signal = options.signal ?? undefined;
    this.context = options.context ?? {};
    this.retry = options.retry;
  }

  /**
   * ky's call with `json` (validated by the request schema, when there is one). What ky throws at the call (a bad
   * input, a body with GET) is thrown at the call, as ky does; sturdy's own failures of the data (a
   * SerializationError) reject, so `.result()` reports them.
   */
  start(input: string | URL | Request, given: CallOptions, json: unknown): KySource {
    try {
      return this.client.ky(input, kyOptions(this, given, input, json)) as unknown as KySource;
    } catch (error) {
      // A page always has a URL to resolve against: only a server gets the hint.
      const failed = this.fail(globalThis.__STURDY_BROWSER__ ? error : relativeUrlHint(error, input, this.options));
      if (isSturdyError(failed)) return Promise.reject(failed) as KySource;
      throw failed;
    }
  }

  remaining(): number {
    const total = this.options.totalTimeout;
    return total === false ? Infinity : Math.max(0, this.started + total - now());
  }

  /** The repeat after a credential refresh (a 401) is an attempt of its own, told as a retry. */
  repeat(): void {
    this.emit({ type: 'retry', attempt: this.attempt + 1, delayMs: 0, reason: '401 refresh' });
    this.attempt += 1;
  }

  isCredentialOrigin(url: string | URL): boolean {
    try {
      return this.origins.has(new URL(url).origin);
    } catch {
      return false;
    }
  }

  emit(event: { type: SturdyEvent['type'] } & Partial<SturdyEvent>): void {
    // Nothing is built for a client without a listener.
    const { onEvent } = this.options;
    if (onEvent)
      emit(onEvent, {
        method: this.method,
        url: this.redact.url(this.lastRequest?.url ?? ''),
        attempt: this.attempt,
        ...event,
      });
  }

  /** A request without credential headers and with a redacted URL: what errors carry. */
  safeRequest(request = this.lastRequest): Request {
    const headers = new Headers();
    for (const [name, value] of request?.headers ?? [])
      if (!this.redact.isSensitiveHeader(name)) headers.set(name, this.redact.text(value));
    return new Request(request ? this.redact.url(request.url) : 'about:blank', {
      method: request?.method ?? this.method,
      headers,
    });
  }

  /** A TimeoutError for a limit of this call, named, with the request as it may be shown. */
  timeoutError(kind: 'total' | 'idle' | 'attempt', error = new TimeoutError(this.safeRequest())): TimeoutError {
    return nameTimeout(error, kind, this.options, `${this.method} ${this.redact.url(this.lastRequest?.url ?? '')}`);
  }

  /**
   * The error for a body the connection broke mid-way (fetch's bare `TypeError: terminated`): this request's
   * NetworkError, finalized without an event (a stream module may still recover: sse reconnects).
   */
  brokenBody(error: TypeError): unknown {
    return this.fail(new NetworkError(this.lastRequest!, { cause: error }), true);
  }

  /**
   * The error the caller gets, whatever failed: the source of a request body's own error, a TimeoutError that
   * says which limit ran out, `retryAfter` on a paced HTTPError, every message and view redacted, and one
   * `error` event (none when `quiet`). The same error twice is finalized once.
   */
  fail(error: unknown, quiet?: boolean): unknown {
    if (error === this.#failed) return error;
    let result = error;
    // A request body stream that failed with sturdy's own error reaches us wrapped by fetch and ky: surface ours.
    for (let cause = error, depth = 0; cause instanceof Error && depth < 3; cause = cause.cause, depth++)
      if (isSturdyError(cause)) result = cause;
    // ky's own TimeoutError says which limit ran out; one a beforeError hook changed keeps its words.
    if (result instanceof TimeoutError && /^Request timed out: /.test(result.message))
      this.timeoutError(this.remaining() <= 5 ? 'total' : 'attempt', result);
    noteRetryAfter(result, this.retry);
    if (!globalThis.__STURDY_WEB__ && result instanceof NetworkError) describeNetworkCause(result, this.redact);
    // Any error leaves redacted: ky's, the runtime's TypeError for `https://user:pass@host`, a hook's.
    sanitizeError(result, this.redact, (request) => this.safeRequest(request));
    if (quiet) return result;
    if (this.options.onEvent)
      this.emit({
        type: 'error',
        reason: result instanceof Error ? `${result.name}: ${this.redact.text(result.message)}` : 'error',
        durationMs: Math.round(now() - this.started),
      });
    this.#failed = result;
    return result;
  }
}

/** Where credentials may go: the baseUrl's origin (else the page's), `credentialOrigins` and the strategy's `origins`. */
export function credentialOrigins({ baseUrl, credentialOrigins: listed, auth }: ResolvedOptions): Set<string> {
  const origins = new Set<string>();
  const page = globalThis.location;
  // Without a baseUrl, relative URLs resolve against the page, so the page's origin is the base origin.
  if (baseUrl === undefined && /^https?:/.test(String(page?.origin))) origins.add(page.origin);
  // Normalizes `https://API.example.com/v1/` to `https://api.example.com`; a TypeError naming the option when not a URL.
  const add = (option: string, values: Iterable<string | URL> = [], base?: string) => {
    for (const value of values) {
      let origin: string | undefined;
      try {
        origin = new URL(value, base).origin;
      } catch {}
      // A URL may carry a user name and password: described, never echoed.
      if (!origin || origin === 'null')
        throw optionError('', option, "origins like 'https://api.example.com'", value, 1);
      origins.add(origin);
    }
  };
  add('baseUrl', baseUrl === undefined ? [] : [String(baseUrl)], page?.href);
  add('credentialOrigins', listed);
  add('auth.origins', auth ? auth.origins : undefined);
  return origins;
}

/** Child redactors per parent, keyed by the per-call strategy or `redact` option that made them (cached, never accumulated). */
const children = new WeakMap<Redactor, WeakMap<object, Redactor>>();
const childOf = (parent: Redactor, key: object, rules: RedactOptions, auth?: AuthStrategy): Redactor => {
  let known = children.get(parent);
  if (!known) children.set(parent, (known = new WeakMap()));
  let child = known.get(key);
  if (!child) {
    known.set(key, (child = createRedactor(rules, parent)));
    auth?.register?.(child);
  }
  return child;
};

/** A relative URL with nothing to resolve it against (no baseUrl, no page): say what to do. */
const relativeUrlHint = (error: unknown, input: unknown, { baseUrl, prefix }: ResolvedOptions): unknown =>
  error instanceof TypeError &&
  /URL/.test(error.message) &&
  typeof input === 'string' &&
  !(baseUrl || prefix || /^[a-z][\d+.a-z-]*:/i.test(input))
    ? new TypeError(`sturdy: cannot resolve url ${JSON.stringify(input)}: pass an absolute URL or set baseUrl`, {
        cause: error,
      })
    : error;

/** Hooks that see (or may replace) ky's request or its `json`: then ky builds the request body itself, as it documents. */
const observes = (hooks: KyOptions['hooks']): boolean =>
  Boolean(
    hooks?.init?.length || hooks?.beforeRequest?.length || hooks?.beforeRetry?.length || hooks?.afterResponse?.length,
  );

/**
 * The ky options of one call: the caller's, with sturdy's headers, body, retry rules, JSON parser and the fetch ky
 * calls once per attempt (the credential policy, the user's `use`, then the transport).
 */
function kyOptions(call: Call, given: CallOptions, input: unknown, json: unknown): KyOptions {
  const { options, method, client } = call;
  const { auth, use, retry } = options;
  const part = kyPart(given) as KyOptions & { json?: unknown; body?: unknown };
  const { body } = given;
  // Set by the call (ky reads a value 'undefined' as "remove"), else by its input Request or its client? Not
  // ky's request: the platform labels a string body text/plain, which is not the caller's choice.
  const own = given.headers && new Headers(given.headers as HeadersInit);
  const has = (name: string) => {
    const value = own?.get(name);
    return value != null
      ? value !== 'undefined'
      : (input instanceof Request && input.headers.has(name)) || (client.options.headers as Headers).has(name);
  };
  // A hook may look at sturdy's headers (the Idempotency-Key of each attempt) and ky's `json`: then ky gets them
  // and builds the body itself; else they are set on each attempt's request, which spares ky a Headers merge per call.
  const observed = observes(client.options.hooks) || observes(given.hooks) || Boolean(options.onUploadProgress);
  const callersFetch = options.fetch;
  const fetch = callersFetch && callersFetch !== globalThis.fetch ? callersFetch : platformFetch;
  // Nothing between ky and the platform's fetch (which builds its request from fetch's init as well; a caller's
  // fetch may ignore init): the body goes in fetch's init, so fetch builds the one request (a Request copy would
  // cost a second Request and a body proxy). A fetch of the caller's, or middleware, gets a Request that holds
  // everything. With auth, the credential policy hands its credential to that init too.
  const platform = !use?.length && fetch === platformFetch;
  const sendsJson = json !== undefined;
  const factory = typeof body === 'function' ? (body as () => BodyInit) : undefined;
  // The body once more (a retry, a 401 repeat, a 307/308 hop); undefined when it cannot be sent again (a stream).
  let text: string | undefined;
  const replay = sendsJson ? () => text : (factory ?? (isReplayableBody(body) ? () => body as BodyInit : undefined));
  // A body made per attempt (a JSON string when no hook sees ky's request nor upload progress counts its stream,
  // a body factory) is added below ky, so ky never holds it: ky tees a body it holds for its retries, and cancels
  // it after every call, which for a body fetch already read costs a Node error and its stack (about 5 us; more
  // than the Request copy a caller's fetch then gets).
  const perAttempt = sendsJson ? (observed ? undefined : replay) : factory;
  if (perAttempt) delete part.body;
  // sturdy's headers the request lacks: JSON's content-type and accept, and a keyed call's Idempotency-Key,
  // the same on every attempt.
  const extra: Array<[string, string]> = [];
  if (sendsJson) {
    if (body !== undefined) throw new SerializationError('pass either json or body, not both');
    // ky (through the platform's Request) refuses a body with these; the JSON body is sent per attempt, so say it here.
    if (method === 'GET' || method === 'HEAD') throw new TypeError(`sturdy: a ${method} request cannot have a body`);
    if (!has('content-type')) extra.push(['content-type', JSON_CONTENT_TYPE]);
    if (!has('accept')) extra.push(['accept', JSON_ACCEPT]);
    if (observed) {
      part.json = json;
      // ky serializes after its init hooks ran, so their changes to `json` are kept; sturdy's serializer names the bad path.
      part.stringifyJson = (value) => (text = serializeJson(value, options.stringifyJson));
    } else text = serializeJson(json, options.stringifyJson);
  }
  if (isKeyedMethod(method)) {
    const key = options.idempotencyKey;
    const keyGiven = has(IDEMPOTENCY_HEADER);
    call.keyed = key !== false || keyGiven;
    if (key !== false && !keyGiven) extra.push([IDEMPOTENCY_HEADER, key ?? crypto.randomUUID()]);
  }
  if (observed) {
    // The call's own headers, parsed once above, with sturdy's.
    const headers = own || new Headers();
    for (const [name, value] of extra) headers.set(name, value);
    part.headers = headers;
  } else call.headers = extra;

  // What the credential policy reads of this call on each attempt.
  call.fetch = fetch;
  call.replay = replay;
  call.sendBody = perAttempt;
  call.direct = platform;
  const policy = auth && auth.policy(auth);
  // Without auth, a body made per attempt goes on a copy of ky's request for a fetch of the caller's or middleware
  // (either may read only the Request), and on fetch's init for the platform's fetch.
  const copy =
    !auth &&
    perAttempt &&
    !platform &&
    ((request: Request) =>
      new Request(request, {
        body: perAttempt(),
        duplex: 'half',
        // A copy follows its source's signal, and following costs more than the copy itself; when nothing can abort
        // ky's request (no timeout, no total timeout, no signal of the caller's nor of a Request input), it has none.
        signal:
          options.timeout === false && options.totalTimeout === false && !options.signal && !(input instanceof Request)
            ? null
            : undefined,
      } as RequestInit));
  // Without auth, and the platform's fetch right below: the body rides on fetch's init.
  const bodyOnInit = !auth && perAttempt && platform;

  part.method = method;
  // No repeat is possible (no retries, or a body that cannot be sent again): ky gets the smallest retry option.
  part.retry = retry.limit === 0 || !replay ? 0 : kyRetry(call);
  part.fetch = (kyInput, init) => {
    const request = asRequest(kyInput, init);
    call.attempt += 1;
    call.lastRequest = request;
    for (const [name, value] of call.headers ?? []) request.headers.set(name, value);
    // `.json()` asks for JSON unless the caller chose what to accept (ky's own `.json()` would set it too).
    if (call.readsJson && !request.headers.has('accept')) request.headers.set('accept', JSON_ACCEPT);
    const send = (outgoing: Request, credential?: RequestInit) =>
      transport(
        call,
        outgoing,
        fetch,
        bodyOnInit
          ? ({ ...init, body: perAttempt(), duplex: 'half' } as RequestInit)
          : credential
            ? { ...init, ...credential }
            : init,
      );
    // The caller's middleware, between the credential policy (or the body's copy) and fetch.
    const down = use?.length ? (outgoing: Request) => runChain(use, outgoing, send, call) : send;
    const sent = policy ? policy(request, down, call) : down(copy ? copy(request) : request);
    return sent.then((response) => guardResponse(call, response));
  };
  return part;
}

/**
 * The platform's fetch, as a function of its own: a strategy may call its target's `fetch` as a method, and a
 * browser's fetch called on another object is an Illegal invocation. Read per attempt (a mock may replace it).
 */
const platformFetch: typeof fetch = (input, init) => globalThis.fetch(input, init);

/** ky hands fetch its Request, or what a hook returned: a Request-like object (another realm's) becomes a real one. */
const asRequest = (input: Parameters<typeof fetch>[0], init?: RequestInit): Request => {
  if (input instanceof Request) return input;
  const { url, method, headers, body, signal } = input as unknown as Request;
  return new Request(url, { ...init, method, headers, body, signal, duplex: 'half' } as RequestInit);
};
