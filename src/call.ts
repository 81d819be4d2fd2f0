/**
 * One call's pipeline: body, attempts, credentials and redirects, limiter, timeouts, final error.
 * Each attempt is one ky call with ky's own retry off; retry.ts decides about repeats, so a
 * JSON body is re-sent from its string and never tee'd.
 */
import ky from 'ky';
import type { Options as KyOptions } from 'ky';
import { assertSecureTransport } from './auth/scope.ts';
import { credentialNames } from './auth/strategy.ts';
import type { AuthStrategy } from './auth/types.ts';
import { readErrorData } from './body.ts';
import type { Input, Resolved, Shared } from './client.ts';
import { AuthError, HTTPError, SerializationError, TimeoutError, isKyLike, isSturdyError, sanitizeKyError } from './errors.ts';
import { emit, type SturdyEvent } from './events.ts';
import { JSON_ACCEPT, JSON_CONTENT_TYPE, serializeJson } from './json.ts';
import type { Limiter } from './limiter.ts';
import { DEFAULTS, type CallOptions, type ClientOptions } from './options.ts';
import { applyIdempotencyKey, decideRetry, isReplayableBody, isReplayableMethod, retryAfterMs } from './retry.ts';
import { validate } from './schema.ts';
import { MAX_TIMER, sleep, startDeadline, timeoutError, withIdleTimeout, type Deadline } from './timeouts.ts';
import { resolveUrl } from './url.ts';
import { canFollowRedirects, followRedirects, type RedirectPolicy } from './redirect.ts';
import { runChain, type CallInfo } from './middleware.ts';

const now = () => globalThis.performance?.now() ?? Date.now();

/** One call: its body, its attempts, its events. */
export class Call {
  attempt = 0;
  private url!: URL;
  private redactedUrl: string | undefined;
  private readonly deadline: Deadline;
  readonly options: CallOptions & ClientOptions;
  private readonly client: Resolved;
  private readonly shared: Shared;
  private readonly method: string;

  constructor(client: Resolved, shared: Shared, method: string) {
    this.client = client;
    this.shared = shared;
    this.method = method;
    this.options = client.options as CallOptions & ClientOptions;
    this.deadline = startDeadline(this.options.totalTimeout ?? DEFAULTS.totalTimeout);
  }

  #info: CallInfo | undefined;
  /** What `use` middleware sees of this call: one object for all its attempts. */
  get callInfo(): CallInfo {
    if (this.#info) return this.#info;
    const call = this;
    const redactor = this.shared.redactor;
    return (this.#info = {
      method: this.method,
      get attempt() {
        return call.attempt;
      },
      signal: this.options.signal ?? undefined,
      remaining: () => this.deadline.remaining(),
      retry: this.client.retry,
      redact: { url: (url) => redactor.url(url), text: (text) => redactor.text(text), isSensitiveHeader: (name) => redactor.isSensitiveHeader(name) },
      isCredentialOrigin: (url) => this.client.origins.has(new URL(url).origin),
      emit: (event) => {
        if (this.options.onEvent) emit(this.options.onEvent, { method: this.method, url: this.safeUrl, attempt: this.attempt, ...event } as SturdyEvent);
      },
      context: (this.options.context as Record<string, unknown> | undefined) ?? {},
    });
  }

  get safeUrl(): string {
    return (this.redactedUrl ??= this.shared.redactor.url(this.url));
  }

  private event(event: Omit<SturdyEvent, 'method' | 'url'>): void {
    if (this.options.onEvent) emit(this.options.onEvent, { ...event, method: this.method, url: this.safeUrl } as SturdyEvent);
  }

  emitError(error: unknown, attempt: number): void {
    if (!this.options.onEvent) return;
    const reason = error instanceof Error ? `${error.name}: ${this.shared.redactor.text(error.message)}` : 'error';
    this.event({ type: 'error', attempt, reason });
  }

