/**
 * The innermost step of every attempt, right above fetch: `request` / `response` events,
 * the retry budget's refill, the 1 MiB bound on error bodies and the idle / total
 * guard on every body read. ky has none of these (it bounds error bodies by time and
 * 10 MiB, and has no timeout between body chunks).
 */
import { now } from '../shared/clock.ts';
import { boundBody } from './body.ts';
import type { CallState } from './call.ts';
import { NetworkError, TimeoutError, redactErrorChain } from './errors.ts';
import { DEFAULTS, type CallOptions, type ClientOptions } from './options.ts';
import { nameTimeout, withIdleTimeout } from './timeouts.ts';

/** Would ky throw an HTTPError for this status? (then its body is read only for `HTTPError.data`) */
function throwsFor(options: CallOptions & ClientOptions, client: ClientOptions, status: number): boolean {
  const setting = options.throwHttpErrors ?? client.throwHttpErrors ?? true;
  return typeof setting === 'function' ? setting(status) : setting;
}

/**
 * Sends one request with fetch; with `guard`, guards what comes back (see guardResponse).
 * @example
 * const response = await transport(state, options, request, (r) => fetch(r), true);
 */
export async function transport(
  state: CallState,
  options: CallOptions & ClientOptions,
  request: Request,
  fetch: (request: Request) => Promise<Response>,
  guard: boolean,
): Promise<Response> {
  const started = state.onEvent ? now() : 0;
  if (state.onEvent) state.emit({ type: 'request', url: state.redact.url(request.url) });
  const response = await fetch(request);
  if (state.onEvent)
    state.emit({
      type: 'response',
      url: state.redact.url(request.url),
      status: response.status,
      durationMs: Math.round(now() - started),
    });
  if (response.status < 400 || !throwsFor(options, state.client.options, response.status))
    state.client.budget.success();
  return guard ? guardResponse(state, options, request, response) : response;
}

/**
 * The response as its call receives it: every read of its body bound by the call's idleTimeout and
 * totalTimeout, an error body by 1 MiB, and a connection broken mid-body named as a NetworkError of `request`.
 * @example
 * return guardResponse(state, options, request, await runChain(chain, request, send, state));
 */
export function guardResponse(
  state: CallState,
  options: CallOptions & ClientOptions,
  request: Request,
  response: Response,
): Response {
  // Only an error status has an error body to bound (a 304 has none, and a Response may not be built with one).
  const failed = response.status >= 400 && throwsFor(options, state.client.options, response.status);
  const idle = options.idleTimeout ?? state.client.options.idleTimeout ?? DEFAULTS.idleTimeout;
  const describe = () => `${state.method} ${state.redact.url(request.url)}`;
  return withIdleTimeout(
    response,
    idle,
    state,
    (kind, ms) => nameTimeout(new TimeoutError(state.safeRequest()), kind, ms, describe()),
    failed ? boundBody(response) : response,
    // A body cut off after the headers is a network error of this request, named like one.
    (error) => {
      const broken = describeNetworkCause(new NetworkError(state.safeRequest(request), { cause: error }), (text) =>
        state.redact.text(text),
      );
      redactErrorChain(broken, state.redact);
      return broken;
    },
  );
}

/** Cause codes worth naming: what a user searches for (`ECONNREFUSED`), not fetch's generic wrapper text. */
const GENERIC = new Set(['fetch failed', 'terminated', 'network error', 'Failed to fetch', 'Load failed']);

/**
 * Appends a NetworkError's cause to its message, `(ECONNREFUSED)`, `(ENOTFOUND)` or the innermost
 * cause's own words (`(bad port)`, redacted before they are cut): fetch hides it at `error.cause.cause`.
 * @example
 * describeNetworkCause(error, redactor.text).message // 'Request failed due to a network error: GET http://127.0.0.1:9/x (ECONNREFUSED)'
 */
export function describeNetworkCause<E extends Error>(error: E, redact: (text: string) => string): E {
  let detail: string | undefined;
  for (let cause = error.cause, depth = 0; cause instanceof Error && depth < 4; cause = cause.cause, depth++) {
    const code = (cause as { code?: unknown }).code;
    // A system code (ECONNREFUSED, ENOTFOUND, ECONNRESET) is what the user searches for; undici's own codes are not.
    if (typeof code === 'string' && /^E[A-Z\d_]+$/.test(code)) {
      detail = code;
      break;
    }
    if (cause.message !== '' && !GENERIC.has(cause.message)) detail = redact(cause.message).slice(0, 80);
  }
  const original = error.message;
  if (detail === undefined || original.endsWith(`(${detail})`)) return error;
  try {
    // V8 formats `stack` on first read: read it before the message changes, so the header is replaced once.
    const stack = error.stack;
    error.message = `${original} (${detail})`;
    if (stack) error.stack = stack.replace(original, error.message);
  } catch {
    // A frozen error keeps its message.
  }
  return error;
}
