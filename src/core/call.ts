/**
 * One call: its state (the CallInfo every middleware sees), and the ky options that attach
 * sturdy's policies to ky's pipeline: the retry rules (retry.ts), the fetch middleware chain
 * (credentials, the user's `use`, the transport guards) and the JSON body's serializer.
 */
import { now } from '../shared/clock.ts';
import type { Options as KyOptions, KyInstance } from 'ky';
import type { AuthStrategy } from '../auth/types.ts';
import {
  HTTPError,
  NetworkError,
  SerializationError,
  TimeoutError,
  isKyLike,
  isSturdyError,
  redactErrorChain,
  sanitizeKyError,
} from './errors.ts';
import { emit, type EventListener, type SturdyEvent } from './events.ts';
import { JSON_ACCEPT, JSON_CONTENT_TYPE, serializeJson } from './json.ts';
import { runChain, type CallInfo, type Middleware, type Next } from './middleware.ts';
import { DEFAULTS, type CallOptions, type ClientOptions } from './options.ts';
import type { Redactor } from './redact.ts';
import {
  IDEMPOTENCY_HEADER,
  isKeyedMethod,
  isReplayableBody,
  isReplayableMethod,
  kyRetry,
  retryAfterMs,
  type NormalizedRetry,
  type RetryBudget,
} from './retry.ts';
import { nameTimeout } from './timeouts.ts';
import { describeNetworkCause, guardResponse, transport } from './transport.ts';

/** What a client resolved once for all its calls (client.ts builds it). */
export type ClientState = {
  ky: KyInstance;
  /** The client's options as given (merged for extended clients). */
  options: ClientOptions;
  retry: NormalizedRetry;
  origins: ReadonlySet<string>;
  redactor: Redactor;
  budget: RetryBudget;
  /** Does the client's own `headers` option set this header? */
  hasHeader(name: string): boolean;
};

const headerIn = (headers: CallOptions['headers'], name: string): boolean | undefined => {
  if (!headers) return undefined;
  if (headers instanceof Headers) return headers.has(name) || undefined;
  if (Array.isArray(headers)) return headers.some(([key]) => String(key).toLowerCase() === name) || undefined;
  for (const key in headers)
    if (key.toLowerCase() === name) return (headers as Record<string, string | undefined>)[key] !== undefined;
  return undefined;
};

/**
 * One call's state. It is the `CallInfo` each middleware gets: one object for every attempt.
 */
export class CallState implements CallInfo {
  attempt = 0;
  readonly method: string;
  readonly signal: AbortSignal | undefined;
  readonly retry: NormalizedRetry;
  readonly redact: Redactor;
  readonly context: Readonly<Record<string, unknown>>;
  /** `.json()` was called: an attempt without an Accept header asks for JSON. */
  wantsJson = false;
  /** The request ky handed to fetch last (parseJson's `request`, error views). */
  lastRequest: Request | undefined;
  /** Set by the credential policy per attempt (see CallInfo). */
  credential: CallInfo['credential'] = undefined;
  readonly started = now();
  readonly totalTimeout: number | false;
  readonly client: ClientState;
  readonly onEvent: EventListener | undefined;
  /** The per-attempt `timeout` in force (for naming a TimeoutError). */
  readonly timeout: number | false;
  private readonly end: number;
  #failed: unknown;

  /** Where this call's credentials may go (the client's, unless the call changes baseUrl, auth or credentialOrigins). */
  readonly origins: ReadonlySet<string>;

  constructor(
    client: ClientState,
    method: string,
    options: CallOptions & ClientOptions,
    retry: NormalizedRetry,
    redactor: Redactor,
    origins = client.origins,
  ) {
    this.client = client;
    this.origins = origins;
    this.method = method;
    this.signal = options.signal ?? undefined;
    this.retry = retry;
    this.redact = redactor;
    this.context = options.context ?? client.options.context ?? {};
    this.onEvent = options.onEvent ?? client.options.onEvent;
    this.totalTimeout = options.totalTimeout ?? client.options.totalTimeout ?? DEFAULTS.totalTimeout;
    this.timeout = options.timeout ?? client.options.timeout ?? DEFAULTS.timeout;
    this.end = this.totalTimeout === false ? Infinity : this.started + this.totalTimeout;
  }