  async run(input: Input): Promise<Response> {
    const { options } = this;
    try {
      this.url = resolveUrl(input, options.baseUrl === undefined ? undefined : String(options.baseUrl), options.prefix === undefined ? undefined : String(options.prefix), options.searchParams);
      const prepared = this.prepareBody();
      // Only a schema makes preparing the body asynchronous; a plain body costs no extra await.
      const body = prepared instanceof Promise ? await prepared : prepared;
      const headers = new Headers(options.headers as HeadersInit | undefined);
      if (body.json && !headers.has('content-type')) headers.set('content-type', JSON_CONTENT_TYPE);
      if (!headers.has('accept')) headers.set('accept', JSON_ACCEPT);
      applyIdempotencyKey(this.method, headers, options.idempotencyKey);
      return await this.attempts(headers, body);
    } catch (error) {
      throw await this.fail(error);
    }
  }

  /** The request body: a JSON string (replayable), a factory, or what the caller gave. */
  private prepareBody(): PreparedBody | Promise<PreparedBody> {
    const { json, body, schema } = this.options;
    if (json !== undefined && body !== undefined) {
      throw new SerializationError('pass either json or body, not both: json is serialized and would replace body');
    }
    if (schema !== undefined) return validate(schema, json, 'request', { what: 'request body' }).then((value) => this.jsonBody(value, json));
    if (json !== undefined) return this.jsonBody(json, json);
    if (typeof body === 'function') return { json: false, value: body as () => KyOptions['body'], replayable: true };
    return { json: false, value: () => body, replayable: isReplayableBody(body) };
  }

  /** A `json` body (after its schema, if any): serialized once, so every attempt re-sends the same string. */
  private jsonBody(value: unknown, json: unknown): PreparedBody {
    if (value === undefined && json === undefined) return { json: false, value: () => undefined, replayable: true };
    const text = serializeJson(value, this.options.stringifyJson);
    return { json: true, value: () => text, replayable: true };
  }

  private async attempts(headers: Headers, body: { value: () => KyOptions['body']; replayable: boolean }): Promise<Response> {
    const { client, shared, options } = this;
    const retry = client.retry;
    const replayable = body.replayable && isReplayableMethod(this.method, headers, retry);
    const auth = options.auth || undefined;
    let retryCount = 0;
    let refreshed = false;
    for (;;) {
      this.attempt += 1;
      const started = now();
      let authUsed: unknown = NOT_AUTHORIZED;
      try {
        const attemptHeaders = auth ? new Headers(headers) : headers;
        const url = auth ? new URL(this.url) : this.url;
        if (auth) {
          // A strategy with the credential at hand (a fixed token) answers synchronously: no await then.
          const used = this.authorize(auth, url, attemptHeaders);
          authUsed = typeof (used as PromiseLike<unknown> | undefined)?.then === 'function' ? await used : used;
        }
        // A response from beyond the credential origins never saw the credential: its 401 refreshes nothing.
        const redirects = authUsed === NOT_AUTHORIZED ? undefined : this.redirectPolicy(auth!, body, () => (authUsed = NOT_AUTHORIZED));
        const send = () => {
          if (options.onEvent) this.event({ type: 'request', attempt: this.attempt });
          return this.fetchOnce(url, attemptHeaders, body.value(), redirects);
        };
        const response = await (shared.limiter ? this.throughLimiter(shared.limiter, url.origin, retryCount > 0, send) : send());
        if (options.onEvent) this.event({ type: 'response', attempt: this.attempt, status: response.status, durationMs: Math.round(now() - started) });
        if (response.ok || !this.throwsFor(response.status)) {
          shared.budget.success();
          return response;
        }
        throw await this.httpError(response, url, attemptHeaders);
      } catch (error) {
        if (options.signal?.aborted) throw options.signal.reason;
        const failed = this.timeoutOrError(bodySourceError(error));
        if (failed instanceof TimeoutError && this.deadline.remaining() <= 0) throw failed;
        // A 401 was not processed, so any method may repeat; only a consumed stream body cannot.
        const repeatable = body.replayable && authUsed !== NOT_AUTHORIZED;
        if (auth?.refresh && !refreshed && repeatable && failed instanceof HTTPError && failed.response.status === 401) {
          refreshed = true;
          const url = new URL(this.url);
          if (await auth.refresh(authUsed, { url, headers: new Headers(headers), signal: options.signal ?? undefined, fetch: this.fetchFunction })) {
            this.event({ type: 'retry', attempt: this.attempt + 1, delayMs: 0, reason: '401 refresh' });
            continue;
          }
        }
        retryCount += 1;
        const decision = await decideRetry({ error: failed, retryCount, retry, replayable, budget: shared.budget, timeLeftMs: this.deadline.remaining() });
        if (!decision.retry && decision.outOfTime) throw this.totalTimeout();
        if (!decision.retry) {
          if (decision.retryAfterMs !== undefined) Object.assign(failed as object, { retryAfter: decision.retryAfterMs });
          throw failed;
        }
        this.event({ type: 'retry', attempt: this.attempt + 1, delayMs: Math.round(decision.delayMs), reason: decision.reason });
        await sleep(decision.delayMs, options.signal ?? undefined);
        // Like ky: after the wait, with the request as it will be re-sent (credentials are added per attempt, so absent).
        for (const hook of options.hooks?.beforeRetry ?? []) {
          const state = { request: new Request(this.url, { method: this.method, headers }), options, error: failed as Error, retryCount };
          if ((await hook(state as never)) === ky.stop) throw failed;
        }
      }
    }
  }

