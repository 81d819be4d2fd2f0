/**
 * Fetch middleware (`use`): the one extension point around every network
 * attempt. sturdy's own transport policies and the optional modules
 * (`sturdy/cache`, `sturdy/otel`, `sturdy/limit`, ...) have this shape too.
 */
import type { SturdyEvent } from './events.ts';

/**
 * What a middleware knows about the call its attempt belongs to. One object per
 * call (the same on every attempt of that call, `attempt` counting up), so a
 * middleware may key per-call state on it (a WeakMap).
 * @example
 * const tracing: Middleware = (request, next, call) => { if (call.attempt > 1) markRetry(); return next(request); };
 */
export type CallInfo = {
  /** The call's method, upper case. */
  readonly method: string;
  /** 1 for the first attempt, 2 for the first retry, ... */
  readonly attempt: number;
  /** The caller's signal, if any. */
  readonly signal: AbortSignal | undefined;
  /** Milliseconds left of the call's `totalTimeout` (Infinity without one). */
  remaining(): number;
  /** The call's retry settings that a transport policy needs. */
  readonly retry: { readonly limit: number; readonly maxRetryAfter: number };
  /** The client's redactor: URLs and text as they may appear in logs, events and spans. */
  readonly redact: {
    url(url: string | URL): string;
    text(text: string): string;
    isSensitiveHeader(name: string): boolean;
  };
  /** Does `url` belong to the client's credential origins (baseUrl, credentialOrigins, auth.origins)? */
  isCredentialOrigin(url: string | URL): boolean;
  /** Sends an event to the client's `onEvent` (method and url are filled in when missing). */
  emit(event: { type: SturdyEvent['type'] } & Partial<SturdyEvent>): void;
  /** ky's `context` option of the call. */
  readonly context: Readonly<Record<string, unknown>>;
  /**
   * The header and query parameter names the call's auth strategy set on this attempt (registered with the
   * redactor or not: a custom strategy's too); undefined when this attempt carries no credential. A cache or
   * de-duplication key must separate requests by these values; nothing may store or show them.
   */
  readonly credential: CredentialNames | undefined;
};

/**
 * Names of the headers and query parameters that carry a credential.
 * @example
 * { headers: ['authorization', 'x-token'], query: ['api_key'] }
 */
export type CredentialNames = { readonly headers: readonly string[]; readonly query: readonly string[] };

/**
 * Sends the request on: to the next middleware, and from the last one to fetch.
 * @example
 * const next: Next = (request) => fetch(request);
 */
export type Next = (request: Request) => Promise<Response>;

/**
 * A fetch middleware: gets each attempt's `Request`, calls `next` with the
 * request to send (or answers without calling it), returns the Response.
 * @example
 * const timing: Middleware = async (request, next) => {
 *   const started = performance.now();
 *   try { return await next(request); } finally { console.log(request.url, performance.now() - started); }
 * };
 * createClient({ baseUrl, use: [timing] });
 */
export type Middleware = (request: Request, next: Next, call: CallInfo) => Promise<Response>;

/**
 * Runs `request` through `chain` (outermost first) down to `send`.
 * @example
 * const response = await runChain([timing], request, (r) => fetch(r), call);
 */
export function runChain(
  chain: readonly Middleware[],
  request: Request,
  send: Next,
  call: CallInfo,
): Promise<Response> {
  const step = async (index: number, current: Request): Promise<Response> =>
    index < chain.length ? chain[index]!(current, (next) => step(index + 1, next), call) : send(current);
  return step(0, request);
}