  remaining(): number {
    return this.end === Infinity ? Infinity : Math.max(0, this.end - now());
  }

  isCredentialOrigin(url: string | URL): boolean {
    try {
      return this.origins.has(new URL(url).origin);
    } catch {
      return false;
    }
  }

  /** The call's URL as it may be shown (the last attempt's request, redacted). */
  get safeUrl(): string {
    return this.lastRequest ? this.redact.url(this.lastRequest.url) : '';
  }

  emit(event: { type: SturdyEvent['type'] } & Partial<SturdyEvent>): void {
    if (this.onEvent)
      emit(this.onEvent, { method: this.method, url: this.safeUrl, attempt: this.attempt, ...event } as SturdyEvent);
  }

  /** A TimeoutError for `totalTimeout`, named and with the request as it may be shown. */
  totalTimeoutError(): TimeoutError {
    return nameTimeout(
      new TimeoutError(this.safeRequest()),
      'total',
      Number(this.totalTimeout),
      `${this.method} ${this.safeUrl}`,
    );
  }

  /**
   * The error the caller gets, whatever failed: the source of a request body's own error, a
   * TimeoutError that says which limit ran out, `retryAfter` on a paced HTTPError, every message
   * and view redacted, and one `error` event. The same error twice is finalized once.
   */
  fail(error: unknown): unknown {
    if (error === this.#failed) return error;
    let result = bodySourceError(error);
    if (result instanceof TimeoutError && !('timeout' in result)) {
      const total = this.remaining() <= 5;
      nameTimeout(
        result,
        total ? 'total' : 'attempt',
        Number(total ? this.totalTimeout : this.timeout),
        `${this.method} ${this.safeUrl}`,
      );
    }
    if (
      result instanceof HTTPError &&
      (result as { retryAfter?: number }).retryAfter === undefined &&
      this.retry.afterStatusCodes.includes(result.response.status)
    ) {
      const wait = retryAfterMs(result.response.headers);
      if (wait !== undefined) Object.assign(result, { retryAfter: wait });
    }
    if (result instanceof NetworkError) describeNetworkCause(result, (text) => this.redact.text(text));
    if (isSturdyError(result)) redactErrorChain(result, this.redact);
    else if (isKyLike(result)) {
      // The caller's beforeError hooks saw ky's real request; what leaves the call holds no secret.
      if (result.request instanceof Request) {
        try {
          Object.defineProperty(result, 'request', {
            value: this.safeRequest(result.request),
            configurable: true,
            writable: true,
          });
        } catch {
          // A frozen error keeps its request; its views below are redacted all the same.
        }
      }
      result = sanitizeKyError(result, this.redact, this.lastRequest?.url ?? '');
    }
    // Any other error (the runtime's TypeError for `https://user:pass@host`, a hook's) leaves redacted too.
    else redactErrorChain(result, this.redact);
    if (this.onEvent) {
      const reason = result instanceof Error ? `${result.name}: ${this.redact.text(result.message)}` : 'error';
      this.emit({ type: 'error', reason, durationMs: Math.round(now() - this.started) });
    }
    this.#failed = result;
    return result;
  }

  /** A request (the last one by default) without credential headers and with a redacted URL: what errors carry. */
  safeRequest(request = this.lastRequest): Request {
    const headers = new Headers();
    for (const [name, value] of request?.headers ?? [])
      if (!this.redact.isSensitiveHeader(name)) headers.set(name, this.redact.text(value));
    const url = request ? this.redact.url(request.url) : this.safeUrl;
    return new Request(url || 'about:blank', { method: request?.method ?? this.method, headers });
  }
}

/**
 * A call's body, as the policies need it: a way to send it again (none for a stream), and whether sturdy
 * attaches it per attempt (`perAttempt`: a factory, or a JSON string ky never holds).
 */
type Body = {
  replay: (() => BodyInit | null | undefined) | undefined;
  perAttempt: (() => BodyInit) | undefined;
  json: boolean;
};

const bodyOf = (options: CallOptions, json: { text?: string }, direct: boolean): Body => {
  const { body } = options;
  if (typeof body === 'function')
    return { replay: body as () => BodyInit, perAttempt: body as () => BodyInit, json: false };
  if (options.json !== undefined)
    return { replay: () => json.text, perAttempt: direct ? () => json.text! : undefined, json: true };
  return {
    replay: isReplayableBody(body) ? () => body as BodyInit | null | undefined : undefined,
    perAttempt: undefined,
    json: false,
  };
};

/** Hooks that see (or may replace) ky's request or its `json`: then ky builds the request body itself, as it documents. */
const observes = (hooks: ClientOptions['hooks']): boolean =>
  Boolean(
    hooks &&
      ['init', 'beforeRequest', 'beforeRetry', 'afterResponse'].some(
        (name) => ((hooks as Record<string, unknown[] | undefined>)[name]?.length ?? 0) > 0,
      ),
  );

/**
 * The ky options of one call (sturdy's keys removed by the caller), with sturdy's policies attached.
 * @example
 * const response = await client.ky(input, callKyOptions(state, kyPart, options, input));
 */
export function callKyOptions(
  state: CallState,
  kyPart: Record<string, unknown>,
  options: CallOptions & ClientOptions,
  input: unknown,
): KyOptions {
  const { client, method } = state;
  if (options.json !== undefined && options.body !== undefined) {
    throw new SerializationError('pass either json or body, not both: json is serialized and would replace body');
  }
  const has = (name: string) =>
    headerIn(options.headers, name) ??
    (input instanceof Request && input.headers.has(name) ? true : client.hasHeader(name));
  const extra: Record<string, string> = {};
  if (options.json !== undefined && !has('content-type')) extra['content-type'] = JSON_CONTENT_TYPE;
  if (options.json !== undefined && !has('accept')) extra.accept = JSON_ACCEPT;
  const key = options.idempotencyKey;
  const keyed = isKeyedMethod(method) && (has(IDEMPOTENCY_HEADER) || key !== false);
  if (keyed && key !== false && !has(IDEMPOTENCY_HEADER))
    extra[IDEMPOTENCY_HEADER] = typeof key === 'string' ? key : crypto.randomUUID();

  const json: { text?: string } = {};
  const userStringify = options.stringifyJson ?? client.options.stringifyJson;
  // With no hook to see ky's request (nor upload progress to count it), a JSON body is sent from its string per
  // attempt: ky then holds no body, so it has nothing to tee for its retries.
  const observed =
    observes(client.options.hooks) ||
    observes(options.hooks) ||
    Boolean(options.onUploadProgress ?? client.options.onUploadProgress);
  const direct = options.json !== undefined && !observed;
  const body = bodyOf(options, json, direct);
  const kyOptions: KyOptions = { ...kyPart, method };
  if (direct) {
    json.text = serializeJson(options.json, userStringify);
    delete kyOptions.json;
  }
  // ky serializes after its init hooks ran, so their changes to `json` are kept; sturdy's serializer names the bad path.
  else kyOptions.stringifyJson = (value) => (json.text = serializeJson(value, userStringify));
  if (typeof options.body === 'function') delete kyOptions.body;
  if (options.headers || Object.keys(extra).length > 0) kyOptions.headers = mergeExtra(options.headers, extra);
  kyOptions.retry = kyRetry({
    retry: state.retry,
    bodyReplayable: body.replay !== undefined,
    methodReplayable: isReplayableMethod(method, keyed, state.retry),
    keyed,
    budget: client.budget,
    remaining: () => state.remaining(),
    onRetry: (decision) =>
      state.emit({
        type: 'retry',
        attempt: state.attempt + 1,
        delayMs: Math.round(decision.delayMs),
        reason: decision.reason,
      }),
    outOfTime: () => state.totalTimeoutError(),
  }) as NonNullable<KyOptions['retry']>;
  if (state.totalTimeout !== (client.options.totalTimeout ?? DEFAULTS.totalTimeout))
    kyOptions.totalTimeout = state.totalTimeout;
  kyOptions.fetch = chainFetch(state, options, body, observed);
  return kyOptions;
}

const mergeExtra = (
  headers: CallOptions['headers'],
  extra: Record<string, string>,
): NonNullable<KyOptions['headers']> => {
  if (!headers) return extra;
  if (headers instanceof Headers || Array.isArray(headers)) {
    const merged = new Headers(headers as HeadersInit);
    for (const name in extra) merged.set(name, extra[name]!);
    return merged;
  }
  return { ...headers, ...extra };
};

/** The fetch ky calls once per attempt: the middleware chain down to the transport. */
function chainFetch(
  state: CallState,
  options: CallOptions & ClientOptions,
  body: Body,
  observed: boolean,
): NonNullable<KyOptions['fetch']> {
  const { client } = state;
  const auth: AuthStrategy | undefined = (options.auth === undefined ? client.options.auth : options.auth) || undefined;
  const chain: Middleware[] = [];
  const fetch = baseFetch(options, client);
  // A body made per attempt (a factory, a JSON string) is added here, so ky never holds (or tees) it; with
  // credentials on a JSON body the credential policy adds it to the one copy it makes anyway.
  const { perAttempt } = body;
  const policyAttaches = Boolean(auth) && body.json;
  if (perAttempt && !policyAttaches)
    chain.push((request, next) => next(new Request(request, { body: perAttempt(), duplex: 'half' } as RequestInit)));
  if (auth) {
    chain.push(
      auth.policy(auth, {
        origins: state.origins,
        allowInsecure: auth.allowInsecure ?? options.allowInsecure ?? client.options.allowInsecure ?? false,
        fetch,
        replay: body.replay,
        // A JSON body goes out from its string unless a hook may have replaced ky's request (or upload progress counts its stream).
        sendBody: policyAttaches && !observed ? body.replay : undefined,
        bodyless: policyAttaches && perAttempt !== undefined,
        onRepeat: () => {
          state.emit({ type: 'retry', attempt: state.attempt + 1, delayMs: 0, reason: '401 refresh' });
          state.attempt += 1;
        },
      }),
    );
  }
  const use = options.use ? [...(client.options.use ?? []), ...options.use] : client.options.use;
  if (use) chain.push(...use);
  return (input, init) => {
    const request = input instanceof Request ? input : new Request(input, init);
    state.attempt += 1;
    state.lastRequest = request;
    if (state.wantsJson && !request.headers.has('accept')) request.headers.set('accept', JSON_ACCEPT);
    const direct = chain.length === 0;
    const send: Next = (outgoing) => transport(state, options, outgoing, (r) => fetch(r, init), direct);
    if (direct) return send(request);
    // The guards bound what this call receives, not what fetch returned: a middleware that hands one response
    // to several calls (dedupe) leaves each its own timeouts, and one call's limit never ends the others.
    return runChain(chain, request, send, state).then((response) => guardResponse(state, options, request, response));
  };
}

const baseFetch = (options: CallOptions & ClientOptions, client: ClientState): typeof globalThis.fetch =>
  (options.fetch as typeof globalThis.fetch | undefined) ??
  (client.options.fetch as typeof globalThis.fetch | undefined) ??
  globalThis.fetch.bind(globalThis);

/**
 * A request body stream that failed with sturdy's own error (an NDJSON record JSON cannot carry)
 * reaches us wrapped by fetch and ky (NetworkError > TypeError > ours): surface ours, not a network error.
 */
function bodySourceError(error: unknown): unknown {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 3; cause = cause.cause, depth++)
    if (isSturdyError(cause)) return cause;
  return error;
}