  /**
   * Runs one attempt in its origin's queue (concurrency, rateLimit); a retry goes first; totalTimeout bounds the
   * wait. A 429 with a wait pauses the queue before the slot is freed, so no queued call stampedes into the limit.
   */
  private async throughLimiter(limiter: Limiter, origin: string, retrying: boolean, send: () => Promise<Response>): Promise<Response> {
    const wait = { signal: this.options.signal ?? undefined, timeoutMs: this.deadline.remaining(), first: retrying, onTimeout: () => this.totalTimeout() };
    const release = await limiter.acquire(origin, wait);
    try {
      const response = await send();
      if (response.status === 429) limiter.pause(origin, Math.min(retryAfterMs(response.headers) ?? 0, this.client.retry.maxRetryAfter));
      return response;
    } finally {
      release();
    }
  }

  private get fetchFunction(): typeof globalThis.fetch {
    return (this.options.fetch as typeof globalThis.fetch | undefined) ?? globalThis.fetch.bind(globalThis);
  }

  /** May `url` receive credentials? Only credential origins, and only over https or to loopback (else AuthError). */
  private mayReceiveCredentials(auth: AuthStrategy, url: URL): boolean {
    if (!this.client.origins.has(url.origin)) return false;
    assertSecureTransport(url, auth.type, auth.allowInsecure ?? this.options.allowInsecure);
    return true;
  }

  /** Adds credentials when the URL is a credential origin; returns what the strategy used. */
  private authorize(auth: AuthStrategy, url: URL, headers: Headers): unknown {
    if (this.client.origins.size === 0) {
      throw new AuthError(`${auth.type} credentials have no origin to go to: set baseUrl, credentialOrigins or the strategy's origins`);
    }
    if (!this.mayReceiveCredentials(auth, url)) return NOT_AUTHORIZED;
    return auth.authorize({ url, headers, signal: this.options.signal ?? undefined, fetch: this.fetchFunction });
  }

  /** How a credentialed attempt follows redirects (redirect.ts): credentials stay on credential origins only. */
  private redirectPolicy(auth: AuthStrategy, body: { value: () => KyOptions['body']; replayable: boolean }, onLeave: () => void): RedirectPolicy {
    return {
      onLeave,
      keepsCredentials: (url) => this.mayReceiveCredentials(auth, url),
      names: credentialNames(auth),
      replayBody: body.replayable ? (body.value as () => BodyInit | null | undefined) : undefined,
      describe: (url) => this.shared.redactor.url(url),
    };
  }

  private throwsFor(status: number): boolean {
    const setting = this.options.throwHttpErrors ?? true;
    return typeof setting === 'function' ? setting(status) : setting;
  }

  /**
   * One ky call with ky's retry off; per-attempt timeout capped by the call's deadline.
   * With credentials attached (`redirects`), redirects are followed here, not by fetch.
   */
  private async fetchOnce(url: URL, headers: Headers, body: KyOptions['body'], redirects?: RedirectPolicy): Promise<Response> {
    const { options } = this;
    const remaining = this.deadline.remaining();
    if (remaining <= 0) throw this.totalTimeout();
    const perAttempt = options.timeout ?? DEFAULTS.timeout;
    const timeout = Math.min(perAttempt === false ? Infinity : perAttempt, remaining, MAX_TIMER);
    const hooks = options.hooks;
    const kyOptions: KyOptions = {
      ...this.client.passThrough,
      method: this.method,
      headers,
      retry: 0,
      timeout: timeout === Infinity ? false : timeout,
      throwHttpErrors: false,
    };
    if (body !== undefined) kyOptions.body = body;
    if (options.signal) kyOptions.signal = options.signal;
    if (options.fetch) kyOptions.fetch = options.fetch;
    const use = options.use;
    if (use?.length) {
      const base = this.fetchFunction;
      const info = this.callInfo;
      kyOptions.fetch = (input, init) => runChain(use, input instanceof Request ? input : new Request(input, init), (request) => base(request, init), info);
    }
    if (hooks) kyOptions.hooks = { init: hooks.init ?? [], beforeRequest: hooks.beforeRequest ?? [], afterResponse: hooks.afterResponse ?? [] };
    const followHere = redirects && (kyOptions.redirect ?? 'follow') === 'follow' && canFollowRedirects();
    // Each hop gets what is left of totalTimeout, so a chain of slow redirects cannot outlast it.
    const hopTimeout = () => (timeout === Infinity ? false : Math.max(1, Math.min(timeout, this.deadline.remaining())));
    const response = followHere
      ? await followRedirects(
          { url, method: this.method, headers, body: body as BodyInit | undefined },
          (hop) => ky(hop.url, { ...kyOptions, method: hop.method, headers: hop.headers, body: hop.body ?? null, redirect: 'manual', timeout: hopTimeout() }),
          redirects,
        )
      : await ky(url, kyOptions);
    return withIdleTimeout(response, options.idleTimeout ?? DEFAULTS.idleTimeout, this.deadline, (kind, ms) =>
      timeoutError(this.method, this.safeUrl, kind, ms),
    );
  }

  private async httpError(response: Response, url: URL, headers: Headers): Promise<HTTPError> {
    const safeHeaders = new Headers();
    for (const [name, value] of headers) if (!this.shared.redactor.isSensitiveHeader(name)) safeHeaders.set(name, value);
    const request = new Request(url === this.url ? this.safeUrl : this.shared.redactor.url(url), { method: this.method, headers: safeHeaders });
    const error = new HTTPError(response, request, {} as never);
    error.data = await readErrorData(response);
    return error;
  }

  /** ky's TimeoutError for a per-attempt limit becomes ours (message names the limit); the rest passes. */
  private timeoutOrError(error: unknown): unknown {
    if (!(error instanceof TimeoutError) || 'timeout' in error) return error;
    if (this.deadline.remaining() <= 0) return this.totalTimeout();
    const ms = this.options.timeout ?? DEFAULTS.timeout;
    return timeoutError(this.method, this.safeUrl, 'attempt', ms === false ? 0 : ms);
  }

  private totalTimeout(): TimeoutError {
    return timeoutError(this.method, this.safeUrl, 'total', Number(this.options.totalTimeout ?? DEFAULTS.totalTimeout));
  }

  /** Final error: redacted, reported once, passed through the caller's beforeError hooks. */
  private async fail(error: unknown): Promise<unknown> {
    let result = error;
    for (const hook of this.options.hooks?.beforeError ?? []) {
      if (!isKyLike(result)) break;
      const replaced = await hook({ error: result as never, request: new Request(this.safeUrl, { method: this.method }) as never, options: {} as never, retryCount: this.attempt - 1 });
      if (replaced instanceof Error) result = replaced;
    }
    if (isKyLike(result)) result = sanitizeKyError(result, this.shared.redactor, this.url?.href ?? '');
    this.emitError(result, this.attempt);
    return result;
  }
}

const NOT_AUTHORIZED = Symbol('not authorized');

/** A call's request body, prepared once: `value()` gives it for each attempt. */
type PreparedBody = { json: boolean; value: () => KyOptions['body']; replayable: boolean };

/**
 * A request body stream that failed with sturdy's own error (an NDJSON record JSON cannot carry)
 * reaches us wrapped by fetch and ky (NetworkError > TypeError > ours): surface ours, not a network error.
 */
function bodySourceError(error: unknown): unknown {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 3; cause = cause.cause, depth++) if (isSturdyError(cause)) return cause;
  return error;
}
